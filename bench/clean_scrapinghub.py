"""Cleaning quality on the ScrapingHub article-extraction benchmark (181 real pages).

Scores, in one run and with the benchmark's own metric (see ../shared/eval/README.md):

- trafilatura    plain ``trafilatura.extract`` with its default settings (the baseline)
- trafilatura (our options)  trafilatura alone, called as srccompare calls it (precision, metadata)
- srccompare     srccompare's HTML path (trafilatura + our steps)
- html-text      the full page text with no extraction (output/html-text.json as it is)
- srccompare-txt srccompare's plain-text path fed that full page text

and the pages per second of each, plus the share of time srccompare's own steps add
to its trafilatura extraction. Run from the repository root:

    .venv/bin/python bench/clean_scrapinghub.py [--workers 2] [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from srccompare.clean import clean_extracted
from srccompare.clean.extract import NoArticle, extract
from srccompare.ingest.decode import article_from_text, decode
from srccompare.model import LoadError, Metadata
from srccompare.rules import load_rules
from srccompare.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "eval" / "scrapinghub"
TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: str
    full_text: str


@dataclass(frozen=True)
class Prediction:
    """One system's body for one page and the seconds it took (own_seconds: srccompare's own steps)."""

    key: str
    body: str
    seconds: float
    own_seconds: float = 0.0


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float


# --- the metric ------------------------------------------------------------------------


def shingles(text: str) -> Counter[str]:
    """4-token shingles as a multiset; a text shorter than 4 tokens is one shingle."""
    tokens = TOKEN.findall(text or "")
    return Counter(" ".join(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens)


def page_counts(truth: str, predicted: str) -> tuple[float, float, float]:
    """tp, fp, fn of one page, normalised to sum to 1 (so every page weighs the same)."""
    true_sh, pred_sh = shingles(truth), shingles(predicted)
    tp = sum((true_sh & pred_sh).values())
    fp = sum((pred_sh - true_sh).values())
    fn = sum((true_sh - pred_sh).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _mean_ratio(pairs: Iterable[tuple[float, float, float]], other: int) -> float:
    """Mean of tp/(tp+x) over pages, x being fp (other=1) or fn (other=2)."""
    values = []
    for counts in pairs:
        tp, fp, fn = counts
        if fp == 0 and fn == 0:
            values.append(1.0)
        elif tp + counts[other] > 0:
            values.append(tp / (tp + counts[other]))
    return sum(values) / len(values) if values else 0.0


def score(truths: dict[str, str], predictions: dict[str, str]) -> Score:
    counts = [page_counts(truths[key], predictions.get(key, "")) for key in truths]
    precision, recall = _mean_ratio(counts, 1), _mean_ratio(counts, 2)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    exact = [TOKEN.findall(truths[k]) == TOKEN.findall(predictions.get(k, "")) for k in truths]
    return Score(precision, recall, f1, sum(exact) / len(exact))


# --- the systems -----------------------------------------------------------------------


def run_trafilatura(page: Page) -> Prediction:
    start = time.perf_counter()
    body = trafilatura.extract(page.html) or ""
    return Prediction(page.key, body, time.perf_counter() - start)


def run_trafilatura_like_srccompare(page: Page) -> Prediction:
    """trafilatura alone with the options srccompare's extraction uses (precision, metadata, no dedup)."""
    start = time.perf_counter()
    document = trafilatura.bare_extraction(
        page.html, url=page.url, include_comments=False, deduplicate=False, favor_precision=True,
        include_tables=True, include_images=False, with_metadata=True,
    )
    return Prediction(page.key, (document.text if document else "") or "", time.perf_counter() - start)


def run_srccompare_html(page: Page) -> Prediction:
    article = article_from_text(page.html, source=page.key, id=page.key, kind="html", hints=Metadata(url=page.url))
    return _run_srccompare(article)


def run_srccompare_text(page: Page) -> Prediction:
    article = article_from_text(page.full_text, source=page.key, id=page.key, kind="text")
    return _run_srccompare(article)


