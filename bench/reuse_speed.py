"""End-to-end speed and memory of ``find_reuse`` versus a datasketch pipeline.

    .venv/bin/python bench/reuse_speed.py [--sizes 10000 20000 40000] [--workers 2] [--rounds 3]

Corpus: 600-word articles from bench/synthetic_corpus.py's Markov chain, one
in ten a wire story, half the others carrying 1-2 edited wire passages (each
story in ~7 articles, ~2 sharing partners per article), as plain text. Each pipeline runs in its own subprocess (so peak memory is its
own) and is timed from raw text to result:

- srccompare: every text cleaned in the workers as ``srccompare reuse`` cleans
  (``corpus.load_and_clean_chunk``, with the rules' screen: the workers load numba for
  the later steps anyway), then ``find_reuse`` in the same workers.
- datasketch (baseline): the same cleaning, the same tokens and 5-word
  shingle hashes, one MinHash (64 permutations) per article (in the workers),
  then a MinHashLSH (threshold 0.3) built and queried in the main process:
  the usual whole-article near-duplicate pipeline.

- cli: what a user runs, ``srccompare reuse --workers N --format csv -o FILE DIR``
  on a folder holding one text file an article, timed from the command's start
  to its exit: the interpreter starting, imports, reading the files, cleaning,
  ``find_reuse`` and writing the CSV report.

Each reports articles/s, seconds, peak resident memory of the main process and
of the largest worker (cli: of the largest process), pairs found and the recall
of planted pairs; srccompare also the seconds of its clean, sketch and align
steps. Corpora (and the cli's folders) are generated once per size into
bench/out/ (not timed). Before the table, each pipeline runs once on a small
corpus, untimed: the first run on a fresh checkout compiles numba's kernels
(~30 s), which would otherwise land in the first size's figures.

Each pipeline runs ``--rounds`` times on each size, the sizes interleaved in
each round; a row gives the run of median time (with the spread of all
rounds' times beside it) and the largest peak memory of any round, and the
growth from the smallest to the largest size is taken between medians. One run
a size was too noisy on this machine, whose speed drifts by up to 2x from one
minute to the next: the 10k run alone varied from 3.9 to 4.7 s in a row.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from srccompare.ingest import corpus
from srccompare.ingest.decode import article_from_text
from srccompare.model import CleanArticle
from srccompare.engines.base import cycle_collection_paused
from srccompare.engines.local import LocalEngine
from srccompare.reuse.numba_cache import hide_unused_checks
from srccompare.reuse.pipeline import find_reuse
from srccompare.settings import Settings, load_settings
from srccompare.reuse.tokens import TokenHasher, shingle_hashes, token_hashes

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def corpus_path(size: int, seed: int) -> Path:
    return OUT / f"speed-{size}-{seed}.jsonl"


def generate(size: int, seed: int) -> Path:
    """Write ``size`` texts (and the planted pairs) as JSON Lines, once."""
    path = corpus_path(size, seed)
    if path.is_file():
        return path
    sys.path.insert(0, str(HERE))
    from synthetic_corpus import BigramChain, build_corpus, truth_pairs

    wires = max(1, size // 10)
    corpus = build_corpus(BigramChain.from_scrapinghub(), size - wires, wires, seed, words=600, plant_counts=(0, 0, 0, 1, 1, 2))
    true, _ = truth_pairs(corpus)
    OUT.mkdir(exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"true_pairs": sorted(true)}) + "\n")
        for article in corpus.articles:
            out.write(json.dumps({"id": article.id, "text": article.body}) + "\n")
    return path


def files_path(path: Path, texts: list[tuple[str, str]]) -> Path:
    """The corpus at ``path`` as one text file an article, written once (a hidden file marks it complete)."""
    folder = path.with_name(f"{path.stem}-files")
    done = folder / ".complete"
    if not done.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for doc_id, text in texts:
            (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        done.touch()
    return folder


def read(path: Path) -> tuple[list[tuple[str, str]], set[tuple[str, str]]]:
    with path.open(encoding="utf-8") as lines:
        true = {tuple(pair) for pair in json.loads(next(lines))["true_pairs"]}
        texts = [(item["id"], item["text"]) for item in map(json.loads, lines)]
    return texts, true


def clean_chunk(task: tuple[list[tuple[str, str]], Settings]) -> list[CleanArticle]:
    texts, settings = task
    units = [article_from_text(text, source=doc_id, id=doc_id) for doc_id, text in texts]
    articles = [item for found in corpus.load_and_clean_chunk(corpus.CleanTask(units, settings, True)) for _, item in found]
    failed = [item for item in articles if not isinstance(item, CleanArticle)]
    if failed:
        raise ValueError(f"{failed[0].source}: {failed[0].problem}")
    return articles  # type: ignore[return-value]


def clean_all(texts: list[tuple[str, str]], settings: Settings, engine: LocalEngine) -> list:
    chunks = [(texts[i : i + 500], settings) for i in range(0, len(texts), 500)]
    with cycle_collection_paused():  # as corpus.load_corpus takes the cleaned articles
        return [article for chunk in engine.map(clean_chunk, chunks) for article in chunk]


def run_srccompare(texts: list[tuple[str, str]], workers: int, clock: dict[str, float]) -> set[tuple[str, str]]:
    hide_unused_checks()  # as srccompare's console script does (process.start)
    settings = load_settings()

    def progress(step: str, done: int, total: int) -> None:
        if done == total:
            clock[step] = time.perf_counter()

    with LocalEngine(workers) as engine:
        articles = clean_all(texts, settings, engine)
        clock["cleaned"] = time.perf_counter()
        result = find_reuse(articles, settings, engine=engine, progress=progress)
    return {(p.left_id, p.right_id) for p in result.passages}


def first_four_bytes(value: bytes) -> int:
    """datasketch's hash function over our shingle hashes: they are hashes already."""
    return int.from_bytes(value[:4], "little")


