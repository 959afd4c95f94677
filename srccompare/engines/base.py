"""The small interface every engine offers: map a core function over tasks, in order.

An engine knows nothing about reuse detection; the core functions it runs
(``srccompare.reuse.sketch.sketch_documents``,
``srccompare.reuse.candidates.paired_part``, ``srccompare.reuse.align.stage.align_documents``) are plain,
picklable top-level functions of one task each, so a local process pool and a
Spark cluster run exactly the same code and give exactly the same results.
"""

from __future__ import annotations

import gc
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


class Engine(ABC):
    """Runs ``function`` on every task and returns the results in task order."""

    # Whether its tasks see this machine's files: tasks may then hand large
    # arrays to later tasks through temporary files rather than through this process.
    shares_files = False

    @property
    def parallelism(self) -> int:
        """How many tasks run at once (for sizing tasks; results never depend on it)."""
        return 1

    @abstractmethod
    def map(
        self,
        function: Callable[[Task], Result],
        tasks: Sequence[Task],
        *,
        on_done: Callable[[int], None] | None = None,
    ) -> list[Result]:
        """Results in the order of ``tasks``; ``on_done(count)`` after each finished task."""

    def close(self) -> None:
        """Release workers (nothing to do by default)."""

    def abort(self) -> None:
        """Stop at once, work in progress dropped (on an interrupt); by default, ``close``."""
        self.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc_info: Any) -> None:
        # An interrupt (Ctrl-C, SIGTERM) does not wait for the tasks running.
        if kind is not None and not issubclass(kind, Exception):
            self.abort()
        else:
            self.close()


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees everything).

    The main process takes hundreds of thousands of small acyclic objects from
    the workers (cleaned articles, passages) and makes as many (spans,
    summaries) while it holds the corpus; each full collection walks all of
    them: 0.5-0.8 s of the 1.6 s of the group step at 40k articles, and 0.4 s
    of the 0.65 s it takes to unpickle 40k cleaned articles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# progress(step, done, total): done and total count the step's tasks (or inputs, for cleaning).
Progress = Callable[[str, int, int], None]


def report_progress(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)
