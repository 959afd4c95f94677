"""The SQLite index: one file, WAL mode, one transaction a batch.

Tables: ``meta`` (schema version, the index parameters, who created it),
``articles`` (number, id, blake3 content hash UNIQUE, cleaned body, metadata
and removals as JSON, wire agency), ``shingles`` (hash -> doc, position), ``bands``
(key -> doc, band, window) and ``tokens`` (hash -> document frequency).
64-bit hashes are stored as SQLite's signed integers (the same bits).

Safety: WAL journaling, so readers keep a consistent snapshot while a writer
adds, and a killed writer leaves the last committed batch intact (the WAL is
replayed or ignored on the next open). ``synchronous=NORMAL`` keeps commits
through a crash of the process; only a power cut may lose the last ones. The
file says what it is (``PRAGMA application_id``) and which schema it has
(``user_version``, also in ``meta``): another application's database or
another schema version is refused with a message, never misread.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from srccompare.index.store import (
    AddOutcome,
    IndexEntry,
    IndexFileError,
    IndexStats,
    KeyPostings,
    PostingKind,
    StoredArticle,
    Store,
)
from srccompare.model import PARAGRAPH_SEPARATOR, CleanArticle, Credit, Metadata, Removal, free_id, to_dict
from srccompare.reuse.arrays import distinct

APPLICATION_ID = 0x53524358  # "SRCX": marks the file as a srccompare index
SCHEMA_VERSION = 1
# Older schema versions this code can bring up to SCHEMA_VERSION: version -> SQL. None yet.
MIGRATIONS: dict[int, str] = {}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE articles (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash BLOB NOT NULL UNIQUE,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    paragraphs TEXT,
    metadata TEXT NOT NULL,
    removals TEXT NOT NULL,
    wire TEXT,
    words INTEGER NOT NULL,
    added TEXT NOT NULL
);
CREATE TABLE shingles (
    hash INTEGER NOT NULL, doc INTEGER NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (hash, doc)
) WITHOUT ROWID;
CREATE TABLE bands (
    key INTEGER NOT NULL, doc INTEGER NOT NULL, band INTEGER NOT NULL, win INTEGER NOT NULL, PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE tokens (hash INTEGER PRIMARY KEY, documents INTEGER NOT NULL);
"""

POSTING_TABLES = {"shingles": ("shingles", "hash"), "bands": ("bands", "key")}
ARTICLE_COLUMNS = "a.number, a.id, a.source, a.kind, a.body, a.paragraphs, a.metadata, a.removals, a.wire"
# Page cache of a connection, in KiB (negative: SQLite's unit for KiB). Larger
# keeps more of the postings B-trees in memory while adding (inserts land at
# random keys); 256 MB is a small share of a desktop's memory.
CACHE_KIB = 262_144
# After a checkpoint the write-ahead log is cut back to this size (else it
# stays as large as the largest batch ever made it).
WAL_LIMIT_BYTES = 64 * 1024 * 1024


def srccompare_version() -> str:
    try:
        return version("srccompare")
    except PackageNotFoundError:
        return "unknown"


