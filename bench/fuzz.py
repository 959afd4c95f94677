"""Fuzz the cleaner and the aligner with atheris; keep every crashing input as a regression fixture.

    .venv/bin/pip install atheris
    .venv/bin/python bench/fuzz.py -max_total_time=600      # ten minutes

Each input is cleaned as HTML, Markdown and text, and the two halves of it are
aligned with `diff_articles`. Any exception other than the documented "no
article text" outcome is a crash: the input is written to fixtures/fuzz/ and
tests/test_fuzz_regressions.py replays every file there on each test run.
At the end it prints a table: inputs run, crashes, and the same count for a
baseline of random (unguided) inputs over the same time.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["srccompare"]):
    from srccompare.fuzz_target import exercise

CRASH_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "fuzz"
stats = {"runs": 0, "crashes": 0}


def one_input(data: bytes) -> None:
    stats["runs"] += 1
    try:
        exercise(data)
    except Exception:
        stats["crashes"] += 1
        CRASH_DIR.mkdir(parents=True, exist_ok=True)
        import blake3

        (CRASH_DIR / f"crash-{blake3.blake3(data).hexdigest()[:16]}.bin").write_bytes(data)
        raise


def random_baseline(seconds: float) -> tuple[int, int]:
    """Unguided random bytes for the same time: the baseline a coverage-guided fuzzer should beat."""
    runs = crashes = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = os.urandom(int.from_bytes(os.urandom(2), "big") % 4096)
        runs += 1
        try:
            exercise(data)
        except Exception:
            crashes += 1
    return runs, crashes


def main() -> None:
    started = time.monotonic()
    baseline_seconds = float(os.environ.get("FUZZ_BASELINE_SECONDS", "60"))
    import atexit

    def report() -> None:
        fuzz_seconds = time.monotonic() - started
        runs, crashes = random_baseline(min(baseline_seconds, fuzz_seconds))
        print(f"\n{'fuzzer':<22}{'seconds':>10}{'inputs':>12}{'crashes':>10}")
        print(f"{'atheris (guided)':<22}{fuzz_seconds:>10.0f}{stats['runs']:>12,}{stats['crashes']:>10}")
        print(f"{'random bytes':<22}{min(baseline_seconds, fuzz_seconds):>10.0f}{runs:>12,}{crashes:>10}")

    atexit.register(report)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
