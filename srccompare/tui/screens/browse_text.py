"""The browse screen's words: its status line, its detail line and the legend its help shows.

Pure: model data in, Rich Text out (article text never becomes markup).
"""

from __future__ import annotations

from rich.text import Text

from srccompare.display.names import fitted
from srccompare.tui.browse_data import BrowseData, Filters, pair_kind

EXCERPT_CHARS = 160

LEGEND = (
    ("AFP", "bold", "an agency the article credits (byline, dateline, credit line)"),
    ("AFP~9%", "italic", "an agency inferred: 9% of the article's words are shared with that agency's credited copy"),
    ("-", "", "nothing known (no outlet in the metadata, no agency, no partner)"),
    ("reused", "bold", "share of the article's words inside passages it shares with any other article"),
    ("top partner", "bold", "the article it shares the most words with"),
    ("shared words", "bold", "what the pair shares, each passage counted on its shorter side: the number reuse "
                             "and the diff's header show"),
    ("kind", "bold", "what most of the pair's shared words are: reporting (prose), quote (inside quotation marks) "
                     "or mixed"),
    ("sim.", "bold", "how alike the shared passages are, 1.00 for verbatim copy"),
    ("▼ ▲", "bold", "the column the table is sorted by, largest or smallest first"),
)


def status_line(data: BrowseData, filters: Filters, articles: int, pairs: int, width: int) -> Text:
    """"agency AP · outlet all · kind all │ 40/612 articles · 1,200/48,000 pairs │ “q” │ pairs of X":
    the filters first, so they stay in view at 100 columns; the rest cut to ``width``."""
    text = Text()
    for number, (name, value) in enumerate((("agency", filters.agency), ("outlet", filters.outlet),
                                            ("kind", filters.kind))):
        text.append(" · " if number else "")
        text.append(f"{name} ")
        text.append(fitted(value, 20) if value else "all", style="bold" if value else "")
    failed = len(data.corpus.errors)
    text.append(f" │ {articles:,}/{len(data.documents):,} articles · ")
    if data.pending:
        text.append("computing shared passages…", style="italic")
    else:
        text.append(f"{pairs:,}/{len(data.pairs):,} pairs")
    if failed:
        text.append(f" · {failed} failed (e)", style="bold")
    if filters.query:
        text.append(" │ search ")
        text.append(f"“{fitted(filters.query, 20)}”", style="bold")
    if filters.article:
        text.append(" │ pairs of ")
        text.append(data.label(filters.article), style="bold")
    text.truncate(max(width, 10), overflow="ellipsis")
    return text


def article_detail(data: BrowseData, doc_id: str) -> Text:
    """Why an article has its agencies: the credit's words, or the articles its copy is shared with."""
    text = Text(data.label(doc_id), style="bold")
    attributions = data.attributions.get(doc_id, ())
    if data.pending:
        text.append(": its agencies and partners come with the shared passages, being computed")
    elif not attributions:
        text.append(": no agency credited or inferred")
    for attribution in attributions:
        text.append("  ")
        text.append(attribution.agency, style="bold")
        if attribution.how == "explicit":
            credit = attribution.credits[0].text if attribution.credits else "credited"
            text.append(f" credited: “{credit}”")
            continue
        via = ", ".join(f"{data.label(e.via_id)} ({e.words} words, {len(e.passages)} passages)"
                        for e in attribution.evidence[:2])
        text.append(f" inferred, {attribution.share:.0%} of its words, shared with {via}")
    return text


def pair_detail(data: BrowseData, rank: int) -> Text:
    """The pair's shared words and its largest shared passage: kind, size, similarity and its opening words."""
    pair = data.pairs[rank]
    passages = data.corpus.result.passages
    largest = max((passages[i] for i in pair.passages), key=lambda p: (p.words, -p.left_start))
    body = data.by_id[largest.left_id].body
    excerpt = fitted(" ".join(body[largest.left_start:largest.left_end].split()), EXCERPT_CHARS)
    count = len(pair.passages)
    text = Text(f"{pair.words} shared words ({pair_kind(pair)}) in {count} passage{'s' if count != 1 else ''}",
                style="bold")
    text.append(f"; the largest ({largest.kind}, {largest.words} words, similarity {largest.similarity:.2f}): ")
    text.append(f"“{excerpt}”", style="italic")
    return text
