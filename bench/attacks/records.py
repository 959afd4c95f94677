"""Classes 3, 6 and 10: CSV cells, input that once ended in exit 70, and the smaller findings."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

from attacks import SEEDS, Failed, Lab, case, expect, jsonl, one_line_error, story

FORMULAS = ["\r=1+1", "\n=1+1", "=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", " =1+1", "\uff1d1+1", "\r\n@x"]


def has_formula(cell: str) -> bool:
    return cell.lstrip()[:1] in set("=+-@\uff1d\uff0b\uff0d\uff20")


@case("3 csv", "ids and outlets that start formulas, CR and LF first included")
def csv_formulas(lab: Lab) -> None:
    records = [{"id": formula, "outlet": formula, "text": story(n)} for n, formula in enumerate(FORMULAS)]
    lab.write("c.jsonl", jsonl(*records))
    ran = lab.run("reuse", "--format", "csv", "c.jsonl")
    expect(ran.status == 0, ran.err_text)
    rows = list(csv.reader(io.StringIO(ran.out_text, newline="")))
    pairs = len(FORMULAS) * (len(FORMULAS) - 1) // 2
    expect(len(rows) == 1 + pairs, f"{len(rows)} rows, wanted 1 + {pairs}")
    bad = [cell for row in rows[1:] for cell in row[:6] if has_formula(cell)]
    expect(not bad, f"cells a spreadsheet runs: {bad[:5]}")
    # The bytes as a reader that splits on CR too would see them.
    expect(b"\r" not in ran.out, "a CR is in the CSV")


@case("3 csv", "index query --format csv of the same names")
def csv_index(lab: Lab) -> None:
    records = [{"id": formula, "outlet": formula, "text": story(n)} for n, formula in enumerate(FORMULAS[:4])]
    lab.write("c.jsonl", jsonl(*records))
    expect(lab.run("index", "add", "--db", "i.sqlite", "c.jsonl").status == 0, "index add failed")
    lab.write("q.txt", story(9))
    ran = lab.run("index", "query", "--db", "i.sqlite", "--format", "csv", "q.txt")
    expect(ran.status == 0, ran.err_text)
    rows = list(csv.reader(io.StringIO(ran.out_text, newline="")))
    bad = [cell for row in rows[1:] for cell in row[:6] if has_formula(cell)]
    expect(not bad and len(rows) == 5, f"rows {len(rows)}, formula cells {bad[:5]}")


def valid_and_bad(lab: Lab, bad_line: str) -> str:
    lab.write("mixed.jsonl", jsonl({"id": "one", "text": story(1)}, {"id": "two", "text": story(2)}) + bad_line + "\n"
              + jsonl({"id": "three", "text": story(3)}))
    return "mixed.jsonl"


def some_failed(lab: Lab, ran: object, articles: int) -> None:
    one_line_error(ran, 1)  # type: ignore[arg-type]
    report = json.loads(ran.out)  # type: ignore[attr-defined]
    expect(len(report["documents"]) == articles, f"{len(report['documents'])} articles reported, wanted {articles}")


@case("6 exit 70", "a JSON Lines line nested 100,000 deep: that line refused, the rest go on (exit 1)")
def deep_nesting(lab: Lab) -> None:
    name = valid_and_bad(lab, '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}")
    some_failed(lab, lab.run("reuse", "--format", "json", name), 3)


@case("6 exit 70", "a 5,000-digit id: that record refused, the rest go on (exit 1)")
def huge_number_id(lab: Lab) -> None:
    name = valid_and_bad(lab, '{"id": ' + "7" * 5000 + ', "text": "Some words here."}')
    some_failed(lab, lab.run("reuse", "--format", "json", name), 3)


def surrogate_records(lab: Lab) -> str:
    lab.write("s.jsonl", '{"id": "a\\ud800", "title": "T\\udfff", "text": ' + json.dumps(story(1)) + "}\n"
              '{"id": "b\\udc80", "outlet": "O\\ud800", "text": ' + json.dumps(story(2)) + "}\n")
    return "s.jsonl"


@case("6 exit 70", "lone surrogates in id and title: reuse, diff, clean --format json, index add and query")
def surrogates(lab: Lab) -> None:
    name = surrogate_records(lab)
    ran = lab.run("reuse", "--format", "json", name)
    expect(ran.status == 0 and len(json.loads(ran.out)["documents"]) == 2, f"reuse: {ran.status} {ran.err_text}")
    ran = lab.run("clean", "--format", "json", name)
    expect(ran.status == 0 and len(json.loads(ran.out)) == 2, f"clean: {ran.status} {ran.err_text}")
    lab.write("l.jsonl", '{"id": "l\\ud800", "title": "T\\udfff", "text": ' + json.dumps(story(1)) + "}\n")
    lab.write("r.jsonl", '{"id": "r\\udc80", "text": ' + json.dumps(story(2)) + "}\n")
    ran = lab.run("diff", "--format", "json", "l.jsonl", "r.jsonl")
    expect(ran.status == 0, f"diff: {ran.status} {ran.err_text}")
    ran = lab.run("index", "add", "--db", "i.sqlite", name)
    expect(ran.status == 0, f"index add: {ran.status} {ran.err_text}")
    ran = lab.run("index", "query", "--db", "i.sqlite", "--format", "json", "l.jsonl")
    expect(ran.status == 0, f"index query: {ran.status} {ran.err_text}")


def non_utf8_folder(lab: Lab) -> Path:
    folder = lab.folder / "mixed"
    folder.mkdir()
    for number, raw in enumerate((b"good-one.txt", b"bad-\xff\xfe.txt", b"good-two.txt", b"bad-\xe9t\xe9.txt")):
        with open(os.path.join(os.fsencode(folder), raw), "w") as stream:
            stream.write(story(number))
    return folder


@case("6 exit 70", "non-UTF-8 file names in a folder: reuse -o writes the report of all four")
def non_utf8_reuse(lab: Lab) -> None:
    folder = non_utf8_folder(lab)
    ran = lab.run("reuse", "--format", "json", "-o", "r.json", str(folder))
    expect(ran.status == 0, f"{ran.status} {ran.err_text}")
    expect(len(json.loads((lab.folder / "r.json").read_text())["documents"]) == 4, "not every article reported")


@case("6 exit 70", "non-UTF-8 file names in a folder: index add keeps every file")
def non_utf8_index(lab: Lab) -> None:
    folder = non_utf8_folder(lab)
    ran = lab.run("index", "add", "--db", "i.sqlite", str(folder))
    expect(ran.status == 0, f"{ran.status} {ran.err_text}")
    stats = json.loads(lab.run("index", "stats", "--db", "i.sqlite", "--format", "json").out)
    expect(stats["articles"] == 4, f"{stats['articles']} articles indexed, wanted 4")


def without_override() -> tuple[str, ...]:
    """As root, a prefix that drops the capability to ignore file permissions (as a user runs)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        raise Failed("running as root without setpriv: cannot test permissions")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search")


