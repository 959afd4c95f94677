"""Class 2: file names, ids and metadata carrying escape sequences, on every view that shows them.

The runner counts every hostile sequence that reaches stdout, stderr or the terminal; each case
also checks that what it shows is there, made visible (ESC as ␛), rather than simply dropped.
"""

from __future__ import annotations

from attacks import CLEAR, CLIPBOARD, C1_CSI, HOSTILE, Lab, case, expect, jsonl, story

KLASS = "2 names"
SHOWN = "␛[2J"  # what CLEAR must look like wherever it is shown
RAW_ESCAPES = (b"\x1b", b"\x07", b"\xc2\x9b")  # ESC, BEL and C1 CSI as bytes: never in a written report


def hostile_corpus(lab: Lab, name: str = "corpus.jsonl") -> str:
    """Three records sharing a passage, every metadata field hostile."""
    records = [{"id": f"{HOSTILE}{n}", "outlet": f"Outlet{CLEAR}{n}", "title": f"Title{CLIPBOARD}{n}",
                "url": f"https://example.com/{C1_CSI}{n}", "date": f"2024-01-0{n}{CLEAR}", "text": story(n)}
               for n in (1, 2, 3)]
    lab.write(name, jsonl(*records))
    return name


@case(KLASS, "clean: the ==> source <== header of hostile file names (newline included)")
def clean_headers(lab: Lab) -> None:
    names = [f"a{CLEAR}.txt", f"b{CLIPBOARD}.txt", f"c\n==> forged <==.txt"]
    for number, name in enumerate(names):
        lab.write(name, story(number))
    ran = lab.run("clean", *names)
    expect(ran.status == 0, ran.err_text)
    headers = [line for line in ran.out_text.splitlines() if line.startswith("==> ")]
    expect(len(headers) == 3 and "forged" not in ran.out_text.replace("␊==> forged", ""), f"headers: {headers}")
    expect(SHOWN in ran.out_text, "the escape is not shown as ␛")


@case(KLASS, "clean --explain on a terminal: metadata and panel title")
def clean_explain(lab: Lab) -> None:
    lab.write(f"panel{CLEAR}.jsonl", jsonl({"id": HOSTILE, "outlet": f"O{CLEAR}", "title": f"T{CLIPBOARD}",
                                             "url": f"https://x.org/{C1_CSI}", "date": f"D{CLEAR}", "text": story(1)}))
    ran = lab.run_terminal("clean", "--explain", f"panel{CLEAR}.jsonl")
    expect(ran.status == 0, ran.out_text[-300:])
    expect(SHOWN in ran.out_text, "the escape is not shown as ␛")


@case(KLASS, "clean: a <title> with an escape character reference (&#27;[2J)")
def html_title(lab: Lab) -> None:
    lab.write("page.html", "<html><head><title>News &#27;[2J &#155;31m today</title></head><body><article>"
              + "".join(f"<p>{p}</p>" for p in story(1).split("\n\n")) + "</article></body></html>")
    ran = lab.run("clean", "--format", "json", "page.html")
    expect(ran.status == 0, ran.err_text)
    expect("\\u001b" not in ran.out_text and "\\u009b" not in ran.out_text, "an escape was kept in the metadata")
    ran = lab.run_terminal("clean", "--explain", "page.html")
    expect(ran.status == 0, ran.out_text[-300:])


@case(KLASS, "reuse --format table on a terminal")
def reuse_table(lab: Lab) -> None:
    ran = lab.run_terminal("reuse", "--format", "table", hostile_corpus(lab))
    expect(ran.status == 0, ran.out_text[-300:])
    expect(SHOWN in ran.out_text, "the escape is not shown as ␛")


@case(KLASS, "reuse --format table to a file, and -o report.txt")
def reuse_table_text(lab: Lab) -> None:
    ran = lab.run("reuse", "--format", "table", "-o", "report.txt", hostile_corpus(lab))
    expect(ran.status == 0, ran.err_text)
    text = (lab.folder / "report.txt").read_bytes()
    expect(not any(marker in text for marker in RAW_ESCAPES), "raw escapes in the table file")


@case(KLASS, "reuse --format csv: no control character in any cell")
def reuse_csv(lab: Lab) -> None:
    ran = lab.run("reuse", "--format", "csv", hostile_corpus(lab))
    expect(ran.status == 0, ran.err_text)
    expect(not any(marker in ran.out for marker in (*RAW_ESCAPES, b"\r")), "raw controls in the CSV")
    expect(len(ran.out_text.splitlines()) == 4, f"{len(ran.out_text.splitlines())} lines, wanted a header and 3 pairs")


@case(KLASS, "reuse --format html: no escape byte in the page, attributes included")
def reuse_html(lab: Lab) -> None:
    ran = lab.run("reuse", "--format", "html", "-o", "r.html", hostile_corpus(lab))
    expect(ran.status == 0, ran.err_text)
    page = (lab.folder / "r.html").read_bytes()
    expect(not any(marker in page for marker in RAW_ESCAPES), "raw escapes in the HTML")


@case(KLASS, "diff --format text and html of hostile records")
def diff_views(lab: Lab) -> None:
    lab.write("left.jsonl", jsonl({"id": HOSTILE, "title": f"T{CLEAR}", "outlet": f"O{CLIPBOARD}", "text": story(1)}))
    lab.write("right.jsonl", jsonl({"id": f"r{C1_CSI}", "title": f"T{CLIPBOARD}", "text": story(2)}))
    for fmt in ("text", "html"):
        ran = lab.run("diff", "--format", fmt, "left.jsonl", "right.jsonl")
        expect(ran.status == 0, ran.err_text)
        expect(b"\x1b" not in ran.out and b"\xc2\x9b" not in ran.out, f"raw escapes in diff --format {fmt}")


@case(KLASS, "diff in the TUI on a terminal (q to quit)")
def diff_tui(lab: Lab) -> None:
    lab.write("left.jsonl", jsonl({"id": HOSTILE, "title": f"T{CLEAR}", "outlet": f"O{CLIPBOARD}", "text": story(1)}))
    lab.write("right.jsonl", jsonl({"id": f"r{C1_CSI}", "url": f"https://x.org/{CLEAR}", "text": story(2)}))
    ran = lab.run_terminal("diff", "left.jsonl", "right.jsonl", keys=b"q", keys_after=6.0, timeout=60)
    expect(ran.status == 0, ran.out_text[-300:])


@case(KLASS, "index add, index stats and index query --format table on a terminal")
def index_views(lab: Lab) -> None:
    corpus = hostile_corpus(lab)
    ran = lab.run("index", "add", "--db", "i.sqlite", corpus)
    expect(ran.status == 0, ran.err_text)
    stats = lab.run_terminal("index", "stats", "--db", "i.sqlite")
    expect(stats.status == 0, stats.out_text[-300:])
    expect("Outlet␛[2J" in stats.out_text, "index stats does not show the outlet made visible")
    lab.write("query.txt", story(4))
    query = lab.run_terminal("index", "query", "--db", "i.sqlite", "--format", "table", "query.txt")
    expect(query.status == 0, query.out_text[-300:])
    expect(SHOWN in query.out_text, "the escape is not shown as ␛")


@case(KLASS, "error lines about hostile file names")
def error_lines(lab: Lab) -> None:
    ran = lab.run("clean", f"missing{CLEAR}\n{CLIPBOARD}.txt")
    expect(ran.status == 3 and len(ran.err_text.splitlines()) == 2, ran.err_text)
    expect(SHOWN in ran.err_text, "the escape is not shown as ␛")
