"""What the reports call an article: its title where known, else its file name.

An id such as ``5365__bef0c1...`` tells a reader nothing; the title the
cleaner found (or a JSON Lines record gave) does, and failing that the file
the article came from is what the user named. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from srccompare.model import DocumentSummary

# "corpus.jsonl:12" (a JSON Lines record) and "<stdin>": the record's id says more than the file's name.
RECORD_SOURCE = re.compile(r":\d+$")


def file_name(source: str, doc_id: str) -> str:
    """The file an article came from without its folders; a URL without its scheme; a record's id."""
    if source.startswith(("http://", "https://")):
        return source.split("://", 1)[1]
    if RECORD_SOURCE.search(source) or source.startswith("<"):
        return doc_id
    return PurePath(source).name or doc_id


def article_name(document: DocumentSummary) -> str:
    """The title where known, else the file name."""
    title = " ".join((document.title or "").split())
    return title or file_name(document.source, document.doc_id)


def article_label(document: DocumentSummary) -> str:
    """"Outlet: name" (or the name alone when the outlet is unknown)."""
    name = article_name(document)
    return f"{document.outlet}: {name}" if document.outlet else name


def shortened(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word where it can, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"
