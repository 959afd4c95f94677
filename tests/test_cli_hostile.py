"""Hostile and broken input at the command line: one line, a documented status, nothing half-written."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from conftest import SEEDS


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "srccompare", *args], capture_output=True, text=True, timeout=120, **kwargs)


def test_a_100_mb_single_line_file_is_refused_by_the_size_limit(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.write(b"word " * (100_000_000 // 5))
    started = time.monotonic()
    result = run("clean", str(huge))
    assert time.monotonic() - started < 30
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == (
        f"srccompare: {huge}: 100,000,000 bytes is over the limit of 50,000,000 (see limits.max_bytes)"
    )


def test_the_size_limit_is_a_flag(tmp_path):
    result = run("--max-bytes", "100", "clean", str(SEEDS / "002_f1fbc4a1f97f33cb.txt"))
    assert result.returncode == 3 and "over the limit of 100" in result.stderr


def test_html_nested_ten_thousand_levels_deep_is_a_message_not_a_crash(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 10_000 + "<p>Deep text here.</p>" + "</div>" * 10_000 + "</body></html>")
    result = run("clean", str(page))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 3)
    if result.returncode == 3:
        assert result.stderr.startswith(f"srccompare: {page}: ")


def test_a_directory_of_thousands_of_files(tmp_path):
    for number in range(2000):
        (tmp_path / f"{number:04}.txt").write_text(f"Story number {number} says something.\n")
    result = run("clean", "--format", "jsonl", str(tmp_path))
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2000


def test_too_many_files_is_refused_with_the_limit_named(tmp_path):
    for number in range(20):
        (tmp_path / f"{number}.txt").write_text("Text.")
    result = run("--max-files", "10", "clean", str(tmp_path))
    assert result.returncode == 3
    assert "more than 10 files" in result.stderr


@pytest.mark.parametrize("sent, status, said", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_interrupt_exits_128_plus_the_signal_promptly(sent, status, said):
    process = subprocess.Popen(
        [sys.executable, "-m", "srccompare", "clean", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(1.5)  # let it start and block on stdin
    process.send_signal(sent)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == status
    assert stderr == f"srccompare: {said}\n"


def test_invalid_utf8_mixed_with_valid_is_decoded_not_refused(tmp_path):
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes("Le président a déclaré ".encode("utf-8") + "que l'élection était libre.".encode("latin-1"))
    result = run("clean", str(mixed))
    assert result.returncode == 0
    assert "Le pr" in result.stdout and "\ufffd" not in result.stdout