def minhash_chunk(task: tuple[list[str], int]) -> list:
    from datasketch import MinHash

    bodies, permutations = task
    hasher = TokenHasher()
    signatures = []
    for body in bodies:
        shingles = shingle_hashes(token_hashes(body, hasher), 5)
        sketch = MinHash(num_perm=permutations, seed=1, hashfunc=first_four_bytes)
        sketch.update_batch([value.tobytes() for value in shingles])
        signatures.append(sketch)
    return signatures


def run_datasketch(texts: list[tuple[str, str]], workers: int, clock: dict[str, float]) -> set[tuple[str, str]]:
    from datasketch import MinHashLSH

    settings = load_settings()
    permutations = 64
    with LocalEngine(workers) as engine:
        articles = clean_all(texts, settings, engine)
        clock["cleaned"] = time.perf_counter()
        chunks = [([a.body for a in articles[i : i + 500]], permutations) for i in range(0, len(articles), 500)]
        signatures = [s for chunk in engine.map(minhash_chunk, chunks) for s in chunk]
    lsh = MinHashLSH(threshold=0.3, num_perm=permutations)
    sketches = signatures
    for article, sketch in zip(articles, sketches):
        lsh.insert(article.id, sketch)
    pairs = set()
    for article, sketch in zip(articles, sketches):
        for other in lsh.query(sketch):
            if other != article.id:
                pairs.add((min(article.id, other), max(article.id, other)))
    return pairs


def run_cli(folder: Path, workers: int) -> set[tuple[str, str]]:
    """``srccompare reuse`` on the folder, the pairs read back from its CSV report."""
    with tempfile.TemporaryDirectory(prefix="srccompare-bench-") as scratch:
        report = Path(scratch) / "pairs.csv"
        command = [sys.executable, "-m", "srccompare", "reuse", "--workers", str(workers), "--format", "csv", "-o", str(report), str(folder)]
        subprocess.run(command, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        with report.open(encoding="utf-8", newline="") as rows:
            return {(row["left_id"], row["right_id"]) for row in csv.DictReader(rows)}


def child(pipeline: str, path: Path, workers: int) -> None:
    texts, true = read(path)
    clock: dict[str, float] = {}
    if pipeline == "cli":
        folder = files_path(path, texts)
        started = time.perf_counter()
        pairs = run_cli(folder, workers)
    else:
        started = time.perf_counter()
        pairs = (run_srccompare if pipeline == "srccompare" else run_datasketch)(texts, workers, clock)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "articles_per_s": len(texts) / seconds,
                "clean_s": clock["cleaned"] - started if clock else None,
                # where the rest went (srccompare only): end of each step minus end of the one before
                "sketch_s": clock.get("sketch", clock["cleaned"]) - clock["cleaned"] if clock else None,
                "align_s": clock.get("align", clock["cleaned"]) - clock.get("candidates", clock["cleaned"]) if clock else None,
                # (cli: its processes are this one's descendants; the largest of them is in "worker_mb")
                "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if clock else None,
                "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "pairs": len(pairs),
                "recall": len(pairs & true) / max(1, len(true)),
            }
        )
    )