def _run_srccompare(article) -> Prediction:  # type: ignore[no-untyped-def]
    settings, rules = load_settings(), load_rules()
    start = time.perf_counter()
    extracted = extract(article, settings.clean, rules)
    middle = time.perf_counter()
    result = None if isinstance(extracted, NoArticle) else clean_extracted(article, extracted, settings, rules)
    end = time.perf_counter()
    body = "" if result is None or isinstance(result, LoadError) else result.body
    return Prediction(article.id, body, end - start, end - middle)


def run_html_text(page: Page) -> Prediction:
    return Prediction(page.key, page.full_text, 0.0)


SYSTEMS: dict[str, Callable[[Page], Prediction]] = {
    "trafilatura (default)": run_trafilatura,
    "trafilatura (our options)": run_trafilatura_like_srccompare,
    "srccompare HTML": run_srccompare_html,
    "html-text (no cleaning)": run_html_text,
    "srccompare plain text": run_srccompare_text,
}


# --- running ---------------------------------------------------------------------------


def load_pages(data: Path, limit: int | None) -> tuple[list[Page], dict[str, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    full = json.loads((data / "output" / "html-text.json").read_text(encoding="utf-8"))
    full = full.get("output", full)
    pages = []
    for key in sorted(truth)[:limit]:
        html = decode(gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()), key)
        if isinstance(html, LoadError):
            sys.exit(f"{html.source}: {html.problem}")
        pages.append(Page(key, truth[key].get("url", ""), html, full.get(key, {}).get("articleBody", "")))
    return pages, {page.key: truth[page.key].get("articleBody", "") for page in pages}


def run_system(system: Callable[[Page], Prediction], pages: list[Page], workers: int) -> list[Prediction]:
    if workers <= 1:
        return [system(page) for page in pages]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(system, pages, chunksize=4))


def report(rows: list[tuple[str, Score, list[Prediction]]], baseline_seconds: float) -> str:
    lines = [f"{'system':<26}{'F1':>7}{'prec':>7}{'recall':>8}{'acc':>7}{'pages/s':>9}{'vs trafilatura':>16}"]
    for name, result, predictions in rows:
        seconds = sum(p.seconds for p in predictions)
        rate = f"{len(predictions) / seconds:9.1f}" if seconds else f"{'-':>9}"
        own = sum(p.own_seconds for p in predictions)
        extra = f"{own / baseline_seconds:+15.1%} own" if name == "srccompare HTML" and baseline_seconds else ""
        lines.append(
            f"{name:<26}{result.f1:7.3f}{result.precision:7.3f}{result.recall:8.3f}{result.accuracy:7.3f}{rate}{extra}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the scrapinghub directory")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (pages/s is per worker)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (by key)")
    parser.add_argument("--only", default=None, help="score only the systems whose name holds this text (plus the baseline)")
    parser.add_argument("--dump", type=Path, default=None, help="write each system's bodies as JSON here")
    args = parser.parse_args(argv)
    pages, truths = load_pages(args.data, args.limit)
    rows = []
    for name, system in SYSTEMS.items():
        if args.only and args.only not in name and system is not run_trafilatura:
            continue
        predictions = run_system(system, pages, args.workers)
        rows.append((name, score(truths, {p.key: p.body for p in predictions}), predictions))
    baseline = sum(p.seconds for p in rows[0][2])
    print(f"{len(pages)} pages from {args.data}; pages/s is per worker process (CPU-bound, {args.workers} worker(s))")
    print(report(rows, baseline))
    seconds = {name: sum(p.seconds for p in predictions) for name, _, predictions in rows}
    for name, _, predictions in rows:
        if name == "srccompare HTML":
            own = sum(p.own_seconds for p in predictions)
            same = seconds.get("trafilatura (our options)")
            print(
                f"srccompare HTML: {seconds[name] / baseline - 1:+.1%} total time vs default trafilatura"
                + (f", {seconds[name] / same - 1:+.1%} vs trafilatura with the same options" if same else "")
                + f"; its own steps (after extraction) add {own / baseline:.1%} of default trafilatura's time"
            )
    if args.dump:
        args.dump.write_text(json.dumps({name: {p.key: p.body for p in preds} for name, _, preds in rows}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
