"""Names and metadata from outside, made visible and inert before anything shows or stores them
(issue 24, class 2), and CSV cells that no spreadsheet runs as formulas (class 3)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from srccompare.clean import clean_article
from srccompare.ingest.load import article_from_text, load_inputs
from srccompare.model import CleanArticle
from srccompare.report import clean_out, reuse_csv, reuse_html, reuse_table
from srccompare.reuse import find_reuse
from srccompare.display.visible import UNSAFE, visible, visible_lines

CLEAR, CLIPBOARD, C1_CSI = "\x1b[2J", "\x1b]52;c;cHduZWQ=\x07", "\x9b31m"
HOSTILE = f"evil{CLEAR}{CLIPBOARD}{C1_CSI}\nname"
RAW = ("\x1b", "\x07", "\x9b")


def story(number: int) -> str:
    shared = ("The finance ministers of the eurozone agreed on Tuesday to extend the bailout programme "
              "for another six months, officials said after a late night meeting in Brussels that ran "
              "past midnight, as the talks over the terms of the loans went on for hours.")
    return f"Story {number} opens with its own words about town {number}.\n\n{shared}\n\nIt closes with line {number}."


def test_every_control_character_becomes_one_visible_character():
    controls = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + ["\u202e", "\u2066", "\u2028", "\ud800", "\udcff"]
    for char in controls:
        shown = visible(f"a{char}b")
        assert len(shown) == 3 and not UNSAFE.search(shown), repr(char)
        assert unicodedata.category(shown[1]) == "So" or shown[1] == "\ufffd", repr(char)
        shown.encode("utf-8")  # (a lone surrogate could not be written)
    assert visible(CLEAR) == "␛[2J" and visible("\n") == "␊" and visible("\x7f") == "␡"


def test_ordinary_text_passes_unchanged_and_twice_is_once():
    for text in ("Reuters", "Tsikhanouskaya", "وكالة الأنباء", "新华社", "emoji 📰", "tab-free, line-free"):
        assert visible(text) is text
    assert visible(visible(HOSTILE)) == visible(HOSTILE)
    assert visible_lines("one\n\ttwo\x1b") == "one\n\ttwo␛"


def hostile_record(number: int) -> str:
    return json.dumps({"id": f"{HOSTILE}{number}", "outlet": f"Outlet{CLEAR}{number}", "title": f"T{CLIPBOARD}",
                       "url": f"https://example.com/{C1_CSI}", "date": f"2024{CLEAR}", "text": story(number)})


@pytest.fixture()
def hostile(tmp_path, settings) -> list[CleanArticle]:
    (tmp_path / "c.jsonl").write_text("".join(hostile_record(n) + "\n" for n in (1, 2, 3)))
    articles = [clean_article(a, settings) for a in load_inputs([str(tmp_path / "c.jsonl")], settings)]
    return [a for a in articles if isinstance(a, CleanArticle)]


def all_text(article: CleanArticle) -> list[str]:
    data = article.metadata
    return [article.id, article.source, *(v for v in (data.title, data.date, data.url, data.outlet, data.byline) if v)]


def test_ids_sources_and_metadata_are_stored_visible(hostile):
    assert len(hostile) == 3
    for article in hostile:
        assert all(not UNSAFE.search(value) for value in all_text(article))
    assert hostile[0].id == visible(f"{HOSTILE}1") and hostile[0].metadata.outlet == "Outlet␛[2J1"


def test_a_title_from_an_html_character_reference_is_made_visible(settings):
    page = "<html><head><title>News &#27;[2J &#155;31m</title></head><body><article>" + "".join(
        f"<p>{p}</p>" for p in story(1).split("\n\n")) + "</article></body></html>"
    article = clean_article(article_from_text(page, source=f"page{CLEAR}.html", id=f"page{CLEAR}"), settings)
    assert isinstance(article, CleanArticle)
    assert all(not UNSAFE.search(value) for value in all_text(article)) and "␛" in article.source


def test_every_view_shows_them_visible(hostile, settings):
    result = find_reuse(hostile, settings)
    views = [reuse_table.as_text(result, hostile), reuse_csv.as_csv(result, hostile), reuse_html.as_html(result, hostile),
             clean_out.as_texts(hostile)]
    buffer = io.StringIO()
    from rich.console import Console

    Console(file=buffer, force_terminal=True, width=150).print(clean_out.explain(hostile[0]))
    for view in [*views, buffer.getvalue().replace("\x1b[", "")]:  # (rich's own styling: CSI without a payload)
        assert not any(raw in view for raw in RAW)
    assert "␛" in views[0] and "Outlet␛[2J1" in views[1] and "␛[2J" in views[2]


def test_a_newline_in_a_file_name_cannot_forge_a_header(tmp_path, settings):
    names = ["a.txt", "b\n==> forged <==.txt"]
    for number, name in enumerate(names):
        (tmp_path / name).write_text(story(number))
    articles = [clean_article(a, settings) for a in load_inputs([str(tmp_path / n) for n in names], settings)]
    headers = [line for line in clean_out.as_texts(articles).splitlines() if line.startswith("==>")]
    assert len(headers) == 2 and headers[1].endswith("b␊==> forged <==.txt <==")


def test_a_non_utf8_file_name_is_read_and_its_name_shown(tmp_path, settings):
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "w") as stream:
        stream.write(story(1))
    (article,) = [clean_article(a, settings) for a in load_inputs([str(tmp_path)], settings)]
    assert article.source.endswith("caf\ufffd.txt") and article.id == "caf\ufffd"
    json.dumps(clean_out.as_record(article), ensure_ascii=False).encode("utf-8")


def on_terminal(*args: str, cwd: Path, keys: bytes = b"", keys_after: float = 0.0) -> bytes:
    """srccompare ARGS with a pseudo-terminal for stdin, stdout and stderr: all it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "srccompare", *args], stdin=follower, stdout=follower,
                               stderr=follower, cwd=cwd, env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "160"})
    os.close(follower)
    seen, started = bytearray(), time.monotonic()
    while time.monotonic() - started < 120:
        if keys and time.monotonic() - started > keys_after:
            os.write(leader, keys)
            keys = b""
        if select.select([leader], [], [], 0.2)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    assert process.wait(10) == 0, bytes(seen)[-500:]
    return bytes(seen)


