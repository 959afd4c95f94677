"""What every diff view shows for one side of a row: paragraphs as runs of
text, each run marked shared, minor, changed or plain.

The text, JSON, HTML writers and the TUI all render these runs, so the four
views agree on what is highlighted. Pure: no I/O, no styling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from srccompare.model import CleanArticle, DiffResult, Row
from srccompare.visible import visible, visible_lines

PieceKind = Literal["equal", "minor", "changed", "plain"]

# Control characters are shown as the pictures of themselves (srccompare/visible.py: ESC as ␛),
# so article text can never drive a terminal; one character stays one.


@dataclass(frozen=True)
class Piece:
    text: str
    kind: PieceKind


class ArticleText(NamedTuple):
    """An article's body and paragraph spans, computed once for many rows."""

    body: str
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, article: CleanArticle) -> ArticleText:
        return cls(article.body, article.paragraph_spans)


def side_paragraphs(
    row: Row, side: str, article: CleanArticle | ArticleText
) -> list[tuple[int, tuple[Piece, ...]]]:
    """The paragraphs ``row`` shows on ``side`` as (paragraph index, pieces).

    Pass an ``ArticleText`` when rendering many rows: a CleanArticle joins its body anew each time."""
    text = article if isinstance(article, ArticleText) else ArticleText.of(article)
    indexes = row.left_paragraphs if side == "left" else row.right_paragraphs
    runs = _runs(row, side)
    return [(index, _cut(text.body, text.spans[index], runs)) for index in indexes]


def _runs(row: Row, side: str) -> list[tuple[int, int, PieceKind]]:
    """(start, end, kind) of this side's part of each word operation, in text order."""
    runs: list[tuple[int, int, PieceKind]] = []
    for op in row.ops:
        start, end = (op.left_start, op.left_end) if side == "left" else (op.right_start, op.right_end)
        if end > start:
            kind: PieceKind = "changed" if op.kind in ("delete", "insert") else op.kind
            runs.append((start, end, kind))
    return sorted(runs)


def _cut(body: str, span: tuple[int, int], runs: Sequence[tuple[int, int, PieceKind]]) -> tuple[Piece, ...]:
    """The paragraph at ``span`` cut along ``runs``; text no run covers is plain."""
    start, end = span
    pieces: list[Piece] = []
    position = start
    for run_start, run_end, kind in runs:
        run_start, run_end = max(run_start, start), min(run_end, end)
        if run_end <= run_start:
            continue
        if run_start > position:
            pieces.append(Piece(visible_lines(body[position:run_start]), "plain"))
        pieces.append(Piece(visible_lines(body[run_start:run_end]), kind))
        position = run_end
    if position < end:
        pieces.append(Piece(visible_lines(body[position:end]), "plain"))
    return tuple(_join(pieces))


def _join(pieces: list[Piece]) -> list[Piece]:
    joined: list[Piece] = []
    for piece in pieces:
        if joined and joined[-1].kind == piece.kind:
            joined[-1] = Piece(joined[-1].text + piece.text, piece.kind)
        else:
            joined.append(piece)
    return joined


def paragraph_label(row: Row, side: str) -> str:
    """"¶3" or "¶3-4" for the paragraphs (1-based) ``row`` shows on ``side``."""
    indexes = row.left_paragraphs if side == "left" else row.right_paragraphs
    if not indexes:
        return ""
    first, last = indexes[0] + 1, indexes[-1] + 1
    return f"¶{first}" if first == last else f"¶{first}-{last}"


def move_note(result: DiffResult, row: Row) -> str:
    """For a moved row: where its partner stands ("moved to ¶7" / "moved from ¶2")."""
    if row.status != "moved" or row.partner is None:
        return ""
    partner = result.rows[row.partner]
    if row.left_paragraphs:
        return f"moved to {paragraph_label(partner, 'right')}"
    return f"moved from {paragraph_label(partner, 'left')}"


def share_line(result: DiffResult) -> str:
    """How much the two articles share, in words and as shares of each."""
    left = result.left_shared / result.left_words if result.left_words else 0.0
    right = result.right_shared / result.right_words if result.right_words else 0.0
    return (
        f"shared: {result.left_shared} of {result.left_words} words left ({left:.0%}), "
        f"{result.right_shared} of {result.right_words} right ({right:.0%})"
    )


def article_heading(article: CleanArticle) -> str:
    """Outlet, title and date where known, else the source."""
    meta = article.metadata
    parts = [part for part in (meta.outlet, meta.title, meta.date) if part]
    return visible(" · ".join(parts) if parts else article.source)
