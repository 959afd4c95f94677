"""The console script: signals caught before anything heavy is imported (see ``interrupts``)."""

from __future__ import annotations

from srccompare.process.interrupts import Interrupted, catch_signals, say_and_exit


def console() -> None:
    catch_signals()
    try:
        from srccompare.reuse.numba_cache import hide_unused_checks

        hide_unused_checks()  # this process is srccompare's own: numba's BLAS and cffi checks are not needed
        from srccompare.cli import console as run
    except Interrupted as stop:  # during the imports (about a second)
        say_and_exit(stop)
    run()
