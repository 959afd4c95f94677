"""The caches: fetched web pages, and reuse found in a corpus, kept in SQLite so a re-run does neither again.

One row a requested URL: the raw bytes as the server sent them (after
transfer decoding), the final URL after redirects, the HTTP status, the
content type (and charset) and when it was fetched. Only pages that passed the fetch checks
are stored (a 404 or a timeout is tried again next time). A page is found by
the URL asked for or by the URL it ended at. WAL journal: readers never wait
for a writer, and a crash leaves the file usable.

The result cache (``results.sqlite`` beside it) keeps what ``browse`` read and
found: a corpus as cleaned, by its files' paths, sizes and times, and the reuse
in it, by a hash of the cleaned articles; both with the settings and the code.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sqlite3
import stat
import time
import types
import typing
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

from srccompare.ingest.page import Page
from srccompare.model import CleanArticle, ReuseResult, to_dict
from srccompare.settings import Settings, cache_directory

SCHEMA_VERSION = 2  # 2: the charset of the Content-Type header is kept
SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    charset TEXT,
    fetched_at TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_final_url ON pages (final_url);
"""


class CacheError(Exception):
    """The cache file cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class CacheStats:
    path: str
    pages: int
    hosts: int
    body_bytes: int
    file_bytes: int
    oldest: str | None
    newest: str | None


def default_cache_path() -> Path:
    """$XDG_CACHE_HOME/srccompare/pages.sqlite, else ~/.cache/srccompare/pages.sqlite."""
    return cache_directory() / "pages.sqlite"


def cache_path(setting: str) -> Path:
    """The cache file a ``web.cache_file`` setting names (empty: the default)."""
    return Path(setting).expanduser() if setting else default_cache_path()


class PageCache:
    """Pages by URL in one SQLite file. Use from one thread (the fetcher stores from its main thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=10)
        except (OSError, sqlite3.Error) as error:
            raise CacheError(f"{path}: cannot open the page cache ({_reason(error)})") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._check_version()
            self._db.executescript(SCHEMA)
        except sqlite3.Error as error:
            self._db.close()
            raise CacheError(f"{path}: not a usable page cache ({_reason(error)})") from None

    def _check_version(self) -> None:
        """A new file gets the schema; an older srccompare cache is emptied (it only holds
        copies of pages); any other database is refused, never touched."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == SCHEMA_VERSION:
            return
        if (version == 0 and not tables) or (0 < version < SCHEMA_VERSION and tables == {"pages"}):
            self._db.execute("DROP TABLE IF EXISTS pages")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            return
        raise sqlite3.DatabaseError(f"schema version {version}, expected {SCHEMA_VERSION}")

    def __enter__(self) -> PageCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get(self, url: str) -> Page | None:
        """The page stored for ``url`` (asked for, or reached after redirects), if any."""
        try:
            row = self._db.execute(
                "SELECT url, final_url, status, content_type, charset, fetched_at, body FROM pages"
                " WHERE url = ? OR final_url = ? ORDER BY url = ? DESC, fetched_at DESC LIMIT 1",
                (url, url, url),
            ).fetchone()
        except sqlite3.Error as error:
            raise CacheError(f"{self.path}: cannot read the page cache ({_reason(error)})") from None
        if row is None:
            return None
        return Page(url=url, final_url=row[1], status=row[2], content_type=row[3], charset=row[4],
                    fetched_at=row[5], body=bytes(row[6]), from_cache=True)

    def put(self, page: Page) -> None:
        """Store (or replace) the page under the URL it was asked for."""
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO pages (url, final_url, status, content_type, charset, fetched_at, body)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (page.url, page.final_url, page.status, page.content_type, page.charset, page.fetched_at,
                     page.body),
                )
        except sqlite3.Error as error:
            raise CacheError(f"{self.path}: cannot store a page ({_reason(error)})") from None

    def stats(self) -> CacheStats:
        pages, body_bytes, oldest, newest = self._db.execute(
            "SELECT count(*), coalesce(sum(length(body)), 0), min(fetched_at), max(fetched_at) FROM pages"
        ).fetchone()
        hosts = len({_host(url) for (url,) in self._db.execute("SELECT final_url FROM pages")})
        file_bytes = sum(p.stat().st_size for p in _files_of(self.path) if p.exists())
        return CacheStats(str(self.path), pages, hosts, body_bytes, file_bytes, oldest, newest)

    def clear(self) -> int:
        """Remove every page; returns how many there were. The file shrinks too."""
        with self._db:
            removed = self._db.execute("DELETE FROM pages").rowcount
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].lower()


def _files_of(path: Path) -> tuple[Path, ...]:
    return (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


# --- found reuse ----------------------------------------------------------------------------

RESULTS_SCHEMA_VERSION = 1
RESULTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    used_at REAL NOT NULL,
    body BLOB NOT NULL
);
"""
KEEP_RESULTS = 16  # a day's few browses: each a read corpus and its reuse, ~0.5 MB each at 600 articles


