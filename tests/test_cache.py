"""The SQLite page cache: what it keeps, how it is found, stats, clear, bad files."""

from __future__ import annotations

import sqlite3

import pytest

from srccompare.ingest.cache import CacheError, PageCache
from srccompare.ingest.page import Page

FIXTURE = "fixtures/web/aljazeera-helicopter.html"


def page(url: str, final_url: str | None = None, body: bytes = b"<html>story</html>", when: str = "2026-01-02T03:04:05+00:00") -> Page:
    return Page(url=url, final_url=final_url or url, status=200, content_type="text/html", fetched_at=when, body=body,
                charset="windows-1252")


def test_a_page_comes_back_whole(tmp_path):
    from conftest import ROOT

    body = (ROOT / FIXTURE).read_bytes()
    with PageCache(tmp_path / "pages.sqlite") as store:
        store.put(page("http://a.example/story", "https://www.a.example/story", body))
    with PageCache(tmp_path / "pages.sqlite") as store:  # a new connection: it was written to disk
        found = store.get("http://a.example/story")
    assert found == Page("http://a.example/story", "https://www.a.example/story", 200, "text/html",
                         "2026-01-02T03:04:05+00:00", body, charset="windows-1252", from_cache=True)


def test_a_page_is_found_by_the_url_it_ended_at(tmp_path):
    with PageCache(tmp_path / "pages.sqlite") as store:
        store.put(page("http://a.example/s", "https://a.example/story"))
        found = store.get("https://a.example/story")
        assert found.final_url == "https://a.example/story" and found.url == "https://a.example/story"
        assert store.get("https://a.example/other") is None


def test_putting_again_replaces(tmp_path):
    with PageCache(tmp_path / "pages.sqlite") as store:
        store.put(page("http://a.example/s", body=b"old"))
        store.put(page("http://a.example/s", body=b"new", when="2026-02-01T00:00:00+00:00"))
        assert store.get("http://a.example/s").body == b"new"
        assert store.stats().pages == 1


def test_stats_count_pages_sites_bytes_and_dates(tmp_path):
    with PageCache(tmp_path / "pages.sqlite") as store:
        store.put(page("http://a.example/1", body=b"x" * 100, when="2026-01-01T00:00:00+00:00"))
        store.put(page("http://a.example/2", body=b"x" * 50, when="2026-03-01T00:00:00+00:00"))
        store.put(page("http://b.example/1", "https://B.example/one", body=b"x" * 10, when="2026-02-01T00:00:00+00:00"))
        stats = store.stats()
    assert (stats.pages, stats.hosts, stats.body_bytes) == (3, 2, 160)
    assert (stats.oldest, stats.newest) == ("2026-01-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00")
    assert stats.file_bytes > 0


def test_clear_empties_and_shrinks_the_file(tmp_path):
    path = tmp_path / "pages.sqlite"
    with PageCache(path) as store:
        for number in range(20):
            store.put(page(f"http://a.example/{number}", body=bytes(20_000)))
        full = store.stats().file_bytes
        assert store.clear() == 20
        assert store.get("http://a.example/3") is None
        assert store.stats().pages == 0 and store.stats().file_bytes < full / 4


def test_the_journal_is_wal(tmp_path):
    PageCache(tmp_path / "pages.sqlite").close()
    with sqlite3.connect(tmp_path / "pages.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(CacheError, match=r"notes\.sqlite: not a usable page cache"):
        PageCache(path)
    assert path.read_text().startswith("these are my notes")


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE accounts (name TEXT)")
    with pytest.raises(CacheError, match="schema version 0, expected 2"):
        PageCache(path)


def test_an_older_cache_is_emptied_and_reused(tmp_path):
    path = tmp_path / "pages.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE pages (url TEXT PRIMARY KEY, final_url TEXT, status INTEGER, content_type TEXT,"
                   " fetched_at TEXT, body BLOB)")
        db.execute("INSERT INTO pages VALUES ('http://a.example/', 'http://a.example/', 200, 'text/html', 't', x'00')")
        db.execute("PRAGMA user_version = 1")
    with PageCache(path) as store:
        assert store.stats().pages == 0
        store.put(page("http://a.example/"))
        assert store.get("http://a.example/").body == b"<html>story</html>"


def test_a_cache_path_under_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(CacheError, match=r"file\.txt/pages\.sqlite: cannot open the page cache"):
        PageCache(blocker / "pages.sqlite")
