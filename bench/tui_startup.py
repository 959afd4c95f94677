"""Time from launching ``srccompare diff A B`` on a terminal to the first painted screen.

Runs the real command in a pseudo-terminal (80x24) and watches what it
writes: "first paint" is when the loading screen appears (the inputs are
read, cleaned and aligned in worker threads after it), "rows painted" when
the first aligned rows (a "¶" label) do: the view opens on the pair's first
shared passage, which need not be paragraph 1. Then it presses q.
In the same run, two baselines: a minimal Textual app (one Static) to its
first paint, and ``srccompare diff --format text`` into a pipe, start to
finish. Goal: first paint under 1 s. Median of several launches. Run from
the repository root:

    .venv/bin/python bench/tui_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LEFT = str(ROOT / "seeds" / "001_c8de61e9140fbb2f.txt")
RIGHT = str(ROOT / "seeds" / "002_f1fbc4a1f97f33cb.txt")
MINIMAL_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Minimal(App):\n"
    "    BINDINGS = [('q', 'quit')]\n"
    "    def compose(self):\n"
    "        yield Static('minimal-app-painted')\n"
    "Minimal().run()\n"
)


def launch_in_terminal(argv: list[str], marks: list[bytes], size: tuple[int, int] = (80, 24), timeout: float = 30.0) -> list[float]:
    """Seconds from launch until each mark appears in the terminal output (nan if never)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(size[0]), "LINES": str(size[1])}
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, start_new_session=True)
    os.close(slave)
    seen: dict[bytes, float] = {}
    output = b""
    try:
        while len(seen) < len(marks) and time.perf_counter() - start < timeout and process.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    output += os.read(master, 1 << 16)
                except OSError:  # the program ended and closed its terminal
                    break
                for mark in marks:
                    if mark not in seen and mark in output:
                        seen[mark] = time.perf_counter() - start
        os.write(master, b"q")
        _drain_until_exit(master, process)
    finally:
        os.close(master)
    return [seen.get(mark, float("nan")) for mark in marks]


def _drain_until_exit(master: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.perf_counter() + 10
    while process.poll() is None and time.perf_counter() < deadline:
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 1 << 16)
            except OSError:
                break
    if process.poll() is None:
        process.kill()
        process.wait()


def run_to_end(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    diff = [PYTHON, "-m", "srccompare", "diff", LEFT, RIGHT]
    measurements = {
        "srccompare diff (TUI)": lambda: launch_in_terminal(diff, [b"reading and cleaning", "¶".encode()]),
        "minimal Textual app": lambda: launch_in_terminal([PYTHON, "-c", MINIMAL_APP], [b"minimal-app-painted"]) + [float("nan")],
        "diff --format text | pipe": lambda: [float("nan"), run_to_end(diff + ["--format", "text"])],
    }
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; median of {args.runs} launches, seconds")
    print(f"{'what':<28} {'first paint':>12} {'rows / done':>12}")
    for name, measure in measurements.items():
        results = [measure() for _ in range(args.runs)]
        first = statistics.median(r[0] for r in results)
        rows = statistics.median(r[1] for r in results)
        print(f"{name:<28} {first:>12.3f} {rows:>12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
