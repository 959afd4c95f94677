"""The data passed between srccompare's stages.

Every object here is a frozen dataclass of plain values, so that any stage's
output can be written out (``to_dict``) and read by a person or another tool.
Identifiers are strings; character offsets always point into the *cleaned*
body of an article (``CleanArticle.body``), where paragraphs are joined by a
blank line. Pairs name their sides ``left_`` and ``right_`` everywhere.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

PARAGRAPH_SEPARATOR = "\n\n"

# A word as reuse counts it; here, not in reuse.tokens, so that counting words imports no numba.
TOKEN_PATTERN = re.compile(r"\w+")


class computed_once:  # noqa: N801 (a decorator, named like functools.cached_property)
    """functools.cached_property without its lock: Python 3.11's takes one on every first access,
    half the cost of joining an article's paragraphs (0.14 s of 0.28 s for 40k articles). The
    value comes from frozen fields: two threads computing it at once compute the same."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


InputKind = Literal["html", "markdown", "text"]


def to_dict(obj: Any) -> Any:
    """A JSON-ready copy of a model object (dataclasses, tuples, scalars)."""
    if isinstance(obj, (str, int, float)) or obj is None:
        return obj  # (most of what is converted: asked first, before the slower dataclass test)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): to_dict(value) for key, value in obj.items()}
    return obj


