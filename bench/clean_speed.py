"""Speed of the cleaner on plain text and on HTML pages, and a check that a change left its output alone.

    .venv/bin/python bench/clean_speed.py [--repeat 3] [--against DIR]

prints CPU milliseconds per article and articles per CPU second (the machine is
shared, so CPU time rather than wall time; plain text: best of ``--repeat``):

- plain text: the 2,000 600-word texts of bench/out/speed-2000-1.jsonl, each
  through ``clean_text`` as bench/reuse_speed.py cleans them; the floor beside
  it is a bare ``normalise`` + ``split_paragraphs`` pass over the same texts;
- page text: the whole text of each ScrapingHub page (../shared/eval/scrapinghub,
  output/html-text.json: menus, links and comments around the article);
- HTML: the 181 ScrapingHub pages, srccompare's HTML path (extraction and its
  own steps) against trafilatura's extraction alone with the options srccompare
  uses (the baseline), and our steps alone.

``--against DIR`` times another checkout of srccompare too (say one made with
``git worktree add /tmp/clean-base HEAD``), in a subprocess, each of its rows
below the same row of this one.

The equivalence check cleans the plain-text corpus, the seeds, the ScrapingHub
pages (as HTML and as their full page text), fixtures/ and the fuzz corpus
(bench/out/fuzz-corpus), and writes every CleanArticle (paragraphs, metadata,
removals) or error as JSON lines; two such dumps are then compared:

    PYTHONPATH=/tmp/clean-base .venv/bin/python bench/clean_speed.py --dump /tmp/before.jsonl
    .venv/bin/python bench/clean_speed.py --dump /tmp/after.jsonl
    .venv/bin/python bench/clean_speed.py --compare /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import trafilatura

import srccompare
from srccompare.clean import clean_article, clean_articles, clean_extracted, clean_text
from srccompare.clean.extract import NoArticle, extract
from srccompare.clean.text import normalise, split_paragraphs
from srccompare.ingest.decode import article_from_text
from srccompare.ingest.load import load_inputs
from srccompare.model import Article, LoadError, Metadata
from srccompare.rules import load_rules
from srccompare.settings import Settings, load_settings

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / "out" / "speed-2000-1.jsonl"
SCRAPINGHUB = ROOT.parent / "shared" / "eval" / "scrapinghub"
sys.path.insert(0, str(HERE))
from clean_scrapinghub import Page, load_pages  # noqa: E402  (a sibling bench script)


def read_corpus(path: Path) -> list[tuple[str, str]]:
    """(id, text) of each article; the first line holds the planted pairs, not needed here."""
    with path.open(encoding="utf-8") as lines:
        next(lines)
        return [(item["id"], item["text"]) for item in map(json.loads, lines)]


# --- timing ------------------------------------------------------------------------------


def cpu_per_item(run: Callable[[], object], items: int, repeat: int) -> float:
    """Best CPU seconds per item of ``repeat`` calls of ``run`` (each call does all items)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best / items


def time_plain_text(texts: list[tuple[str, str]], settings: Settings, repeat: int) -> dict[str, float]:
    clean_text(texts[0][1], settings)  # load the rules and stop lists outside the timing
    return {
        "clean_text": cpu_per_item(
            lambda: [clean_text(text, settings, id=key, source=key) for key, text in texts], len(texts), repeat
        ),
        "normalise + split_paragraphs (floor)": cpu_per_item(
            lambda: [split_paragraphs(normalise(text)) for _, text in texts], len(texts), repeat
        ),
    }


def time_html(pages: list[Page], settings: Settings) -> dict[str, float]:
    """CPU seconds per page: trafilatura alone, srccompare's HTML path, and its own steps after extraction.

    trafilatura and srccompare take turns going first on a page, so that neither gains from
    what the other left in the caches.
    """
    extraction = ours = own = 0.0
    for position, page in enumerate(pages):
        if position % 2:
            ours_seconds, own_seconds = _srccompare_html(page, settings)
            extraction += _trafilatura_alone(page)
        else:
            extraction += _trafilatura_alone(page)
            ours_seconds, own_seconds = _srccompare_html(page, settings)
        ours, own = ours + ours_seconds, own + own_seconds
    count = len(pages)
    return {
        "trafilatura.extract alone (baseline)": extraction / count,
        "srccompare HTML (extraction + our steps)": ours / count,
        "our steps after extraction": own / count,
    }


def _trafilatura_alone(page: Page) -> float:
    """trafilatura as a user would call it with srccompare's options (as bench/clean_eval.py does):
    its default balance of precision and recall, the page's text as a string, no metadata."""
    start = time.process_time()
    trafilatura.extract(
        page.html, url=page.url, include_comments=False, deduplicate=False,
        include_tables=True, include_images=False,
    )
    return time.process_time() - start


def _srccompare_html(page: Page, settings: Settings) -> tuple[float, float]:
    """CPU seconds of the whole HTML path, and of the steps after extraction."""
    rules = load_rules()
    start = time.process_time()
    article = article_from_text(page.html, source=page.key, id=page.key, kind="html", hints=Metadata(url=page.url))
    extracted = extract(article, settings.clean, rules)
    middle = time.process_time()
    if not isinstance(extracted, NoArticle):
        clean_extracted(article, extracted, settings, rules)
    end = time.process_time()
    return end - start, end - middle


def time_page_text(pages: list[Page], settings: Settings, repeat: int) -> dict[str, float]:
    """CPU seconds per page of cleaning a whole page's text (menus, links, comments and all)."""
    texts = [(page.key, page.full_text) for page in pages if page.full_text.strip()]
    rules = load_rules()

    def clean_all() -> None:
        for key, text in texts:
            clean_article(article_from_text(text, source=key, id=key, kind="text"), settings, rules)

    return {"clean_article (whole page text)": cpu_per_item(clean_all, len(texts), repeat)}


