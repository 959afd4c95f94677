"""Loading inputs: kinds detected, encodings decoded, bad input named with its problem."""

from __future__ import annotations

import gzip
import json
import os
import threading

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from srccompare.ingest.decode import MARKDOWN_CLUES, decode, detect_kind, markdown_clues
from srccompare.ingest.load import load_inputs
from srccompare.model import Article, LoadError


def load(paths, settings):
    return list(load_inputs([str(p) for p in paths], settings))


def test_kinds_are_detected_by_suffix_and_content(tmp_path, settings):
    (tmp_path / "a.html").write_text("<p>Hello</p>")
    (tmp_path / "b.txt").write_text("<!DOCTYPE html><html><body><p>x</p></body></html>")
    (tmp_path / "c.txt").write_text("# Title\n\nSome **bold** text and a [link](http://x.org).\n")
    (tmp_path / "d.txt").write_text("Plain text.\n\nAnother paragraph.\n")
    kinds = {a.source.rsplit("/", 1)[1]: a.kind for a in load([tmp_path], settings)}
    assert kinds == {"a.html": "html", "b.txt": "html", "c.txt": "markdown", "d.txt": "text"}


def test_seed_markdown_is_detected(settings):
    from conftest import SEEDS

    assert detect_kind((SEEDS / "003_e9706742b5579535.txt").read_text()) == "markdown"
    assert detect_kind((SEEDS / "000_a89f6ea31e7902d2.txt").read_text()) == "text"


def test_latin1_and_cp1251_bytes_are_decoded_by_detection():
    text = "Лукашенко заявил, что выборы прошли честно. " * 20
    assert decode(text.encode("cp1251"), "x") == text
    french = "Le président a déclaré que l'élection était équitable et sûre. " * 20
    assert decode(french.encode("latin-1"), "x") == french


def test_utf16_with_bom_is_decoded():
    assert decode("Hello wörld".encode("utf-16"), "x") == "Hello wörld"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"   \n\n  ", "only white space"),
        (gzip.compress(b"<html>hi</html>"), "gzip-compressed"),
        (b"PK\x03\x04rest-of-zip", "zip-compressed"),
        (b"%PDF-1.7 binary", "PDF file"),
        (b"\x00\x01\x02\x03binary\x00junk", "binary file"),
    ],
)
def test_bad_files_are_named_with_their_problem(tmp_path, settings, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [result] = load([path], settings)
    assert isinstance(result, LoadError)
    assert result.source == str(path)
    assert problem in result.problem


def test_missing_file_and_empty_directory(tmp_path, settings):
    (tmp_path / "empty").mkdir()
    results = load([tmp_path / "nope.txt", tmp_path / "empty"], settings)
    assert [r.problem for r in results] == ["no such file or directory", "directory holds no readable files"]


def test_file_over_the_size_limit_is_refused_unread(tmp_path, settings):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 1000)
    small = settings.replace("limits", max_bytes=100)
    [result] = load([path], small)
    assert isinstance(result, LoadError) and "over the limit" in result.problem


def test_symlink_loop_in_a_directory_ends(tmp_path, settings):
    (tmp_path / "a.txt").write_text("An article paragraph.")
    (tmp_path / "loop").symlink_to(tmp_path)
    results = load([tmp_path], settings)
    assert [type(r) for r in results] == [Article]


def test_directories_are_walked_in_os_walk_order_without_hidden_entries_or_linked_folders(tmp_path, settings):
    for name in ("b.txt", "a.txt", ".hidden.txt", "z/2.txt", "z/1.txt", "z/.h/x.txt", "m/deep/d.txt", "m/c.txt", ".dot/y.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"The article {name}.")
    (tmp_path / "linked").symlink_to(tmp_path / "z")  # a link to a folder: not walked
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")  # a broken link: not a file
    (tmp_path / "also.txt").symlink_to(tmp_path / "a.txt")  # a link to a file: read
    expected = []  # the walk's order as os.walk gives it
    for folder, subfolders, names in os.walk(tmp_path, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        expected += [os.path.join(folder, n) for n in sorted(names) if not n.startswith(".") and os.path.isfile(os.path.join(folder, n))]
    sources = [item.source for item in load([tmp_path], settings)]
    assert sources == expected
    assert [os.path.relpath(s, tmp_path) for s in sources] == ["a.txt", "also.txt", "b.txt", "m/c.txt", "m/deep/d.txt", "z/1.txt", "z/2.txt"]


def test_a_pipe_is_read_to_its_end_and_a_device_without_end_is_refused(tmp_path, settings):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    text = "A paragraph read through a pipe, longer than the pipe's buffer. " * 4000
    writer = threading.Thread(target=lambda: fifo.write_text(text))
    writer.start()
    [article] = load([fifo], settings)
    writer.join()
    assert isinstance(article, Article) and article.content == text
    if os.path.exists("/dev/zero"):
        [refused] = load(["/dev/zero"], settings.replace("limits", max_bytes=1000))
        assert isinstance(refused, LoadError) and "over the limit of 1,000" in refused.problem


def test_jsonl_keeps_good_lines_and_names_bad_ones(tmp_path, settings):
    path = tmp_path / "corpus.jsonl"
    lines = [
        json.dumps({"id": "a1", "text": "First article.", "outlet": "X", "url": "https://x.org/1"}),
        "{not json",
        json.dumps({"id": "a2"}),
        json.dumps({"id": "a3", "text": "Third.", "date": ["2020"]}),
        json.dumps({"html": "<html><body><p>Fourth article text.</p></body></html>"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    results = load([path], settings)
    assert [type(r).__name__ for r in results] == ["Article", "LoadError", "LoadError", "LoadError", "Article"]
    assert results[0].id == "a1" and results[0].hints.outlet == "X" and results[0].hints.url == "https://x.org/1"
    assert results[1].source == f"{path}:2" and "not valid JSON" in results[1].problem
    assert "no 'text' or 'html'" in results[2].problem
    assert "field 'date'" in results[3].problem
    assert results[4].kind == "html" and results[4].id == "corpus:5"


MARKDOWN_PIECES = ["# ", "## x", "a", " ", "\n", "\n\n", "- ", "* x", "+ y", "**b**", "*", "](u)", "[l](http://x)", "> ", "<https://x.org>", ")", "]"]


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=15).map("".join))
def test_markdown_clues_counts_what_the_regex_finds(text):
    """markdown_clues tries the regex only where a match can start; the count is findall's."""
    assert markdown_clues(text, enough=10**6) == len(MARKDOWN_CLUES.findall(text))
    assert markdown_clues(text, enough=2) == min(2, len(MARKDOWN_CLUES.findall(text)))
