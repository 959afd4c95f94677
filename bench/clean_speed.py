"""Speed of the cleaner on plain text and on HTML pages, and a check that a change left its output alone.

    .venv/bin/python bench/clean_speed.py [--repeat 3] [--against DIR]

prints CPU milliseconds per article and articles per CPU second (best of
``--repeat`` passes; the machine is shared, so CPU time rather than wall time):

- plain text: the 2,000 600-word texts of bench/out/speed-2000-1.jsonl, each
  through ``clean_text`` as bench/reuse_speed.py cleans them; the floor beside
  it is a bare ``normalise`` + ``split_paragraphs`` pass over the same texts;
- HTML: the 181 ScrapingHub pages (../shared/eval/scrapinghub), srccompare's
  HTML path (extraction and its own steps) against trafilatura's extraction
  alone with the options srccompare uses (the baseline), and our steps alone.

``--against DIR`` also times the plain-text cleaner of another checkout (say
``git worktree add /tmp/clean-base HEAD``) in a subprocess, for before/after.

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
from srccompare.load import article_from_text, load_inputs
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
    """CPU seconds per page: trafilatura alone, srccompare's HTML path, and its own steps after extraction."""
    rules = load_rules()
    extraction = ours = own = 0.0
    for page in pages:
        start = time.process_time()
        trafilatura.bare_extraction(
            page.html, url=page.url, include_comments=False, deduplicate=False, favor_precision=True,
            include_tables=True, include_images=False, with_metadata=True,
        )
        middle = time.process_time()
        article = article_from_text(page.html, source=page.key, id=page.key, kind="html", hints=Metadata(url=page.url))
        extracted = extract(article, settings.clean, rules)
        after_extraction = time.process_time()
        if not isinstance(extracted, NoArticle):
            clean_extracted(article, extracted, settings, rules)
        end = time.process_time()
        extraction, ours, own = extraction + middle - start, ours + end - middle, own + end - after_extraction
    count = len(pages)
    return {
        "trafilatura bare_extraction (baseline)": extraction / count,
        "srccompare HTML (extraction + our steps)": ours / count,
        "our steps after extraction": own / count,
    }


def time_other_checkout(directory: Path, repeat: int) -> dict[str, float]:
    """The plain-text timings of another checkout of srccompare, run in a subprocess."""
    environment = {**os.environ, "PYTHONPATH": str(directory)}
    command = [sys.executable, str(Path(__file__).resolve()), "--plain-only-json", "--repeat", str(repeat)]
    output = subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def table(rows: list[tuple[str, str, float]]) -> str:
    lines = [f"{'input':<12}{'what':<46}{'ms/article':>11}{'articles/s':>12}"]
    for group, name, seconds in rows:
        lines.append(f"{group:<12}{name:<46}{seconds * 1000:11.3f}{1 / seconds:12.0f}")
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
    parser.add_argument("--plain-only-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if args.dump:
        print(f"{dump(args.dump, settings)} cases written to {args.dump} (srccompare from {srccompare.__file__})")
        return 0
    texts = read_corpus(CORPUS)
    plain = time_plain_text(texts, settings, args.repeat)
    if args.plain_only_json:
        print(json.dumps(plain))
        return 0
    rows = [("plain text", name, seconds) for name, seconds in plain.items()]
    if args.against:
        other = time_other_checkout(args.against, args.repeat)
        rows.append(("plain text", f"clean_text of {args.against}", other["clean_text"]))
    pages, _ = load_pages(SCRAPINGHUB, None)
    rows += [("HTML", name, seconds) for name, seconds in time_html(pages, settings).items()]
    print(f"{len(texts)} plain-text articles from {CORPUS.relative_to(ROOT)} (best of {args.repeat}), "
          f"{len(pages)} ScrapingHub pages; CPU time, one process")
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
