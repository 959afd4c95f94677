"""The page cache: fetched web pages kept in SQLite so a re-run does not fetch again.

One row a requested URL: the raw bytes as the server sent them (after
transfer decoding), the final URL after redirects, the HTTP status, the
content type (and charset) and when it was fetched. Only pages that passed the fetch checks
are stored (a 404 or a timeout is tried again next time). A page is found by
the URL asked for or by the URL it ended at. WAL journal: readers never wait
for a writer, and a crash leaves the file usable.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from srccompare.ingest.page import Page
from srccompare.settings import cache_directory

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
