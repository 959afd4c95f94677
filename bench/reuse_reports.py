"""How long the reuse writers and the browse screen's views take on a synthetic corpus.

Run: .venv/bin/python bench/reuse_reports.py [ARTICLES ...]   (default 1000 4000)

Articles of ~600 random words each carry 0 to 2 paragraphs of "wire copy"
(one pool of stories, a few words changed per copy); a third of the wire
stories' carriers credit AFP. ``find_reuse`` runs once per size (shown for
scale), then each writer is timed against a baseline in the same run:
``json.dumps(to_dict(result))``, the plain dump of the model objects.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable

from srccompare.model import CleanArticle, Credit, Metadata, to_dict
from srccompare.report import reuse_csv, reuse_html, reuse_json, reuse_jsonl, reuse_table
from srccompare.reuse.pipeline import find_reuse
from srccompare.settings import load_settings

SEED = 20200819
VOCABULARY = [f"w{number}" for number in range(20000)]


def corpus(size: int) -> list[CleanArticle]:
    rng = random.Random(SEED)
    stories = [" ".join(rng.choices(VOCABULARY, k=60)) + "." for _ in range(max(1, size // 4))]
    articles = []
    for number in range(size):
        paragraphs = [" ".join(rng.choices(VOCABULARY, k=100)) + "." for _ in range(5)]
        credits: tuple[Credit, ...] = ()
        for _ in range(rng.randint(0, 2)):
            story = stories[rng.randrange(len(stories))].split()
            for _ in range(3):
                story[rng.randrange(len(story))] = rng.choice(VOCABULARY)
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), " ".join(story))
            if rng.random() < 0.3:
                credits = (Credit("AFP", "byline", "By AFP"),)
        metadata = Metadata(outlet=f"Outlet {number % 50}", credits=credits)
        articles.append(CleanArticle(f"a{number:06d}", f"a{number:06d}.txt", "text", metadata, tuple(paragraphs)))
    return articles


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def main(sizes: list[int]) -> None:
    settings = load_settings()
    from srccompare.tui.screens.browse import BrowseData, Processed

    print(f"{'articles':>8} {'passages':>8} {'step':<26} {'seconds':>8} {'MB out':>7}")
    for size in sizes:
        articles = corpus(size)
        seconds, result = timed(lambda: find_reuse(articles, settings, workers=2))
        print(f"{size:>8} {len(result.passages):>8} {'find_reuse (for scale)':<26} {seconds:>8.2f}")
        steps: list[tuple[str, Callable[[], object]]] = [
            ("baseline json(to_dict)", lambda: json.dumps(to_dict(result))),
            ("json", lambda: reuse_json.as_json(result, articles)),
            ("jsonl", lambda: reuse_jsonl.as_jsonl(result, articles)),
            ("csv", lambda: reuse_csv.as_csv(result, articles)),
            ("table", lambda: reuse_table.as_text(result, articles)),
            ("html", lambda: reuse_html.as_html(result, articles)),
            ("browse views", lambda: BrowseData.build(Processed(tuple(articles), result))),
        ]
        for name, call in steps:
            seconds, output = timed(call)
            megabytes = f"{len(output) / 1e6:>7.1f}" if isinstance(output, str) else f"{'-':>7}"
            print(f"{size:>8} {len(result.passages):>8} {name:<26} {seconds:>8.2f} {megabytes}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 4000])
