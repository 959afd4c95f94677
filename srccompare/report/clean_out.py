"""Writers for ``srccompare clean``: plain text, JSON, JSON Lines, and the --explain view."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from srccompare.model import CleanArticle, to_dict
from srccompare.display.visible import visible, visible_lines


def as_text(article: CleanArticle) -> str:
    """The cleaned body alone, paragraphs separated by blank lines."""
    return article.body + "\n"


def as_texts(articles: Sequence[CleanArticle]) -> str:
    """One body for one article; several get a ``==> source <==`` line each, as ``head`` does."""
    if len(articles) == 1:
        return as_text(articles[0])
    return "\n".join(f"==> {visible(a.source)} <==\n{as_text(a)}" for a in articles)


def as_record(article: CleanArticle) -> dict[str, object]:
    return {
        "id": article.id,
        "source": article.source,
        "kind": article.kind,
        "metadata": to_dict(article.metadata),
        "paragraphs": list(article.paragraphs),
        "text": article.body,
        "removals": to_dict(article.removals),
    }


def as_json(articles: Sequence[CleanArticle]) -> str:
    """An array of article records, however many articles (one input gives an array of one)."""
    return json.dumps([as_record(a) for a in articles], ensure_ascii=False, indent=2) + "\n"


def as_jsonl(articles: Sequence[CleanArticle]) -> str:
    return "".join(json.dumps(as_record(a), ensure_ascii=False) + "\n" for a in articles)


def explain(article: CleanArticle) -> RenderableType:
    """The article as it was, removed parts struck through and labelled with their rule.

    Article text goes in as Text objects, never as markup, so "[bold]" in an
    article prints as itself.
    """
    meta = Table.grid(padding=(0, 1))
    meta.add_column(style="bold")
    meta.add_column()
    data = article.metadata
    for label, value in (("outlet", data.outlet), ("title", data.title), ("date", data.date), ("url", data.url), ("byline", data.byline)):
        meta.add_row(label, Text(visible(value or "-")))
    meta.add_row("credits", Text(visible(", ".join(f"{c.agency} ({c.how})" for c in data.credits) or "-")))
    meta.add_row("photo credits", Text(visible(", ".join(c.agency for c in data.photo_credits) or "-")))
    body: list[RenderableType] = []
    removals_before: dict[int, list] = {}
    for removal in article.removals:
        removals_before.setdefault(removal.before_paragraph, []).append(removal)
    for index in range(len(article.paragraphs) + 1):
        for removal in removals_before.get(index, []):
            line = Text(visible_lines(removal.text), style="strike dim red")
            line.append(f"  [{removal.rule}]", style="bold yellow")
            body.append(line)
        if index < len(article.paragraphs):
            body.append(Text(visible_lines(article.paragraphs[index])))
    title = Text(visible(article.source))
    summary = Text(f"{len(article.paragraphs)} paragraphs kept, {len(article.removals)} removals")
    return Panel(Group(meta, Text(""), *_spaced(body), Text(""), summary), title=title, title_align="left")


def _spaced(items: list[RenderableType]) -> list[RenderableType]:
    spaced: list[RenderableType] = []
    for item in items:
        spaced += [item, Text("")]
    return spaced[:-1]
