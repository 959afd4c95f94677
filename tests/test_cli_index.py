"""`srccompare index` end to end, as a user runs it: real processes, real files, the seeds."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from conftest import SEEDS, SEED_NAMES
from srccompare.clean import clean_article
from srccompare.ingest.corpus import load_corpus
from srccompare.ingest.load import load_inputs
from srccompare.report.reuse_json import as_data
from srccompare.reuse.pipeline import find_reuse
from srccompare.settings import load_settings

QUERY = SEEDS / SEED_NAMES["mt"]  # The Moscow Times, carrying AFP copy of 003


def run(*args: str, cwd=None, env_db: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "SRCCOMPARE_DB"}
    if env_db is not None:
        env["SRCCOMPARE_DB"] = env_db
    return subprocess.run([sys.executable, "-m", "srccompare", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """The seeds but 004 indexed into ./srccompare.sqlite of a fresh directory (the default path)."""
    where = tmp_path_factory.mktemp("index")
    others = [str(SEEDS / name) for key, name in SEED_NAMES.items() if key != "mt"]
    done = run("index", "add", *others, cwd=where)
    assert done.returncode == 0, done.stderr
    assert "4 articles added, 0 already there" in done.stderr
    return where


def test_adding_a_folder_again_adds_only_what_is_new(tmp_path):
    db = tmp_path / "seeds.sqlite"
    first = run("index", "add", str(SEEDS / SEED_NAMES["nbc"]), "--db", str(db),
                "--wire", f"ap={SEEDS / SEED_NAMES['unknown']}")
    again = run("index", "add", str(SEEDS), env_db=str(db))  # $SRCCOMPARE_DB names the index
    assert first.returncode == 0 and again.returncode == 0
    assert "2 articles added, 0 already there" in first.stderr
    assert "3 articles added, 2 already there" in again.stderr
    stats = json.loads(run("index", "stats", "--db", str(db), "--format", "json").stdout)
    assert stats["articles"] == 5 and stats["schema_version"] == 1 and stats["wire_articles"] == 1
    assert dict(map(tuple, stats["agencies"])) == {"AFP": 1, "AP": 1, "Reuters": 1}  # "and agencies" names none


def test_query_reports_partners_passages_and_attribution_as_reuse_does(indexed):
    done = run("index", "query", str(QUERY), "--format", "json", cwd=indexed)
    assert done.returncode == 0 and done.stderr == ""
    data = json.loads(done.stdout)
    assert data["schema"] == "srccompare.reuse/1"
    query_id = QUERY.stem
    assert query_id in {d["doc_id"] for d in data["documents"]}
    assert ("003_e9706742b5579535", query_id) in {(p["left_id"], p["right_id"]) for p in data["passages"]}
    assert (query_id, "AFP", "inferred") in {(a["doc_id"], a["agency"], a["how"]) for a in data["attributions"]}
    # Offsets point into the cleaned bodies, the stored ones as they were cleaned when added.
    texts = {d["doc_id"]: d["text"] for d in data["documents"]}
    settings = load_settings()
    for path in (QUERY, SEEDS / SEED_NAMES["mt_afp"]):
        article = next(iter(load_inputs([str(path)], settings)))
        assert texts[path.stem] == clean_article(article, settings).body


def test_query_writes_the_other_reuse_formats(indexed, tmp_path):
    output = tmp_path / "pairs.csv"
    done = run("index", "query", str(QUERY), "--output", str(output), "--format", "csv", cwd=indexed)
    assert done.returncode == 0 and done.stdout == ""
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert ("003_e9706742b5579535", QUERY.stem) in {(r["left_id"], r["right_id"]) for r in rows}


def test_reuse_over_the_index_equals_reuse_over_the_files(tmp_path):
    db = tmp_path / "all.sqlite"
    assert run("index", "add", str(SEEDS), "--db", str(db)).returncode == 0
    over_index = run("reuse", "--db", str(db), "--workers", "1", "--format", "json")
    assert over_index.returncode == 0, over_index.stderr
    settings = load_settings()
    files = load_corpus([str(SEEDS)], [], settings)
    expected = as_data(find_reuse(files.articles, settings, wire=files.wire), files.articles)
    found = json.loads(over_index.stdout)
    assert found["passages"] == expected["passages"] and found["attributions"] == expected["attributions"]
    assert len(found["passages"]) > 0


@pytest.mark.parametrize("problem", ["text", "newer", "missing"])
def test_unusable_databases_get_one_line_and_status_2(tmp_path, indexed, problem):
    db = tmp_path / "x.sqlite"
    if problem == "text":
        db.write_text("not a database at all\n" * 50, encoding="utf-8")
    elif problem == "newer":
        db.write_bytes((indexed / "srccompare.sqlite").read_bytes())
        with sqlite3.connect(db) as connection:
            connection.execute("PRAGMA user_version = 7")
    done = run("index", "query", str(QUERY), "--db", str(db))
    expected = {"text": "not a SQLite database", "newer": "newer srccompare", "missing": "no index there"}[problem]
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and expected in done.stderr and "Traceback" not in done.stderr


def test_query_needs_one_article(tmp_path, indexed):
    done = run("index", "query", str(SEEDS), cwd=indexed)
    assert done.returncode == 2 and "give one article" in done.stderr
