from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from srccompare.cli import main
from srccompare.diff.align import diff_articles
from srccompare.model import CleanArticle, DiffResult, Metadata
from srccompare.report.diff_html import as_html
from srccompare.report.diff_json import as_json
from srccompare.report.diff_text import as_text
from srccompare.settings import load_settings

from conftest import ROOT, SEED_NAMES, SEEDS

DIFF = load_settings().diff
HOSTILE = 'Rich [bold]x[/bold] and [link=http://evil.example]y[/link], ANSI \x1b[31mred\x1b[0m, <script>alert(1)</script> & "quotes".'


def article(paragraphs: list[str], id: str, title: str | None = None) -> CleanArticle:
    return CleanArticle(id, f"<{id}>", "text", Metadata(title=title, outlet="Outlet"), tuple(paragraphs))


@pytest.fixture(scope="module")
def seed_pair(seeds: dict[str, CleanArticle]) -> tuple[CleanArticle, CleanArticle, DiffResult]:
    left, right = seeds["trt"], seeds["unknown"]
    return left, right, diff_articles(left, right, DIFF)


@pytest.fixture(scope="module")
def hostile_pair() -> tuple[CleanArticle, CleanArticle, DiffResult]:
    left = article(["Opening words stay the same here.", HOSTILE + " Left end."], "l", title="<b>Left</b> \x1b[2J")
    right = article(["Opening words stay the same here.", HOSTILE + " Right end."], "r")
    return left, right, diff_articles(left, right, DIFF)


@pytest.mark.parametrize("width", [60, 100, 160])
def test_text_fits_the_width_and_marks_changes(seed_pair, width: int) -> None:
    left, right, result = seed_pair
    text = as_text(left, right, result, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "[-Flight" in text and "{+Monitoring" in text
    assert "Flight tracking data" not in text.replace("[-Flight", "")  # the changed words are all marked


def test_text_shows_markup_and_escapes_literally(hostile_pair) -> None:
    left, right, result = hostile_pair
    text = as_text(left, right, result, 200)
    assert "\x1b" not in text
    assert "[bold]x[/bold]" in text and "\u241b[31mred" in text
    assert "[link=http://evil.example]y[/link]" in text


def test_json_rows_point_at_their_text(seed_pair) -> None:
    left, right, result = seed_pair
    record = json.loads(as_json(left, right, result))
    assert record["left"]["body"] == left.body and record["right"]["body"] == right.body
    assert len(record["rows"]) == len(result.rows)
    for row in record["rows"]:
        if row["left_start"] is not None:
            assert row["left_text"] == left.body[row["left_start"] : row["left_end"]]
        for op in row["ops"]:
            assert op["kind"] in {"equal", "minor", "delete", "insert"}
    moved = [row for row in record["rows"] if row["status"] == "moved"]
    assert all(record["rows"][row["partner"]]["partner"] == record["rows"].index(row) for row in moved)


def test_readme_documents_every_json_field(seed_pair) -> None:
    left, right, result = seed_pair
    record = json.loads(as_json(left, right, result))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## diff JSON", 1)[1]
    fields = set(record) | set(record["left"]) | set(record["rows"][0]) | set(record["rows"][-1]["ops"][0] if record["rows"][-1]["ops"] else {})
    missing = [name for name in fields if f"`{name}`" not in section]
    assert not missing


def test_html_escapes_everything_and_needs_no_script(hostile_pair) -> None:
    left, right, result = hostile_pair
    page = as_html(left, right, result)
    assert "<script" not in page.lower() and "\x1b" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Left&lt;/b&gt;" in page and "<b>" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched from the network


def test_html_links_moved_rows_to_their_partner(seed_pair) -> None:
    left, right, result = seed_pair
    page = as_html(left, right, result)
    moved = [index for index, row in enumerate(result.rows) if row.status == "moved"]
    assert moved
    for index in moved:
        assert f'id="r{index}"' in page and f'href="#r{result.rows[index].partner}"' in page


def test_cli_writes_json_and_html(tmp_path: Path) -> None:
    runner = CliRunner()
    left, right = str(SEEDS / SEED_NAMES["trt"]), str(SEEDS / SEED_NAMES["unknown"])
    done = runner.invoke(main, ["diff", left, right, "--format", "json"])
    assert done.exit_code == 0
    assert {row["status"] for row in json.loads(done.output)["rows"]} >= {"changed", "only_left"}
    page = tmp_path / "pair.html"
    done = runner.invoke(main, ["diff", left, right, "--output", str(page)])
    assert done.exit_code == 0 and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_text_is_the_default_into_a_pipe() -> None:
    left, right = str(SEEDS / SEED_NAMES["mt_afp"]), str(SEEDS / SEED_NAMES["mt"])
    done = CliRunner().invoke(main, ["diff", left, right, "--width", "80"])
    assert done.exit_code == 0 and done.output.startswith("left:")
    assert max(len(line) for line in done.output.splitlines()) <= 80


def test_cli_bad_input_is_one_line_and_non_zero(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    done = CliRunner().invoke(main, ["diff", str(SEEDS / SEED_NAMES["trt"]), str(missing)])
    assert done.exit_code == 3
    assert done.stderr.strip().count("\n") == 0 and str(missing) in done.stderr
    assert "Traceback" not in done.stderr
