"""The local engine: worker processes on this machine (or none, for one worker).

With ``workers == 1`` tasks run in this process, one after the other; with
more, in a ``ProcessPoolExecutor``. Results come back in task order either
way, so the outcome never depends on the number of workers.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress

from srccompare.engines.base import Engine, Result, Task


# New container objects between two young collections in a worker (Python's default: 700).
WORKER_YOUNG_OBJECTS = 20_000


class LocalEngine(Engine):
    shares_files = True

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def parallelism(self) -> int:
        return self.workers

    def map(
        self,
        function: Callable[[Task], Result],
        tasks: Sequence[Task],
        *,
        on_done: Callable[[int], None] | None = None,
    ) -> list[Result]:
        if self.workers == 1 or (len(tasks) <= 1 and self._pool is None):  # (no pool started for one task)
            results_iter = map(function, tasks)
        else:
            results_iter = self._executor().map(function, tasks)
        results = []
        for result in results_iter:
            results.append(result)
            if on_done is not None:
                on_done(len(results))
        return results

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            _shared_before_fork()
            # The workers start (forked, all at once, on the first task) with Ctrl-C and SIGTERM
            # held back, in them and here, until their handlers are set: a signal meanwhile
            # reaches this process once they are, and the workers never see it.
            held = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
            try:
                self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_started, initargs=(os.getpid(), held))
                self._pool.submit(int)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Kill the workers (their tasks are dropped) and do not wait for them."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            # (the pool keeps its processes in a private attribute: no public way to stop a running task)
            processes = list((getattr(pool, "_processes", None) or {}).values())
            for process in processes:
                with suppress(OSError, ValueError):
                    process.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:  # reaped, so that none is left even as a zombie
                with suppress(OSError, ValueError, AssertionError):
                    process.join(2)


INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def _shared_before_fork() -> None:
    """With numba loaded here, the workers will load its kernels, and numba's first kernel load in a
    process imports scipy.linalg (its BLAS check): 0.2 s of CPU in each worker. Imported here once,
    before they fork, the workers share it (the same wall time on an idle machine, a worker's
    worth less CPU each: bench/reuse_speed.py's 10k run with 2 workers, 0.2 s)."""
    if "numba" in sys.modules:
        with suppress(ImportError):
            import scipy.linalg.cython_blas  # noqa: F401
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the process that started it ends (Linux), however it
    ends (even by SIGKILL): no worker outlives an interrupted run. Elsewhere, nothing."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


def _worker_started(parent: int, mask: set[signal.Signals]) -> None:
    """A worker ignores Ctrl-C (sent to the whole process group, it is the main process's to
    handle: it stops the workers), dies quietly on SIGTERM and with its parent, then takes the
    signal mask the parent had.

    A forked worker holds every object of the process it came from (the corpus's texts, a
    browse session's articles): set them apart from the cyclic collector, so that its full
    collections walk only the worker's own objects (and never write to, hence copy, the shared
    pages). Cleaning 8,000 articles: 10% less CPU. The collector runs in every worker, whatever
    the state of the process that started it (which may have paused it while taking results),
    but less often: a task makes and drops tens of thousands of small objects (tuples,
    dataclasses) that reference counting frees anyway, and a young collection every 700 of
    them cost each worker 0.8 s of a 40k-article bench/reuse_speed.py run, one every 20,000 0.2 s.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    gc.freeze()
    gc.set_threshold(WORKER_YOUNG_OBJECTS, *gc.get_threshold()[1:])
    gc.enable()
