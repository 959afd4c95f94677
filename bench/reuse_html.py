"""Size and time of the HTML reuse report on a day's coverage, against the report it replaced.

Run: .venv/bin/python bench/reuse_html.py [ARTICLES ...]   (default 600)

Two corpora a size, cleaned as ``srccompare reuse`` cleans a JSON Lines file:
bench/synthetic_news.py's (outlets carrying lightly edited agency stories,
plus the five seeds), and "one event": the same with two thirds of the
outlets' articles carrying one agency story (a day's coverage of one event,
as the 612 real articles of issue 23: one story, tens of thousands of pairs). ``find_reuse`` runs once a size (shown for scale); then
each report is written in the same run: the baseline is the HTML report
before issue 23 (bench/baselines/reuse_html_2c7ca99.py: a heat map of the 40
most reused articles and every full text), then today's page without the
texts (the default; the goal is under 2 MB at 600 articles), with them
(``--texts``), and the table for comparison.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.baselines import reuse_html_2c7ca99  # noqa: E402
from bench.synthetic_news import Writer, synthetic_corpus, write_jsonl  # noqa: E402
from srccompare.ingest.corpus import load_corpus  # noqa: E402
from srccompare.report import reuse_html, reuse_table  # noqa: E402
from srccompare.reuse import find_reuse  # noqa: E402
from srccompare.settings import load_settings  # noqa: E402

GOAL_MB = 2.0


def timed(call: Callable[[], str]) -> tuple[float, str]:
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def one_event(size: int) -> list[dict]:
    """synthetic_corpus(size) with two thirds of the outlets' articles also carrying the first wire story
    (three of its paragraphs, a word changed here and there)."""
    records = synthetic_corpus(size)
    story = next(r for r in records if r["id"] == "wire-00000")["text"].split("\n\n")
    writer = Writer(2)
    for number, record in enumerate(r for r in records if r["id"].startswith("art-")):
        if number % 3 != 2:
            start = writer.rng.randrange(0, max(1, len(story) - 3))
            paragraphs = record["text"].split("\n\n")
            paragraphs[1:1] = [writer.edit(p) for p in story[start:start + 3]]
            record["text"] = "\n\n".join(paragraphs)
    return records


def main(sizes: list[int]) -> None:
    settings = load_settings()
    print(f"{'corpus':<10} {'articles':>8} {'pairs':>6} {'report':<34} {'seconds':>8} {'MB':>6}")
    for size, (shape, make) in [(size, shape) for size in sizes for shape in (("news", synthetic_corpus),
                                                                                ("one event", one_event))]:
        with tempfile.TemporaryDirectory() as folder:
            corpus = load_corpus([str(write_jsonl(make(size), Path(folder) / "news.jsonl"))], [], settings)
        articles = corpus.articles
        seconds, result = timed(lambda: find_reuse(articles, settings, workers=2))  # type: ignore[arg-type,return-value]
        count = f"{shape:<10} {len(articles):>8} {len(result.pairs):>6}"
        print(f"{count} {'find_reuse (for scale)':<34} {seconds:>8.2f}")
        steps: list[tuple[str, Callable[[], str]]] = [
            ("baseline: html before issue 23", lambda: reuse_html_2c7ca99.as_html(result, articles)),
            ("html (default, no texts)", lambda: reuse_html.as_html(result, articles)),
            ("html --texts", lambda: reuse_html.as_html(result, articles, texts=True)),
            ("table", lambda: reuse_table.as_text(result, articles)),
        ]
        for name, call in steps:
            seconds, page = timed(call)
            megabytes = len(page.encode("utf-8")) / 1e6
            asked = name.startswith("html (") and shape == "news"
            goal = f"  (goal < {GOAL_MB:g} MB: {'met' if megabytes < GOAL_MB else 'NOT met'})" if asked else ""
            print(f"{count} {name:<34} {seconds:>8.2f} {megabytes:>6.2f}{goal}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [600])
