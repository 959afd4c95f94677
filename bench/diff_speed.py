"""Alignment speed (and what it finds): srccompare.diff.align against a naive baseline, in one run.

Pairs: real article text (the ScrapingHub benchmark's ground-truth bodies, MIT,
see ../shared/eval/README.md) joined to about 2,000 and 20,000 words; the right
side is an edited copy of the left, made with a fixed seed: paragraphs dropped
(5%), split (5%), merged with the next (5%), reworded (10%: three words
replaced), given curly quotes (20%), moved (10%) and foreign paragraphs
inserted (5%).

Measured: the first call (with any lazy import), then over several runs the
median and best wall clock and the median CPU time:

- srccompare  ``diff_articles``: tokenize, pair by content, groups, in-order chain, word diffs
- difflib     the classic line diff: ``difflib.SequenceMatcher`` over the paragraphs, then
              over the words of each replaced block (no moves, no normal form)

and the share of the true paragraph links (left paragraph -> the right paragraph
made from it) each one recovers. Goals: 2,000 words < 100 ms, 20,000 words < 2 s.
Run from the repository root:

    .venv/bin/python bench/diff_speed.py [--data DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from srccompare.diff.align import diff_articles
from srccompare.model import CleanArticle, DiffResult, Metadata
from srccompare.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "scrapinghub"
SIZES = ((2_000, 0.100), (20_000, 2.0))  # words, goal in seconds
REWORDS = ["reportedly", "officials", "Tuesday", "sharply", "several", "announced", "critics", "later"]


@dataclass(frozen=True)
class Case:
    words: int
    left: CleanArticle
    right: CleanArticle
    links: frozenset[tuple[int, int]]  # (left paragraph, right paragraph) made from it


def load_paragraphs(data: Path) -> list[str]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    paragraphs: dict[str, None] = {}  # once each: a repeated paragraph would make the true links ambiguous
    for key in sorted(truth):
        paragraphs.update((p.strip(), None) for p in truth[key]["articleBody"].split("\n") if len(p.split()) >= 8)
    return list(paragraphs)


def make_case(pool: list[str], words: int, rng: random.Random) -> Case:
    start = rng.randrange(len(pool) // 2)
    left: list[str] = []
    while sum(len(p.split()) for p in left) < words:
        left.append(pool[(start + len(left)) % len(pool)])
    right = edit(left, pool, rng)
    links = frozenset((i, j) for j, (_, sources) in enumerate(right) for i in sources)
    return Case(
        words,
        CleanArticle("left", "<left>", "text", Metadata(), tuple(left)),
        CleanArticle("right", "<right>", "text", Metadata(), tuple(text for text, _ in right)),
        links,
    )


def edit(left: list[str], pool: list[str], rng: random.Random) -> list[tuple[str, tuple[int, ...]]]:
    """The edited copy: (text, left paragraphs it came from) in its new order."""
    right: list[tuple[str, tuple[int, ...]]] = []
    index = 0
    while index < len(left):
        text, roll = left[index], rng.random()
        if roll < 0.05:
            index += 1
            continue
        if roll < 0.10:
            words = text.split()
            right += [(" ".join(words[: len(words) // 2]), (index,)), (" ".join(words[len(words) // 2 :]), (index,))]
        elif roll < 0.15 and index + 1 < len(left):
            right.append((text + " " + left[index + 1], (index, index + 1)))
            index += 1
        else:
            right.append((reword(text, rng) if roll < 0.25 else text, (index,)))
        index += 1
    for _ in range(len(right) // 20):
        right.insert(rng.randrange(len(right) + 1), (rng.choice(pool), ()))
    for _ in range(len(right) // 10):
        right.insert(rng.randrange(len(right) + 1), right.pop(rng.randrange(len(right))))
    return [(text.replace('"', "\u201c", 1) if rng.random() < 0.2 else text, sources) for text, sources in right]


def reword(text: str, rng: random.Random) -> str:
    words = text.split()
    for _ in range(3):
        words[rng.randrange(len(words))] = rng.choice(REWORDS)
    return " ".join(words)


def srccompare_links(result: DiffResult) -> set[tuple[int, int]]:
    links = set()
    for row in result.rows:
        partner = result.rows[row.partner] if row.partner is not None else row
        left = row.left_paragraphs or partner.left_paragraphs
        right = row.right_paragraphs or partner.right_paragraphs
        if row.status in ("same", "changed", "moved"):
            links |= {(i, j) for i in left for j in right}
    return links


def difflib_diff(left: CleanArticle, right: CleanArticle) -> set[tuple[int, int]]:
    """The baseline: paragraphs as lines, then words inside replaced blocks; links it implies."""
    links = set()
    matcher = difflib.SequenceMatcher(None, left.paragraphs, right.paragraphs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            links |= {(i1 + k, j1 + k) for k in range(i2 - i1)}
        elif tag == "replace":
            left_words = " ".join(left.paragraphs[i1:i2]).split()
            right_words = " ".join(right.paragraphs[j1:j2]).split()
            difflib.SequenceMatcher(None, left_words, right_words, autojunk=False).get_opcodes()
            links |= {(i1 + k, j1 + k) for k in range(min(i2 - i1, j2 - j1))}
    return links


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, float, object]:
    """Median and best wall-clock seconds, median CPU seconds over ``runs`` calls, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    pool = load_paragraphs(args.data)
    settings = load_settings().diff
    diff_articles(CleanArticle("a", "a", "text", Metadata(), ("warm up.",)), CleanArticle("b", "b", "text", Metadata(), ("warm up.",)), settings)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time suffers first when the machine is shared)")
    print(f"{'words':>7} {'paras L/R':>10} {'method':<11} {'first ms':>9} {'wall ms':>9} {'best ms':>8} {'cpu ms':>8} {'links found':>12} {'goal':>11}")
    for words, goal in SIZES:
        case = make_case(pool, words, random.Random(words))
        shape = f"{len(case.left.paragraphs)}/{len(case.right.paragraphs)}"
        for method, call, links_of in (
            ("srccompare", lambda: diff_articles(case.left, case.right, settings), srccompare_links),
            ("difflib", lambda: difflib_diff(case.left, case.right), lambda links: links),
        ):
            first, _, _, _ = timed(call, 1)  # includes any lazy import (scipy) a fresh process pays once
            wall, best, cpu, result = timed(call, args.runs)
            found = len(links_of(result) & case.links) / len(case.links)
            verdict = f"<{goal * 1000:.0f} {'ok' if wall < goal else 'MISSED'}" if method == "srccompare" else ""
            print(f"{words:>7} {shape:>10} {method:<11} {first * 1000:>9.1f} {wall * 1000:>9.1f} {best * 1000:>8.1f} {cpu * 1000:>8.1f} {found:>12.1%} {verdict:>11}")
    one_paragraph(pool, settings)
    return 0


