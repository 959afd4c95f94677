"""The HTML path's thresholds swept on the tune half: the curves defaults.toml's choices come from.

    .venv/bin/python bench/html_thresholds.py [--sets wcxb] [--half tune] [--workers 2] [--refresh]

For every page of the half, each pass srccompare's HTML path may run (trafilatura's fast and
full balanced passes, the page's paragraphs by trafilatura's baseline, the page's visible
characters and <p> words) is run once and stored under $TMPDIR/srccompare-html-thresholds;
each point of a curve then replays clean/widen.py's decision (``chosen_text``) on the stored
passes and cleans the result as srccompare does. Plain trafilatura (``trafilatura.extract``
with srccompare's options, as bench/clean_eval.py calls it) is scored in the same run.

Each curve varies one threshold, the others at their defaults: ``retry_below_page_share``,
``wider_below_share`` (defaults.toml [clean]), the two overlap shares of the widening
(clean/widen.py: ``run``, the share of the extraction the page's main run must hold;
``keep``, the share the grown text must hold) and the two of putting back headings and list
items (clean/widen.py's SectionRule: ``min_kept``, the paragraphs the extraction kept that
must surround them in one element; ``link_share``, the most link text they may hold), and
``edge_container_share`` (defaults.toml [clean]: the share of the text's words the article's
element holds when the edges outside it are cut, clean/edges.py). Columns: F1, precision and
recall of the bag of words (WCXB's metric, mean over pages), leak (share of pages holding a
without-snippet), and the shares of pages given the full pass, grown by the widening, filled
(headings and list items put back between paragraphs the extraction kept: clean/widen.py's
with_sections) and cut (lines at the edges outside the article's element dropped).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import trafilatura
from trafilatura.utils import load_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clean_eval import EVAL, SETS, Output, Page, half_of, page_html, score  # noqa: E402

from srccompare.clean import clean_extracted  # noqa: E402
from srccompare.clean.edges import without_outside_edges  # noqa: E402
from srccompare.clean.extract import Extracted, html_metadata, page_passes  # noqa: E402
from srccompare.clean.widen import (  # noqa: E402
    KEEP_SHARE, RUN_MIN_OVERLAP, SECTION_LINK_SHARE, SECTION_MIN_KEPT, Overlaps, Passes, SectionRule, chosen_text,
    page_paragraphs, with_sections,
)
from srccompare.ingest.load import article_from_text  # noqa: E402
from srccompare.model import LoadError, Metadata  # noqa: E402
from srccompare.rules import load_rules  # noqa: E402
from srccompare.settings import Settings, load_settings  # noqa: E402

CURVES: dict[str, tuple[float, ...]] = {
    "retry_below_page_share": (0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 1.0),
    "wider_below_share": (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    "run": (0.3, 0.4, 0.5, 0.6, 0.7, 0.9),
    "keep": (0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
    "min_kept": (1, 2, 3, 4),
    "link_share": (0.0, 0.2, 0.35, 0.5, 0.7, 1.0),
    "edge_container_share": (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0),
}


@dataclass(frozen=True)
class Stored:
    """One page's passes and metadata, as run once."""

    fast: str
    full: str
    paragraphs: str
    page_chars: int
    paragraph_words: int
    metadata: dict[str, str | None]
    trafilatura: str

    def passes(self, calls: list[str], sections: Callable[[str], str], edges: Callable[[str, float], str]) -> Passes:
        """The stored passes, noting in ``calls`` which ones the decision asked for."""
        def asked(name: str, value: str) -> str:
            calls.append(name)
            return value

        return Passes(lambda: self.fast, lambda: asked("full", self.full), lambda: asked("paragraphs", self.paragraphs),
                      lambda: self.page_chars, lambda: self.paragraph_words, sections, edges)


def run_passes(page: Page) -> tuple[str, Stored]:
    html = page_html(page)
    tree = load_html(html)
    url = page.url or None
    if tree is None:
        return page.id, Stored("", "", "", 0, 0, {}, "")
    passes = page_passes(tree, url)
    metadata = html_metadata(tree, url, load_rules())
    plain = trafilatura.extract(html, url=url, include_comments=False, deduplicate=False,
                                include_tables=True, include_images=False) or ""
    stored = Stored(passes.fast(), passes.full(), passes.paragraphs(), passes.page_chars(), passes.paragraph_words(),
                    {k: getattr(metadata, k) for k in ("title", "date", "url", "outlet", "byline")}, plain)
    return page.id, stored


def stored_passes(pages: Sequence[Page], cache: Path, workers: int, refresh: bool) -> dict[str, Stored]:
    """Every page's passes, from the cache when this code and trafilatura ran them before."""
    source = Path(sys.modules[page_passes.__module__].__file__ or "").read_text(encoding="utf-8")  # the passes and metadata are run there
    key = hashlib.sha1(f"{trafilatura.__version__}{source}{[p.id for p in pages]}".encode()).hexdigest()[:16]
    path = cache / f"{pages[0].set}-{key}.json.gz"
    if path.exists() and not refresh:
        return {k: Stored(**v) for k, v in json.loads(gzip.decompress(path.read_bytes())).items()}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        found = dict(pool.map(run_passes, pages, chunksize=4))
    cache.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(gzip.compress(json.dumps({k: vars(v) for k, v in found.items()}).encode()))
    temporary.replace(path)
    return found


