"""Fuzz the cleaner, the aligner, the JSON Lines reader, the settings loader and the credit parser
with atheris; keep every crashing input as a regression fixture.

    .venv/bin/pip install atheris
    .venv/bin/python bench/fuzz.py --seconds 600        # ten minutes, seeded with seeds/ and fixtures/

An input's first byte picks the target (srccompare/fuzz_target.py): cleaned as HTML, Markdown
and text with the two halves aligned by `diff_articles`; read as JSON Lines and each record
cleaned (ids and metadata must come out free of control characters); loaded as a settings file
(a SettingsError is an answer); or searched for agency credits. Any exception other
than the documented "no article text" outcome is a crash: the input is written
to fixtures/fuzz/ and tests/test_fuzz_regressions.py replays every file there
on each test run. The table compares the coverage-guided run with a baseline of
random (unguided) inputs for the same time, measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRASH_DIR = ROOT / "fixtures" / "fuzz"


def child(argv: list[str]) -> None:
    """The fuzzing process itself: libFuzzer ends it with _exit, so the parent reads its log."""
    import atheris

    with atheris.instrument_imports(include=["srccompare"]):
        from srccompare.fuzz_target import exercise_any as exercise

    def one_input(data: bytes) -> None:
        try:
            exercise(data)
        except Exception:
            import blake3

            CRASH_DIR.mkdir(parents=True, exist_ok=True)
            (CRASH_DIR / f"crash-{blake3.blake3(data).hexdigest()[:16]}.bin").write_bytes(data)
            raise

    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def seed_corpus(folder: Path) -> None:
    """Seeds for each target: its number as the first byte, then an input of its kind."""
    from srccompare.fuzz_target import TARGETS

    pages = [*sorted((ROOT / "seeds").glob("*")), *sorted((ROOT / "fixtures").rglob("*.html"))][:20]
    seeds = {"clean": [p.read_bytes() for p in pages], "credits": [p.read_bytes() for p in pages[:8]],
             "jsonl": [b'{"id": "a", "outlet": "X", "title": "T", "text": "Body text here.\\n\\nMore."}\n{"text": "x"}\n'],
             "settings": [(ROOT / "srccompare" / "defaults.toml").read_bytes(), b"[reuse]\nbands = 0\n[limits]\nmax_bytes = -5\n"]}
    for target, inputs in seeds.items():
        for number, data in enumerate(inputs):
            (folder / f"{target}-{number}").write_bytes(bytes([TARGETS.index(target)]) + data)


def guided(seconds: int) -> dict[str, float]:
    before = set(CRASH_DIR.glob("*.bin")) if CRASH_DIR.exists() else set()
    with tempfile.TemporaryDirectory() as corpus:
        seed_corpus(Path(corpus))
        args = [f"-max_total_time={seconds}", "-max_len=8192", "-timeout=60", "-rss_limit_mb=4096",
                "-print_final_stats=1", corpus]
        started = time.monotonic()
        log = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True).stderr
        elapsed = time.monotonic() - started
    Path(ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "fuzz.log").write_text(log)
    runs = re.findall(r"stat::number_of_executed_units:\s+(\d+)", log)
    coverage = re.findall(r"cov: (\d+)", log)
    after = set(CRASH_DIR.glob("*.bin")) if CRASH_DIR.exists() else set()
    return {"seconds": elapsed, "inputs": int(runs[-1]) if runs else 0,
            "crashes": len(after - before), "coverage": int(coverage[-1]) if coverage else 0}


def unguided(seconds: float) -> dict[str, float]:
    from srccompare.fuzz_target import exercise_any as exercise

    runs = crashes = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        data = os.urandom(int.from_bytes(os.urandom(2), "big") % 8192)
        runs += 1
        try:
            exercise(data)
        except Exception:
            crashes += 1
    return {"seconds": time.monotonic() - started, "inputs": runs, "crashes": crashes, "coverage": float("nan")}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="how long the guided fuzzer runs")
    parser.add_argument("--baseline-seconds", type=int, default=60, help="how long random inputs run")
    options = parser.parse_args()
    rows = {"atheris (guided, seeded)": guided(options.seconds), "random bytes (baseline)": unguided(options.baseline_seconds)}
    print(f"{'fuzzer':<26}{'seconds':>9}{'inputs':>10}{'inputs/s':>10}{'edges':>8}{'crashes':>9}")
    for name, row in rows.items():
        print(f"{name:<26}{row['seconds']:>9.0f}{row['inputs']:>10,}{row['inputs'] / row['seconds']:>10.1f}"
              f"{row['coverage']:>8.0f}{row['crashes']:>9}")
    print(f"crash inputs are kept in {CRASH_DIR.relative_to(ROOT)}/ and replayed by tests/test_fuzz_regressions.py")


if __name__ == "__main__":
    main()
