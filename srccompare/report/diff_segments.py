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
from srccompare.display.names import article_name
from srccompare.display.visible import visible, visible_lines

PieceKind = Literal["equal", "minor", "changed", "plain"]

# Control characters are shown as the pictures of themselves (srccompare/display/visible.py: ESC as ␛),
# so article text can never drive a terminal; one character stays one.


@dataclass(frozen=True)
class Piece:
    text: str
    kind: PieceKind
    passage: bool = False  # inside a passage the reuse core finds shared (SharedWords.passages)


class ArticleText(NamedTuple):
    """An article's body and paragraph spans, computed once for many rows."""

    body: str
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, article: CleanArticle) -> ArticleText:
        return cls(article.body, article.paragraph_spans)


def side_paragraphs(
    row: Row, side: str, article: CleanArticle | ArticleText, passages: Sequence[tuple[int, int]] = ()
) -> list[tuple[int, tuple[Piece, ...]]]:
    """The paragraphs ``row`` shows on ``side`` as (paragraph index, pieces); pieces inside one of
    ``passages`` (sorted (start, end) offsets on this side, see ``passage_spans``) say so.

    Pass an ``ArticleText`` when rendering many rows: a CleanArticle joins its body anew each time."""
    text = article if isinstance(article, ArticleText) else ArticleText.of(article)
    indexes = row.left_paragraphs if side == "left" else row.right_paragraphs
    runs = _runs(row, side)
    return [(index, _in_passages(_cut(text.body, text.spans[index], runs), text.spans[index][0], passages))
            for index in indexes]


def passage_spans(result: DiffResult, side: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the shared passages on ``side``, sorted (none when the result has no SharedWords)."""
    if result.shared is None:
        return ()
    spans = [(p.left_start, p.left_end) if side == "left" else (p.right_start, p.right_end) for p in result.shared.passages]
    return tuple(sorted(spans))


def passage_rows(result: DiffResult) -> tuple[int, ...]:
    """For each shared passage (in the order of ``SharedWords.passages``), the row where it
    starts on the left (on the right where no row shows its left start)."""
    if result.shared is None:
        return ()
    found = []
    for passage in result.shared.passages:
        rows = _row_holding(result, "left", passage.left_start) or _row_holding(result, "right", passage.right_start)
        found.extend(rows[:1])
    return tuple(found)


def _row_holding(result: DiffResult, side: str, offset: int) -> list[int]:
    """The first row showing the character at ``offset`` of ``side`` (none if no row does)."""
    for index, row in enumerate(result.rows):
        start, end = (row.left_start, row.left_end) if side == "left" else (row.right_start, row.right_end)
        if start is not None and end is not None and start <= offset < end:
            return [index]
    return []


def _in_passages(pieces: tuple[Piece, ...], start: int, passages: Sequence[tuple[int, int]]) -> tuple[Piece, ...]:
    """The pieces (of a paragraph starting at ``start``) cut again where passages begin and end."""
    if not passages:
        return pieces
    cut: list[Piece] = []
    position = start
    for piece in pieces:
        end = position + len(piece.text)  # visible() keeps one character one, so lengths are offsets
        bounds = sorted({position, end, *(b for span in passages for b in span if position < b < end)})
        for low, high in zip(bounds, bounds[1:]):
            inside = any(a <= low and high <= b for a, b in passages)
            cut.append(Piece(piece.text[low - position : high - position], piece.kind, inside))
        position = end
    return tuple(_join(cut))


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
        if joined and (joined[-1].kind, joined[-1].passage) == (piece.kind, piece.passage):
            joined[-1] = Piece(joined[-1].text + piece.text, piece.kind, piece.passage)
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
    """What the two articles share, as the reuse core counts it (the number ``reuse`` and
    ``browse`` show for the pair), and each side's words inside the shared passages."""
    shared = result.shared
    if shared is None:
        return "shared: counting…"
    if not shared.passages:
        return f"shared: no passage (left {shared.left_total} words, right {shared.right_total})"
    left = shared.left_words / shared.left_total if shared.left_total else 0.0
    right = shared.right_words / shared.right_total if shared.right_total else 0.0
    count = len(shared.passages)
    return (
        f"shared: {shared.words} words in {count} passage{'s' if count != 1 else ''} · "
        f"left {shared.left_words} of {shared.left_total} words ({left:.0%}) · "
        f"right {shared.right_words} of {shared.right_total} ({right:.0%})"
    )


def article_heading(article: CleanArticle) -> str:
    """Outlet, title (else the file's name) and date where known."""
    meta = article.metadata
    parts = [part for part in (meta.outlet, article_name(meta.title, article.source, article.id), meta.date) if part]
    return visible(" · ".join(parts))
