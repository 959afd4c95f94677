"""Attribution a journalist can publish: credits, inference, families, on a same-event corpus with traps.

    .venv/bin/python bench/attribution_eval.py [--baseline main] [--seed-tune 1] [--seed-held 2]

The corpus (bench/attribution_corpus.py) is real prose with planted agency
copy, credited in every credit form or not at all, and the traps: the same
remarks in many independent articles (quoted, unquoted, transcript lines,
tweets), a statement carried widely, agency photo credits in captions of
original articles (bare agency lines too), two agencies quoting the same
remarks, unnamed "and agencies" credits, digest pages. Two halves, with
different base texts, seed sentences and random seeds: the thresholds were
chosen on the tune half; the held-out half is what is reported.

Both halves run through this checkout's ``find_reuse`` and through the code at
``--baseline`` (a git ref, extracted with ``git archive`` into a temporary
folder and run as ``srccompare reuse --format json`` there), and both answers
are scored alike. This checkout runs with inference thresholds at zero so that
the curve over the threshold can be drawn; the row "this branch" applies the
defaults' thresholds.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import io
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.attribution_corpus import CREDIT_FORMS, Article, build_corpus, write_jsonl  # noqa: E402

NAMED = {"AP", "Reuters", "AFP"}


# --- running -------------------------------------------------------------------------------------


def run_branch(path: Path) -> tuple[dict, object]:
    """This checkout's answer (thresholds at zero, for the curve) as reuse JSON data, and the settings."""
    from srccompare.ingest.corpus import load_corpus
    from srccompare.report.reuse_json import as_data
    from srccompare.reuse.pipeline import find_reuse
    from srccompare.settings import load_settings

    settings = load_settings()
    open_settings = open_thresholds(settings)
    corpus = load_corpus([str(path)], [], open_settings)
    result = find_reuse(corpus.articles, open_settings, wire=corpus.wire, workers=1)
    return as_data(result, corpus.articles), settings


def open_thresholds(settings):
    """The settings with the final inference thresholds at zero (everything judged is reported, with its score)."""
    reuse = settings.reuse
    attribute = getattr(reuse, "attribute", None)
    if attribute is not None:
        opened = dataclasses.replace(attribute, min_score=0.0, min_share=0.0)
        return dataclasses.replace(settings, reuse=dataclasses.replace(reuse, attribute=opened))
    return settings


def extract_ref(ref: str, folder: Path) -> Path:
    """The tree of ``ref`` under ``folder`` (git archive: reads the repository, changes nothing)."""
    data = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(folder, filter="data")
    return folder


