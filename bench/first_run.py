"""A fresh install's first ``srccompare reuse --format table seeds/``, and its second, against the compiled path.

    .venv/bin/python bench/first_run.py [--rounds 3] [--corpus seeds/]

"First" runs with an empty numba cache (``NUMBA_CACHE_DIR``, a new temporary
directory a round), as on a fresh install, "second" right after with the cache
the first left. Each is timed from the command's start to its exit (its table
written to a file): wall seconds, and CPU seconds (user + system) of it and its
workers. Two ways, one after the other in each round:

- default: as installed (a corpus under ``reuse.engine.interpret_characters``
  runs its kernels interpreted, and cleans without the rules' screen);
- compiled (baseline): a config with ``interpret_characters = 0``, so every
  kernel is compiled on first use, as before the small-corpus path existed.

The tables of both ways must be identical (checked). A row gives the median of
the rounds, with the spread beside it. This machine is shared: wall seconds
depend on its load (printed), CPU seconds much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRCCOMPARE = [sys.executable, "-m", "srccompare"]


def timed(argv: list[str], environment: dict[str, str], output: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the command and its children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(output, "wb") as stdout:
        subprocess.run(argv, stdout=stdout, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_round(corpus: str, compiled_config: Path, scratch: Path) -> dict[tuple[str, str], tuple[float, float]]:
    """(way, run) -> (wall, cpu) for the first and second run of each way, each way with a new numba cache."""
    figures = {}
    outputs = {}
    for way, config in (("default", []), ("compiled (baseline)", ["--config", str(compiled_config)])):
        cache = tempfile.mkdtemp(prefix="numba-", dir=scratch)
        environment = {**os.environ, "NUMBA_CACHE_DIR": cache}
        argv = [*SRCCOMPARE, *config, "reuse", "--format", "table", corpus]
        for run in ("first", "second"):
            output = scratch / f"{way[:7]}-{run}.txt"
            figures[(way, run)] = timed(argv, environment, output)
            outputs[(way, run)] = output.read_bytes()
    if len(set(outputs.values())) != 1:
        raise SystemExit("the tables differ between the ways or the runs")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", default="seeds/")
    args = parser.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory(prefix="first-run-") as scratch:
        compiled_config = Path(scratch) / "compiled.toml"
        compiled_config.write_text("[reuse.engine]\ninterpret_characters = 0\n")
        for number in range(args.rounds):
            rounds.append(one_round(args.corpus, compiled_config, Path(scratch)))
            print(f"# round {number + 1}/{args.rounds} done; load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print(f"srccompare reuse --format table {args.corpus}: {args.rounds} rounds on {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f} (medians, [min-max])")
    print(f"{'way':22}{'run':8}{'wall s':>22}{'cpu s':>22}")
    for key in rounds[0]:
        walls = [figures[key][0] for figures in rounds]
        cpus = [figures[key][1] for figures in rounds]
        print(f"{key[0]:22}{key[1]:8}{_spread(walls):>22}{_spread(cpus):>22}")
    for run in ("first", "second"):
        ratio = statistics.median(r[("default", run)][1] / r[("compiled (baseline)", run)][1] for r in rounds)
        print(f"{run} run: default/compiled CPU = {ratio:.2f} (median of the rounds' ratios)")
    return 0


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


if __name__ == "__main__":
    sys.exit(main())
