"""srccompare: compare news articles.

Clean them (boilerplate out, metadata apart), align two side by side, and find
the passages a corpus shares and which agency's copy they are.

    >>> from srccompare import clean_text
    >>> article = clean_text(open("seeds/000_a89f6ea31e7902d2.txt").read())
    >>> article.metadata.credits

Names are imported on first use, so ``import srccompare`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> module that defines it
_EXPORTS = {
    "Article": "srccompare.model",
    "CleanArticle": "srccompare.model",
    "Credit": "srccompare.model",
    "Metadata": "srccompare.model",
    "Removal": "srccompare.model",
    "LoadError": "srccompare.model",
    "to_dict": "srccompare.model",
    "Settings": "srccompare.settings",
    "load_settings": "srccompare.settings",
    "load_inputs": "srccompare.ingest.load",
    "article_from_text": "srccompare.ingest.decode",
    "clean_article": "srccompare.clean",
    "clean_articles": "srccompare.clean",
    "clean_text": "srccompare.clean",
    "load_and_clean": "srccompare.ingest.corpus",
    "diff_articles": "srccompare.diff",
    "find_reuse": "srccompare.reuse",
    "DiffResult": "srccompare.model",
    "Row": "srccompare.model",
    "ReuseResult": "srccompare.model",
    "Passage": "srccompare.model",
    "Family": "srccompare.model",
    "Attribution": "srccompare.model",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from srccompare.clean import clean_article, clean_articles, clean_text
    from srccompare.ingest.corpus import load_and_clean
    from srccompare.diff.align import diff_articles
    from srccompare.reuse.pipeline import find_reuse
    from srccompare.ingest.decode import article_from_text
    from srccompare.ingest.load import load_inputs
    from srccompare.model import (
        Article, Attribution, CleanArticle, Credit, DiffResult, Family, LoadError, Metadata, Passage, Removal,
        ReuseResult, Row, to_dict,
    )
    from srccompare.settings import Settings, load_settings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'srccompare' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
