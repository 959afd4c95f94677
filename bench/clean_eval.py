"""Cleaning quality on pages and text layouts it was not tuned on: one command, every path.

    .venv/bin/python bench/clean_eval.py [--half held-out|tune|both] [--sets wcxb,scrapinghub]
        [--renderers html,html-text,inscriptis,w3m,lynx] [--workers 2] [--limit N] [--dump DIR]

Data (../shared/eval, see its README): wcxb-dev (711 article pages, ground truth with
``with`` and ``without`` snippets) and ScrapingHub (181 news pages, article bodies only,
so no snippet figures). Each set is split in two halves by a hash of the page id
(``tune``: the half rules and weights may be fitted on; ``held-out``: the half reported).

Each page is scored as HTML (srccompare's HTML path beside plain trafilatura, called
with the options srccompare uses: comments, deduplication and images off, tables on,
its default balance of precision and recall; both timed in this run, CPU time a page,
each worker having run both once on a fixture page untimed) and as plain
text rendered by html-text, inscriptis and a text-mode browser (``w3m -dump`` or
``lynx -dump``, skipped when not installed): srccompare's plain-text path beside the
rendered text with no cleaning at all.

Figures (WCXB's metric): F1 of the bag of lowercase ``\\w+`` tokens, precision and recall
beside it, each the mean over pages; ``with``: mean share of the with-snippets found;
``leak``: share of pages whose output holds a without-snippet (a one- or two-word
snippet only as a whole line). ScrapingHub also gets its own 4-token-shingle F1 (``sh-F1``).
Rendered text is cached under ``--cache`` (default $TMPDIR/srccompare-clean-eval), so
reruns only clean and score.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from srccompare.clean import clean_extracted
from srccompare.clean.extract import NoArticle, extract
from srccompare.ingest.load import article_from_text, decode
from srccompare.model import LoadError, Metadata
from srccompare.rules import load_rules
from srccompare.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
TOKEN = re.compile(r"\w+")
SPACE = re.compile(r"\s+")
RENDERERS = ("html", "html-text", "inscriptis", "w3m", "lynx")


@dataclass(frozen=True)
class Page:
    """One page of an evaluation set, with its ground truth."""

    set: str
    id: str
    url: str
    truth: str
    with_snippets: tuple[str, ...]
    without_snippets: tuple[str, ...]


@dataclass(frozen=True)
class Output:
    """One system's text for one page, and the CPU seconds it took."""

    page: str
    text: str
    seconds: float


@dataclass(frozen=True)
class Score:
    f1: float
    precision: float
    recall: float
    with_share: float | None
    leak: float | None
    shingle_f1: float | None
    pages: int


def half_of(page_id: str) -> str:
    """The half a page is in, from a hash of its id (stable across runs and machines)."""
    return "tune" if hashlib.sha1(page_id.encode()).digest()[0] % 2 == 0 else "held-out"


# --- the data ---------------------------------------------------------------------------


def load_wcxb(data: Path) -> list[Page]:
    pages = []
    for path in sorted((data / "ground-truth").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        truth = record["ground_truth"]
        pages.append(Page("wcxb", path.stem, record.get("url") or "", truth.get("main_content") or "",
                          tuple(truth.get("with") or ()), tuple(truth.get("without") or ())))
    return pages


def load_scrapinghub(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page("scrapinghub", key, value.get("url", ""), value.get("articleBody", ""), (), ())
            for key, value in sorted(truth.items())]


SETS: dict[str, tuple[str, Callable[[Path], list[Page]]]] = {
    "wcxb": ("wcxb-dev", load_wcxb),
    "scrapinghub": ("scrapinghub", load_scrapinghub),
}


def page_html(page: Page) -> str:
    path = EVAL / SETS[page.set][0] / "html" / f"{page.id}.html.gz"
    html = decode(gzip.decompress(path.read_bytes()), str(path))
    if isinstance(html, LoadError):
        raise SystemExit(f"{html.source}: {html.problem}")
    return html


# --- rendering to plain text (cached) ---------------------------------------------------


def render(renderer: str, html: str) -> str:
    if renderer == "html-text":
        import html_text

        return html_text.extract_text(html, guess_layout=True)
    if renderer == "inscriptis":
        from inscriptis import get_text

        return get_text(html)
    command = {"w3m": ["w3m", "-dump", "-T", "text/html", "-cols", "100", "-O", "UTF-8"],
               "lynx": ["lynx", "-dump", "-nolist", "-stdin", "-width=100", "-display_charset=UTF-8",
                        "-assume_charset=UTF-8"]}[renderer]
    done = subprocess.run(command, input=html.encode("utf-8"), capture_output=True, timeout=60, check=False)
    return done.stdout.decode("utf-8", "replace")


def rendered(renderer: str, page: Page, cache: Path) -> str:
    path = cache / renderer / page.set / f"{page.id}.txt"
    if path.exists():
        return path.read_text(encoding="utf-8")
    text = render(renderer, page_html(page))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)  # atomic: an interrupted run leaves no half-written cache entry
    return text