def default_results_path() -> Path:
    """$XDG_CACHE_HOME/srccompare/results.sqlite, else ~/.cache/srccompare/results.sqlite."""
    return cache_directory() / "results.sqlite"


class ResultCache:
    """Corpora as read and cleaned (by ``inputs_key``) and the reuse found in them (by ``reuse_key``),
    so that browsing the same corpus again neither cleans nor finds it again. JSON, not pickles:
    a file in the cache directory is read as data, never run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=10, check_same_thread=False)
        except (OSError, sqlite3.Error) as error:
            raise CacheError(f"{path}: cannot open the result cache ({_reason(error)})") from None
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = {name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version != RESULTS_SCHEMA_VERSION:
                if tables - {"results"}:
                    raise sqlite3.DatabaseError(f"schema version {version}, expected {RESULTS_SCHEMA_VERSION}")
                self._db.execute("DROP TABLE IF EXISTS results")  # an older layout: copies only, found again
                self._db.execute(f"PRAGMA user_version = {RESULTS_SCHEMA_VERSION}")
            self._db.executescript(RESULTS_SCHEMA)
        except sqlite3.Error as error:
            self._db.close()
            raise CacheError(f"{path}: not a usable result cache ({_reason(error)})") from None

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        self._db.close()

    def get(self, key: str, kind: type = ReuseResult) -> Any:
        """The ``kind`` (a model dataclass) stored under ``key``, or None (none stored, or one this
        version cannot read)."""
        try:
            row = self._db.execute("SELECT body FROM results WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            with self._db:
                self._db.execute("UPDATE results SET used_at = ? WHERE key = ?", (time.time(), key))
        except sqlite3.Error as error:
            raise CacheError(f"{self.path}: cannot read the result cache ({_reason(error)})") from None
        try:
            return decode(kind, json.loads(zlib.decompress(row[0])))
        except (ValueError, TypeError, IndexError, AttributeError, zlib.error):
            return None  # damaged or of another layout: found again, then replaced

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` (a model dataclass) under ``key``, forgetting the least recently used beyond KEEP_RESULTS."""
        body = zlib.compress(json.dumps(encode(value), separators=(",", ":")).encode(), 1)
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO results (key, used_at, body) VALUES (?, ?, ?)",
                                 (key, time.time(), body))
                self._db.execute("DELETE FROM results WHERE key NOT IN"
                                 " (SELECT key FROM results ORDER BY used_at DESC LIMIT ?)", (KEEP_RESULTS,))
        except sqlite3.Error as error:
            raise CacheError(f"{self.path}: cannot store a result ({_reason(error)})") from None

    def clear(self) -> int:
        """Forget every result; returns how many there were."""
        with self._db:
            removed = self._db.execute("DELETE FROM results").rowcount
        self._db.execute("VACUUM")
        return removed


