"""Messages the TUI's widgets and screens send up (to their screen or the app): small dataclasses, no logic."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from srccompare.model import CleanArticle, DiffResult, SharedWords


@dataclass
class AlignmentReady(Message):
    """The alignment worker finished (posted from its thread)."""

    result: DiffResult


@dataclass
class SharedReady(Message):
    """The reuse core counted what the two articles share (posted from the alignment worker)."""

    shared: SharedWords


@dataclass
class CursorMoved(Message):
    """The row under the cursor changed; ``row`` is an index into the result's rows."""

    row: int


@dataclass
class SearchSubmitted(Message):
    """The user asked to find ``query`` (searching forward from the cursor)."""

    query: str


@dataclass
class SearchClosed(Message):
    """The search bar was dismissed."""


@dataclass
class ArticlesLoaded(Message):
    """The loading worker read and cleaned both articles."""

    left: CleanArticle
    right: CleanArticle


@dataclass
class LoadFailed(Message):
    """The loading worker could not read an input; ``problems`` are one line each."""

    problems: list[str]


@dataclass
class CorpusFailed(Message):
    """The browse worker could not find the reuse in the corpus; ``problem`` is one line."""

    problem: str


@dataclass
class CorpusProgress(Message, bubble=False):
    """How far the browse worker is in a step (posted from its thread, which goes on without waiting)."""

    step: str
    done: int
    total: int
