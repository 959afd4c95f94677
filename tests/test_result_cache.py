"""The result cache: a corpus's reuse kept in SQLite by a hash of what it came from, so browsing the
same corpus again does not find it again; anything else (another text, setting, wire) finds it anew."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading

import pytest

from conftest import SEEDS
from srccompare.cli.browse import find_in, read_inputs
from srccompare.ingest import cache as cache_module
from srccompare.ingest.cache import CacheError, ResultCache, inputs_key, reuse_key
from srccompare.ingest.corpus import load_corpus
from srccompare.reuse import find_reuse


@pytest.fixture(scope="module")
def corpus(settings):
    return load_corpus([str(SEEDS)], [], settings)


@pytest.fixture(scope="module")
def result(corpus, settings):
    return find_reuse(corpus.articles, settings, wire=corpus.wire)


def test_a_result_comes_back_equal(tmp_path, corpus, settings, result):
    key = reuse_key(corpus.articles, corpus.wire, settings)
    with ResultCache(tmp_path / "results.sqlite") as store:
        store.put(key, result)
    with ResultCache(tmp_path / "results.sqlite") as store:  # a new connection: it was written to disk
        found = store.get(key)
        assert store.get("another key") is None
    assert found == result and found.pairs and found.attributions and found.families


def test_the_key_follows_text_settings_wire_and_nothing_else(corpus, settings):
    key = reuse_key(corpus.articles, corpus.wire, settings)
    assert key == reuse_key(tuple(reversed(corpus.articles)), dict(corpus.wire), settings)  # order does not matter
    first = corpus.articles[0]
    edited = (dataclasses.replace(first, paragraphs=first.paragraphs[:-1]), *corpus.articles[1:])
    assert reuse_key(edited, corpus.wire, settings) != key
    renamed = (dataclasses.replace(first, metadata=dataclasses.replace(first.metadata, outlet="Elsewhere")),
               *corpus.articles[1:])
    assert reuse_key(renamed, corpus.wire, settings) != key  # outlets feed attribution
    assert reuse_key(corpus.articles, {first.id: "AFP"}, settings) != key
    assert reuse_key(corpus.articles, corpus.wire, settings.replace("reuse.align", min_similarity=0.9)) != key


def test_a_damaged_result_is_found_again_not_trusted(tmp_path, corpus, settings, result):
    path = tmp_path / "results.sqlite"
    with ResultCache(path) as store:
        store.put("k", result)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE results SET body = ?", (b"not zlib",))
    with ResultCache(path) as store:
        assert store.get("k") is None


def test_only_the_most_recently_used_results_are_kept(tmp_path, result, monkeypatch):
    monkeypatch.setattr(cache_module, "KEEP_RESULTS", 2)
    with ResultCache(tmp_path / "results.sqlite") as store:
        store.put("a", result)
        store.put("b", result)
        assert store.get("a") is not None  # "a" used after "b"
        store.put("c", result)
        assert [key for key in "abc" if store.get(key) is not None] == ["a", "c"]
        assert store.clear() == 2 and store.get("a") is None


def test_another_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "mine.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
    with pytest.raises(CacheError, match="not a usable result cache"):
        ResultCache(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT text FROM notes").fetchall() == [("keep me",)]


def test_browse_finds_a_corpus_once_then_takes_it_from_the_cache(corpus, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    steps: list[str] = []

    def progress(step: str, done: int, total: int) -> None:
        steps.append(step)

    first = find_in(corpus, settings, 1, progress)
    found_steps, steps[:] = set(steps), []
    for thread in [t for t in threading.enumerate() if t.name == "srccompare-store-result"]:
        thread.join()  # stored while the tables show
    assert (tmp_path / "srccompare" / "results.sqlite").is_file()
    second = find_in(corpus, settings, 1, progress)
    assert "align" in found_steps and steps == []  # nothing found again
    assert second.result == first.result and second.articles == first.articles
    third = find_in(corpus, settings, 1, progress, fresh=True)
    assert "align" in steps and third.result == first.result


def test_browse_without_a_usable_cache_still_finds_the_reuse(corpus, settings, tmp_path, monkeypatch):
    (tmp_path / "srccompare").mkdir()
    (tmp_path / "srccompare" / "results.sqlite").write_text("not a database")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    done = find_in(corpus, settings, 1, lambda *_: None)
    assert done.result.pairs
    assert (tmp_path / "srccompare" / "results.sqlite").read_text() == "not a database"


def test_the_inputs_key_follows_the_files(tmp_path, settings):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("One story.\n")
    key = inputs_key([str(folder)], [], settings)
    assert key is not None and key == inputs_key([str(folder)], [], settings)
    (folder / "b.txt").write_text("Another story.\n")
    added = inputs_key([str(folder)], [], settings)
    assert added != key
    (folder / "b.txt").write_text("Another story, edited.\n")
    assert inputs_key([str(folder)], [], settings) != added
    assert inputs_key([str(folder)], [("AFP", str(folder / "a.txt"))], settings) != inputs_key([str(folder)], [], settings)
    assert inputs_key([str(folder)], [], settings.replace("clean", retry_below_words=3)) != inputs_key(
        [str(folder)], [], settings)
    assert inputs_key(["https://example.org/story"], [], settings) is None
    assert inputs_key([str(tmp_path / "missing.txt")], [], settings) is None


def test_browse_reads_unchanged_inputs_once_then_from_the_cache(tmp_path, settings, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    steps: list[str] = []

    def read(fresh: bool = False):
        steps.clear()
        corpus = read_inputs([str(SEEDS)], [], settings, 1, (), lambda step, done, total: steps.append(step), fresh=fresh)
        for thread in [t for t in threading.enumerate() if t.name == "srccompare-store-result"]:
            thread.join()
        return corpus, list(steps)

    first, first_steps = read()
    second, second_steps = read()
    assert "clean" in first_steps and second_steps == []  # not read nor cleaned again
    assert second == first and len(second.articles) == 5 and second.inputs == first.inputs
    third, third_steps = read(fresh=True)
    assert "clean" in third_steps and third == first


def test_browse_stores_the_corpus_only_once_its_reuse_is_found_and_shown(tmp_path, settings, monkeypatch):
    from srccompare.cli.browse import browse_job
    from srccompare.ingest.cache import default_results_path
    from srccompare.model import Corpus, ReuseResult

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    kept: list = []
    job = browse_job(lambda progress: read_inputs([str(SEEDS)], [], settings, 1, (), progress, keep=kept), settings, 1,
                     kept=kept)
    corpus = job.read(lambda *_: None)
    assert [type(value) for _, value in kept] == [Corpus]
    with ResultCache(default_results_path()) as store:
        assert store.get(kept[0][0], Corpus) is None  # noted, not stored yet
    done = job.find(corpus, lambda *_: None)
    with ResultCache(default_results_path()) as store:  # stored once the tables show, not while they are painted
        assert store.get(kept[0][0], Corpus) is None
        assert store.get(reuse_key(corpus.articles, corpus.wire, settings), ReuseResult) is None
    assert job.shown is not None
    job.shown()
    for thread in [t for t in threading.enumerate() if t.name == "srccompare-store-result"]:
        thread.join()
    with ResultCache(default_results_path()) as store:
        assert store.get(kept[0][0], Corpus) == corpus
        assert store.get(reuse_key(corpus.articles, corpus.wire, settings), ReuseResult) == done.result


def test_browse_keeps_its_tables_in_the_cache_once_they_show(tmp_path, settings, monkeypatch):
    """The whole browse path in Textual's harness: read and found in the TUI's worker, then stored."""
    import asyncio

    from srccompare.cli.browse import browse_corpus
    from srccompare.ingest.cache import default_results_path
    from srccompare.model import Corpus, ReuseResult

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shown: list[int] = []

    def look(app) -> None:
        async def run() -> None:
            async with app.run_test(size=(100, 30)) as pilot:
                await app.workers.wait_for_complete()
                for _ in range(200):  # the worker's result arrives as a message, a moment after it ends
                    if app.screen.data is not None and not app.screen.data.pending:
                        break
                    await pilot.pause()
                await pilot.pause()
                shown.append(app.screen.tables()[1].row_count)

        asyncio.run(run())

    assert browse_corpus([str(SEEDS)], [], settings, 1, run_app=look, load_in_tui=True) == 0
    for thread in [t for t in threading.enumerate() if t.name == "srccompare-store-result"]:
        thread.join()
    with ResultCache(default_results_path()) as store:
        corpus = store.get(inputs_key([str(SEEDS)], [], settings), Corpus)
        assert corpus is not None and shown and shown[0] > 0
        result = store.get(reuse_key(corpus.articles, corpus.wire, settings), ReuseResult)
        assert result is not None and len(result.pairs) == shown[0]


@pytest.mark.parametrize(("most", "expected"), [(2_000_000, 1), (0, 2)])
def test_browse_finds_a_small_corpus_in_its_own_process(corpus, settings, monkeypatch, most, expected):
    """Below reuse.engine.one_process_characters the workers asked for are not started (the result is the same)."""
    import srccompare.reuse

    real = srccompare.reuse.find_reuse
    asked: list[int] = []

    def recording(*args, **kwargs):
        asked.append(kwargs["workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(srccompare.reuse, "find_reuse", recording)
    done = find_in(corpus, settings.replace("reuse.engine", one_process_characters=most), 2, lambda *_: None, fresh=True)
    assert asked == [expected] and done.result.pairs
