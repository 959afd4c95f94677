"""``srccompare diff --format html``: one self-contained page to send to an editor.

No scripts, no external resources: styles are inline in the page, moved rows
link to their partner with plain anchors. Every piece of article text and
metadata goes through ``html.escape`` (after control characters are made
visible), so nothing in an article can become markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from srccompare.model import CleanArticle, DiffResult, Row
from srccompare.report.diff_segments import (
    ArticleText,
    Piece,
    article_heading,
    move_note,
    paragraph_label,
    passage_spans,
    share_line,
    side_paragraphs,
)
from srccompare.display.visible import visible_lines

STATUS_TITLES = {
    "same": "same",
    "changed": "changed",
    "moved": "moved",
    "only_left": "left only",
    "only_right": "right only",
}

STYLE = """
body { font-family: Georgia, serif; margin: 1.5em; color: #222; background: #fff; }
header h1 { font-size: 1.2em; margin: 0 0 .3em 0; }
header p { margin: .2em 0; color: #555; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { vertical-align: top; padding: .45em .6em; border-bottom: 1px solid #e4e4e4; }
td.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.45; }
col.gutter { width: 6.5em; }
td.gutter { font: .75em sans-serif; color: #777; }
.label { color: #999; font: .8em sans-serif; margin-right: .4em; }
.changed-left { background: #ffd7d5; text-decoration: line-through; text-decoration-color: #c66; }
.changed-right { background: #ccf2d4; }
.minor { color: #888; border-bottom: 1px dotted #aaa; }
.passage { box-shadow: inset 0 -3px #7fa7e0; }
tr.only_left td.left, tr.only_right td.right { background: #f6f6f6; }
tr.moved td.text { background: #f2f0ff; }
.note { color: #6a5acd; font: .85em sans-serif; }
.legend span { margin-right: 1em; }
"""


def as_html(left: CleanArticle, right: CleanArticle, result: DiffResult) -> str:
    """The comparison as one HTML document."""
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<title>{_e(article_heading(left))} / {_e(article_heading(right))}</title>\n",
        f"<style>{STYLE}</style>\n</head>\n<body>\n",
        _header(left, right, result),
        "<table>\n<colgroup><col class=\"gutter\"><col><col></colgroup>\n",
        f"<thead><tr><th></th><th>{_e(article_heading(left))}</th><th>{_e(article_heading(right))}</th></tr></thead>\n<tbody>\n",
    ]
    texts = (ArticleText.of(left), ArticleText.of(right))
    parts.extend(_row(result, index, row, *texts) for index, row in enumerate(result.rows))
    parts.append("</tbody>\n</table>\n</body>\n</html>\n")
    return "".join(parts)


def _e(text: str) -> str:
    return escape(visible_lines(text), quote=True)  # (headings come visible already; bodies keep their lines)


def _header(left: CleanArticle, right: CleanArticle, result: DiffResult) -> str:
    return (
        "<header>\n"
        f"<h1>{_e(article_heading(left))} <small>vs</small> {_e(article_heading(right))}</h1>\n"
        f"<p>{_e(share_line(result))}</p>\n"
        "<p class=\"legend\"><span class=\"changed-left\">only on the left</span>"
        "<span class=\"changed-right\">only on the right</span>"
        "<span class=\"minor\">minor difference (case, punctuation, spelling of a name)</span>"
        "<span class=\"passage\">in a shared passage (what reuse counts)</span></p>\n"
        "</header>\n"
    )


def _row(result: DiffResult, index: int, row: Row, left: ArticleText, right: ArticleText) -> str:
    gutter = STATUS_TITLES[row.status]
    if row.status in ("changed", "moved") and row.similarity:
        gutter += f"<br>{row.similarity:.0%}"
    elif row.minor:
        gutter += "<br>minor"
    cells = [
        _cell(result, row, "left", left),
        _cell(result, row, "right", right),
    ]
    return (
        f"<tr id=\"r{index}\" class=\"{row.status}\"><td class=\"gutter\">{gutter}</td>"
        f"{cells[0]}{cells[1]}</tr>\n"
    )


def _cell(result: DiffResult, row: Row, side: str, article: ArticleText) -> str:
    paragraphs = side_paragraphs(row, side, article, passage_spans(result, side))
    if not paragraphs:
        note = ""
        if row.status == "moved" and row.partner is not None:
            note = f"<a class=\"note\" href=\"#r{row.partner}\">{_e(move_note(result, row))}</a>"
        return f"<td class=\"text {side}\">{note}</td>"
    return f"<td class=\"text {side}\">{_paragraphs(paragraphs, side, paragraph_label(row, side))}</td>"


def _paragraphs(paragraphs: Sequence[tuple[int, Sequence[Piece]]], side: str, label: str) -> str:
    chunks = []
    for number, (_, pieces) in enumerate(paragraphs):
        prefix = f"<span class=\"label\">{_e(label)}</span>" if number == 0 else ""
        chunks.append(prefix + "".join(_piece(piece, side) for piece in pieces))
    return "\n\n".join(chunks)


def _piece(piece: Piece, side: str) -> str:
    if piece.kind == "changed":
        html = f"<span class=\"changed-{side}\">{_e(piece.text)}</span>"
    elif piece.kind == "minor":
        html = f"<span class=\"minor\">{_e(piece.text)}</span>"
    else:
        html = _e(piece.text)
    return f"<span class=\"passage\">{html}</span>" if piece.passage else html
