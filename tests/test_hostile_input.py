"""Input that once ended in exit 70 (issue 24, class 6), and the smaller findings (class 10): one
line each, the good records go on, the status says some failed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from srccompare.cli.clean import MAX_NAME_BYTES, file_name
from srccompare.ingest.load import MAX_JSON_DEPTH, load_inputs
from srccompare.model import Article, LoadError
from srccompare.reuse.numba_cache import fallback_cache_dir, own_folder


def run(*args: str, cwd: Path, env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, sys.executable, "-m", "srccompare", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def story(number: int) -> str:
    return (f"Story {number} opens with words of its own about town {number}.\n\nThe ministers agreed on Tuesday to "
            f"extend the programme for six months, officials said after a late meeting in Brussels.\n\nEnd {number}.")


def records(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


def good(name: str, number: int) -> str:
    return json.dumps({"id": name, "text": story(number)})


def loaded(tmp_path: Path, settings, text: str) -> list[Article | LoadError]:
    (tmp_path / "c.jsonl").write_text(text, encoding="utf-8", errors="surrogatepass")
    return list(load_inputs([str(tmp_path / "c.jsonl")], settings))


@pytest.mark.parametrize("bad, problem", [
    ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", f"nested more than {MAX_JSON_DEPTH} levels deep"),
    ('{"text": "x", "extra": ' + "[" * 65 + "]" * 65 + "}", f"nested more than {MAX_JSON_DEPTH} levels deep"),
    ('{"id": ' + "7" * 5000 + ', "text": "Words."}', "not valid JSON (Exceeds the limit (4300 digits)"),
    ('{"id": "' + "x" * 5000 + '", "text": "Words."}', "field 'id' is 5,000 characters long; at most 1,000"),
    ('{"id": true, "text": "Words."}', "field 'id' should be a string, got bool"),
])
def test_one_bad_record_is_refused_and_the_others_go_on(tmp_path, settings, bad, problem):
    items = loaded(tmp_path, settings, records(good("one", 1), bad, good("three", 3)))
    assert [item.id for item in items if isinstance(item, Article)] == ["one", "three"]
    (error,) = [item for item in items if isinstance(item, LoadError)]
    assert error.source.endswith("c.jsonl:2") and error.problem.startswith(problem)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path, settings):
    items = loaded(tmp_path, settings, records(json.dumps({"id": "[" * 200, "text": "{" * 500 + " words"})))
    assert isinstance(items[0], Article) and items[0].id == "[" * 200


def test_lone_surrogates_become_replacement_characters(tmp_path, settings):
    items = loaded(tmp_path, settings, records('{"id": "a\\ud800", "title": "T\\udfff", "outlet": "\\udc80", "text": "Words here."}'))
    assert items[0].id == "a\ufffd" and items[0].hints.title == "T\ufffd" and items[0].hints.outlet == "\ufffd"


@pytest.mark.parametrize("command", [("reuse", "--format", "json"), ("clean", "--format", "json")])
def test_surrogates_in_ids_and_titles_are_written_not_exit_70(tmp_path, command):
    (tmp_path / "s.jsonl").write_text(records('{"id": "a\\ud800", "title": "T\\udfff", "text": ' + json.dumps(story(1)) + "}",
                                              '{"id": "b\\udc80", "text": ' + json.dumps(story(2)) + "}"))
    done = run(*command, "s.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "a\ufffd" in done.stdout


def test_a_deep_line_among_good_ones_exits_1_with_the_good_ones_reported(tmp_path):
    (tmp_path / "m.jsonl").write_text(records(good("one", 1), '{"text": ' + "[" * 100_000 + "}", good("two", 2)))
    done = run("reuse", "--format", "json", "m.jsonl", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"srccompare: m.jsonl:2: nested more than {MAX_JSON_DEPTH} levels deep; a record is an object of strings",
        "srccompare: 1 of 3 inputs failed"]
    assert [d["doc_id"] for d in json.loads(done.stdout)["documents"]] == ["one", "two"]


def test_non_utf8_file_names_are_read_and_reported(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for number, raw in enumerate((b"good.txt", b"bad-\xff.txt", b"also-\xe9.txt")):
        with open(os.path.join(os.fsencode(folder), raw), "w") as stream:
            stream.write(story(number))
    done = run("reuse", "--format", "json", "-o", "r.json", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ids = sorted(d["doc_id"] for d in json.loads((tmp_path / "r.json").read_text())["documents"])
    assert ids == ["also-\ufffd", "bad-\ufffd", "good"]
    done = run("index", "add", "--db", "i.sqlite", str(folder), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(run("index", "stats", "--db", "i.sqlite", "--format", "json", cwd=tmp_path).stdout)["articles"] == 3


def as_a_user() -> tuple[str, ...]:
    """Root ignores file permissions; setpriv takes that power away (the same uid, as a user runs)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: permissions cannot be tested")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")


