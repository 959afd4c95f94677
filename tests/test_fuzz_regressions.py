"""Replay every input the fuzzer (bench/fuzz.py) ever crashed on, plus hand-made nasties."""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from srccompare.fuzz_target import exercise, exercise_any

CRASHES = sorted((FIXTURES / "fuzz").glob("*.bin"))
NASTIES = [
    b"",
    b"\xff\xfe\x00",
    b"<" * 5000,
    b"<html>" + b"<div>" * 3000 + b"text",
    b"# \n" * 2000,
    b"> " * 3000 + b"quote",
    b"[" * 4000 + b"](" * 4000,
    "Tsikhanouskaya \u202eevil\u202c \x1b]8;;http://x\x07link\x1b]8;;\x07".encode(),
    ("word " * 5000 + "\n\n") .encode() * 3,
    b"\r\r\r\n\n\x0c\x0b text \x85 more",
]


@pytest.mark.parametrize("data", [path.read_bytes() for path in CRASHES] + NASTIES, ids=[p.name for p in CRASHES] + [f"nasty{i}" for i in range(len(NASTIES))])
def test_input_is_cleaned_and_aligned_without_error(data):
    for article in exercise(data):
        assert article.paragraphs and all(p.strip() == p and p for p in article.paragraphs)


TARGETED = [
    b"\x01" + b'{"id": "\\ud800\\u001b[2J", "title": "\\u009b31m", "text": "Body."}\n' + b"[" * 100_000 + b"\n",
    b"\x01" + b'{"id": ' + b"9" * 5000 + b', "text": "Body."}\n',
    b"\x02" + b"[reuse]\nbands = 0\n",
    b"\x02" + b"\xff\xfe",
    b"\x03" + "By Jane Doe, Reuters\n\n(Reporting by \x1b[2J AFP)".encode(),
]


@pytest.mark.parametrize("data", TARGETED, ids=[f"target{i}" for i in range(len(TARGETED))])
def test_each_fuzz_target_takes_hostile_input_without_error(data):
    exercise_any(data)