def run_child(pipeline: str, path: Path, workers: int) -> dict | None:
    command = [sys.executable, __file__, "--workers", str(workers), "--child", pipeline, str(path)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{pipeline}: failed on {path.name}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(measured: list[dict]) -> dict:
    """The run of median time (the upper one of an even count), whose figures the table gives."""
    return sorted(measured, key=lambda run: run["seconds"])[len(measured) // 2]


def figure(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pipelines", nargs="+", default=["datasketch", "srccompare", "cli"])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each pipeline and size; the table gives the median run")
    parser.add_argument("--warm-up", type=int, default=1000, help="articles of the untimed first run (0: none)")
    parser.add_argument("--child", nargs=2, metavar=("PIPELINE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.workers)
        return 0
    if args.warm_up:
        path = generate(args.warm_up, args.seed)
        for pipeline in args.pipelines:
            started = time.perf_counter()
            run_child(pipeline, path, args.workers)
            print(f"# warm-up, not in the table: {pipeline} on {args.warm_up} articles, {time.perf_counter() - started:.1f} s")
    # Sizes interleaved within each round, so that a slow spell of the machine (its speed varies
    # by up to 2x from minute to minute here) touches every size rather than one.
    runs: dict[tuple[str, int], list[dict]] = {}
    for round_number in range(1, args.rounds + 1):
        for size in args.sizes:
            path = generate(size, args.seed)
            for pipeline in args.pipelines:
                m = run_child(pipeline, path, args.workers)
                if m is not None:
                    runs.setdefault((pipeline, size), []).append(m)
                    print(f"# round {round_number}: {pipeline} on {size} articles, {m['seconds']:.1f} s", flush=True)
    print(
        f"{'pipeline':12} {'articles':>8} {'seconds':>8} {'spread':>11} {'clean s':>8} {'art/s':>7} {'no-clean art/s':>14} "
        f"{'sketch s':>8} {'align s':>7} {'main MB':>8} {'worker MB':>9} {'pairs':>7} {'recall':>6}"
    )
    times: dict[str, dict[int, float]] = {}
    for (pipeline, size), measured in runs.items():
        m = median_run(measured)
        times.setdefault(pipeline, {})[size] = m["seconds"]
        spread = f"{min(r['seconds'] for r in measured):.1f}-{max(r['seconds'] for r in measured):.1f}"
        main_mb = max((r["main_mb"] for r in measured if r["main_mb"] is not None), default=None)
        worker_mb = max(r["worker_mb"] for r in measured)
        no_clean = size / (m["seconds"] - m["clean_s"]) if m["clean_s"] is not None else None
        print(
            f"{pipeline:12} {size:8d} {m['seconds']:8.1f} {spread:>11} {figure(m['clean_s'], 8)} {m['articles_per_s']:7.0f} "
            f"{figure(no_clean, 14, 0)} {figure(m['sketch_s'], 8)} {figure(m['align_s'], 7)} {figure(main_mb, 8, 0)} "
            f"{worker_mb:9.0f} {m['pairs']:7d} {m['recall']:6.3f}"
        )
    for pipeline, by_size in times.items():
        if len(by_size) > 1:
            smallest, largest = min(by_size), max(by_size)
            print(f"{pipeline}: {largest} articles took {by_size[largest] / by_size[smallest]:.2f}x the time of {smallest} (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