# --- load -------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """One input article, decoded to text but not yet cleaned.

    ``source`` says where it came from (a path, ``path:line`` for JSON Lines,
    ``<stdin>`` or a URL); ``hints`` carries metadata given with the input
    (JSON Lines fields, or what a fetcher knew), which wins over guesses.
    """

    id: str
    source: str
    kind: InputKind
    content: str
    hints: Metadata = field(default_factory=lambda: Metadata())


@dataclass(frozen=True)
class LoadError:
    """An input that could not be read; ``source`` names it, ``problem`` says why."""

    source: str
    problem: str


# --- clean ------------------------------------------------------------------

CreditHow = Literal["byline", "credit_line", "source_line", "dateline", "copyright", "photo", "wire"]


@dataclass(frozen=True)
class Credit:
    """An agency credited by the article.

    ``agency`` is the canonical name ("Reuters", "AFP", "AP", ...) or None
    for a credit that names no agency ("and agencies", "with wire services"):
    recorded with its text, never shown as an agency; ``how`` is the form of the
    credit; ``text`` is the words that carried it. Photo credits have
    ``how == "photo"`` and are kept apart from text credits.
    """

    agency: str | None
    how: CreditHow
    text: str


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) when it could be parsed
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    credits: tuple[Credit, ...] = ()
    photo_credits: tuple[Credit, ...] = ()
    fetched: str | None = None  # when a web page was fetched (ISO 8601, UTC); None for files

    def merged_over(self, other: Metadata) -> Metadata:
        """Fields of ``self`` where set, else those of ``other``; credits are joined."""
        values: dict[str, Any] = {}
        for name in ("title", "date", "url", "outlet", "byline", "fetched"):
            values[name] = getattr(self, name) or getattr(other, name)
        values["credits"] = _unique(self.credits + other.credits)
        values["photo_credits"] = _unique(self.photo_credits + other.photo_credits)
        return Metadata(**values)

    @property
    def agencies(self) -> tuple[str, ...]:
        """Agencies credited in the text (not in photo credits), in order, once each."""
        return tuple(dict.fromkeys(c.agency for c in self.credits if c.agency))


def _unique(items: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Removal:
    """Text the cleaner took out of the body, with the rule that did it.

    ``before_paragraph`` is the index of the kept paragraph the removed text
    stood before (``len(paragraphs)`` when it came after the last one), so a
    viewer can show it greyed out in place.
    """

    rule: str
    kind: str
    text: str
    before_paragraph: int


@dataclass(frozen=True)
class CleanArticle:
    """An article after cleaning: its body as paragraphs, metadata apart, removals recorded."""

    id: str
    source: str
    kind: InputKind
    metadata: Metadata
    paragraphs: tuple[str, ...]
    removals: tuple[Removal, ...] = ()

    # body and paragraph_spans are computed once an article: reports and views read them
    # once a row, and joining a 45 MB article's paragraphs 4,000 times took minutes.
    @computed_once
    def body(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    def __reduce__(self) -> tuple[type[CleanArticle], tuple[Any, ...]]:
        """Pickled (to and from worker processes) as its fields, without the cached body and spans:
        a third of the time of pickling its state by the fields' names (40k articles come back
        from the cleaning workers)."""
        return CleanArticle, (self.id, self.source, self.kind, self.metadata, self.paragraphs, self.removals)

    @computed_once
    def paragraph_spans(self) -> tuple[tuple[int, int], ...]:
        """(start, end) offsets of each paragraph in ``body``."""
        spans = []
        start = 0
        for paragraph in self.paragraphs:
            spans.append((start, start + len(paragraph)))
            start += len(paragraph) + len(PARAGRAPH_SEPARATOR)
        return tuple(spans)

    @property
    def label(self) -> str:
        """A short human name: outlet and title where known, else the source."""
        parts = [p for p in (self.metadata.outlet, self.metadata.title) if p]
        return ": ".join(parts) if parts else self.source


# --- reuse ------------------------------------------------------------------

PassageKind = Literal["reporting", "quote", "mixed"]


@dataclass(frozen=True)
class Passage:
    """A stretch of text shared by two articles, with exact offsets into both cleaned bodies.

    ``similarity`` is 1.0 for verbatim copy and lower for edited copy;
    ``quote_share`` is the share of the passage's words inside quotation
    marks, and ``kind`` follows from it (quotes are weak evidence of copy
    reuse, shared reporting prose is strong evidence).
    """

    left_id: str
    left_start: int
    left_end: int
    right_id: str
    right_start: int
    right_end: int
    similarity: float
    words: int
    quote_share: float
    kind: PassageKind


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Family:
    """Passages joined into one group (connected components over overlapping spans)."""

    id: str
    spans: tuple[Span, ...]
    passages: tuple[int, ...]  # indexes into ReuseResult.passages
    size: int = 0  # the articles carrying it
    label: str = ""  # its most widely carried sentence


@dataclass(frozen=True)
class Evidence:
    """Why an article is attributed to an agency: the passages it shares with whom."""

    via_id: str  # the credited article (or wire copy) the passages are shared with
    passages: tuple[int, ...]  # indexes into ReuseResult.passages
    words: int


@dataclass(frozen=True)
class Attribution:
    doc_id: str
    agency: str
    how: Literal["explicit", "inferred"]
    share: float  # share of the article's words in passages backing this attribution
    credits: tuple[Credit, ...] = ()  # for explicit attributions
    evidence: tuple[Evidence, ...] = ()  # for inferred attributions
    # Inferred only: "high" or "medium" (README.md, "Attribution"), the weighted words of
    # agency-specific text behind it, and why its passages count.
    confidence: str | None = None
    score: float | None = None
    reason: str | None = None


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    source: str
    outlet: str | None
    title: str | None
    date: str | None
    words: int
    reused_words: int  # words of this article inside any shared passage (reporting or quote)
    top_partner: str | None


@dataclass(frozen=True)
class PairSummary:
    """Two articles and everything they share, with ``left_id < right_id``."""

    left_id: str
    right_id: str
    passages: tuple[int, ...]  # indexes into ReuseResult.passages
    words: int  # sum of the passages' words (each counted on its shorter side)
    left_words: int  # words of the left article inside the shared passages
    right_words: int
    reporting_words: int  # words of passages of kind "reporting"
    quote_words: int  # words of passages of kind "quote"
    similarity: float  # passages' similarity weighted by their words


def free_id(wanted: str, taken: Callable[[str], bool]) -> str:
    """``wanted``, or ``wanted#2``, ``#3``... the first that ``taken`` says is free (ids are file stems:
    two folders can hold the same name; an index may hold the id already)."""
    name, number = wanted, 1
    while taken(name):
        number += 1
        name = f"{wanted}#{number}"
    return name


@dataclass(frozen=True)
class Corpus:
    """A corpus as read and cleaned: the articles, which are wire copy, what failed."""

    articles: tuple[CleanArticle, ...]
    wire: dict[str, str]  # article id -> agency, for wire copy
    errors: tuple[LoadError, ...]
    inputs: int  # how many inputs were read (articles and errors)


@dataclass(frozen=True)
class ReuseResult:
    """Everything ``srccompare reuse`` finds in a corpus."""

    documents: tuple[DocumentSummary, ...]
    passages: tuple[Passage, ...]
    families: tuple[Family, ...]
    attributions: tuple[Attribution, ...]
    pairs: tuple[PairSummary, ...]  # every pair of articles sharing a passage, most shared words first
    digests: tuple[str, ...] = ()  # digest and aggregator pages (many unrelated stories): neither sources nor judged


# --- diff -------------------------------------------------------------------

RowStatus = Literal["same", "changed", "moved", "only_left", "only_right"]
WordOpKind = Literal["equal", "minor", "delete", "insert"]


@dataclass(frozen=True)
class WordOp:
    """A run of words of a paired row, with offsets into both cleaned bodies.

    ``equal``: the same characters on both sides (white space aside);
    ``minor``: the same under the normal form (case, quotes, punctuation,
    name spelling); ``delete``: left only; ``insert``: right only. The side a
    run is missing from has an empty range where it would stand.
    """

    kind: WordOpKind
    left_start: int
    left_end: int
    right_start: int
    right_end: int


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side view: paragraphs of the left article, of
    the right, or of both (more than one where a paragraph was split or two
    merged), with offsets into the cleaned bodies (``None`` for an empty side).

    A pair that keeps its place is one row (``same`` or ``changed``). A pair
    out of order is two ``moved`` rows, one a side, each standing in its own
    article's order and naming the other in ``partner`` (a row index); both
    carry the pair's ``ops``. ``similarity`` is the share of the pair's words
    the word diff found on both sides (1.0 for ``same``, 0.0 one-sided);
    ``minor`` says the pair differs in minor ways.
    """

    status: RowStatus
    left_paragraphs: tuple[int, ...]
    right_paragraphs: tuple[int, ...]
    left_start: int | None
    left_end: int | None
    right_start: int | None
    right_end: int | None
    similarity: float
    minor: bool = False
    partner: int | None = None
    ops: tuple[WordOp, ...] = ()


