"""A persistent index of articles for reuse detection: add to it over time, ask it about new articles.

``srccompare.index.store`` is the small interface a backend offers;
``srccompare.index.sqlite`` the SQLite backend (the embedded default);
``srccompare.index.build`` computes what is stored of an article (with the
same core functions as ``reuse``); ``srccompare.index.query`` answers for one
article with the same aligner and attribution as ``reuse``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from srccompare.index.store import AddOutcome, IndexEntry, IndexFileError, IndexStats, Store, StoredArticle
from srccompare.settings import Settings

DEFAULT_DB = "srccompare.sqlite"
DB_VARIABLE = "SRCCOMPARE_DB"


def default_db_path() -> Path:
    """$SRCCOMPARE_DB, else ./srccompare.sqlite."""
    return Path(os.environ.get(DB_VARIABLE) or DEFAULT_DB)


def open_index(path: str | Path, settings: Settings, *, create: bool = False, read_only: bool = False) -> Store:
    """The SQLite index at ``path``, checked against the [reuse] settings that shape postings
    (``read_only``: opened for reading only)."""
    from srccompare.index.build import parameters_record
    from srccompare.index.sqlite import SQLiteStore
    from srccompare.reuse.sketch import index_parameters

    parameters: dict[str, Any] = parameters_record(index_parameters(settings.reuse))
    return SQLiteStore.open(path, parameters, create=create, read_only=read_only)


__all__ = [
    "AddOutcome", "IndexEntry", "IndexFileError", "IndexStats", "Store", "StoredArticle",
    "DEFAULT_DB", "DB_VARIABLE", "default_db_path", "open_index",
]
