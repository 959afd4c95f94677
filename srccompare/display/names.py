"""What an article is called on screen and in reports: one definition, pure.

An article is named by what a reader knows it by: its outlet and title when
the metadata has them, and otherwise the file it came from (never the
internal id alone, which is a hash for most inputs). Views give the name the
width they have; ``fitted`` cuts it with an ellipsis only when it must.
"""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

from srccompare.model import CleanArticle, DocumentSummary
from srccompare.display.visible import visible

ELLIPSIS = "…"


def source_name(source: str) -> str:
    """The short form of where an article came from: a file's name (with ``:line`` for
    JSON Lines), a URL's host and path, or the source as given (``<stdin>``)."""
    if "://" in source:
        parts = urlsplit(source)
        return (parts.netloc + parts.path).rstrip("/") or source
    path, colon, line = source.rpartition(":")
    if colon and line.isdigit() and path:
        return f"{PurePath(path).name}:{line}"
    return PurePath(source).name or source


def article_name(title: str | None, source: str, doc_id: str = "") -> str:
    """The title where known, else the source's short form, else the id (made visible: an index
    written before names were made visible when read may hold raw ones)."""
    title = " ".join(title.split()) if title else ""
    return visible(title or source_name(source) or doc_id)


def outlet_and_name(outlet: str | None, title: str | None, source: str, doc_id: str = "") -> str:
    """"Outlet: Title" (or "Outlet: file.txt"), for places with one column for both."""
    name = article_name(title, source, doc_id)
    return f"{visible(outlet)}: {name}" if outlet else name


def name_of(item: CleanArticle | DocumentSummary) -> str:
    """``outlet_and_name`` of a cleaned article or of a reuse result's document."""
    if isinstance(item, CleanArticle):
        meta = item.metadata
        return outlet_and_name(meta.outlet, meta.title, item.source, item.id)
    return outlet_and_name(item.outlet, item.title, item.source, item.doc_id)


def fitted(name: str, width: int) -> str:
    """``name`` in at most ``width`` characters: whole when it fits, else cut with an ellipsis."""
    if width <= 0:
        return ""
    if len(name) <= width:
        return name
    return name[: width - 1].rstrip() + ELLIPSIS
