"""`srccompare reuse` end to end on the seeds, as a user runs it: real processes, real files."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import SEEDS
from srccompare.cli import main
from srccompare.ingest.corpus import parse_wire
from srccompare.model import free_id
from srccompare.ingest.decode import article_from_text


def run(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "srccompare", "reuse", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_json_is_the_default_in_a_pipe_and_finds_the_seed_attributions():
    done = run(str(SEEDS), "--workers", "1")
    assert done.returncode == 0 and done.stderr == ""
    data = json.loads(done.stdout)
    found = {(a["doc_id"], a["agency"], a["how"]) for a in data["attributions"]}
    assert ("003_e9706742b5579535", "AFP", "explicit") in found
    assert ("004_afed851dedc7de4e", "AFP", "inferred") in found


def test_wire_copy_and_output_file_with_format_from_the_suffix(tmp_path):
    output = tmp_path / "report.csv"
    wire = f"afp={SEEDS / '003_e9706742b5579535.txt'}"
    inputs = [str(SEEDS / name) for name in ("000_a89f6ea31e7902d2.txt", "004_afed851dedc7de4e.txt")]
    done = run(*inputs, "--wire", wire, "--output", str(output))
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert ("003_e9706742b5579535", "004_afed851dedc7de4e") in {(r["left_id"], r["right_id"]) for r in rows}
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no temporary file left behind


def test_a_missing_input_is_one_line_and_the_rest_is_reported(tmp_path):
    done = run(str(SEEDS), str(tmp_path / "missing.txt"), "--format", "jsonl")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == f"srccompare: {tmp_path / 'missing.txt'}: no such file or directory"
    assert "Traceback" not in done.stderr and len(done.stdout.splitlines()) > 5


@pytest.mark.parametrize("args, message", [
    (["reuse", str(SEEDS), "--wire", "Reuters"], "expected AGENCY=PATH"),
    (["reuse", str(SEEDS), "--format", "pdf"], "Invalid value for '--format'"),
    (["reuse", str(SEEDS), "--workers", "0"], "Invalid value for '--workers'"),
    (["browse", str(SEEDS), "--wire", "AFP:x"], "expected AGENCY=PATH"),
    (["browse", str(SEEDS), "-"], "-: browse reads files and directories, not stdin"),
])
def test_bad_arguments_give_a_usage_status_before_any_work(args, message):
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 2 and message in done.stderr and done.stdout == ""
    assert "Traceback" not in done.stderr and len([l for l in done.stderr.splitlines() if l.strip()]) <= 3  # click adds usage lines


def test_nothing_readable_writes_nothing(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    output = tmp_path / "out.json"
    done = run(str(empty), "--output", str(output))
    assert done.returncode == 3 and not output.exists()
    assert len(done.stderr.strip().splitlines()) == 2 and "Traceback" not in done.stderr


def test_parse_wire_names_the_agency_as_the_rules_do():
    assert parse_wire("afp=wire/afp").agency == "AFP"
    assert parse_wire("Associated Press=x.txt").agency == "AP"
    assert parse_wire("Yonhap=k/").agency == "Yonhap"
    with pytest.raises(ValueError, match="AGENCY=PATH"):
        parse_wire("=path")


def unique_ids(articles):
    """Reference: the articles as load_corpus names them, a repeated id getting ``#2``, ``#3``."""
    seen: set[str] = set()
    renamed = []
    for article in articles:
        seen.add(name := free_id(article.id, seen.__contains__))
        renamed.append(article if name == article.id else dataclasses.replace(article, id=name))
    return renamed


def test_unique_ids_keep_the_first_and_number_the_rest():
    articles = [article_from_text(text, id="story") for text in ("one", "two", "three")]
    assert [a.id for a in unique_ids(articles)] == ["story", "story#2", "story#3"]
    assert [a.content for a in unique_ids(articles)] == ["one", "two", "three"]
    assert free_id("story", {"story", "story#2"}.__contains__) == "story#3"


def test_reading_in_the_workers_gives_what_reading_everything_first_gives(tmp_path, settings):
    """load_corpus hands files to the workers to read: the articles, their ids (repeats numbered),
    the wire and the problems, in order, are those of reading every input here and then cleaning."""
    from srccompare.clean import clean_article, drop_outlet_repeats
    from srccompare.ingest.corpus import WireInput, load_corpus, within_word_limit
    from srccompare.ingest.load import load_inputs
    from srccompare.model import Article, LoadError
    from srccompare.rules import load_rules

    seeds = sorted(SEEDS.glob("*.txt"))
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    (tmp_path / "a" / "story.txt").write_text(seeds[0].read_text())
    (tmp_path / "b" / "story.txt").write_text(seeds[1].read_text())  # the same id as a/story
    (tmp_path / "a" / "x.md").write_text(seeds[3].read_text())
    (tmp_path / "a" / "empty.txt").write_text("")
    (tmp_path / "a" / "bin.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "a" / "long.txt").write_text("A sentence of seven words goes here. " * 400)  # read, then over the word limit
    records = [json.dumps({"id": "j1", "text": seeds[4].read_text()}), "{bad json", json.dumps({"id": "story", "text": seeds[2].read_text()})]
    (tmp_path / "c.jsonl").write_text("\n".join(records) + "\n")
    inputs = [str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c.jsonl"), str(tmp_path / "missing.txt")]
    wire = [WireInput("AFP", str(seeds[3]))]
    settings = settings.replace("limits", max_words=2000)

    corpus = load_corpus(inputs, wire, settings, workers=2)

    read = [(item, None) for item in load_inputs(inputs, settings)] + [(item, "AFP") for item in load_inputs([str(seeds[3])], settings)]
    raw = [(item, agency) for item, agency in read if isinstance(item, Article)]
    renamed = unique_ids([article for article, _ in raw])
    cleaned = drop_outlet_repeats([within_word_limit(clean_article(a, settings, load_rules()), settings) for a in renamed], settings.clean)
    expected_errors = [item for item, _ in read if isinstance(item, LoadError)] + [item for item in cleaned if isinstance(item, LoadError)]
    assert corpus.articles == tuple(item for item in cleaned if not isinstance(item, LoadError))
    assert [a.id for a in corpus.articles].count("story#2") == 1 and corpus.wire == {"003_e9706742b5579535": "AFP"}
    assert corpus.errors == tuple(expected_errors) and corpus.inputs == len(read)
    assert [error.source.rsplit("/", 1)[-1] for error in corpus.errors] == ["bin.txt", "empty.txt", "c.jsonl:2", "missing.txt", "long.txt"]