@case("6 exit 70", "a file under a folder without search permission: one line, the other files go on")
def no_search_permission(lab: Lab) -> None:
    folder = lab.folder / "corpus"
    locked = folder / "locked"
    locked.mkdir(parents=True)
    for number in range(3):
        (folder / f"{number}.txt").write_text(story(number))
    (locked / "inside.txt").write_text(story(7))
    locked.chmod(0o600)  # readable (its names can be listed), not searchable (its files cannot be opened)
    try:
        for args in (("reuse", "--format", "json", str(folder)), ("reuse", "--format", "json", str(locked / "inside.txt"), str(folder))):
            ran = lab.run(*args, prefix=without_override())
            some_failed(lab, ran, 3)
        ran = lab.run("index", "add", "--db", "i.sqlite", str(folder), prefix=without_override())
        one_line_error(ran, 1)
    finally:
        locked.chmod(0o700)


@case("6 exit 70", "no writable numba cache directory: reuse still runs")
def numba_cache(lab: Lab) -> None:
    package = lab.folder / "code"
    shutil.copytree(lab.code / "srccompare", package / "srccompare", ignore=shutil.ignore_patterns("__pycache__"))
    for folder, _, _ in os.walk(package):
        os.chmod(folder, 0o555)
    try:
        environment = {"PYTHONPATH": str(package), "HOME": "/proc/no-home", "XDG_CACHE_HOME": "/proc/no-cache",
                       "NUMBA_CACHE_DIR": "", "TMPDIR": str(lab.folder)}
        ran = lab.run("reuse", "--format", "json", str(SEEDS), env=environment, prefix=without_override())
        expect(ran.status == 0, f"{ran.status} {ran.err_text[-300:]}")
    finally:
        for folder, _, _ in os.walk(package):
            os.chmod(folder, 0o755)


