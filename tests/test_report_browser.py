"""The HTML reuse report in a real browser: headless Chromium (Debian's ``chromium`` package).

A 605-article report from bench/synthetic_news.py's corpus (600 articles and
the five seeds, about the size of a day's coverage of one event) is opened at
1,400 px wide. A script added to a copy of the page measures it and writes
the measurements into the DOM, which ``--dump-dom`` prints: the page does not
scroll sideways, every article's row and column header can be scrolled into
view inside the matrix's box (and is what the browser shows there), and a
cell's link opens the pair of its row and column. A screenshot of the matrix
is taken too. Skipped where there is no Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from bench.synthetic_news import synthetic_corpus, write_jsonl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (Debian: apt-get install chromium)")
WIDTH = 1400

MEASURE = """
<script>
function visible(element) {
  element.scrollIntoView({block: "nearest", inline: "nearest"});
  const rect = element.getBoundingClientRect();
  const hit = document.elementFromPoint(rect.left + Math.min(rect.width / 2, 8), rect.top + rect.height / 2);
  return hit !== null && (hit === element || element.contains(hit));
}
function reachable(element, box, look) {
  // inside the part of the box its scroll bars reach; every 20th header is also scrolled to and looked at
  const rect = element.getBoundingClientRect(), table = box.firstElementChild.getBoundingClientRect();
  const inside = rect.right - table.left <= box.scrollWidth + 1 && rect.bottom - table.top <= box.scrollHeight + 1;
  return inside && (!look || visible(element));
}
function measure() {
  const page = document.documentElement;
  const box = document.querySelector(".matrix-box");
  const opened = location.hash !== "";
  const headers = (selector) => [...document.querySelectorAll(selector)];
  const rows = headers("table.matrix th.row"), columns = headers("table.matrix th.col");
  const cells = headers("table.matrix td a");
  const cell = cells[Math.floor(cells.length / 2)];
  const row = cell.closest("tr");
  let column = -1;
  for (const td of row.children) { if (td === cell.parentElement) break; column += td.colSpan || 1; }
  const target = document.querySelector(":target");
  const out = {
    width: window.innerWidth, page_width: page.scrollWidth,
    matrix_box: getComputedStyle(document.querySelector(".matrix-box")).overflow,
    rows: rows.map(th => th.querySelector("a").getAttribute("href")),
    columns: columns.map(th => th.querySelector("a").getAttribute("href")),
    rows_unseen: opened ? null : rows.filter((th, n) => !reachable(th, box, n % 20 == 0 || n == rows.length - 1)).length,
    columns_unseen: opened ? null : columns.filter((th, n) => !reachable(th, box, n % 20 == 0 || n == columns.length - 1)).length,
    cell: cell.getAttribute("href"),
    cell_row: row.querySelector("th.row a").getAttribute("href"),
    cell_column: columns[column].querySelector("a").getAttribute("href"),
    target: target ? target.id : null,
    target_links: target ? [...target.querySelectorAll("a[href^='#a']")].map(a => a.getAttribute("href")) : [],
  };
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
window.addEventListener("load", () => setTimeout(measure, 50));
</script>
"""


def chromium(profile: Path, *args: str) -> str:
    command = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               f"--window-size={WIDTH},1000", "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=True).stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    corpus = write_jsonl(synthetic_corpus(600), folder / "news.jsonl")
    page = folder / "report.html"
    subprocess.run([sys.executable, "-m", "srccompare", "reuse", "--format", "html", "-o", str(page), str(corpus)],
                   check=True, timeout=600, capture_output=True)
    return page


def measured(report: Path, fragment: str = "") -> dict:
    """The measurements of the page (opened at ``fragment``), from a copy carrying the script."""
    copy = report.with_name("measured.html")
    copy.write_text(report.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = chromium(report.parent / "profile", "--virtual-time-budget=5000", "--dump-dom", copy.as_uri() + fragment)
    found = re.search(r"<pre id=\"measured\">(.*?)</pre>", dom, re.S)
    assert found, dom[-2000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


@pytest.fixture(scope="module")
def measurements(report) -> dict:
    return measured(report)


def test_the_page_fits_1400_px_and_every_article_is_in_the_matrix(report, measurements):
    found = measurements
    assert found["width"] == WIDTH and found["page_width"] <= WIDTH  # nothing overflows sideways
    assert found["matrix_box"] == "auto"
    articles = set(re.findall(r"<section class=\"article\" id=\"(a\d+)\">", report.read_text(encoding="utf-8")))
    assert len(articles) == 605
    assert {href[1:] for href in found["rows"]} == articles == {href[1:] for href in found["columns"]}
    assert found["rows_unseen"] == 0 and found["columns_unseen"] == 0  # each header scrolls into view in its box


def test_a_cell_link_opens_the_pair_of_its_row_and_column(report, measurements):
    cell = measurements
    opened = measured(report, cell["cell"])
    assert opened["target"] == cell["cell"][1:]
    assert sorted(opened["target_links"]) == sorted([cell["cell_row"], cell["cell_column"]])


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_a_screenshot_of_the_matrix(report):
    # Headless Chromium shoots the top of a page (scrolled to an anchor, it shoots a blank one): the
    # matrix view is a copy of the page starting at the matrix.
    page = report.read_text(encoding="utf-8")
    start = page.index("<body>") + len("<body>")
    matrix_page = report.with_name("matrix.html")
    matrix_page.write_text(page[:start] + page[page.index("<h2 id=\"matrix\"") :], encoding="utf-8")
    matrix = report.with_name("matrix.png")
    chromium(report.parent / "profile", f"--screenshot={matrix}", matrix_page.as_uri())
    assert png_size(matrix) == (WIDTH, 1000)
    assert matrix.stat().st_size > 20_000, "a blank page compresses to a few kB"