# --- the systems ------------------------------------------------------------------------


def run_trafilatura(page: Page, html: str) -> Output:
    """trafilatura alone with srccompare's options, at its default balance."""
    start = time.process_time()
    text = trafilatura.extract(html, url=page.url or None, include_comments=False, deduplicate=False,
                               include_tables=True, include_images=False) or ""
    return Output(page.id, text, time.process_time() - start)


def run_srccompare(page: Page, content: str, kind: str) -> Output:
    settings, rules = load_settings(), load_rules()
    hints = Metadata(url=page.url or None) if kind == "html" else Metadata()
    start = time.process_time()
    article = article_from_text(content, source=page.id, id=page.id, kind=kind, hints=hints)  # type: ignore[arg-type]
    extracted = extract(article, settings.clean, rules)
    result = None if isinstance(extracted, NoArticle) else clean_extracted(article, extracted, settings, rules)
    text = "" if result is None or isinstance(result, LoadError) else result.body
    return Output(page.id, text, time.process_time() - start)


def run_page(job: tuple[Page, str, str]) -> dict[str, Output]:
    """Every system of one renderer on one page (one worker task)."""
    page, renderer, cache = job
    if renderer == "html":
        html = page_html(page)
        return {"trafilatura": run_trafilatura(page, html), "srccompare": run_srccompare(page, html, "html")}
    text = rendered(renderer, page, Path(cache))
    return {"no cleaning": Output(page.id, text, 0.0), "srccompare": run_srccompare(page, text, "text")}


# --- the metrics ------------------------------------------------------------------------


def bag_scores(truth: str, predicted: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the bag of lowercase tokens (WCXB)."""
    true_bag, pred_bag = Counter(TOKEN.findall(truth.lower())), Counter(TOKEN.findall(predicted.lower()))
    common = sum((true_bag & pred_bag).values())
    if not true_bag and not pred_bag:
        return 1.0, 1.0, 1.0
    precision = common / sum(pred_bag.values()) if pred_bag else 0.0
    recall = common / sum(true_bag.values()) if true_bag else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def squash(text: str) -> str:
    return SPACE.sub(" ", text.lower()).strip()


def snippets_found(snippets: Sequence[str], text: str) -> float | None:
    if not snippets:
        return None
    flat = squash(text)
    return sum(squash(s) in flat for s in snippets) / len(snippets)


def leaks(snippets: Sequence[str], text: str) -> bool:
    """Whether the output holds a without-snippet (a one- or two-word one only as a whole line)."""
    flat = squash(text)
    lines = {squash(line) for line in text.splitlines()}
    for snippet in snippets:
        wanted = squash(snippet)
        if not wanted:
            continue
        if len(wanted.split()) <= 2:
            if wanted in lines:
                return True
        elif wanted in flat:
            return True
    return False


def shingle_f1(pairs: list[tuple[str, str]]) -> float:
    """ScrapingHub's own metric: multiset 4-token shingles, page-normalised counts."""
    sys.path.insert(0, str(ROOT / "bench"))
    from clean_scrapinghub import score

    return score({str(i): t for i, (t, _) in enumerate(pairs)}, {str(i): p for i, (_, p) in enumerate(pairs)}).f1


def score(pages: Sequence[Page], outputs: dict[str, Output]) -> Score:
    bags = [bag_scores(p.truth, outputs[p.id].text) for p in pages]
    n = len(pages)
    with_values = [v for p in pages if (v := snippets_found(p.with_snippets, outputs[p.id].text)) is not None]
    leak_pages = [p for p in pages if p.without_snippets]
    leak = sum(leaks(p.without_snippets, outputs[p.id].text) for p in leak_pages) / len(leak_pages) if leak_pages else None
    shingled = shingle_f1([(p.truth, outputs[p.id].text) for p in pages]) if pages[0].set == "scrapinghub" else None
    return Score(sum(b[2] for b in bags) / n, sum(b[0] for b in bags) / n, sum(b[1] for b in bags) / n,
                 sum(with_values) / len(with_values) if with_values else None, leak, shingled, n)


# --- running ----------------------------------------------------------------------------


def available(renderer: str) -> bool:
    if renderer in ("w3m", "lynx"):
        return shutil.which(renderer) is not None
    return True


def warm_up() -> None:
    """Each system once on a page before any timing (untimed): what a process loads once (stop lists,
    rules, trafilatura's and htmldate's tables) is paid once by a corpus run, not on every page."""
    page = Page("wcxb", "warm-up", "https://www.elledecor.com/", "", (), ())
    html = (ROOT / "fixtures" / "wcxb" / "0133.html").read_text(encoding="utf-8")
    run_trafilatura(page, html)
    run_srccompare(page, html, "html")
    run_srccompare(page, trafilatura.html2txt(html), "text")


def run(pages: list[Page], renderer: str, cache: Path, workers: int) -> dict[str, dict[str, Output]]:
    jobs = [(page, renderer, str(cache)) for page in pages]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=warm_up) as pool:
            results = list(pool.map(run_page, jobs, chunksize=8))
    else:
        warm_up()
        results = [run_page(job) for job in jobs]
    by_system: dict[str, dict[str, Output]] = {}
    for result in results:
        for system, output in result.items():
            by_system.setdefault(system, {})[output.page] = output
    return by_system


