"""``srccompare reuse --format table``: a rich table a person reads on a terminal.

First each article (most reused first): outlet, words, share reused, the
agencies it is attributed to (credited or inferred) and the partner it
shares most with; then the largest passage families. Article text goes in as
Text objects, never as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from srccompare.model import Attribution, CleanArticle, DocumentSummary, ReuseResult
from srccompare.report.reuse_views import attributions_by_doc, documents_by_reuse, reused_share

FAMILIES_SHOWN = 10
# The table is for reading: past this many articles (the most reused first) it
# says how many it left out; json, jsonl and csv carry all of them. Rich takes
# ~4 ms a row, so 4,000 articles would take 15 s to draw.
ARTICLES_SHOWN = 200
EXCERPT_CHARS = 90


def as_renderable(result: ReuseResult, articles: Sequence[CleanArticle], limit: int = ARTICLES_SHOWN) -> RenderableType:
    parts: list[RenderableType] = [articles_table(result, limit)]
    if len(result.documents) > limit:
        parts.append(Text(f"... and {len(result.documents) - limit:,} less reused articles "
                          "(--format csv or json lists them all)", style="italic"))
    return Group(*parts, Text(""), families_table(result, articles))


def as_text(result: ReuseResult, articles: Sequence[CleanArticle], width: int = 120, limit: int = ARTICLES_SHOWN) -> str:
    """The tables as plain text (no colours), for ``--output FILE``."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, markup=False, emoji=False)
    console.print(as_renderable(result, articles, limit))
    return buffer.getvalue()


def articles_table(result: ReuseResult, limit: int = ARTICLES_SHOWN) -> Table:
    documents = {document.doc_id: document for document in result.documents}
    attributions = attributions_by_doc(result)
    table = Table(title=f"Articles, most reused first ({len(result.documents):,})", title_justify="left", expand=False)
    table.add_column("article", overflow="fold")
    table.add_column("outlet", overflow="fold")
    table.add_column("words", justify="right")
    table.add_column("reused", justify="right")
    table.add_column("agencies", overflow="fold")
    table.add_column("top partner", overflow="fold")
    for document in documents_by_reuse(result)[:limit]:
        partner = documents.get(document.top_partner) if document.top_partner else None
        table.add_row(
            Text(document.doc_id),
            Text(document.outlet or "-"),
            str(document.words),
            f"{reused_share(document):.0%}",
            agencies_text(attributions.get(document.doc_id, ())),
            Text(partner_label(partner) if partner else "-"),
        )
    return table


def agencies_text(attributions: Sequence[Attribution]) -> Text:
    """"AFP credited, Reuters inferred 5% (high)": explicit in bold, inferred in italics with its confidence."""
    text = Text()
    for number, attribution in enumerate(attributions):
        if number:
            text.append(", ")
        if attribution.how == "explicit":
            text.append(f"{attribution.agency} credited", style="bold")
        else:
            level = f" ({attribution.confidence})" if attribution.confidence else ""
            text.append(f"{attribution.agency} inferred {attribution.share:.0%}{level}", style="italic")
    return text if attributions else Text("-")


def partner_label(document: DocumentSummary) -> str:
    return f"{document.outlet} ({document.doc_id})" if document.outlet else document.doc_id


def families_table(result: ReuseResult, articles: Sequence[CleanArticle]) -> RenderableType:
    if not result.families:
        return Text("No passage is shared between these articles.")
    bodies = {article.id: article.body for article in articles}
    table = Table(title=f"Largest passage families ({min(FAMILIES_SHOWN, len(result.families))} of {len(result.families)})",
                  title_justify="left")
    table.add_column("family")
    table.add_column("articles", justify="right")
    table.add_column("kind")
    table.add_column("where", overflow="fold")
    table.add_column("label (most widely carried sentence)", overflow="fold")
    for family in result.families[:FAMILIES_SHOWN]:
        kinds = sorted({result.passages[i].kind for i in family.passages})
        first = family.spans[0]
        excerpt = family.label or " ".join(bodies.get(first.doc_id, "")[first.start:first.end].split())
        if len(excerpt) > EXCERPT_CHARS:
            excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
        table.add_row(
            family.id,
            str(family.size or len({span.doc_id for span in family.spans})),
            "/".join(kinds),
            Text(", ".join(dict.fromkeys(span.doc_id for span in family.spans))),
            Text(excerpt),
        )
    return table