def payload_reached(seen: bytes) -> bool:
    return any(marker in seen for marker in (b"\x1b[2J", b"\x1b]52;", b"cHduZWQ=\x07", b"\xc2\x9b"))


@pytest.mark.parametrize("args", [("clean", "--explain", "c.jsonl"), ("reuse", "--format", "table", "c.jsonl")])
def test_on_a_terminal_no_payload_arrives(args, tmp_path):
    (tmp_path / "c.jsonl").write_text("".join(hostile_record(n) + "\n" for n in (1, 2, 3)))
    seen = on_terminal(*args, cwd=tmp_path)
    assert not payload_reached(seen) and "␛[2J".encode() in seen


def test_in_the_tui_no_payload_arrives(tmp_path):
    (tmp_path / "l.jsonl").write_text(hostile_record(1) + "\n")
    (tmp_path / "r.jsonl").write_text(hostile_record(2) + "\n")
    seen = on_terminal("diff", "l.jsonl", "r.jsonl", cwd=tmp_path, keys=b"q", keys_after=6.0)
    assert not payload_reached(seen) and "␛".encode() in seen


def test_the_formula_guard_holds_for_every_leading_character():
    """Each code point of the BMP, then "=1+1": one cell, read back as one row, never a formula."""
    formula_starts = set("=+-@\uff1d\uff0b\uff0d\uff20")
    cells = [reuse_csv.inert(chr(code) + "=1+1") for code in range(0x10000)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for cell in cells:
        writer.writerow((cell, 1))
    rows = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert len(rows) == len(cells)
    for row, cell in zip(rows, cells):
        assert row[0] == cell and row[0].lstrip()[:1] not in formula_starts
        assert not UNSAFE.search(row[0])
    assert "\r" not in buffer.getvalue()


@pytest.mark.parametrize("text, cell", [("\r=1+1", "␍=1+1"), ("=1+1", "'=1+1"), (" =1+1", "' =1+1"), ("\uff1d1", "'\uff1d1"),
                                        ("-12 protesters", "'-12 protesters"), ("Reuters", "Reuters"), ("", "")])
def test_inert_cells(text, cell):
    assert reuse_csv.inert(text) == cell