def fmt(value: float | None, pattern: str = "{:7.3f}") -> str:
    return pattern.format(value) if value is not None else f"{'-':>{len(pattern.format(0.0))}}"


HEADER = f"{'set':<12}{'half':<9}{'input':<11}{'system':<13}{'F1':>7}{'prec':>7}{'recall':>7}{'with':>7}{'leak':>7}{'sh-F1':>7}{'pages':>6}{'ms/page':>9}"


def row(names: tuple[str, str, str, str], result: Score, outputs: dict[str, Output]) -> str:
    seconds = sum(o.seconds for o in outputs.values())
    ms = f"{1000 * seconds / len(outputs):9.1f}" if seconds else f"{'-':>9}"
    return (f"{names[0]:<12}{names[1]:<9}{names[2]:<11}{names[3]:<13}{result.f1:7.3f}{result.precision:7.3f}"
            f"{result.recall:7.3f}{fmt(result.with_share)}{fmt(result.leak, '{:7.1%}')}{fmt(result.shingle_f1)}"
            f"{result.pages:6d}{ms}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("held-out", "tune", "both"), default="held-out")
    parser.add_argument("--sets", default="wcxb,scrapinghub")
    parser.add_argument("--renderers", default=",".join(RENDERERS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="the first N pages of each set and half")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "srccompare-clean-eval")
    parser.add_argument("--dump", type=Path, default=None, help="write every output as JSON here, one file a run")
    args = parser.parse_args(argv)
    halves = ("tune", "held-out") if args.half == "both" else (args.half,)
    print(HEADER)
    for set_name in args.sets.split(","):
        directory, loader = SETS[set_name]
        every = loader(EVAL / directory)
        for renderer in args.renderers.split(","):
            if not available(renderer):
                print(f"{set_name:<12}{'':<9}{renderer:<11}skipped: {renderer} is not installed", flush=True)
                continue
            for half in halves:
                pages = [p for p in every if half_of(p.id) == half][: args.limit]
                outputs = run(pages, renderer, args.cache, args.workers)
                for system, by_page in outputs.items():
                    print(row((set_name, half, renderer, system), score(pages, by_page), by_page), flush=True)
                if args.dump:
                    args.dump.mkdir(parents=True, exist_ok=True)
                    dump = {s: {k: o.text for k, o in by_page.items()} for s, by_page in outputs.items()}
                    (args.dump / f"{set_name}-{half}-{renderer}.json").write_text(json.dumps(dump, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