def one_paragraph(pool: list[str], settings: object) -> None:
    """The 20,000-word pair with each side as one paragraph (a page extracted badly):
    the share of the right side's words found on both sides, against difflib on the words."""
    case = make_case(pool, 20_000, random.Random(20_000))
    left = CleanArticle("left", "<left>", "text", Metadata(), (" ".join(case.left.paragraphs),))
    right = CleanArticle("right", "<right>", "text", Metadata(), (" ".join(case.right.paragraphs),))
    wall, _, cpu, result = timed(lambda: diff_articles(left, right, settings), 1)
    print(f"\none paragraph a side, 20,000 words: srccompare {wall * 1000:.0f} ms wall / {cpu * 1000:.0f} ms cpu, "
          f"{result.right_shared / result.right_words:.1%} of the right side's words shared")
    left_words, right_words = left.paragraphs[0].split(), right.paragraphs[0].split()
    wall, _, cpu, blocks = timed(
        lambda: difflib.SequenceMatcher(None, left_words, right_words, autojunk=False).get_matching_blocks(), 1
    )
    print(f"{'':35}difflib    {wall * 1000:.0f} ms wall / {cpu * 1000:.0f} ms cpu, "
          f"{sum(block.size for block in blocks) / len(right_words):.1%} of the right side's words matched")


if __name__ == "__main__":
    sys.exit(main())