def run_baseline(tree: Path, path: Path, output: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run([sys.executable, "-m", "srccompare", "reuse", str(path), "--workers", "1", "--format", "json",
                    "-o", str(output)], cwd=tree, env=env, check=True, capture_output=True)
    return json.loads(output.read_text(encoding="utf-8"))


# --- scoring -------------------------------------------------------------------------------------


def attributions_of(data: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    for attribution in data["attributions"]:
        found[attribution["doc_id"]].append(attribution)
    return found


def named(attribution: dict) -> bool:
    """An attribution shown as an agency (main records "and agencies" as an agency called "agencies")."""
    return attribution["agency"] not in ("agencies", None)


def inferred_points(data: dict) -> list[tuple[str, str, float]]:
    """(doc, agency, score) of each inferred attribution (score: the branch's, else the share)."""
    return [(a["doc_id"], a["agency"], float(a.get("score", a["share"]))) for a in data["attributions"] if a["how"] == "inferred"]


def inference_counts(truth: dict[str, Article], points, threshold: float) -> tuple[int, int, int]:
    """(true positives, predicted, relevant) of inferred (doc, agency) pairs at a score threshold.

    Relevant: the masked and mixed articles' agency. Digest pages are left out
    (which of their stories is "theirs" is not a yes/no question)."""
    wanted = {(a.id, a.agency) for a in truth.values() if a.truth in ("masked", "mixed")}
    predicted = {(doc, agency) for doc, agency, score in points if score >= threshold and truth[doc].truth != "digest"}
    return len(predicted & wanted), len(predicted), len(wanted)


def score(truth: dict[str, Article], data: dict, threshold: float) -> dict[str, object]:
    by_doc = attributions_of(data)
    kept = [a for a in data["attributions"] if a["how"] == "explicit" or float(a.get("score", a["share"])) >= threshold]
    shown: dict[str, list[dict]] = defaultdict(list)
    for attribution in kept:
        shown[attribution["doc_id"]].append(attribution)
    out: dict[str, object] = {}
    forms: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for article in truth.values():
        if article.truth == "credited":
            hit = any(a["how"] == "explicit" and a["agency"] == article.agency for a in by_doc[article.id])
            forms[article.form][0] += hit
            forms[article.form][1] += 1
    found = sum(v[0] for v in forms.values())
    total = sum(v[1] for v in forms.values())
    out["credit_recall"] = (found, total)
    out["credit_forms"] = {form: tuple(forms[form]) for form in CREDIT_FORMS if form in forms}
    wrong_explicit = [a for a in data["attributions"] if a["how"] == "explicit" and named(a)
                      and (truth[a["doc_id"]].truth not in ("credited", "digest") or a["agency"] != truth[a["doc_id"]].agency)
                      and truth[a["doc_id"]].truth != "digest"]
    out["wrong_explicit"] = len(wrong_explicit)
    for label, cls in (("masked_recovered", "masked"), ("mixed_recovered", "mixed")):
        members = [a for a in truth.values() if a.truth == cls]
        out[label] = (sum(any(x["agency"] == a.agency for x in shown[a.id]) for a in members), len(members))
    for label, cls in (("quotes_clean", "quotes"), ("photo_clean", "photo"), ("unnamed_clean", "unnamed")):
        members = [a for a in truth.values() if a.truth == cls]
        out[label] = (sum(not any(named(x) for x in shown[a.id]) for a in members), len(members))
    originals = [a for a in truth.values() if a.truth in ("quotes", "photo", "unnamed")]
    out["originals_clean"] = (sum(not any(named(x) for x in shown[a.id]) for a in originals), len(originals))
    unnamed = [a for a in truth.values() if a.truth == "unnamed"]
    credits = {d["doc_id"]: (d.get("metadata") or {}).get("credits", []) for d in data["documents"]}
    out["unnamed_recorded"] = (sum(any(c["agency"] in (None, "agencies") for c in credits.get(a.id, [])) for a in unnamed),
                               len(unnamed))
    tp, predicted, relevant = inference_counts(truth, inferred_points(data), threshold)
    out["inferred_precision"] = (tp, predicted)
    out["inferred_recall"] = (tp, relevant)
    digests = {a.id for a in truth.values() if a.truth == "digest"}
    reported = set(data.get("digests", []))
    out["digests_found"] = (len(reported & digests), len(digests))
    agency_digests = [a for a in truth.values() if a.truth == "digest" and a.agency]
    out["digest_credits"] = (sum(any(x["how"] == "explicit" and x["agency"] == a.agency for x in by_doc[a.id])
                                 for a in agency_digests), len(agency_digests))
    out["digests_wrong"] = len(reported - digests)
    out["coherence"] = family_coherence(data)
    return out


WORD = re.compile(r"\w+")


def runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def family_coherence(data: dict, top: int = 10) -> list[tuple[str, int, float]]:
    """(family, members, share of member pairs whose texts in the family share an 8-word run) of the largest."""
    result = []
    families = sorted(data["families"], key=lambda f: -len({s["doc_id"] for s in f["spans"]}))[:top]
    for family in families:
        texts: dict[str, str] = defaultdict(str)
        for span in family["spans"]:
            texts[span["doc_id"]] += " " + span["text"]
        shingles = [runs(text) for text in texts.values()]
        pairs = list(itertools.combinations(range(len(shingles)), 2))
        good = sum(bool(shingles[a] & shingles[b]) for a, b in pairs)
        result.append((family["id"], len(texts), good / max(1, len(pairs))))
    return result


# --- printing ------------------------------------------------------------------------------------


def ratio(value: tuple[int, int]) -> str:
    a, b = value
    return f"{a / b:6.3f} ({a}/{b})" if b else "    - (0/0)"


ROWS = (("explicit credit recall", "credit_recall"), ("masked credits recovered", "masked_recovered"),
        ("uncredited mixed copy recovered", "mixed_recovered"), ("inferred precision", "inferred_precision"),
        ("inferred recall", "inferred_recall"), ("unmarked originals unattributed", "originals_clean"),
        ("  quote-only sharing unattributed", "quotes_clean"), ("  photo-only unattributed", "photo_clean"),
        ("  'and agencies' unattributed", "unnamed_clean"), ("  'and agencies' recorded unnamed", "unnamed_recorded"),
        ("digest pages recognised", "digests_found"), ("agency digests credited", "digest_credits"))


def print_table(title: str, columns: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'':36}" + "".join(f"{name:>24}" for name in columns))
    for label, key in ROWS:
        print(f"{label:36}" + "".join(f"{ratio(found[key]):>24}" for found in columns.values()))
    print(f"{'explicit credits wrongly given':36}" + "".join(f"{found['wrong_explicit']:>24}" for found in columns.values()))
    print(f"{'pages wrongly called digests':36}" + "".join(f"{found['digests_wrong']:>24}" for found in columns.values()))
    print("\n  explicit credit recall by form:")
    for form in CREDIT_FORMS:
        print(f"    {form:32}" + "".join(f"{ratio(found['credit_forms'].get(form, (0, 0))):>24}" for found in columns.values()))
    print("\n  family coherence, 10 largest families (members, share of member pairs sharing an 8-word run):")
    for name, found in columns.items():
        cells = " ".join(f"{members}:{share:.2f}" for _, members, share in found["coherence"])
        worst = min((share for *_, share in found["coherence"]), default=0.0)
        print(f"    {name:22} min {worst:.2f} | {cells}")


def print_curve(title: str, truth: dict[str, Article], points, thresholds) -> None:
    print(f"\n{title}")
    print(f"{'threshold':>10} {'precision':>10} {'recall':>8} {'tp':>5} {'predicted':>10} {'relevant':>9}")
    for threshold in thresholds:
        tp, predicted, relevant = inference_counts(truth, points, threshold)
        print(f"{threshold:>10g} {tp / max(1, predicted):>10.3f} {tp / max(1, relevant):>8.3f} {tp:>5} {predicted:>10} {relevant:>9}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default="main", help="git ref of the baseline code (default: main)")
    parser.add_argument("--seed-tune", type=int, default=1)
    parser.add_argument("--seed-held", type=int, default=2)
    parser.add_argument("--halves", default="tune,held", help="which halves to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="attribution-eval-") as folder:
        tree = extract_ref(args.baseline, Path(folder) / "baseline")
        for half, name, seed in ((0, "tune", args.seed_tune), (1, "held", args.seed_held)):
            if name not in args.halves.split(","):
                continue
            articles, _ = build_corpus(half, seed)
            truth = {a.id: a for a in articles}
            path = write_jsonl(articles, Path(folder) / f"{name}.jsonl")
            counts = Counter(a.truth for a in articles)
            print(f"\n=== {name} half: {len(articles)} articles ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
            branch, settings = run_branch(path)
            base = run_baseline(tree, path, Path(folder) / f"{name}-baseline.json")
            threshold = branch_threshold(settings)
            print_table(f"{name} half: baseline = {args.baseline} (as it runs), this branch at its defaults",
                        {f"baseline ({args.baseline})": score(truth, base, 0.0), "this branch": score(truth, branch, threshold)})
            thresholds = (0, 10, 20, 30, 40, 50, 60, 70, 80, 100, 120, 150, 200)
            print_curve(f"{name} half: this branch, inferred precision/recall over min_score "
                        f"(default {threshold:g})", truth, inferred_points(branch), thresholds)
            print_curve(f"{name} half: baseline, over its share (its own thresholds applied first)",
                        truth, inferred_points(base), (0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5))
    return 0


def branch_threshold(settings) -> float:
    attribute = getattr(settings.reuse, "attribute", None)
    return float(attribute.min_score) if attribute is not None else 0.0


if __name__ == "__main__":
    sys.exit(main())
