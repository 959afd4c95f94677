"""Diff: two cleaned articles -> aligned rows with word-level operations.

``normal`` gives the normal forms paragraphs are compared on, ``align`` pairs
paragraphs wherever they stand, ``word_diff`` the word operations inside a pair.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from srccompare.diff.align import diff_articles

__all__ = ["diff_articles"]


def __getattr__(name: str) -> Any:
    if name == "diff_articles":
        return importlib.import_module("srccompare.diff.align").diff_articles
    raise AttributeError(f"module 'srccompare.diff' has no attribute {name!r}")