class SQLiteStore(Store):
    """An index in one SQLite file. ``open`` checks it; ``create=True`` makes a new one if absent."""

    def __init__(self, connection: sqlite3.Connection, path: Path, parameters: dict[str, Any]) -> None:
        self.connection = connection
        self.path = path
        self.parameters = parameters

    @classmethod
    def open(cls, path: str | Path, parameters: dict[str, Any], *, create: bool = False, read_only: bool = False) -> SQLiteStore:
        """Open (or with ``create``, make) the index at ``path`` built with ``parameters``; IndexFileError if
        unusable. ``read_only``: never write to it (an index of another user's may be read). A new file
        that could not be made whole (a full disk) is removed again."""
        path = Path(path)
        exists = path.exists()
        if path.is_dir():
            raise IndexFileError(f"{path}: is a directory, not an index file")
        if exists and not path.is_file():
            raise IndexFileError(f"{path}: not a regular file (a device, pipe or socket), not an index")
        if not create and not exists:
            raise IndexFileError(f"{path}: no index there (make one with: srccompare index add PATH --db {path})")
        made = create and not exists
        read_only = read_only and not made
        connection = _connect(path, read_only)
        try:
            try:
                _check_or_create(connection, path, parameters, create and not read_only)
            except sqlite3.OperationalError as error:
                if not (read_only and _unwritable_beside(path, error)):
                    raise
                # WAL needs its -shm file beside the index, which a reader that may not write there
                # cannot make; with no -wal file no writer has it open, so it can be read as it is.
                connection.close()
                connection = _connect(path, read_only, immutable=True)
                _check_or_create(connection, path, parameters, False)
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            if not read_only:  # (a reader leaves the journal as it is: changing it writes)
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
        except BaseException as error:
            connection.close()
            if made:
                remove_index_files(path)
            if isinstance(error, sqlite3.Error):
                raise IndexFileError(f"{path}: {_described(error)}") from None
            raise
        store = cls(connection, path, parameters)
        store.made = made
        return store

    made = False  # whether ``open`` made the file

    def close(self) -> None:
        self.connection.close()

    # --- writing ---------------------------------------------------------------

    def add(self, entries: Sequence[IndexEntry]) -> AddOutcome:
        added: list[str] = []
        duplicates: list[str] = []
        stored: list[tuple[int, IndexEntry]] = []
        with self._write():
            for entry in entries:
                number = self._insert_article(entry)
                if number is None:
                    duplicates.append(entry.article.id)
                else:
                    stored.append((number, entry))
                    added.append(self._id_of(number))
            self._insert_postings(stored)
        return AddOutcome(tuple(added), tuple(duplicates))

    @contextmanager
    def _write(self) -> Iterator[None]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def _insert_article(self, entry: IndexEntry) -> int | None:
        if self.number_of(entry.content_hash) is not None:
            return None
        article = entry.article
        paragraphs = None if _split(article.body) == list(article.paragraphs) else json.dumps(list(article.paragraphs))
        cursor = self.connection.execute(
            "INSERT INTO articles (id, content_hash, source, kind, body, paragraphs, metadata, removals, wire, words, added)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._free_id(article.id), entry.content_hash, article.source, article.kind, article.body, paragraphs,
             json.dumps(to_dict(article.metadata), ensure_ascii=False),
             json.dumps(to_dict(article.removals), ensure_ascii=False), entry.wire, entry.words,
             datetime.now(timezone.utc).isoformat(timespec="seconds")),
        )
        return int(cursor.lastrowid or 0)

    def _free_id(self, wanted: str) -> str:
        """``wanted``, or ``wanted#2``, ``#3``... when another article has the id."""
        return free_id(wanted, lambda name: self.connection.execute("SELECT 1 FROM articles WHERE id = ?", (name,)).fetchone() is not None)

    def _id_of(self, number: int) -> str:
        return str(self.connection.execute("SELECT id FROM articles WHERE number = ?", (number,)).fetchone()[0])

    def _insert_postings(self, stored: list[tuple[int, IndexEntry]]) -> None:
        if not stored:
            return
        shingles = _rows([(e.shingles, n, e.shingle_positions) for n, e in stored])
        self.connection.executemany("INSERT INTO shingles (hash, doc, position) VALUES (?, ?, ?)", shingles)
        bands = _rows([(e.bands, n, e.band_numbers, e.band_windows) for n, e in stored])
        self.connection.executemany("INSERT INTO bands (key, doc, band, win) VALUES (?, ?, ?, ?)", bands)
        tokens, counts = np.unique(np.concatenate([e.vocabulary for _, e in stored]), return_counts=True)
        self.connection.executemany(
            "INSERT INTO tokens (hash, documents) VALUES (?, ?)"
            " ON CONFLICT (hash) DO UPDATE SET documents = documents + excluded.documents",
            zip(tokens.view(np.int64).tolist(), counts.tolist()),
        )

    # --- reading ---------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        self.connection.execute("BEGIN")
        try:
            yield
        finally:
            self.connection.execute("COMMIT")

    def number_of(self, content_hash: bytes) -> int | None:
        row = self.connection.execute("SELECT number FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
        return None if row is None else int(row[0])

    def postings(self, kind: PostingKind, keys: np.ndarray, max_docs: int | None) -> KeyPostings:
        table, column = POSTING_TABLES[kind]
        wanted = distinct(np.asarray(keys, dtype=np.uint64))
        dropped = 0
        if max_docs is not None:
            carried = self.connection.execute(
                f"SELECT j.value, (SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {column} = j.value LIMIT ?))"
                " FROM json_each(?) AS j",
                (max_docs + 1, json.dumps(wanted.view(np.int64).tolist())),
            ).fetchall()
            kept = [key for key, count in carried if 0 < count <= max_docs]
            dropped = sum(1 for _, count in carried if count > max_docs)
            wanted = np.array(kept, dtype=np.int64).view(np.uint64)
        rows = self.connection.execute(
            f"SELECT t.{column}, t.doc FROM json_each(?) AS j JOIN {table} AS t ON t.{column} = j.value",
            (json.dumps(wanted.view(np.int64).tolist()),),
        ).fetchall()
        found = np.array(rows, dtype=np.int64).reshape(-1, 2)
        return KeyPostings(found[:, 0].view(np.uint64), found[:, 1].copy(), dropped)

    def frequencies(self, token_hashes: np.ndarray) -> np.ndarray:
        wanted = np.asarray(token_hashes, dtype=np.uint64)
        rows = self.connection.execute(
            "SELECT j.key, t.documents FROM json_each(?) AS j JOIN tokens AS t ON t.hash = j.value",
            (json.dumps(wanted.view(np.int64).tolist()),),
        ).fetchall()
        found = np.zeros(len(wanted), dtype=np.int64)
        for position, documents in rows:
            found[position] = documents
        return found

    def articles(self, numbers: Sequence[int]) -> list[StoredArticle]:
        rows = self.connection.execute(
            f"SELECT {ARTICLE_COLUMNS} FROM json_each(?) AS j JOIN articles AS a ON a.number = j.value",
            (json.dumps([int(n) for n in numbers]),),
        ).fetchall()
        by_number = {row[0]: _stored(row) for row in rows}
        return [by_number[n] for n in numbers if n in by_number]

    def all_articles(self) -> Iterator[StoredArticle]:
        for row in self.connection.execute(f"SELECT {ARTICLE_COLUMNS} FROM articles AS a ORDER BY a.number"):
            yield _stored(row)

    def count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM articles").fetchone()[0])

    def stats(self) -> IndexStats:
        with self.snapshot():
            return self._stats()

    def _stats(self) -> IndexStats:
        meta = dict(self.connection.execute("SELECT key, value FROM meta").fetchall())
        return IndexStats(
            path=str(self.path),
            schema_version=int(meta["schema_version"]),
            created_by=meta.get("created_by", "unknown"),
            articles=self._one("SELECT count(*) FROM articles"),
            words=self._one("SELECT coalesce(sum(words), 0) FROM articles"),
            wire_articles=self._one("SELECT count(*) FROM articles WHERE wire IS NOT NULL"),
            shingle_postings=self._one("SELECT count(*) FROM shingles"),
            band_postings=self._one("SELECT count(*) FROM bands"),
            distinct_tokens=self._one("SELECT count(*) FROM tokens"),
            file_bytes=_file_bytes(self.path),
            parameters=json.loads(meta["parameters"]),
            outlets=self._ranked(OUTLET_COUNTS),
            agencies=self._ranked(AGENCY_COUNTS),
        )

    def _one(self, sql: str) -> int:
        return int(self.connection.execute(sql).fetchone()[0])

    def _ranked(self, sql: str, top: int = 10) -> tuple[tuple[str, int], ...]:
        return tuple((str(name), int(count)) for name, count in self.connection.execute(sql, (top,)))


OUTLET_COUNTS = """
SELECT coalesce(json_extract(metadata, '$.outlet'), '(unknown)') AS outlet, count(*) AS articles
FROM articles GROUP BY outlet ORDER BY articles DESC, outlet LIMIT ?
"""
# Articles crediting each agency in their text (photo credits apart), or given as its wire copy.
AGENCY_COUNTS = """
SELECT agency, count(*) AS articles FROM (
    SELECT a.number, json_extract(c.value, '$.agency') AS agency FROM articles AS a, json_each(a.metadata, '$.credits') AS c
    UNION
    SELECT number, wire FROM articles WHERE wire IS NOT NULL
) GROUP BY agency ORDER BY articles DESC, agency LIMIT ?
"""


# --- opening and checking ------------------------------------------------------------


def _connect(path: Path, read_only: bool = False, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection to the index; ``read_only``, one that cannot write to it: SQLite's read-only mode
    when this process may not write to the file or its folder, else a connection that refuses
    every writing statement (``query_only``), which, unlike the read-only mode, removes the WAL's
    two files beside the index when it is the last to close."""
    try:
        if read_only and (immutable or not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))):
            uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
            return sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0)
        connection = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        if read_only:
            connection.execute("PRAGMA query_only = ON")
        return connection
    except sqlite3.Error as error:
        raise IndexFileError(f"{path}: cannot open ({error})") from None


def _unwritable_beside(path: Path, error: sqlite3.OperationalError) -> bool:
    """Whether ``error`` is SQLite failing to make the WAL's shared-memory file beside an index
    that no writer has open (no -wal file)."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN) and not Path(f"{path}-wal").exists()


def _described(error: sqlite3.Error) -> str:
    """SQLite's error in a user's words: what the file is, or what could not be done."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_NOTADB:
        return "not a SQLite database (so not a srccompare index)"
    if code == sqlite3.SQLITE_CORRUPT:
        return "the index is damaged (database disk image is malformed); build a new one with srccompare index add"
    if code == sqlite3.SQLITE_FULL:
        return "the disk is full"
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return f"cannot use the index: {error} (check the permissions of the file and its folder)"
    return f"cannot use the index: {error}"


def remove_index_files(path: Path) -> None:
    """The index file and the WAL's two files beside it."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        with suppress(OSError):
            os.unlink(name)


def _check_or_create(connection: sqlite3.Connection, path: Path, parameters: dict[str, Any], create: bool) -> None:
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_NOTADB:
            raise IndexFileError(f"{path}: not a SQLite database (so not a srccompare index)") from None
        raise
    if application_id != APPLICATION_ID:
        if tables == 0 and create:
            _create(connection, parameters)
            return
        what = "an empty SQLite database" if tables == 0 else "a SQLite database of another application"
        raise IndexFileError(f"{path}: {what}, not a srccompare index")
    _check_version(connection, path)
    _check_intact(connection, path, create)
    _check_parameters(connection, path, parameters)


# Every table SCHEMA makes: an index missing one was damaged or made by something else.
TABLES = frozenset({"meta", "articles", "shingles", "bands", "tokens"})


def _check_intact(connection: sqlite3.Connection, path: Path, writing: bool) -> None:
    """SQLite's quick check of the file's structure (pages, B-trees; not index contents), and the
    tables this schema has: a damaged index is refused before anything reads or writes it. A reader
    skips the quick check of a file that passed it unchanged since (see ``checked``)."""
    from srccompare.index import checked

    now = checked.identity(path)
    if writing or not checked.passed_before(path, now):
        found = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
        if found != "ok":
            raise IndexFileError(f"{path}: the index is damaged ({found}); build a new one with srccompare index add")
        if not writing:
            checked.remember(path, now)
    present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not TABLES <= present:
        missing = ", ".join(sorted(TABLES - present))
        raise IndexFileError(f"{path}: the index is damaged (no table {missing}); build a new one with srccompare index add")


def _create(connection: sqlite3.Connection, parameters: dict[str, Any]) -> None:
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("BEGIN IMMEDIATE")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            connection.execute(statement)
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "created_by": f"srccompare {srccompare_version()}",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "parameters": json.dumps(parameters, sort_keys=True),
    }
    connection.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.execute("COMMIT")


def _check_version(connection: sqlite3.Connection, path: Path) -> None:
    found = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if found == SCHEMA_VERSION:
        return
    if found > SCHEMA_VERSION:
        raise IndexFileError(
            f"{path}: index schema version {found} was written by a newer srccompare; "
            f"this one ({srccompare_version()}) reads version {SCHEMA_VERSION}: upgrade srccompare"
        )
    if found not in MIGRATIONS:
        raise IndexFileError(
            f"{path}: index schema version {found} is older than this srccompare's ({SCHEMA_VERSION}) "
            "and cannot be migrated: build a new index with srccompare index add"
        )
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(MIGRATIONS[found])
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.execute("COMMIT")


def _check_parameters(connection: sqlite3.Connection, path: Path, parameters: dict[str, Any]) -> None:
    row = connection.execute("SELECT value FROM meta WHERE key = 'parameters'").fetchone()
    try:
        stored = json.loads(row[0]) if row else None
    except (TypeError, ValueError):
        stored = None
    if not isinstance(stored, dict):
        raise IndexFileError(f"{path}: the index is damaged (its parameters record is not a JSON object); "
                             "build a new one with srccompare index add")
    if stored == json.loads(json.dumps(parameters)):
        return
    differences = ", ".join(_differences(stored or {}, parameters)) or "missing"
    raise IndexFileError(
        f"{path}: index built with other [reuse] token/shingle/sketch settings ({differences}); "
        "use the settings it was built with, or build a new index"
    )


def _differences(stored: dict[str, Any], current: dict[str, Any], prefix: str = "") -> list[str]:
    found = []
    for key in sorted(set(stored) | set(current)):
        old, new = stored.get(key), current.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            found.extend(_differences(old, new, f"{prefix}{key}."))
        elif old != new:
            found.append(f"{prefix}{key}: index {old!r}, settings {new!r}")
    return found


# --- rows <-> objects ------------------------------------------------------------------


def _rows(parts: list[tuple[Any, ...]]) -> list[list[int]]:
    """Posting rows of a batch sorted by key (inserts in key order touch fewer B-tree pages)."""
    columns = []
    for keys, number, *extra in parts:
        columns.append(np.column_stack([keys.view(np.int64), np.full(len(keys), number, dtype=np.int64), *extra]))
    table = np.concatenate(columns) if columns else np.zeros((0, 3), dtype=np.int64)
    table = table[np.lexsort((table[:, 1], table[:, 0]))]
    return table.tolist()  # lists of ints: SQLite binds them as parameter sequences


def _split(body: str) -> list[str]:
    return body.split(PARAGRAPH_SEPARATOR) if body else []


def _metadata(record: dict[str, Any]) -> Metadata:
    values = dict(record)
    values["credits"] = tuple(Credit(**credit) for credit in values.get("credits", []))
    values["photo_credits"] = tuple(Credit(**credit) for credit in values.get("photo_credits", []))
    known = set(Metadata.__dataclass_fields__)
    return Metadata(**{key: value for key, value in values.items() if key in known})


def _stored(row: tuple[Any, ...]) -> StoredArticle:
    number, doc_id, source, kind, body, paragraphs, metadata, removals, wire = row
    article = CleanArticle(
        id=doc_id,
        source=source,
        kind=kind,
        metadata=_metadata(json.loads(metadata)),
        paragraphs=tuple(json.loads(paragraphs) if paragraphs else _split(body)),
        removals=tuple(Removal(**removal) for removal in json.loads(removals)),
    )
    return StoredArticle(int(number), article, wire)


def _file_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