class Sections:
    """clean/widen.py's with_sections and clean/edges.py's cut on a page's tree, parsed again for each
    text it is asked about (a few texts a page over a whole sweep; keeping 346 trees would take gigabytes)."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, str, SectionRule], str] = {}
        self.cut: dict[tuple[str, str, float], str] = {}

    def edges(self, page: Page) -> Callable[[str, float], str]:
        def edges(text: str, share: float) -> str:
            if (page.id, text, share) not in self.cut:
                self.cut[page.id, text, share] = without_outside_edges(text, page_paragraphs(load_html(page_html(page))), share)
            return self.cut[page.id, text, share]

        return edges

    def of(self, page: Page, rule: SectionRule) -> Callable[[str], str]:
        def sections(text: str) -> str:
            if (page.id, text, rule) not in self.done:
                self.done[page.id, text, rule] = with_sections(text, page_paragraphs(load_html(page_html(page))), rule)
            return self.done[page.id, text, rule]

        return sections


class Cleaner:
    """srccompare's text steps on a chosen text, each page and text cleaned once however many points share it."""

    def __init__(self, settings: Settings) -> None:
        self.settings, self.rules, self.done = settings, load_rules(), {}

    def __call__(self, page: Page, text: str, metadata: dict[str, str | None]) -> str:
        if (page.id, text) not in self.done:
            article = article_from_text("<html></html>", source=page.id, id=page.id, kind="html",
                                        hints=Metadata(url=page.url or None))
            extracted = Extracted(text, Metadata(**metadata), one_paragraph_per_line=True)
            result = clean_extracted(article, extracted, self.settings, self.rules) if text.strip() else None
            self.done[page.id, text] = "" if result is None or isinstance(result, LoadError) else result.body
        return self.done[page.id, text]


def point(pages: Sequence[Page], stored: dict[str, Stored], settings: Settings, rules: tuple[Overlaps, SectionRule],
          clean: Cleaner, sections: Sections) -> tuple[str, tuple[float, ...]]:
    """Scores of the HTML path at one setting, with the shares of pages given the full pass, grown by the
    widening, filled (headings and lists put back) and cut (edges outside the article's element)."""
    outputs, counts = {}, [0, 0, 0, 0]
    for page in pages:
        calls: list[str] = []
        steps: list[str] = []  # the text before with_sections, after it, after the edges' cut

        def sections_of(text: str, page: Page = page) -> str:
            steps.extend((text, sections.of(page, rules[1])(text)))
            return steps[-1]

        def edges_of(text: str, share: float, page: Page = page) -> str:
            steps.append(sections.edges(page)(text, share))
            return steps[-1]

        text = chosen_text(stored[page.id].passes(calls, sections_of, edges_of), settings.clean, rules[0])
        passes = (stored[page.id].fast, stored[page.id].full)
        counts[0] += "full" in calls
        counts[1] += bool("paragraphs" in calls and steps and steps[0] not in passes)
        counts[2] += bool(steps and steps[1] != steps[0])
        counts[3] += bool(steps and steps[2] != steps[1])
        outputs[page.id] = Output(page.id, clean(page, text, stored[page.id].metadata), 0.0)
    result = score(pages, outputs)
    line = f"{result.f1:8.4f}{result.precision:8.4f}{result.recall:8.4f}{result.leak or 0:7.1%}"
    return line, tuple(count / len(pages) for count in counts)


def curves(pages: Sequence[Page], stored: dict[str, Stored], settings: Settings) -> None:
    clean, sections = Cleaner(settings), Sections()
    print(f"{'threshold':<24}{'value':>7}{'F1':>8}{'prec':>8}{'recall':>8}{'leak':>7}{'full':>7}{'grown':>7}{'filled':>7}{'cut':>7}")
    plain = score(pages, {p.id: Output(p.id, stored[p.id].trafilatura, 0.0) for p in pages})
    print(f"{'trafilatura alone':<31}{plain.f1:8.4f}{plain.precision:8.4f}{plain.recall:8.4f}{plain.leak or 0:7.1%}")
    defaults = {"retry_below_page_share": settings.clean.retry_below_page_share,
                "wider_below_share": settings.clean.wider_below_share, "run": RUN_MIN_OVERLAP, "keep": KEEP_SHARE,
                "min_kept": SECTION_MIN_KEPT, "link_share": SECTION_LINK_SHARE,
                "edge_container_share": settings.clean.edge_container_share}
    for name, values in CURVES.items():
        for value in values:
            at = {**defaults, name: value}
            rules = (Overlaps(run=at["run"], keep=at["keep"]), SectionRule(min_kept=int(at["min_kept"]), link_share=at["link_share"]))
            changed = replace(settings, clean=replace(settings.clean, **{name: value})) if name in settings.clean.__dataclass_fields__ else settings
            line, shares = point(pages, stored, changed, rules, clean, sections)
            chosen = " <- default" if abs(value - defaults[name]) < 1e-9 else ""
            print(f"{name:<24}{value:7.2f}{line}{''.join(f'{share:7.1%}' for share in shares)}{chosen}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="wcxb")
    parser.add_argument("--half", choices=("tune", "held-out"), default="tune")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="the first N pages of each set")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "srccompare-html-thresholds")
    parser.add_argument("--refresh", action="store_true", help="run the passes again even when stored")
    args = parser.parse_args(argv)
    settings = load_settings()
    for set_name in args.sets.split(","):
        directory, loader = SETS[set_name]
        pages = [p for p in loader(EVAL / directory) if half_of(p.id) == args.half][: args.limit]
        print(f"{set_name} ({directory}), {args.half} half, {len(pages)} pages")
        curves(pages, stored_passes(pages, args.cache, args.workers, args.refresh), settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
