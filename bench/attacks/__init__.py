"""The cases bench/attack.py runs, registered by class of issue 24 with ``@case``.

A module of this package holds the cases of one or more classes; bench/attack.py imports every
module here, so a new class is a new module. A case gets a ``Lab`` (a fresh folder and a way to run
srccompare in it, through pipes or a terminal) and raises ``Failed`` (or any AssertionError) when
srccompare misbehaves. Every run is watched for what no case may show: a traceback, exit 70, or a
hostile escape sequence (the payloads below) reaching stdout, stderr or the terminal.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "seeds"

# What hostile names carry: a clear-screen (CSI), a clipboard write (OSC 52, ended by BEL), a
# one-byte C1 CSI, and a newline that would split a header line.
CLEAR = "\x1b[2J"
CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"
C1_CSI = "\x9b31m"
HOSTILE = f"evil{CLEAR}{CLIPBOARD}{C1_CSI}\nname"
# What must never reach a terminal, as bytes (U+009B is C2 9B in UTF-8).
# (The payload's own BEL: Textual ends its own OSC sequences with one.)
ESCAPE_MARKERS = (b"\x1b[2J", b"\x1b]52;", b"cHduZWQ=\x07", b"\xc2\x9b")


class Failed(AssertionError):
    """The case found srccompare misbehaving."""


@dataclass(frozen=True)
class Case:
    klass: str
    name: str
    run: Callable[[Lab], None]


CASES: list[Case] = []


def case(klass: str, name: str) -> Callable[[Callable[[Lab], None]], Callable[[Lab], None]]:
    """Register a case under ``klass`` (e.g. "1 outputs")."""
    def register(function: Callable[[Lab], None]) -> Callable[[Lab], None]:
        CASES.append(Case(klass, name, function))
        return function
    return register


@dataclass
class Ran:
    status: int
    out: bytes
    err: bytes

    @property
    def err_text(self) -> str:
        return self.err.decode("utf-8", "replace")

    @property
    def out_text(self) -> str:
        return self.out.decode("utf-8", "replace")


@dataclass
class Lab:
    """A folder of one case's own, and srccompare run in it; counts what the runner reports."""

    folder: Path
    code: Path = ROOT  # the srccompare whose package is run (another revision's, for the baseline)
    tracebacks: int = 0
    escapes: int = 0
    destroyed: int = 0
    runs: list[str] = field(default_factory=list)
    evidence: list[bytes] = field(default_factory=list)  # what was seen around each traceback or escape

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.code), "COLUMNS": "200", **(extra or {})}

    def run(self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            prefix: tuple[str, ...] = (), timeout: float = 300) -> Ran:
        """srccompare ARGS with pipes for stdin, stdout and stderr."""
        command = [*prefix, sys.executable, "-m", "srccompare", *args]
        done = subprocess.run(command, input=stdin if stdin is not None else b"", capture_output=True,
                              cwd=self.folder, env=self.env(env), timeout=timeout)
        return self._watch(args, Ran(done.returncode, done.stdout, done.stderr))

    def run_terminal(self, *args: str, env: dict[str, str] | None = None, timeout: float = 300,
                     keys: bytes = b"", keys_after: float = 0.0) -> Ran:
        """srccompare ARGS on a pseudo-terminal (stdin, stdout and stderr): what a person would see."""
        leader, follower = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "srccompare", *args], stdin=follower, stdout=follower,
                                   stderr=follower, cwd=self.folder, env=self.env({"TERM": "xterm-256color", **(env or {})}),
                                   start_new_session=True)
        os.close(follower)
        seen, started, sent = bytearray(), time.monotonic(), not keys
        while True:
            if not sent and time.monotonic() - started > keys_after:
                os.write(leader, keys)
                sent = True
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the terminal's other end closed: the process is done
                    chunk = b""
                if not chunk and process.poll() is not None:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
            if time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                raise Failed(f"{' '.join(args)}: still running after {timeout:.0f} s")
        os.close(leader)
        return self._watch(args, Ran(process.wait(), bytes(seen), b""))

    def _watch(self, args: tuple[str, ...], ran: Ran) -> Ran:
        self.runs.append(" ".join(args))
        seen = ran.out + ran.err
        if b"Traceback (most recent call last)" in seen or ran.status == 70:
            self.tracebacks += 1
            self.evidence.append(seen[-300:])
        for marker in ESCAPE_MARKERS:
            self.escapes += seen.count(marker)
            if marker in seen:
                at = seen.index(marker)
                self.evidence.append(seen[max(0, at - 60):at + 20])
        return ran

    def write(self, name: str | bytes, data: str | bytes) -> Path:
        raw = name if isinstance(name, bytes) else os.fsencode(name)
        path = os.path.join(os.fsencode(self.folder), raw)
        with open(path, "wb") as stream:
            stream.write(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        return Path(os.fsdecode(path))


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def one_line_error(ran: Ran, *statuses: int) -> None:
    """The run ended with one of ``statuses`` and every stderr line is one srccompare message."""
    expect(ran.status in statuses, f"exit {ran.status}, wanted {statuses}: {ran.err_text[-300:]!r}")
    lines = ran.err_text.splitlines()
    expect(bool(lines) and all(line.startswith("srccompare: ") for line in lines),
           f"stderr is not srccompare's one-line messages: {ran.err_text[-300:]!r}")


def dead_pid() -> int:
    """A process id that no process has now."""
    for pid in range(4_000_000, 3_000_000, -1):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            continue
    raise RuntimeError("no free process id found")


def jsonl(*records: dict[str, object]) -> str:
    import json

    return "".join(json.dumps(record, ensure_ascii=True) + "\n" for record in records)


def story(number: int) -> str:
    """A short article body; stories of neighbouring numbers share a long passage (so reuse finds pairs)."""
    shared = ("The finance ministers of the eurozone agreed on Tuesday to extend the bailout programme "
              "for another six months, officials said after a late night meeting in Brussels that ran "
              "past midnight, as the talks over the terms of the loans went on for hours.")
    return f"Story {number} opens with its own words about the day in town number {number}.\n\n{shared}\n\nIt closes with a line of its own, number {number}."