@case("10 smaller", "diff on JSON Lines with one valid record and failed ones: they are said, exit 1")
def diff_skipped(lab: Lab) -> None:
    lab.write("one.jsonl", jsonl({"id": "ok", "text": story(1)}) + "not json\n" + '{"text": ""}\n')
    seeds = sorted(SEEDS.glob("*.txt"))
    ran = lab.run("diff", "--format", "json", "one.jsonl", str(seeds[0]))
    one_line_error(ran, 1)
    expect(len(ran.err_text.splitlines()) == 2 and ran.out.startswith(b"{"), ran.err_text)


@case("10 smaller", "cache stats and clear --cache an empty file: refused, the file untouched")
def cache_empty_file(lab: Lab) -> None:
    empty = lab.write("empty.txt", b"")
    text = lab.write("notes.txt", "my notes\n")
    for command in ("stats", "clear"):
        for path, before in ((empty, b""), (text, b"my notes\n")):
            ran = lab.run("cache", command, "--cache", str(path))
            one_line_error(ran, 2)
            if path.read_bytes() != before:
                lab.destroyed += 1
                raise Failed(f"cache {command} changed {path.name}")


@case("10 smaller", "diff --width 1000000 is refused; 1000 is the most")
def diff_width(lab: Lab) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    one_line_error(lab.run("diff", "--format", "text", "--width", "1000000", str(seeds[0]), str(seeds[1])), 2)
    ran = lab.run("diff", "--format", "text", "--width", "1000", str(seeds[0]), str(seeds[1]))
    expect(ran.status == 0 and len(ran.out) < 5_000_000, f"{ran.status}, {len(ran.out):,} bytes")


@case("10 smaller", "a 5,000-character id among 11 records: clean --output-dir writes the other 10")
def long_id_output_dir(lab: Lab) -> None:
    records = [{"id": f"story-{n}", "text": story(n)} for n in range(10)]
    records.insert(4, {"id": "x" * 5000, "text": story(99)})
    lab.write("eleven.jsonl", jsonl(*records))
    ran = lab.run("clean", "--output-dir", "out", "eleven.jsonl")
    one_line_error(ran, 1)
    expect(len(list((lab.folder / "out").iterdir())) == 10, f"{len(list((lab.folder / 'out').iterdir()))} files written")


@case("10 smaller", "ids of 200 characters of letters a file system may not take: clean --output-dir writes all")
def long_names_output_dir(lab: Lab) -> None:
    records = [{"id": f"{'é' * 200}-{n}", "text": story(n)} for n in range(3)]
    lab.write("three.jsonl", jsonl(*records))
    ran = lab.run("clean", "--output-dir", "out", "three.jsonl")
    expect(ran.status == 0 and len(list((lab.folder / "out").iterdir())) == 3, f"{ran.status} {ran.err_text}")

