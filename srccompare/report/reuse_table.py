"""``srccompare reuse --format table``: a rich table a person reads on a terminal.

First each article (most reused first): its name (title, else file name),
outlet, words, share reused, the agencies it is attributed to (credited or
inferred) and the partner it shares most with; then the largest stories
(passage families): size, kind, the sentence most of them carry, and the
first members with a count of the rest. Article text goes in as Text
objects, never as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from srccompare.model import Attribution, CleanArticle, DocumentSummary, ReuseResult
from srccompare.display.names import article_name, fitted, name_of
from srccompare.report.reuse_views import attributions_by_doc, documents_by_reuse, reused_share
from srccompare.report.stories import Story, stories
from srccompare.display.visible import visible

STORIES_SHOWN = 15
MEMBERS_SHOWN = 4  # a story of 400 articles gets 4 lines and "... and 396 more", not 400 lines
NAME_CHARS = 50
# The table is for reading: past this many articles (the most reused first) it
# says how many it left out; json, jsonl and csv carry all of them. Rich takes
# ~4 ms a row, so 4,000 articles would take 15 s to draw.
ARTICLES_SHOWN = 200


def as_renderable(result: ReuseResult, articles: Sequence[CleanArticle], limit: int = ARTICLES_SHOWN) -> RenderableType:
    parts: list[RenderableType] = [articles_table(result, limit)]
    if len(result.documents) > limit:
        parts.append(Text(f"... and {len(result.documents) - limit:,} less reused articles "
                          "(--format json lists every article, --format csv every pair)", style="italic"))
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
    table = Table(title=f"Articles, most reused first ({len(result.documents):,})", title_justify="left", expand=True)
    table.add_column("article", no_wrap=True, overflow="ellipsis", ratio=2)
    table.add_column("outlet", overflow="fold")
    table.add_column("words", justify="right")
    table.add_column("reused", justify="right")
    table.add_column("agencies", overflow="fold", ratio=1)
    table.add_column("top partner", no_wrap=True, overflow="ellipsis", ratio=2)
    for document in documents_by_reuse(result)[:limit]:
        partner = documents.get(document.top_partner) if document.top_partner else None
        table.add_row(
            Text(fitted(article_name(document.title, document.source, document.doc_id), NAME_CHARS)),
            Text(visible(document.outlet or "-")),
            str(document.words),
            f"{reused_share(document):.0%}",
            agencies_text(attributions.get(document.doc_id, ())),
            Text(partner_label(partner) if partner else "-"),
        )
    return table


def agencies_text(attributions: Sequence[Attribution]) -> Text:
    """"AFP credited, Reuters inferred 5%": explicit in bold, inferred in italics."""
    text = Text()
    for number, attribution in enumerate(attributions):
        if number:
            text.append(", ")
        if attribution.how == "explicit":
            text.append(f"{attribution.agency} credited", style="bold")
        else:
            text.append(f"{attribution.agency} inferred {attribution.share:.0%}", style="italic")
    return text if attributions else Text("-")


def partner_label(document: DocumentSummary) -> str:
    return fitted(name_of(document), NAME_CHARS)


def families_table(result: ReuseResult, articles: Sequence[CleanArticle]) -> RenderableType:
    """The largest stories: size, kind, the sentence most members carry, the first members and a count."""
    if not result.families:
        return Text("No passage is shared between these articles.")
    found = stories(result, {article.id: article.body for article in articles}, first=STORIES_SHOWN)
    documents = {document.doc_id: document for document in result.documents}
    table = Table(title=f"Stories: passages carried by several articles, largest first ({len(result.families):,})",
                  title_justify="left", expand=True)
    table.add_column("story")
    table.add_column("articles", justify="right")
    table.add_column("kind")
    table.add_column("what it says", overflow="fold", ratio=1)
    table.add_column("carried by", no_wrap=True, overflow="ellipsis", ratio=1)
    for story in found[:STORIES_SHOWN]:
        table.add_row(story.family, str(len(story.members)), "/".join(story.kinds), label_text(story),
                      members_text(story, documents))
    if len(result.families) <= STORIES_SHOWN:
        return table
    more = Text(f"... and {len(result.families) - STORIES_SHOWN:,} smaller stories (--format json or html lists them all)",
                style="italic")
    return Group(table, more)


def label_text(story: Story) -> Text:
    text = Text(story.label)
    if story.carried:
        text.append(f"  (word for word in {story.carried})", style="dim")
    return text


def members_text(story: Story, documents: dict[str, DocumentSummary]) -> Text:
    """The first members, one a line, and how many more."""
    lines = [fitted(name_of(documents[doc]), NAME_CHARS) if doc in documents else doc
             for doc in story.members[:MEMBERS_SHOWN]]
    text = Text("\n".join(lines))
    if len(story.members) > MEMBERS_SHOWN:
        text.append(f"\n... and {len(story.members) - MEMBERS_SHOWN:,} more", style="italic")
    return text
