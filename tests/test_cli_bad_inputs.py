"""Every command meets the same bad inputs the same way: one line naming the input and the
problem, a documented non-zero status, no traceback, and nothing half-written on stdout."""

from __future__ import annotations

import asyncio
import gzip
import json
from pathlib import Path

import pytest

from conftest import SEEDS

GOOD = str(SEEDS / "002_f1fbc4a1f97f33cb.txt")
OTHER = str(SEEDS / "004_afed851dedc7de4e.txt")


def make_bad(kind: str, folder: Path) -> tuple[Path, str]:
    """A bad input of one kind, and the words its message must hold."""
    path = folder / f"bad-{kind}.txt"
    if kind == "missing":
        return path, "no such file or directory"
    if kind == "empty":
        path.write_bytes(b"")
        return path, "empty file"
    if kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
        return path, "binary file"
    if kind == "gzip":
        path.write_bytes(gzip.compress(b"<html><body><p>Story.</p></body></html>"))
        return path, "gzip-compressed"
    if kind == "no-article":
        path = folder / "bad-no-article.html"
        path.write_text("<html><head><title>Menu</title></head><body><script>var a = 1;</script></body></html>")
        return path, "no article"
    if kind == "symlink-loop":
        path = folder / "loop-dir"
        path.mkdir()
        (path / "self").symlink_to(path)
        return path, "no readable files"
    raise ValueError(kind)


KINDS = ["missing", "empty", "binary", "gzip", "no-article", "symlink-loop"]
COMMANDS = {
    "clean": lambda bad: ["clean", bad],
    "diff": lambda bad: ["diff", "--format", "json", bad, GOOD],
    "reuse": lambda bad: ["reuse", "--format", "json", bad],
    "index add": lambda bad: ["index", "add", "--db", str(Path(bad).parent / "index.sqlite"), bad],
    "browse": lambda bad: ["browse", bad],  # nothing readable: exit 3 before the TUI starts
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_bad_input_gets_one_line_and_a_non_zero_status(tmp_path, cli, command, kind):
    bad, words = make_bad(kind, tmp_path)
    result = cli(*COMMANDS[command](str(bad)))
    assert result.returncode in (1, 3), result.stderr
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"srccompare: {bad}: ") and words in first
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["clean", "reuse"])
def test_good_inputs_are_still_processed_beside_bad_ones(tmp_path, cli, command):
    bad, _ = make_bad("binary", tmp_path)
    result = cli(command, "--format", "json", str(bad), GOOD, OTHER)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "srccompare: 1 of 3 inputs failed"
    assert result.stdout.strip().startswith(("{", "["))


# --- browse: the TUI shows the good inputs; the bad ones get their lines after it closes ---------

@pytest.fixture
def browse_run(settings, capsys):
    """Run browse's CLI path with the TUI in Textual's harness; returns status, article ids shown, stderr lines."""
    from srccompare.cli.browse import browse_corpus

    def invoke(*inputs: Path | str) -> tuple[int, list[str], list[str]]:
        shown: list[str] = []

        def look(app) -> None:
            async def run() -> None:
                async with app.run_test(size=(100, 30)) as pilot:
                    await pilot.app.workers.wait_for_complete()
                    for _ in range(200):  # the worker's result arrives as a message, a moment after it ends
                        if pilot.app.screen.data is not None:
                            break
                        await pilot.pause()
                    shown.extend(d.doc_id for d in pilot.app.screen.data.corpus.result.documents)

            asyncio.run(run())

        capsys.readouterr()
        status = browse_corpus([str(name) for name in inputs], [], settings, 1, run_app=look)
        return status, shown, capsys.readouterr().err.splitlines()

    return invoke


@pytest.mark.parametrize("kind", ["binary", "gzip", "symlink-loop"])
def test_browse_shows_the_good_inputs_and_names_the_bad_after_the_tui(tmp_path, browse_run, kind):
    bad, words = make_bad(kind, tmp_path)
    status, shown, stderr = browse_run(bad, GOOD, OTHER)
    assert status == 1
    assert sorted(shown) == sorted(Path(name).stem for name in (GOOD, OTHER))
    assert stderr[0].startswith(f"srccompare: {bad}: ") and words in stderr[0]
    assert stderr[1:] == ["srccompare: 1 of 3 inputs failed"]


def test_browse_keeps_the_good_lines_of_broken_json_lines(tmp_path, browse_run):
    records = tmp_path / "records.jsonl"
    good = json.dumps({"id": "kept", "text": Path(GOOD).read_text(encoding="utf-8")})
    records.write_text("\n".join([good, "{broken", json.dumps({"id": "no-text"}), json.dumps({"id": "n", "text": 5})]))
    status, shown, stderr = browse_run(records, OTHER)
    assert status == 1 and sorted(shown) == sorted(["kept", Path(OTHER).stem])
    assert [line.split(": ")[1] for line in stderr[:3]] == [f"{records}:{number}" for number in (2, 3, 4)]
    assert "not valid JSON" in stderr[0] and stderr[3] == "srccompare: 3 of 5 inputs failed"


def test_browse_of_html_ten_thousand_levels_deep_beside_a_good_file(tmp_path, browse_run):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 10_000 + "<p>Deep text here.</p>" + "</div>" * 10_000 + "</body></html>")
    status, shown, stderr = browse_run(page, GOOD)
    assert Path(GOOD).stem in shown
    assert status == 1 and stderr[0].startswith(f"srccompare: {page}: ")  # trafilatura finds no article in it


def test_browse_decodes_mixed_encodings_and_shows_them(tmp_path, browse_run):
    mixed = tmp_path / "mixed.txt"
    text = Path(GOOD).read_text(encoding="utf-8")
    mixed.write_bytes(text.encode("utf-8") + " Le président a déclaré que l'élection était libre.".encode("latin-1"))
    status, shown, stderr = browse_run(mixed, OTHER)
    assert (status, sorted(shown), stderr) == (0, sorted(["mixed", Path(OTHER).stem]), [])


def test_browse_refuses_a_100_mb_line_and_too_many_files_before_the_tui(tmp_path, cli):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.write(b"word " * (100_000_000 // 5))
    crowded = tmp_path / "crowded"
    crowded.mkdir()
    for number in range(20):
        (crowded / f"{number}.txt").write_text("Text.")
    result = cli("--max-files", "10", "browse", str(huge), str(crowded))
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"srccompare: {huge}: 100,000,000 bytes is over the limit of 50,000,000 (see limits.max_bytes)",
        f"srccompare: {crowded}: more than 10 files (see limits.max_files)",
        "srccompare: no article could be read; nothing to browse",
    ]


def test_browse_of_a_directory_of_thousands_of_files(tmp_path, browse_run):
    for number in range(2000):
        (tmp_path / f"{number:04}.txt").write_text(f"Story number {number} says something about the vote.\n")
    status, shown, stderr = browse_run(tmp_path)
    assert (status, len(shown), stderr) == (0, 2000, [])
