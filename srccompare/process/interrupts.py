"""Ctrl-C and SIGTERM as one exception, caught once at the top of the command line.

Set up first thing when the command starts (``srccompare.process.start``), before the heavy imports, so
that a signal at any moment ends the run with one line and the shell's status (128 + signal).
"""

from __future__ import annotations

import signal
import sys
from contextlib import suppress
from types import FrameType

EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM)


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM. Not a KeyboardInterrupt, which click turns into an Abort (after an empty
    line on stderr), and not an Exception, so that no ``except Exception`` swallows it; cleanup
    (``with``, ``finally``) runs as for any exception. ``note``: what the one line adds."""

    def __init__(self, signum: int, note: str = "") -> None:
        super().__init__(signum)
        self.signum, self.note = signum, note

    @property
    def status(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPTED

    @property
    def line(self) -> str:
        said = "terminated" if self.signum == signal.SIGTERM else "interrupted"
        return f"srccompare: {said}{'; ' + self.note if self.note else ''}"


def raise_interrupted(signum: int, frame: FrameType | None) -> None:
    # Once: a second signal while the first one's cleanup runs (a group kill sends one a process,
    # a user may send more) would cut that cleanup short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise Interrupted(signum)


def catch_signals() -> None:
    signal.signal(signal.SIGTERM, raise_interrupted)
    signal.signal(signal.SIGINT, raise_interrupted)


def say_and_exit(stop: Interrupted) -> None:
    with suppress(OSError, ValueError):  # stderr closed or gone: the status still tells
        print(stop.line, file=sys.stderr, flush=True)
    sys.exit(stop.status)