def time_other_checkout(directory: Path, repeat: int) -> list[tuple[str, str, float]]:
    """The timings of another checkout of srccompare, run in a subprocess."""
    environment = {**os.environ, "PYTHONPATH": str(directory)}
    command = [sys.executable, str(Path(__file__).resolve()), "--json", "--repeat", str(repeat)]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout
    return [(group, f"{name}, {directory}", seconds) for group, name, seconds in json.loads(output.splitlines()[-1])]


def table(rows: list[tuple[str, str, float]]) -> str:
    width = max(len(name) for _, name, _ in rows) + 2
    lines = [f"{'input':<12}{'what':<{width}}{'ms/article':>11}{'articles/s':>12}"]
    for group, name, seconds in rows:
        lines.append(f"{group:<12}{name:<{width}}{seconds * 1000:11.3f}{1 / seconds:12.0f}")
    return "\n".join(lines)


# --- equivalence ------------------------------------------------------------------------


def equivalence_cases(settings: Settings) -> Iterator[tuple[str, Article | LoadError]]:
    """(case id, article) for every input of the check, in a fixed order."""
    for key, text in read_corpus(CORPUS):
        yield f"speed/{key}", article_from_text(text, source=key, id=key)
    pages, _ = load_pages(SCRAPINGHUB, None)
    for page in pages:
        yield f"scrapinghub-html/{page.key}", article_from_text(
            page.html, source=page.key, id=page.key, kind="html", hints=Metadata(url=page.url)
        )
        yield f"scrapinghub-text/{page.key}", article_from_text(page.full_text, source=page.key, id=page.key, kind="text")
    for path in _files(ROOT / "seeds", ROOT / "fixtures", HERE / "out" / "fuzz-corpus"):
        for position, item in enumerate(load_inputs([str(path)], settings)):
            yield f"file/{path.relative_to(ROOT)}#{position}", item


def _files(*directories: Path) -> list[Path]:
    return sorted(path for directory in directories for path in directory.rglob("*") if path.is_file())


def record(case: str, result: object) -> dict[str, object]:
    return {"case": case, "result": dataclasses.asdict(result)}  # type: ignore[call-overload]


def dump(path: Path, settings: Settings) -> int:
    """Clean every case one by one, then the files all together (outlet repeats); write one JSON line each."""
    rules = load_rules()
    together: list[Article] = []
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"srccompare": srccompare.__file__}) + "\n")
        for case, item in equivalence_cases(settings):
            if isinstance(item, Article):
                result: object = clean_article(item, settings, rules)
                together += [item] if case.startswith("file/") else []
            else:
                result = item
            out.write(json.dumps(record(case, result)) + "\n")
            count += 1
        for position, result in enumerate(clean_articles(together, settings, rules)):
            out.write(json.dumps(record(f"together/{position}", result)) + "\n")
            count += 1
    return count


def compare(before: Path, after: Path) -> int:
    """Print how many cases each dump holds and every case whose output differs; the number that differ."""
    old, new = _records(before), _records(after)
    differ = sorted(case for case in old.keys() & new.keys() if old[case] != new[case])
    missing = sorted(old.keys() ^ new.keys())
    print(f"{len(old)} cases before, {len(new)} after, {len(old.keys() & new.keys())} compared: {len(differ)} differ")
    for case in differ[:20]:
        print(f"  differs: {case}")
    for case in missing[:20]:
        print(f"  in one dump only: {case}")
    return len(differ) + len(missing)


def _records(path: Path) -> dict[str, object]:
    with path.open(encoding="utf-8") as lines:
        header = json.loads(next(lines))
        print(f"{path}: cleaned by {header['srccompare']}")
        return {item["case"]: item["result"] for item in map(json.loads, lines)}


# --- command ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the plain-text corpus; the best counts")
    parser.add_argument("--against", type=Path, help="another checkout whose plain-text cleaner to time too")
    parser.add_argument("--dump", type=Path, help="write the equivalence check's outputs here and stop")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"), help="compare two dumps and stop")
    parser.add_argument("--json", action="store_true", help="print the timings as JSON (for --against)")
    args = parser.parse_args(argv)
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if args.dump:
        count = dump(args.dump, load_settings())
        print(f"{count} cases written to {args.dump} (srccompare from {srccompare.__file__})")
        return 0
    rows = measure(args.repeat)
    if args.json:
        print(json.dumps(rows))
        return 0
    if args.against:
        other = time_other_checkout(args.against, args.repeat)
        rows = [row for pair in zip(rows, other) for row in pair]
    print(f"CPU time in one process; plain text: {CORPUS.relative_to(ROOT)} (2,000 articles) and the ScrapingHub "
          f"pages' whole text, best of {args.repeat}; HTML: the ScrapingHub pages, once")
    print(table(rows))
    return 0


def measure(repeat: int) -> list[tuple[str, str, float]]:
    settings = load_settings()
    plain = time_plain_text(read_corpus(CORPUS), settings, repeat)
    pages, _ = load_pages(SCRAPINGHUB, None)
    rows = [("plain text", name, seconds) for name, seconds in plain.items()]
    rows += [("page text", name, seconds) for name, seconds in time_page_text(pages, settings, repeat).items()]
    return rows + [("HTML", name, seconds) for name, seconds in time_html(pages, settings).items()]

if __name__ == "__main__":
    raise SystemExit(main())
