"""The small interface every engine offers: map a core function over tasks, in order.

An engine knows nothing about reuse detection; the core functions it runs
(``srccompare.reuse.sketch_documents``,
``srccompare.candidates.pairs_in_part``, ``srccompare.reuse.align_documents``) are plain,
picklable top-level functions of one task each, so a local process pool and a
Spark cluster run exactly the same code and give exactly the same results.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
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

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
