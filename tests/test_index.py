"""The SQLite index: storing, deduplicating, answering like ``reuse``, refusing what it cannot read, surviving kills."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT
from reuse_text import filler
from srccompare.reuse.candidates import sampled_shingles
from srccompare.clean import clean_text
from srccompare.index import IndexFileError, open_index
from srccompare.index.build import Indexer, add_articles
from srccompare.index.query import query_index, whole_index
from srccompare.model import ReuseResult, to_dict
from srccompare.reuse.pipeline import find_reuse
from srccompare.reuse.sketch import index_parameters
from srccompare.reuse.tokens import TokenHasher, shingle_hashes, token_hashes


def build(path, articles, settings, batch=2):
    store = open_index(path, settings, create=True)
    add_articles(store, [(a, None) for a in articles], Indexer(index_parameters(settings.reuse)), batch_size=batch)
    return store


def involving(result: ReuseResult, doc_id: str):
    """Passages of one article, and its attributions with evidence resolved to passages."""
    passages = [p for p in result.passages if doc_id in (p.left_id, p.right_id)]
    attributions = []
    for attribution in result.attributions:
        if attribution.doc_id == doc_id:
            record = to_dict(attribution)
            record["evidence"] = [(e.via_id, [result.passages[i] for i in e.passages]) for e in attribution.evidence]
            attributions.append(record)
    return passages, attributions


@pytest.fixture(scope="module")
def seed_list(seeds):
    return sorted(seeds.values(), key=lambda a: a.id)


@pytest.fixture(scope="module")
def full_reuse(seed_list, settings):
    return find_reuse(seed_list, settings)


def test_adding_twice_is_a_no_op_and_stored_articles_come_back_whole(tmp_path, seed_list, settings):
    store = build(tmp_path / "x.sqlite", seed_list, settings)
    again = add_articles(store, [(a, None) for a in seed_list], Indexer(index_parameters(settings.reuse)), batch_size=10)
    assert again.added == () and again.duplicates == tuple(a.id for a in seed_list)
    articles, wire = whole_index(store)
    assert articles == seed_list and wire == {}
    assert store.count() == 5


def test_same_id_other_text_is_renamed_and_same_text_other_id_is_a_duplicate(tmp_path, seed_list, settings):
    store = build(tmp_path / "x.sqlite", seed_list[:1], settings)
    first = seed_list[0]
    other = clean_text(filler(80, 3), id=first.id)
    same = clean_text(first.body, id="copy")
    outcome = store.add([Indexer(index_parameters(settings.reuse)).entry(a) for a in (other, same)])
    assert outcome.added == (f"{first.id}#2",) and outcome.duplicates == ("copy",)


def test_stored_shingles_are_the_ones_reuse_samples(tmp_path, seed_list, settings):
    params = index_parameters(settings.reuse)
    entry = Indexer(params).entry(seed_list[1])
    hashes = token_hashes(seed_list[1].body, TokenHasher(fold_names=params.fold_names))
    expected = sampled_shingles(shingle_hashes(hashes, params.shingle_words), params.shingle_sample)
    assert np.array_equal(entry.shingles, expected)
    # Each stored position points at the shingle it is stored with.
    at_positions = shingle_hashes(hashes, params.shingle_words)[entry.shingle_positions]
    assert np.array_equal(at_positions, entry.shingles)


@pytest.mark.parametrize("left_out", range(5))
def test_query_gives_the_passages_and_attributions_of_reuse(tmp_path, seed_list, settings, full_reuse, left_out):
    query = seed_list[left_out]
    store = build(tmp_path / "x.sqlite", [a for a in seed_list if a is not query], settings)
    answer = query_index(store, query, settings)
    assert answer.known_as is None and answer.query_id == query.id
    passages, attributions = involving(answer.result, query.id)
    expected_passages, expected_attributions = involving(full_reuse, query.id)
    assert passages == expected_passages and len(passages) > 0
    assert attributions == expected_attributions
    assert {a.id for a in answer.articles} == {query.id} | {p.left_id for p in passages} | {p.right_id for p in passages}


def test_querying_a_stored_article_answers_for_it(tmp_path, seed_list, settings, full_reuse):
    store = build(tmp_path / "x.sqlite", seed_list, settings)
    query = seed_list[4]
    answer = query_index(store, clean_text(query.body, id="fresh-name"), settings)
    assert answer.known_as == query.id
    assert involving(answer.result, query.id) == involving(full_reuse, query.id)


def planted_corpus(copies: int):
    """An agency story whose middle passage is carried by ``copies`` articles, and unrelated filler."""
    passage = filler(60, 1000)
    articles = [clean_text(f"{filler(70, 10 + n)}\n\n{passage}\n\n{filler(50, 50 + n)}", id=f"c{n:02d}")
                for n in range(copies)]
    articles += [clean_text(filler(150, 90 + n), id=f"u{n:02d}") for n in range(3)]
    return articles


@pytest.mark.parametrize("max_df", [2, 4, 100])
def test_document_frequency_bound_is_the_one_of_reuse(tmp_path, settings, max_df):
    bounded = settings.replace("reuse.candidates", max_df=max_df)
    corpus = planted_corpus(4)
    query, rest = corpus[0], corpus[1:]
    store = build(tmp_path / "x.sqlite", rest, bounded)
    answer = query_index(store, query, bounded)
    expected, _ = involving(find_reuse(corpus, bounded), query.id)
    assert list(answer.result.passages) == expected
    assert (answer.dropped_keys > 0) == (max_df < 4)  # the passage's shingles are carried by 4 articles
    assert len(expected) > 0 or max_df < 4


@pytest.mark.parametrize("common_df", [1, 2, 4, 20])
def test_shingle_weights_are_the_ones_of_reuse(tmp_path, settings, common_df):
    """A 13-word passage carried by 5 articles (the query among them, not stored) makes 10 shared
    shingles: enough at full weight (common_df 20) and at 12/16 of one each (common_df 4: 7.5), not
    at 6/16 or 3/16 (common_df 2 or 1: below the 4 of min_shared_shingles), in the index as in reuse."""
    weighed = settings.replace("reuse.candidates", common_df=common_df)
    passage = "Officials met behind closed doors for hours before the vote was delayed again."
    corpus = [clean_text(f"{filler(80, 300 + n)}\n\n{passage}\n\n{filler(80, 400 + n)}", id=f"c{n:02d}") for n in range(5)]
    query, rest = corpus[0], corpus[1:]
    store = build(tmp_path / "x.sqlite", rest, weighed)
    answer = query_index(store, query, weighed)
    expected, _ = involving(find_reuse(corpus, weighed), query.id)
    assert list(answer.result.passages) == expected
    assert (len(expected) > 0) == (common_df >= 4)


def test_stats_count_what_was_added(tmp_path, seed_list, settings):
    store = build(tmp_path / "x.sqlite", seed_list[:3], settings)
    stats = store.stats()
    params = index_parameters(settings.reuse)
    entries = [Indexer(params).entry(a) for a in seed_list[:3]]
    assert stats.articles == 3 and stats.schema_version == 1
    assert stats.shingle_postings == sum(len(e.shingles) for e in entries)
    assert stats.band_postings == sum(len(e.bands) for e in entries)
    assert stats.words == sum(e.words for e in entries)
    assert stats.distinct_tokens == len(np.unique(np.concatenate([e.vocabulary for e in entries])))
    assert stats.parameters["shingle_words"] == params.shingle_words


def test_another_schema_version_is_refused(tmp_path, seed_list, settings):
    path = tmp_path / "x.sqlite"
    build(path, seed_list[:1], settings).close()
    for version, words in ((99, "newer"), (0, "older")):
        with sqlite3.connect(path) as connection:
            connection.execute(f"PRAGMA user_version = {version}")
        with pytest.raises(IndexFileError, match=words):
            open_index(path, settings)


def test_other_index_settings_are_refused(tmp_path, seed_list, settings):
    path = tmp_path / "x.sqlite"
    build(path, seed_list[:1], settings).close()
    words = settings.reuse.candidates.shingle_words
    with pytest.raises(IndexFileError, match=f"shingle_words: index {words}, settings {words + 1}"):
        open_index(path, settings.replace("reuse.candidates", shingle_words=words + 1))
    open_index(path, settings.replace("reuse.align", min_words=30)).close()  # alignment settings do not matter


def test_files_that_are_not_our_index_are_refused(tmp_path, settings):
    text = tmp_path / "notes.sqlite"
    text.write_text("hello, this is not a database\n" * 100, encoding="utf-8")
    foreign = tmp_path / "other.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE things (name TEXT)")
    with pytest.raises(IndexFileError, match="not a SQLite database"):
        open_index(text, settings, create=True)
    with pytest.raises(IndexFileError, match="another application"):
        open_index(foreign, settings, create=True)
    with pytest.raises(IndexFileError, match="no index there"):
        open_index(tmp_path / "missing.sqlite", settings)
    assert not (tmp_path / "missing.sqlite").exists()


# --- an add in another process: killed, and read while it runs --------------------


def write_corpus(path: Path, count: int) -> list[str]:
    """JSON Lines of ``count`` filler articles, every tenth sharing a passage with article 0."""
    shared = filler(60, 5000)
    bodies = [f"{filler(60, n)}\n\n{shared if n % 10 == 0 else filler(60, 9000 + n)}" for n in range(count)]
    with path.open("w", encoding="utf-8") as stream:
        for number, body in enumerate(bodies):
            stream.write(json.dumps({"id": f"a{number:04d}", "text": body}) + "\n")
    return bodies


def start_add(corpus: Path, db: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "srccompare", "index", "add", str(corpus), "--db", str(db), "--batch", "3"]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_for_articles(db: Path, at_least: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
                    count = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
                if count >= at_least:
                    return int(count)
            except sqlite3.OperationalError:
                pass  # the schema is not there yet
        time.sleep(0.05)
    raise AssertionError(f"the add did not reach {at_least} articles: {process.stderr.read() if process.stderr else ''}")


def check_consistent(db: Path, settings) -> int:
    """The database opens, passes SQLite's check, and postings and token counts match the stored articles."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        numbers = {row[0] for row in connection.execute("SELECT number FROM articles")}
        for table in ("shingles", "bands"):
            assert {row[0] for row in connection.execute(f"SELECT DISTINCT doc FROM {table}")} <= numbers
    store = open_index(db, settings)
    articles, _ = whole_index(store)
    params = index_parameters(settings.reuse)
    entries = [Indexer(params).entry(a) for a in articles]
    vocabulary, counts = np.unique(np.concatenate([e.vocabulary for e in entries]), return_counts=True)
    assert np.array_equal(store.frequencies(vocabulary), counts)
    assert store.stats().shingle_postings == sum(len(e.shingles) for e in entries)
    store.close()
    return len(articles)


