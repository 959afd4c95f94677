"""The HTML reuse report as it was before issue 23 (commit 2c7ca99), kept as the baseline of
bench/reuse_html.py: a heat map of the 40 most reused articles and every article's full text.
Not used by srccompare itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from srccompare.model import CleanArticle, DocumentSummary, PairSummary, Passage, ReuseResult
from srccompare.report.reuse_views import (
    attributions_by_doc,
    documents_by_reuse,
    passages_by_doc,
    reused_share,
    segments,
)

# The matrix shows at most this many articles (the most reused): beyond that a
# heat map is unreadable and the page huge.
MATRIX_MAX = 40

STYLE = """
body { font-family: Georgia, serif; margin: 2em auto; max-width: 70em; color: #222; }
h1, h2, h3, table, .meta, .legend { font-family: system-ui, sans-serif; }
table.matrix { border-collapse: collapse; font-size: 0.8em; }
table.matrix th, table.matrix td { border: 1px solid #ddd; padding: 0.2em 0.4em; text-align: center; }
table.matrix th.row { text-align: left; max-width: 18em; overflow: hidden; white-space: nowrap; }
table.matrix td.self { background: #eee; }
.body { white-space: pre-wrap; line-height: 1.5; }
mark { padding: 0 0.1em; }
mark.reporting { background: #f7c59f; }
mark.mixed { background: #f9e3a1; }
mark.quote { background: #cfe3f7; }
.meta { color: #555; font-size: 0.9em; }
section.article { border-top: 1px solid #ccc; margin-top: 2em; }
"""


def as_html(result: ReuseResult, articles: Sequence[CleanArticle]) -> str:
    ranked = documents_by_reuse(result)
    anchors = {document.doc_id: f"a{number}" for number, document in enumerate(ranked)}
    pairs = result.pairs
    by_id = {article.id: article for article in articles}
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<title>srccompare: shared passages</title>\n<style>", STYLE, "</style>\n</head>\n<body>\n",
        f"<h1>Shared passages in {len(result.documents)} articles</h1>\n",
        f"<p class=\"meta\">{len(result.passages)} shared passages in {len(result.families)} families; "
        f"{len(pairs)} article pairs share text.</p>\n",
        matrix(ranked[:MATRIX_MAX], pairs, anchors),
        LEGEND,
    ]
    attributions = attributions_by_doc(result)
    shared = passages_by_doc(result.passages)
    for document in ranked:
        article = by_id.get(document.doc_id)
        if article is not None:
            agencies = _agencies(attributions.get(document.doc_id, ()))
            parts.append(article_section(document, article, shared.get(document.doc_id, []), anchors, agencies))
    parts.append("</body>\n</html>\n")
    return "".join(parts)


LEGEND = (
    "<p class=\"legend\">Highlighted: <mark class=\"reporting\">shared reporting</mark> "
    "<mark class=\"mixed\">reporting and quotation</mark> <mark class=\"quote\">shared quotation</mark> "
    "(hover for the articles sharing it).</p>\n"
)


def matrix(documents: Sequence[DocumentSummary], pairs: Sequence[PairSummary], anchors: Mapping[str, str]) -> str:
    """Rows and columns are articles; a cell is the share of the row article's words shared with the column's."""
    shared: dict[tuple[str, str], int] = {}
    for pair in pairs:
        shared[(pair.left_id, pair.right_id)] = pair.left_words
        shared[(pair.right_id, pair.left_id)] = pair.right_words
    header = "".join(f"<th title=\"{escape(d.doc_id)}\">{number + 1}</th>" for number, d in enumerate(documents))
    rows = []
    for number, row in enumerate(documents):
        cells = []
        for column in documents:
            if column.doc_id == row.doc_id:
                cells.append("<td class=\"self\"></td>")
                continue
            words = shared.get((row.doc_id, column.doc_id), 0)
            cells.append(_cell(words, row, column))
        label = escape(f"{number + 1}. {row.outlet or ''} {row.doc_id}".replace("  ", " "))
        rows.append(f"<tr><th class=\"row\"><a href=\"#{anchors[row.doc_id]}\">{label}</a></th>{''.join(cells)}</tr>\n")
    caption = "<caption>Share of each row article's words shared with each column article</caption>"
    note = ""
    if len(anchors) > len(documents):
        note = f"<p class=\"meta\">The matrix shows the {len(documents)} most reused of {len(anchors)} articles.</p>\n"
    return f"<h2>Overlap</h2>\n{note}<table class=\"matrix\">{caption}\n<tr><th></th>{header}</tr>\n{''.join(rows)}</table>\n"


def _cell(words: int, row: DocumentSummary, column: DocumentSummary) -> str:
    share = words / row.words if row.words else 0.0
    if not words:
        return "<td></td>"
    lightness = 95 - round(min(1.0, share * 2) * 55)  # 50% of the words shared is the darkest
    title = escape(f"{row.doc_id} shares {words} of its {row.words} words ({share:.0%}) with {column.doc_id}")
    colour = "#fff" if lightness < 60 else "#222"
    return f"<td style=\"background: hsl(20, 85%, {lightness}%); color: {colour}\" title=\"{title}\">{share:.0%}</td>"


def _agencies(attributions: Sequence) -> str:
    names = []
    for attribution in attributions:
        how = "credited" if attribution.how == "explicit" else f"inferred, {attribution.share:.0%} of its words"
        names.append(f"{attribution.agency} ({how})")
    return ", ".join(names) or "none"


def article_section(document: DocumentSummary, article: CleanArticle, passages: Sequence[Passage],
                    anchors: Mapping[str, str], agencies: str) -> str:
    """The article's text, each stretch it shares marked with its kind and its partners."""
    body = article.body
    pieces = []
    for segment in segments(body, article.id, passages):
        text = escape(body[segment.start:segment.end])
        if not segment.partners:
            pieces.append(text)
            continue
        title = escape("shared with " + ", ".join(segment.partners))
        pieces.append(f"<mark class=\"{segment.kind}\" title=\"{title}\">{text}</mark>")
    meta = (
        f"{escape(document.outlet or 'outlet unknown')} · {escape(document.date or 'date unknown')} · "
        f"{document.words} words, {reused_share(document):.0%} shared · agencies: {escape(agencies)}"
    )
    title = escape(article.metadata.title or article.source)
    return (
        f"<section class=\"article\" id=\"{anchors[document.doc_id]}\">\n<h3>{title}</h3>\n"
        f"<p class=\"meta\">{escape(document.doc_id)} · {escape(article.source)}</p>\n<p class=\"meta\">{meta}</p>\n"
        f"<div class=\"body\">{''.join(pieces)}</div>\n</section>\n"
    )