@dataclass(frozen=True)
class DiffResult:
    """Two articles aligned: rows in reading order, and how much they share."""

    left_id: str
    right_id: str
    rows: tuple[Row, ...]
    left_words: int
    right_words: int
    left_shared: int  # left words in equal or minor runs of any pair
    right_shared: int
    # What the reuse core finds the two share (srccompare.diff.shared): the one "shared words" every view
    # shows. None when the diff was made without it (diff_articles alone).
    shared: SharedWords | None = None


@dataclass(frozen=True)
class SharedWords:
    """A pair's shared text as the reuse core counts it, seen from one side of a diff.

    ``words`` is the pair's PairSummary.words (each passage counted on its
    shorter side): the number reuse, browse and diff all show. ``left_words``
    and ``right_words`` are each article's words inside the passages, of
    ``left_total`` and ``right_total`` (DocumentSummary.words, as reuse counts
    them); ``passages`` have ``left_*`` offsets into the diff's left article, sorted by them.
    """

    words: int
    left_words: int
    right_words: int
    left_total: int
    right_total: int
    passages: tuple[Passage, ...] = ()

    def swapped(self) -> SharedWords:
        """The same from the other side."""
        flipped = tuple(
            Passage(p.right_id, p.right_start, p.right_end, p.left_id, p.left_start, p.left_end,
                    p.similarity, p.words, p.quote_share, p.kind)
            for p in self.passages
        )
        return SharedWords(self.words, self.right_words, self.left_words, self.right_total, self.left_total,
                           tuple(sorted(flipped, key=lambda p: (p.left_start, p.right_start))))
