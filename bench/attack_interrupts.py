"""Issue 24's classes 7 (the index), 8 (interrupts) and 9 (long articles): every case run as a user
would, and the cases tried, passed and failed by class.

    .venv/bin/python bench/attack_interrupts.py [--class 7 --class 8 --class 9] [--rounds 3] [--list]
        [--baseline REVISION]

Same output shape as bench/attack.py (classes 1-6 and 10 there): a table by class, then the
totals watched in every run (tracebacks or exit 70, files destroyed, escape sequences). With
``--baseline main`` the same cases run first against the package at that git revision (unpacked
with git archive, run through PYTHONPATH), so the table shows what changed.

- 7 index: each damaged or foreign --db (pages overwritten, a table dropped, meta parameters not
  JSON, a text file, an empty SQLite file, another application's database, /dev/zero, a FIFO, a
  device copy) under stats, query, add and reuse --db: one line, exit 2 or 3, the file unchanged;
  a new index on a full disk (a 16 KB tmpfs as root, else a file size limit) and an add with
  nothing readable: no file left; an index that another user may only read is read.
- 8 interrupts: SIGINT and SIGTERM, to the main process and to its process group, the moment
  srccompare's first line has run (its handlers set: before that CPython is starting, out of
  srccompare's reach), while it imports, the moment the workers start and while they work, for
  reuse (2 workers), clean and index add, ``--rounds`` times each: exit 130 or 143, one line, no traceback, no
  process of the session left, nothing left in the run's TMPDIR or beside its report.
- 9 long articles: reuse over 20 articles of 48,000 words (bench/long_articles.py's corpus)
  finishes within 240 s, and its align step reports more than one task.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

import interrupting  # noqa: E402

SEEDS = ROOT / "seeds"
QUERY = SEEDS / "004_afed851dedc7de4e.txt"


@dataclass
class Tally:
    tracebacks: int = 0
    destroyed: int = 0
    escapes: int = 0
    notes: list[str] = field(default_factory=list)

    def watch(self, status: int | None, text: str) -> None:
        if "Traceback (most recent call last)" in text or status == 70:
            self.tracebacks += 1
        if "\x1b[" in text or "\x9b" in text:
            self.escapes += 1


@dataclass(frozen=True)
class Case:
    klass: str
    name: str
    run: Callable[[Path, Path, Tally], None]  # (folder of its own, package root, tally)


CASES: list[Case] = []


def case(klass: str, name: str):
    def register(function):
        CASES.append(Case(klass, name, function))
        return function
    return register


def srccompare(code: Path, tally: Tally, *args: str, cwd: Path | None = None, timeout: float = 300,
               prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("SRCCOMPARE_DB", None)
    done = subprocess.run([*prefix, sys.executable, "-m", "srccompare", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or code, env=env)
    tally.watch(done.returncode, done.stdout + done.stderr)
    return done


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def one_line(done: subprocess.CompletedProcess[str], *statuses: int) -> None:
    expect(done.returncode in statuses, f"exit {done.returncode}, wanted {statuses}: {done.stderr[-300:]!r}")
    lines = done.stderr.splitlines()
    expect(len(lines) == 1 and lines[0].startswith("srccompare: "), f"not one line: {done.stderr[-300:]!r}")


# --- 7: the index ---------------------------------------------------------------------------------

_good: dict[Path, Path] = {}


def good_index(code: Path, tally: Tally) -> Path:
    if code not in _good:
        db = Path(tempfile.mkdtemp(prefix="attack-good-")) / "index.sqlite"
        done = srccompare(code, tally, "index", "add", "--db", str(db), *[str(p) for p in sorted(SEEDS.iterdir())[:4]])
        expect(done.returncode == 0, f"could not build the index: {done.stderr[-200:]}")
        _good[code] = db
    return _good[code]


def make_damaged(kind: str, folder: Path, good: Path) -> Path:
    db = folder / "index.sqlite"
    if kind == "text":
        db.write_text("not a database\n" * 100)
    elif kind == "empty sqlite":
        sqlite3.connect(db).close()
        db.write_bytes(db.read_bytes() or b"")
    elif kind == "other application":
        connection = sqlite3.connect(db)
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.commit()
        connection.close()
    else:
        shutil.copyfile(good, db)
        if kind == "pages":
            data = bytearray(db.read_bytes())
            data[3 * 4096 : 6 * 4096] = b"\x5a" * (3 * 4096)
            db.write_bytes(bytes(data))
        else:
            connection = sqlite3.connect(db)
            connection.execute({"table": "DROP TABLE shingles",
                                "meta": "UPDATE meta SET value = '{x' WHERE key = 'parameters'"}[kind])
            connection.commit()
            connection.close()
    return db


SUBCOMMANDS = {
    "stats": lambda db: ["index", "stats", "--db", str(db)],
    "query": lambda db: ["index", "query", str(QUERY), "--db", str(db)],
    "add": lambda db: ["index", "add", str(SEEDS / "000_a89f6ea31e7902d2.txt"), "--db", str(db)],
    "reuse --db": lambda db: ["reuse", "--db", str(db), "--workers", "1", "--format", "json"],
}


def _damaged_case(kind: str, command: str) -> None:
    fresh = kind == "empty sqlite" and command == "add"  # an empty file may become the new index
    @case("7 index", f"{command} on a {kind} index: " + ("made an index" if fresh else "one line, exit 2, file unchanged"))
    def run(folder: Path, code: Path, tally: Tally) -> None:
        db = make_damaged(kind, folder, good_index(code, tally))
        before = db.read_bytes()
        done = srccompare(code, tally, *SUBCOMMANDS[command](db))
        if fresh:
            expect(done.returncode == 0 and "1 article added" in done.stderr, done.stderr[-300:])
            return
        one_line(done, 2)
        if db.read_bytes() != before:
            tally.destroyed += 1
            raise AssertionError("the file was written to")


for _kind in ("pages", "table", "meta", "text", "empty sqlite", "other application"):
    for _command in SUBCOMMANDS:
        _damaged_case(_kind, _command)


def _special_case(kind: str, command: str) -> None:
    @case("7 index", f"{command} --db a {kind}: one line, exit 2, still a {kind}")
    def run(folder: Path, code: Path, tally: Tally) -> None:
        if kind == "fifo":
            path = folder / "fifo"
            os.mkfifo(path)
            check = stat.S_ISFIFO
        elif kind == "device copy":
            path = folder / "null"
            try:
                os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
            except OSError:
                raise AssertionError("cannot make a device node here (not root?)") from None
            check = stat.S_ISCHR
        else:
            path, check = Path("/dev/zero"), stat.S_ISCHR
        done = srccompare(code, tally, *SUBCOMMANDS[command](path), timeout=60)
        if not check(os.lstat(path).st_mode):
            tally.destroyed += 1
            raise AssertionError(f"{path} was replaced")
        one_line(done, 2)


for _kind in ("/dev/zero", "fifo", "device copy"):
    for _command in SUBCOMMANDS:
        _special_case(_kind, _command)


@case("7 index", "index add on a full disk: one line, no stub left")
def full_disk(folder: Path, code: Path, tally: Tally) -> None:
    tiny = folder / "tiny"
    tiny.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(tiny)],
                                                   capture_output=True).returncode == 0
    try:
        if mounted:
            done = srccompare(code, tally, "index", "add", "--db", str(tiny / "new.sqlite"), str(SEEDS))
        else:
            limit = ("python3", "-c", "import os, resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                     "resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384)); os.execv(sys.argv[1], sys.argv[1:])")
            done = srccompare(code, tally, "index", "add", "--db", str(tiny / "new.sqlite"), str(SEEDS), prefix=limit)
        left = sorted(p.name for p in tiny.iterdir())
    finally:
        if mounted:
            subprocess.run(["umount", str(tiny)], check=False)
    expect(done.returncode not in (0, 70), f"exit {done.returncode}")
    one_line(done, 2, 4)
    expect(left == [], f"left behind: {left}")


@case("7 index", "index add with nothing readable: exit 3, no index made")
def nothing_added(folder: Path, code: Path, tally: Tally) -> None:
    (folder / "empty").mkdir()
    done = srccompare(code, tally, "index", "add", "--db", str(folder / "new.sqlite"), str(folder / "empty"))
    expect(done.returncode == 3, f"exit {done.returncode}")
    expect(not (folder / "new.sqlite").exists(), "an empty index was left")


@case("7 index", "index stats on an index another user may only read: read, nothing written beside it")
def other_users(folder: Path, code: Path, tally: Tally) -> None:
    theirs = Path(tempfile.mkdtemp(prefix="attack-theirs-"))
    db = theirs / "index.sqlite"
    shutil.copyfile(good_index(code, tally), db)
    db.chmod(0o444)
    theirs.chmod(0o555)
    # As root, the stats run as "nobody" in a forked child (the interpreter needs no access then).
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.dup2(writer, 2)
        os.dup2(writer, 1)
        try:
            for name in [name for name in sys.modules if name.startswith("srccompare")]:
                del sys.modules[name]
            sys.path.insert(0, str(code))
            # everything the command imports, imported before the user changes (it may not read /root)
            import srccompare.cli  # noqa: F401
            import srccompare.index.build  # noqa: F401
            import srccompare.index.sqlite  # noqa: F401
            import srccompare.reuse.pipeline  # noqa: F401
            from srccompare.cli import entry_point
            if os.geteuid() == 0:  # once as root, for every lazy import (rich's colorsys...), output dropped
                saved = os.dup(1), os.dup(2)
                quiet = os.open(os.devnull, os.O_WRONLY)
                os.dup2(quiet, 1)
                os.dup2(quiet, 2)
                try:
                    entry_point(["index", "stats", "--db", str(good_index(code, tally))])
                except SystemExit:
                    pass
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
            os.environ["HOME"] = str(theirs)  # a home of their own (root's may not be entered)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            entry_point(["index", "stats", "--db", str(db)])
        except SystemExit as done:
            os._exit(done.code if isinstance(done.code, int) else 1)
        except BaseException:
            traceback.print_exc()
            os._exit(70)
        os._exit(0)
    os.close(writer)
    seen = b""
    while chunk := os.read(reader, 65536):
        seen += chunk
    os.close(reader)
    status = os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
    theirs.chmod(0o755)
    left = sorted(p.name for p in theirs.iterdir())
    shutil.rmtree(theirs)
    text = seen.decode("utf-8", "replace")
    tally.watch(status, text)
    expect(status == 0 and "articles" in text, f"exit {status}: {text[-300:]!r}")
    expect(left == ["index.sqlite"], f"files beside it: {left}")


# --- 8: interrupts ----------------------------------------------------------------------------------

_corpus: dict[str, Path] = {}


def interrupt_corpus() -> Path:
    if "seeds" not in _corpus:
        _corpus["seeds"] = interrupting.corpus(Path(tempfile.mkdtemp(prefix="attack-corpus-")), 40)
    return _corpus["seeds"]


COMMANDS = {
    "reuse": lambda c: (["reuse", "--workers", "2", "--format", "json", str(c)], True),
    "clean": lambda c: (["clean", "--format", "jsonl", str(c)], False),
    "index add": lambda c: (["index", "add", "--db", "DB", str(c)], False),
}
# "handled": the moment srccompare's first line has run (before it, CPython is still starting: a
# signal then ends it as CPython does, which no code of srccompare can change).
MOMENTS = [("handled", 0.0), ("handled", 0.2), ("start", 0.4), ("workers", 0.0), ("workers", 0.05), ("running", 0.0), ("running", 0.5)]


def _interrupt_case(command: str, sign: signal.Signals, group: bool, moment: str, delay: float, round_: int) -> None:
    target = "group" if group else "main"
    @case("8 interrupts", f"{command}: {sign.name} to the {target} at {moment}+{delay:g}s (round {round_})")
    def run(folder: Path, code: Path, tally: Tally) -> None:
        argv, output = COMMANDS[command](interrupt_corpus())
        argv = [str(folder / "index.sqlite") if a == "DB" else a for a in argv]
        old = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = str(code)
        try:
            outcome = interrupting.run_and_signal(argv, folder, sign, group=group, moment=moment, delay=delay,
                                                  output=output)
        finally:
            if old is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = old
        tally.watch(outcome.status, outcome.stderr)
        if outcome.status == 0:  # finished before the signal came: nothing to judge
            raise Skipped()
        problems = outcome.problems(130 if sign == signal.SIGINT else 143)
        expect(not problems, "; ".join(problems))


class Skipped(Exception):
    """The case could not be judged (the run ended before the signal)."""


def register_interrupts(rounds: int) -> None:
    for round_ in range(1, rounds + 1):
        for command in COMMANDS:
            for sign in (signal.SIGINT, signal.SIGTERM):
                for group in (True, False):
                    for moment, delay in MOMENTS:
                        if command in ("index add", "clean") and moment not in ("start", "handled"):
                            continue  # (index add starts no workers)
                        _interrupt_case(command, sign, group, moment, delay, round_)


# --- 9: long articles --------------------------------------------------------------------------------

@case("9 long articles", "reuse over 20 articles of 48,000 words: done within 240 s, align in several tasks")
def long_articles(folder: Path, code: Path, tally: Tally) -> None:
    from long_articles import corpus

    where = corpus(20, 48000)
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(code)}
    # The align step's progress reports, counted (the module that reports it, wherever it is).
    script = ("import sys, importlib; from srccompare.cli import entry_point\n"
              "steps = []\n"
              "for name, attribute in (('srccompare.reuse.align.stage', 'report_progress'), ('srccompare.reuse.pipeline', '_report')):\n"
              "    try:\n        module = importlib.import_module(name)\n    except ImportError:\n        continue\n"
              "    if hasattr(module, attribute):\n"
              "        def counted(progress, step, done, total, original=getattr(module, attribute)):\n"
              "            steps.append((step, done, total)); original(progress, step, done, total)\n"
              "        setattr(module, attribute, counted)\n"
              "try:\n    entry_point(sys.argv[1:])\nfinally:\n"
              "    print('ALIGN', max([t for s, d, t in steps if s == 'align'] or [0]), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script, "reuse", "--workers", "2", "--format", "json", str(where)],
                          capture_output=True, text=True, env=env, cwd=code, timeout=600)
    seconds = time.monotonic() - started
    tally.watch(done.returncode, done.stderr)
    tasks = int(done.stderr.rsplit("ALIGN", 1)[-1].split()[0]) if "ALIGN" in done.stderr else 0
    expect(done.returncode == 0, f"exit {done.returncode}: {done.stderr[-200:]!r}")
    expect(seconds < 240, f"{seconds:.0f} s")
    expect(tasks > 1, f"align ran as {tasks} task(s): its progress cannot move")
    tally.notes.append(f"20 x 48,000 words: {seconds:.0f} s, {tasks} align tasks")


# --- the runner ------------------------------------------------------------------------------------------

def run_all(cases: list[Case], code: Path, verbose: bool) -> tuple[dict[str, list[int]], Tally, list[tuple[Case, str]]]:
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    tally, failures = Tally(), []
    for c in cases:
        folder = Path(tempfile.mkdtemp(prefix="attack-"))
        try:
            c.run(folder, code, tally)
            passed, why = True, ""
        except Skipped:
            continue
        except AssertionError as failure:
            passed, why = False, str(failure)
        except Exception:
            passed, why = False, traceback.format_exc(limit=3)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        row = rows[c.klass]
        row[0] += 1
        row[1 if passed else 2] += 1
        if not passed:
            failures.append((c, why))
        if verbose:
            print(f"{'pass' if passed else 'FAIL'}  {c.klass:<16} {c.name}", flush=True)
    return rows, tally, failures


def print_table(label: str, rows: dict[str, list[int]], tally: Tally, seconds: float) -> None:
    print(f"\n{label}\n{'class':<18}{'tried':>7}{'passed':>8}{'failed':>8}")
    for klass in sorted(rows):
        tried, passed, failed = rows[klass]
        print(f"{klass:<18}{tried:>7}{passed:>8}{failed:>8}")
    print(f"{'all':<18}{sum(r[0] for r in rows.values()):>7}{sum(r[1] for r in rows.values()):>8}"
          f"{sum(r[2] for r in rows.values()):>8}")
    print(f"tracebacks: {tally.tracebacks}  files destroyed: {tally.destroyed}  escape sequences: {tally.escapes}"
          f"   ({seconds:.0f} s)" + "".join(f"\n  {note}" for note in tally.notes))


def revision_copy(revision: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "srccompare"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--class", dest="classes", action="append", choices=["7", "8", "9"])
    parser.add_argument("--rounds", type=int, default=1, help="rounds of the interrupt cases")
    parser.add_argument("--baseline", help="a git revision to run the same cases against first")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    register_interrupts(options.rounds)
    cases = [c for c in CASES if not options.classes or c.klass.split()[0] in options.classes]
    if options.list:
        for c in cases:
            print(f"{c.klass:<16} {c.name}")
        return 0
    if options.baseline:
        with tempfile.TemporaryDirectory(prefix="attack-baseline-") as where:
            started = time.monotonic()
            rows, tally, _ = run_all(cases, revision_copy(options.baseline, Path(where)), options.verbose)
            print_table(f"baseline: the same cases against {options.baseline}", rows, tally, time.monotonic() - started)
    started = time.monotonic()
    rows, tally, failures = run_all(cases, ROOT, options.verbose)
    print_table("this tree", rows, tally, time.monotonic() - started)
    for c, why in failures:
        print(f"\nFAILED {c.klass} / {c.name}\n  {why.strip()[:1500]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
