"""The local engine against the Spark engine on one machine, by corpus size and stage.

    .venv/bin/python bench/engines_compare.py [--sizes 1000,5000,20000] [--workers 2] [--master local[2]]

For each size a synthetic corpus (bench/synthetic_news.py: outlets carrying
planted agency copy, JSON Lines) is run through both engines from the same
file. The local engine (worker processes, the baseline) is timed per step
through its progress callback; the Spark engine per stage (each stage is
persisted and counted before the next). Spark's session start is timed apart:
it is paid once per run, whatever the size. Each row says whether Spark's
passages equal the local engine's (same offsets, same order).
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic_news import synthetic_corpus, write_jsonl  # noqa: E402
from srccompare.ingest.corpus import load_corpus  # noqa: E402
from srccompare.model import to_dict  # noqa: E402
from srccompare.report import reuse_json  # noqa: E402
from srccompare.reuse.pipeline import find_reuse  # noqa: E402
from srccompare.settings import load_settings  # noqa: E402

STAGES = ("clean", "sketch", "candidates", "align", "group", "attribute", "write")
SPARK_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "4g",
}


def run_local(path: Path, settings, workers: int) -> tuple[dict[str, float], object]:
    """Seconds per step of the local engine, and its result."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    corpus = load_corpus([str(path)], [], settings)
    seconds["clean"] = time.perf_counter() - started
    mark = [time.perf_counter()]

    def progress(step: str, done: int, total: int) -> None:
        if done == total and step not in seconds:
            now = time.perf_counter()
            seconds[step] = now - mark[0]
            mark[0] = now

    result = find_reuse(corpus.articles, settings, wire=corpus.wire, workers=workers, progress=progress)
    written = time.perf_counter()
    (path.parent / f"{path.stem}-local.json").write_text(reuse_json.as_json(result, corpus.articles), encoding="utf-8")
    seconds["write"] = time.perf_counter() - written
    seconds["total"] = time.perf_counter() - started
    return seconds, result


def run_spark(spark, path: Path, settings, output: Path):
    from srccompare.engines.spark import run_reuse

    started = time.perf_counter()
    run = run_reuse(spark, [str(path)], str(output), settings)
    seconds = dict(run.seconds)
    seconds["total"] = time.perf_counter() - started
    return seconds, run


def spark_passages(output: Path) -> list[dict]:
    rows = []
    for part in sorted(glob.glob(str(output / "passages.jsonl" / "part-*.json"))):
        with open(part, encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    for row in rows:
        row.pop("index")
    return rows


def row(size: int, engine: str, seconds: dict[str, float], passages: int, same: str) -> str:
    cells = [f"{seconds.get(stage, 0.0):8.1f}" for stage in (*STAGES, "total")]
    return f"{size:>7} {engine:<6} " + " ".join(cells) + f" {passages:>9} {same:>5}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--workers", type=int, default=2, help="local engine worker processes")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8, help="spark.sql.shuffle.partitions")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from srccompare.engines.spark import build_session

    settings = load_settings()
    started = time.perf_counter()
    spark = build_session(args.master, conf={**SPARK_CONF, "spark.sql.shuffle.partitions": str(args.partitions)})
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(10).count()
    print(f"Spark session start ({args.master}): {time.perf_counter() - started:.1f} s (paid once per run)")
    print(f"{'size':>7} {'engine':<6} " + " ".join(f"{stage:>8}" for stage in (*STAGES, "total"))
          + f" {'passages':>9} {'same':>5}")
    with tempfile.TemporaryDirectory(prefix="engines-") as folder:
        for size in (int(value) for value in args.sizes.split(",")):
            path = write_jsonl(synthetic_corpus(size, seed=args.seed, with_seeds=False), Path(folder) / f"c{size}.jsonl")
            local_seconds, result = run_local(path, settings, args.workers)
            print(row(size, "local", local_seconds, len(result.passages), "-"), flush=True)
            output = Path(folder) / f"out{size}"
            spark_seconds, run = run_spark(spark, path, settings, output)
            same = spark_passages(output) == [to_dict(passage) for passage in result.passages]
            print(row(size, "spark", spark_seconds, run.passages, "yes" if same else "NO"), flush=True)
            print(f"        spark: {run.pairs} candidate pairs, {run.families} families, "
                  f"{run.component_rounds} component rounds", flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
