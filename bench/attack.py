"""Attack srccompare as hostile pages, files and names would (issue 24), and count what got through.

    .venv/bin/python bench/attack.py                 # the cases of classes 1, 2, 3, 6 and 10
    .venv/bin/python bench/attack.py --class 1 --class 2
    .venv/bin/python bench/attack.py --list
    .venv/bin/python bench/attack.py --every --baseline none   # and the web, index and interrupt scripts

The cases are in bench/attacks/*.py, registered by class (``@case("2 names", "...")``); each
runs srccompare as a user would, in a folder of its own. The table gives cases tried, passed and
failed by class; the totals add what every run is watched for: tracebacks (or exit 70), files
destroyed (a device, FIFO or link replaced), and hostile escape sequences reaching stdout, stderr
or a terminal. The baseline row is the same cases against the code at a git revision
(``--baseline main``), run in a worktree of its own, so the table shows what changed.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attacks  # noqa: E402
from attacks import CASES, Case, Lab  # noqa: E402


def load_cases() -> list[Case]:
    for module in pkgutil.iter_modules(attacks.__path__):
        importlib.import_module(f"attacks.{module.name}")
    return CASES


def run_case(case: Case, root: Path, code: Path) -> tuple[bool, Lab, str]:
    folder = Path(tempfile.mkdtemp(prefix="attack-", dir=root))
    lab = Lab(folder, code)
    try:
        case.run(lab)
        return True, lab, ""
    except AssertionError as failure:
        return False, lab, str(failure)
    except Exception:  # the case itself broke: a failure too, with its traceback shown
        return False, lab, traceback.format_exc(limit=3)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_all(cases: list[Case], code: Path, verbose: bool) -> tuple[dict[str, list[int]], dict[str, int], list]:
    """Every case against the package at ``code``: per class [tried, passed, failed], the totals, the failures."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    totals = {"tracebacks": 0, "files destroyed": 0, "escape sequences": 0}
    failures = []
    with tempfile.TemporaryDirectory(prefix="srccompare-attack-") as root:
        for c in cases:
            passed, lab, why = run_case(c, Path(root), code)
            row = rows[c.klass]
            row[0] += 1
            row[1 if passed else 2] += 1
            totals["tracebacks"] += lab.tracebacks
            totals["files destroyed"] += lab.destroyed
            totals["escape sequences"] += lab.escapes
            if not passed:
                failures.append((c, why))
            if verbose:
                seen = f"  [tracebacks {lab.tracebacks}, escapes {lab.escapes}: {lab.evidence[:3]}]" if lab.tracebacks or lab.escapes else ""
                print(f"{'pass' if passed else 'FAIL'}  {c.klass:<16} {c.name}{seen}", flush=True)
    return rows, totals, failures


def revision_copy(revision: str, into: Path) -> Path:
    """The package as it is at a git revision, unpacked into ``into`` (git archive: no worktree made)."""
    archive = subprocess.run(["git", "-C", str(attacks.ROOT), "archive", revision, "srccompare"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def print_table(label: str, rows: dict[str, list[int]], totals: dict[str, int], seconds: float) -> None:
    print(f"\n{label}\n{'class':<18}{'tried':>7}{'passed':>8}{'failed':>8}")
    for klass in sorted(rows, key=lambda k: int(k.split()[0])):
        tried, passed, failed = rows[klass]
        print(f"{klass:<18}{tried:>7}{passed:>8}{failed:>8}")
    print(f"{'all':<18}{sum(r[0] for r in rows.values()):>7}{sum(r[1] for r in rows.values()):>8}"
          f"{sum(r[2] for r in rows.values()):>8}")
    print("  ".join(f"{name}: {count}" for name, count in totals.items()) + f"   ({seconds:.0f} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class", dest="classes", action="append", default=[], help="only this class (its number)")
    parser.add_argument("--baseline", default="main", help="git revision to run the same cases against first ('none': skip)")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per case")
    parser.add_argument("--every", action="store_true",
                        help="then run bench/attack_web.py and bench/attack_interrupts.py too: every case of issue 24")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # (so the temporary folders are removed)
    cases = [c for c in load_cases() if not options.classes or c.klass.split()[0] in options.classes]
    if options.list:
        for c in cases:
            print(f"{c.klass:<16} {c.name}")
        return 0
    if options.baseline != "none":
        with tempfile.TemporaryDirectory(prefix="srccompare-baseline-") as old:
            started = time.monotonic()
            rows, totals, _ = run_all(cases, revision_copy(options.baseline, Path(old)), options.verbose)
            print_table(f"baseline: the same cases against {options.baseline}", rows, totals, time.monotonic() - started)
    started = time.monotonic()
    rows, totals, failures = run_all(cases, attacks.ROOT, options.verbose)
    print_table("this tree", rows, totals, time.monotonic() - started)
    for c, why in failures:
        print(f"\nFAILED {c.klass} / {c.name}\n  {why.strip()[:1500]}")
    failed = bool(failures or any(totals.values()))
    if options.every:
        failed |= run_other_scripts(options.baseline)
    return 1 if failed else 0


# The classes whose cases need servers or signals of their own live in scripts of their own (same table shape).
OTHER_SCRIPTS = {"attack_web.py": ("4 web addresses, 5 web time limits, 10 web",),
                 "attack_interrupts.py": ("7 index, 8 interrupts, 9 long articles",)}


def run_other_scripts(baseline: str) -> bool:
    """Run the web and the index/interrupt attack scripts after this one; True when either failed."""
    failed = False
    for script, (classes,) in OTHER_SCRIPTS.items():
        print(f"\n== bench/{script}: classes {classes}", flush=True)
        extra = ["--no-baseline"] if script == "attack_web.py" and baseline == "none" else []
        if script == "attack_interrupts.py" and baseline != "none":
            extra = ["--baseline", baseline]
        done = subprocess.run([sys.executable, str(Path(__file__).with_name(script)), *extra])
        failed |= done.returncode != 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
