"""PAN text-alignment quality of srccompare's reuse detection on pan-id.

    .venv/bin/python bench/pan_plagdet.py [--config bench/pan.toml] [--data ../shared/eval/pan-id] [--set reuse.align.max_gap=30 ...]

pan-id (CC BY 4.0, Felik Junvianto): 30 source and 35 suspicious Indonesian
documents, 94 labelled cases of reuse. Every document goes through
``find_reuse`` as one corpus (no pairing given); passages between a
suspicious and a source document are the detections. Measures are PAN's
(Potthast et al. 2010): character-level macro precision and recall,
granularity, plagdet = F1 / log2(1 + granularity), overall and per
obfuscation type (a type's precision counts the detections touching its cases).

Rows: the news defaults; the paraphrase profile bench/pan.toml (tuned on
pan-id itself, see its comments), given with --config; and the baseline in the
same run: exact n-gram matching only (no fuzzy sentence seeds, no LSH
candidates), the passim-style verbatim approach.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from srccompare.model import CleanArticle, Metadata
from srccompare.reuse.pipeline import find_reuse
from srccompare.settings import Settings, load_settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "pan-id"


@dataclass(frozen=True)
class Case:
    """A labelled case or a detection: a character range in each document."""

    suspicious: str
    this_start: int
    this_end: int
    source: str
    source_start: int
    source_end: int
    kind: str = ""

    @property
    def size(self) -> int:
        return (self.this_end - self.this_start) + (self.source_end - self.source_start)


def read_corpus(data: Path) -> tuple[list[CleanArticle], list[Case]]:
    """Every document as one-paragraph CleanArticle (so offsets are file offsets), and the cases."""
    articles, cases = [], []
    for folder in ("source-documents", "suspicious-documents"):
        for path in sorted((data / folder).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            articles.append(CleanArticle(path.name, str(path), "text", Metadata(), (text,)))
    for path in sorted((data / "suspicious-documents").glob("*.xml")):
        # One case in the corpus is spelt "<featue ...>"; accept it (94 cases, as documented).
        for feature in re.findall(r"<feat\w*\s[^>]*>", path.read_text(encoding="utf-8")):
            values = dict(re.findall(r'(\w+)="([^"]*)"', feature))
            this_start, source_start = int(values["this_offset"]), int(values["source_offset"])
            cases.append(
                Case(
                    path.with_suffix(".txt").name,
                    this_start,
                    this_start + int(values["this_length"]),
                    values["source_reference"],
                    source_start,
                    source_start + int(values["source_length"]),
                    values.get("obfuscation", values.get("type", "")) if values.get("type") == "artificial" else "simulated",
                )
            )
    return articles, cases


def detections(articles: list[CleanArticle], settings: Settings) -> list[Case]:
    found = []
    for passage in find_reuse(articles, settings).passages:
        sides = {passage.left_id: (passage.left_start, passage.left_end), passage.right_id: (passage.right_start, passage.right_end)}
        suspicious = [doc for doc in sides if doc.startswith("suspicious")]
        sources = [doc for doc in sides if doc.startswith("source")]
        if len(suspicious) == 1 and len(sources) == 1:
            (s_start, s_end), (r_start, r_end) = sides[suspicious[0]], sides[sources[0]]
            found.append(Case(suspicious[0], s_start, s_end, sources[0], r_start, r_end))
    return found


def _overlap(case: Case, detection: Case) -> int:
    """Characters of ``case`` ⊓ ``detection`` (0 unless both sides overlap)."""
    if case.suspicious != detection.suspicious or case.source != detection.source:
        return 0
    this = min(case.this_end, detection.this_end) - max(case.this_start, detection.this_start)
    source = min(case.source_end, detection.source_end) - max(case.source_start, detection.source_start)
    return this + source if this > 0 and source > 0 else 0


def _union_covered(target: Case, others: list[Case]) -> int:
    """Characters of ``target`` covered by the union of its overlaps with ``others`` (both sides)."""
    total = 0
    for side in ("this", "source"):
        ranges = sorted(
            (max(getattr(target, f"{side}_start"), getattr(o, f"{side}_start")), min(getattr(target, f"{side}_end"), getattr(o, f"{side}_end")))
            for o in others
            if _overlap(target, o)
        )
        reach = -1
        for start, end in ranges:
            start = max(start, reach)
            if end > start:
                total += end - start
                reach = end
    return total


def pan_measures(cases: list[Case], found: list[Case]) -> dict[str, float]:
    if not cases:
        return {}
    recall = sum(_union_covered(case, found) / case.size for case in cases) / len(cases)
    precision = sum(_union_covered(det, cases) / det.size for det in found) / len(found) if found else 0.0
    detected = [sum(1 for det in found if _overlap(case, det)) for case in cases]
    hits = [count for count in detected if count]
    granularity = sum(hits) / len(hits) if hits else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    plagdet = f1 / math.log2(1 + granularity)
    return {"plagdet": plagdet, "precision": precision, "recall": recall, "granularity": granularity, "cases": len(cases), "detections": len(found)}


def per_type(cases: list[Case], found: list[Case]) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_kind[case.kind].append(case)
    table = {"all": pan_measures(cases, found)}
    for kind, kind_cases in sorted(by_kind.items()):
        touching = [det for det in found if any(_overlap(case, det) for case in kind_cases)]
        table[kind] = pan_measures(kind_cases, touching)
    return table


def baseline_settings(settings: Settings) -> Settings:
    """Exact n-gram seeds only: no sentence seeds, no LSH candidates."""
    return settings.replace("reuse.align", sentence_similarity=1.0).replace("reuse.candidates", min_shared_bands=10**9)


def overrides(pairs: list[str]) -> dict[str, dict[str, object]]:
    """``section.key=value`` (sections dotted: reuse.align.max_gap=30) as nested dicts, like a settings file."""
    result: dict[str, object] = {}
    for pair in pairs:
        key, value = pair.split("=", 1)
        *sections, name = key.split(".")
        table = result
        for section in sections:
            table = table.setdefault(section, {})
        table[name] = float(value) if "." in value else int(value)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--config", type=Path, default=Path(__file__).resolve().parent / "pan.toml")
    parser.add_argument("--set", action="append", default=[], help="override a setting, e.g. reuse.align.max_gap=30")
    args = parser.parse_args()
    if not (args.data / "suspicious-documents").is_dir():
        print(f"{args.data}: not a pan-id corpus (no suspicious-documents/)", file=sys.stderr)
        return 2
    articles, cases = read_corpus(args.data)
    defaults = load_settings(overrides=overrides(args.set) or None)
    profile = load_settings(args.config, overrides=overrides(args.set) or None)
    rows = []
    runs = (
        ("exact n-grams (baseline)", baseline_settings(defaults)),
        ("srccompare news defaults", defaults),
        (f"srccompare {args.config.name}", profile),
    )
    for name, run_settings in runs:
        started = time.perf_counter()
        found = detections(articles, run_settings)
        seconds = time.perf_counter() - started
        rows.extend((name, kind, measures, seconds) for kind, measures in per_type(cases, found).items())
    print(f"{'pipeline':26} {'obfuscation':20} {'cases':>5} {'dets':>5} {'plagdet':>8} {'prec':>6} {'recall':>6} {'gran':>6} {'secs':>6}")
    for name, kind, m, seconds in rows:
        print(
            f"{name:26} {kind:20} {m['cases']:5d} {m['detections']:5d} {m['plagdet']:8.3f} {m['precision']:6.3f} "
            f"{m['recall']:6.3f} {m['granularity']:6.2f} {seconds:6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