def test_an_add_killed_midway_keeps_what_was_committed(tmp_path, settings):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "x.sqlite"
    # Enough articles that the add cannot finish between the poll that sees 6 and the kill (40
    # were all added in that moment once).
    total = len(write_corpus(corpus, 200))
    process = start_add(corpus, db)
    wait_for_articles(db, 6, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    kept = check_consistent(db, settings)
    assert 6 <= kept < total
    finish = start_add(corpus, db)
    assert finish.wait(timeout=120) == 0
    assert check_consistent(db, settings) == total


def test_readers_query_while_an_add_runs(tmp_path, settings):
    corpus, db = tmp_path / "corpus.jsonl", tmp_path / "x.sqlite"
    count = 200  # so that the add outlasts a few queries (60 were all added before the second once)
    bodies = write_corpus(corpus, count)
    query = clean_text(bodies[0], id="query")
    process = start_add(corpus, db)
    try:
        wait_for_articles(db, 1, process)
        seen = []
        while process.poll() is None and len(seen) < 5:
            store = open_index(db, settings)
            answer = query_index(store, query, settings)
            seen.append((store.count(), answer.known_as, len(answer.result.documents)))
            store.close()
        assert len(seen) >= 2, "the add finished before the reader could look twice"
        counts = [count for count, _, _ in seen]
        assert counts == sorted(counts) and counts[-1] > counts[0]
        assert all(known == "a0000" for _, known, _ in seen)
    finally:
        process.wait(timeout=120)
    assert process.returncode == 0
    final = query_index(open_index(db, settings), query, settings)
    assert {d.doc_id for d in final.result.documents} == {f"a{n:04d}" for n in range(0, count, 10)}