def reuse_key(articles: Sequence[CleanArticle], wire: Mapping[str, str], settings: Settings) -> str:
    """A blake3 hash of what a corpus's reuse comes from: the cleaned articles, which are wire copy,
    every setting, and the code that finds it (the package's version and its reuse modules' text,
    so that a changed pipeline never serves an old answer)."""
    import blake3

    digest = blake3.blake3(b"reuse")
    digest.update(_code_fingerprint().encode())
    digest.update(json.dumps([to_dict(settings), sorted(wire.items())], sort_keys=True, default=str).encode())
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(json.dumps(encode(article), separators=(",", ":")).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def inputs_key(inputs: Sequence[str], wire: Sequence[tuple[str, str]], settings: Settings) -> str | None:
    """A blake3 hash of what reading and cleaning ``inputs`` (and the ``wire`` (agency, path) inputs)
    comes from: each file's path, size, times and inode (every file under a folder; as git's index
    tells a changed file, without reading it), every setting and the reading and cleaning code.
    None when it cannot be told: a web address, stdin, or a file that cannot be looked at."""
    import blake3

    digest = blake3.blake3(b"inputs")
    digest.update(_code_fingerprint().encode())
    digest.update(json.dumps(to_dict(settings), sort_keys=True, default=str).encode())
    try:
        for agency, name in [("", name) for name in inputs] + list(wire):
            if "://" in name or name == "-":
                return None
            digest.update(f"\x00{agency}\x00{name}\x00".encode())
            for signature in _file_signatures(Path(name)):
                digest.update(signature.encode())
    except OSError:
        return None
    return digest.hexdigest()


def _file_signatures(path: Path) -> Iterator[str]:
    """"path size mtime ctime inode" of ``path``, or of every file under it (links to folders not
    followed, as the reader walks them); ctime changes with permissions too."""
    found = path.stat()
    if not stat.S_ISDIR(found.st_mode):
        yield _signature(path, found)
        return
    for folder, folders, files in os.walk(path, onerror=_raise):
        folders.sort()
        for name in sorted(files):
            yield _signature(Path(folder, name), os.stat(os.path.join(folder, name)))


def _signature(path: Path, found: os.stat_result) -> str:
    return f"{path} {found.st_size} {found.st_mtime_ns} {found.st_ctime_ns} {found.st_ino}\n"


def _raise(error: OSError) -> None:
    raise error


@functools.cache
def _code_fingerprint() -> str:
    """A hash of the package's version and of the code between an input and its reuse (reading,
    cleaning, rules, reuse), so that a changed pipeline never serves an old answer."""
    import blake3

    package = Path(__file__).resolve().parent.parent
    digest = blake3.blake3(metadata.version("srccompare").encode())
    for folder in ("ingest", "clean", "rules", "reuse", "display"):
        for source in sorted((package / folder).rglob("*.py")) + sorted((package / folder).rglob("*.toml")):
            digest.update(source.read_bytes())
    for name in ("model.py", "settings.py", "defaults.toml"):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


# Model objects as JSON: a dataclass is the list of its fields' values (in field order, half the
# size of objects with names), read back by each field's type.

def encode(value: Any) -> Any:
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, name)) for name in _field_names(type(value))]
    raise TypeError(f"cannot store a {type(value).__name__}")


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def decode(kind: Any, value: Any) -> Any:
    """``value`` (from ``encode``) as ``kind``: a model dataclass, a tuple, a scalar or an optional one."""
    read = _decoder(kind)
    return value if read is None else read(value)


@functools.cache
def _decoder(kind: Any) -> Callable[[Any], Any] | None:
    """A function reading ``kind`` from JSON, None when JSON gives it as it is (str, int, float, bool,
    Literal: json keeps 1.0 a float); records and tuples of such values are made in one call."""
    origin, arguments = typing.get_origin(kind), typing.get_args(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = [_decoder(hints[f.name]) for f in dataclasses.fields(kind)]
        if all(read is None for read in fields):
            return lambda value: kind(*value)
        readers = [read or _same for read in fields]
        return lambda value: kind(*map(_apply, readers, value))
    if origin is tuple:
        item = _decoder(arguments[0])
        return tuple if item is None else lambda value: tuple(map(item, value))
    if origin in (types.UnionType, typing.Union):
        inner = _decoder(next(argument for argument in arguments if argument is not type(None)))
        return None if inner is None else lambda value: None if value is None else inner(value)
    if origin is dict:
        item = _decoder(arguments[1])
        return dict if item is None else lambda value: {key: item(entry) for key, entry in value.items()}
    return None


def _same(value: Any) -> Any:
    return value


def _apply(read: Callable[[Any], Any], value: Any) -> Any:
    return read(value)
