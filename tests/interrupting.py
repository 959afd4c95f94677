"""Run the command line in a session of its own, signal it at a chosen moment, and tell what it
left: its exit status and stderr, the processes of its session still alive, the files left in
its private temporary directory and beside its report. Used by tests/test_interrupts.py and by
bench/attack_interrupts.py (the same cases, many more moments).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Outcome:
    status: int | None  # None: still running after the wait (a hang)
    stderr: str
    survivors: tuple[int, ...]  # processes of the session alive after the main one ended
    temp_left: tuple[str, ...]  # what the run left in its TMPDIR
    beside_report: tuple[str, ...]  # files in the report's folder

    def problems(self, expected: int) -> list[str]:
        found = []
        if self.status != expected:
            found.append(f"exit {self.status}, not {expected}")
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        if len(lines) != 1:
            found.append(f"{len(lines)} lines on stderr: {lines[:3]}")
        if "Traceback" in self.stderr or "KeyboardInterrupt" in self.stderr:
            found.append("a traceback")
        if self.survivors:
            found.append(f"processes left: {self.survivors}")
        if self.temp_left:
            found.append(f"temporary files left: {self.temp_left}")
        if self.beside_report:
            found.append(f"files beside the report: {self.beside_report}")
        return found


def corpus(folder: Path, copies: int) -> Path:
    """``copies`` copies of the five seeds (different names): every copy of a seed shares it all."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            (folder / f"{number:03d}_{seed.name}").write_bytes(seed.read_bytes())
    return folder


def session_processes(session: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command name: state, ppid, pgrp, session; a zombie (Z) is still a process left
        if int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def children_of(pid: int) -> list[int]:
    try:
        return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                for child in (task / "children").read_text().split()]
    except OSError:
        return []


def run_and_signal(argv: list[str], work: Path, sign: int, *, group: bool, moment: str | Path, delay: float,
                   timeout: float = 120.0, output: bool = True) -> Outcome:
    """Start ``srccompare argv`` (a report to ``work/report/out.json``), wait for ``moment`` and
    ``delay`` seconds more, send ``sign`` to the main process or (``group``) its whole group.

    moment: "start" (from the launch), "handled" (once the process catches SIGTERM: srccompare's
    first line has run; before it, CPython itself is starting and a signal ends it as CPython
    does), "workers" (once a worker process exists: while they start), "running" (once a worker
    has used a tenth of a second of CPU), or a path (once it exists). Without ``output``, no ``-o``.
    """
    temp, report = work / "tmp", work / "report"
    temp.mkdir(parents=True, exist_ok=True)
    report.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "srccompare", *argv[:1], *(["-o", str(report / "out.json")] if output else []), *argv[1:]]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=work, start_new_session=True)
    _wait_for(process, moment, timeout)
    time.sleep(delay)
    if process.poll() is None:
        (os.killpg if group else os.kill)(process.pid, sign)
    try:
        _, stderr = process.communicate(timeout=timeout)
        status: int | None = process.returncode
    except subprocess.TimeoutExpired:
        status, stderr = None, ""
    survivors: list[int] = []
    for _ in range(40):  # workers killed by the kernel when the main one ends: give them a moment
        survivors = session_processes(process.pid)
        if not survivors:
            break
        time.sleep(0.05)
    if survivors or status is None:
        with _quiet():
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return Outcome(status, stderr, tuple(survivors), tuple(sorted(p.name for p in temp.iterdir())),
                   tuple(sorted(p.name for p in report.iterdir())))


def _wait_for(process: subprocess.Popen, moment: str | Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while moment != "start" and process.poll() is None and time.monotonic() < deadline:
        if isinstance(moment, Path):
            if moment.exists():
                return
            time.sleep(0.002)
            continue
        if moment == "handled":
            if _catches(process.pid, signal.SIGTERM):
                return
            time.sleep(0.001)
            continue
        workers = children_of(process.pid)
        if moment == "workers" and workers:
            return
        if moment == "running" and any(_cpu_seconds(pid) >= 0.1 for pid in workers):
            return
        time.sleep(0.002)


def _catches(pid: int, sign: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next((int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:")), 0)
    return bool(caught & (1 << (sign - 1)))


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        return kind is not None and issubclass(kind, ProcessLookupError)