def test_a_file_under_a_folder_without_search_permission_is_one_line(tmp_path):
    corpus = tmp_path / "corpus"
    locked = corpus / "locked"
    locked.mkdir(parents=True)
    for number in range(2):
        (corpus / f"{number}.txt").write_text(story(number))
    (locked / "inside.txt").write_text(story(5))
    locked.chmod(0o600)
    try:
        done = run("reuse", "--format", "json", str(locked / "inside.txt"), str(corpus), cwd=tmp_path, prefix=as_a_user())
    finally:
        locked.chmod(0o700)
    assert done.returncode == 1
    assert f"srccompare: {locked / 'inside.txt'}: cannot read (Permission denied)" in done.stderr.splitlines()
    assert len(json.loads(done.stdout)["documents"]) == 2


def test_numba_gets_a_private_temporary_cache_when_nothing_else_is_writable(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    assert fallback_cache_dir([tmp_path / "writable"]) is None
    chosen = fallback_cache_dir([Path("/proc/no/such"), Path("/proc/nor/this")])
    assert chosen == tmp_path / f"srccompare-numba-{os.getuid()}" and (chosen.stat().st_mode & 0o777) == 0o700


def test_a_cache_folder_others_can_write_is_not_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    chosen = own_folder(shared)
    assert chosen != shared and (chosen.stat().st_mode & 0o777) == 0o700
    chosen.rmdir()


def test_reuse_runs_with_no_writable_numba_cache(tmp_path):
    package = tmp_path / "code"
    shutil.copytree(ROOT / "srccompare", package / "srccompare", ignore=shutil.ignore_patterns("__pycache__"))
    for folder, _, _ in os.walk(package):
        os.chmod(folder, 0o555)
    environment = {"PYTHONPATH": str(package), "HOME": "/proc/no-home", "XDG_CACHE_HOME": "/proc/no-cache",
                   "NUMBA_CACHE_DIR": "", "TMPDIR": str(tmp_path)}
    try:
        done = run("reuse", "--format", "json", str(SEEDS), cwd=tmp_path, env=environment, prefix=as_a_user())
    finally:
        for folder, _, _ in os.walk(package):
            os.chmod(folder, 0o755)
    assert done.returncode == 0, done.stderr[-500:]
    assert (tmp_path / f"srccompare-numba-{os.getuid()}").is_dir()


def test_diff_says_which_records_it_skipped_and_exits_1(tmp_path):
    (tmp_path / "one.jsonl").write_text(records(good("ok", 1), "not json", '{"text": ""}'))
    done = run("diff", "--format", "json", "one.jsonl", str(sorted(SEEDS.glob("*.txt"))[0]), cwd=tmp_path)
    assert done.returncode == 1 and done.stdout.startswith("{")
    assert done.stderr.splitlines() == ["srccompare: one.jsonl:2: not valid JSON (Expecting value)",
                                        "srccompare: one.jsonl:3: record's 'text' is empty"]


@pytest.mark.parametrize("content", [b"", b"my notes\n"])
@pytest.mark.parametrize("command", ["stats", "clear"])
def test_cache_commands_leave_a_file_that_is_not_a_cache_alone(tmp_path, content, command):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    done = run("cache", command, "--cache", str(path), cwd=tmp_path)
    assert done.returncode == 2 and path.read_bytes() == content
    assert done.stderr == f"srccompare: {path}: not a page cache (not an SQLite database); left as it is\n"


def test_diff_width_has_an_upper_bound(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    done = run("diff", "--format", "text", "--width", "1000000", str(seeds[0]), str(seeds[1]), cwd=tmp_path)
    assert done.returncode == 2 and "1000000 is not in the range 40<=x<=1000" in done.stderr


def test_a_5000_character_id_does_not_stop_clean_output_dir(tmp_path):
    lines = [good(f"story-{n}", n) for n in range(10)]
    lines.insert(4, json.dumps({"id": "x" * 5000, "text": story(99)}))
    (tmp_path / "eleven.jsonl").write_text(records(*lines))
    done = run("clean", "--output-dir", "out", "eleven.jsonl", cwd=tmp_path)
    assert done.returncode == 1 and len(list((tmp_path / "out").iterdir())) == 10


def test_file_names_from_long_ids_are_short_and_distinct():
    first, second = file_name("é" * 900 + "a"), file_name("é" * 900 + "b")
    assert first != second and max(len(first.encode()), len(second.encode())) <= MAX_NAME_BYTES
    assert file_name("story-1") == "story-1" and file_name("../../etc/passwd") == "etc_passwd"
