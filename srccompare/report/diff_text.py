"""``srccompare diff --format text``: a plain side-by-side rendering sized to a width.

Rich lays out the table (wrapping both columns of a row together, counting
wide characters right) and exports it without colour. Changed words are
marked the way ``git diff --word-diff`` does: ``[-removed-]`` on the left,
``{+added+}`` on the right. Minor differences are not marked (the gutter
shows ``~``). Article text only ever enters ``Text`` objects, never markup.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from rich import box
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from srccompare.model import CleanArticle, DiffResult, Row
from srccompare.report.diff_segments import (
    ArticleText,
    Piece,
    PieceKind,
    article_heading,
    move_note,
    paragraph_label,
    share_line,
    side_paragraphs,
)

MIN_WIDTH = 40
GUTTER = {"same": "=", "changed": "*", "moved": "m", "only_left": "<", "only_right": ">"}
MARKERS = {"left": ("[-", "-]"), "right": ("{+", "+}")}


def gutter_mark(row: Row) -> str:
    if row.status == "same" and row.minor:
        return "~"
    return GUTTER[row.status]


def side_text(
    paragraphs: Sequence[tuple[int, Sequence[Piece]]],
    label: str,
    styles: Mapping[PieceKind, str | Style] | None = None,
    markers: tuple[str, str] | None = None,
    passage_style: Style | None = None,
) -> Text:
    """One side of a row as a Text: paragraph labels, runs styled by kind, changed runs marked;
    runs inside a shared passage get ``passage_style`` under their own."""
    text = Text(overflow="fold")
    for number, (_, pieces) in enumerate(paragraphs):
        if number:
            text.append("\n\n")
        if number == 0 and label:
            text.append(label + " ", style="dim")
        for piece in pieces:
            style = (styles or {}).get(piece.kind, "")
            if piece.passage and passage_style is not None:
                style = passage_style + (Style.parse(style) if isinstance(style, str) else style)
            if piece.kind == "changed" and markers:
                text.append(markers[0] + piece.text.rstrip() + markers[1], style=style)
                text.append(piece.text[len(piece.text.rstrip()) :])
            else:
                text.append(piece.text, style=style)
    return text


def row_cells(
    result: DiffResult, row: Row, left: CleanArticle | ArticleText, right: CleanArticle | ArticleText
) -> tuple[Text, Text]:
    """The left and right cells of one row, with a move note on a moved row's empty side."""
    cells = []
    for side, article in (("left", left), ("right", right)):
        paragraphs = side_paragraphs(row, side, article)
        if paragraphs:
            cells.append(side_text(paragraphs, paragraph_label(row, side), markers=MARKERS[side]))
        else:
            cells.append(Text(f"({move_note(result, row)})" if row.status == "moved" else ""))
    return cells[0], cells[1]


def as_text(left: CleanArticle, right: CleanArticle, result: DiffResult, width: int = 100) -> str:
    """The whole comparison as plain text no wider than ``width`` columns."""
    width = max(width, MIN_WIDTH)
    console = Console(
        file=io.StringIO(), width=width, color_system=None, force_terminal=False, legacy_windows=False
    )
    console.print(_heading(left, right, result), overflow="fold", crop=False)
    table = Table(box=box.MINIMAL, expand=True, show_edge=False, pad_edge=False, padding=(0, 1), leading=1)
    table.add_column("", width=1, no_wrap=True)
    table.add_column(Text("left"), ratio=1, overflow="fold")
    table.add_column(Text("right"), ratio=1, overflow="fold")
    left_text, right_text = ArticleText.of(left), ArticleText.of(right)
    for row in result.rows:
        left_cell, right_cell = row_cells(result, row, left_text, right_text)
        table.add_row(Text(gutter_mark(row)), left_cell, right_cell)
    console.print(table)
    lines = console.file.getvalue().splitlines()
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _heading(left: CleanArticle, right: CleanArticle, result: DiffResult) -> Text:
    text = Text()
    text.append("left:  ")
    text.append(article_heading(left))
    text.append("\nright: ")
    text.append(article_heading(right))
    text.append("\n" + share_line(result))
    text.append("\nrows: = same, ~ minor differences only, * changed, m moved, < left only, > right only\n")
    return text
