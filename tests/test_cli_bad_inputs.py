"""Every command meets the same bad inputs the same way: one line naming the input and the
problem, a documented non-zero status, no traceback, and nothing half-written on stdout."""

from __future__ import annotations

import gzip
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
