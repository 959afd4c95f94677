"""``srccompare reuse --format html``: one self-contained page, no scripts, no network.

In reading order: the outlets by agency (whose copy each outlet carries),
the stories (passages carried by several articles, with their members), the
overlap matrix over every article (``reuse_html_matrix``), the articles with
their partners, and every pair's shared passages side by side
(``reuse_html_pairs``); each article's full text with its shared passages
highlighted only when asked (``texts``). Every piece of article text and
metadata is escaped with ``html.escape``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape

from srccompare.model import Attribution, CleanArticle, DocumentSummary, Passage, ReuseResult
from srccompare.display.names import article_name, fitted, name_of
from srccompare.report.reuse_html_matrix import matrix_html
from srccompare.report.reuse_html_pairs import PASSAGES_BUDGET, pairs_html
from srccompare.report.reuse_views import agencies_of, attributions_by_doc, passages_by_doc, reused_share, segments
from srccompare.report.stories import Story, matrix_order, stories, story_of

# An article lists this many partners by name; a story of 400 articles would
# otherwise list 399 partners under each of its members (the story lists them all once).
PARTNERS_LISTED = 12
LABEL_CHARS = 60
UNNAMED = "unnamed (“and agencies”)"  # how the credit "agencies" reads: an agency no one named

STYLE = """
body { font-family: Georgia, serif; margin: 1.5em auto; max-width: 84em; padding: 0 1em; color: #222;
       overflow-wrap: anywhere; }
h1, h2, h3, table, .meta, .note, nav, .members, .partners { font-family: system-ui, sans-serif; }
.note, .meta { color: #555; font-size: 0.9em; max-width: 60em; }
.box { display: inline-block; overflow: auto; max-width: 100%; max-height: 32em; border: 1px solid #ddd; }
table.summary { border-collapse: collapse; font-size: 0.85em; }
table.summary th, table.summary td { border: 1px solid #ddd; padding: 0.2em 0.5em; }
table.summary td { text-align: right; }
table.summary th[scope=row] { text-align: left; font-weight: normal; }
ul.stories { list-style: none; padding-left: 0; }
ul.stories li { margin-bottom: 0.8em; }
.members, .partners { font-size: 0.85em; }
.matrix-box { overflow: auto; max-width: 100%; max-height: 85vh; border: 1px solid #999; }
table.matrix { border-collapse: separate; border-spacing: 0; font-size: 0.72em; }
table.matrix td { border: 1px solid #eee; min-width: 1.9em; height: 1.5em; padding: 0 1px; text-align: center; white-space: nowrap; }
table.matrix td a { display: block; color: inherit; text-decoration: none; }
table.matrix th { background: #fff; font-weight: normal; }
table.matrix thead th { position: sticky; top: 0; z-index: 1; vertical-align: bottom; border-bottom: 1px solid #999; }
table.matrix th.col span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                           display: inline-block; max-height: 16em; overflow: hidden; text-overflow: ellipsis; }
table.matrix th.row { position: sticky; left: 0; text-align: left; white-space: nowrap; max-width: 24em;
                      overflow: hidden; text-overflow: ellipsis; border-right: 1px solid #999; padding: 0 0.4em; }
table.matrix th.corner { left: 0; z-index: 2; text-align: left; }
table.matrix tr.story th.row, table.matrix tr.story td { border-top: 2px solid #777; }
td.self { background: #ccc; }
td.s0 { background: hsl(20, 85%, 92%); } td.s1 { background: hsl(20, 85%, 82%); }
td.s2 { background: hsl(20, 85%, 70%); } td.s3 { background: hsl(20, 85%, 58%); color: #fff; }
td.s4 { background: hsl(20, 85%, 42%); color: #fff; }
section.article { border-top: 1px solid #ccc; margin-top: 1.2em; }
section.pair { border-top: 1px solid #eee; margin-top: 1em; }
section.pair h3 { font-size: 1em; }
p.pair { margin: 0.2em 0; font-family: system-ui, sans-serif; font-size: 0.85em; }
table.sbs { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 0.95em; }
table.sbs th, table.sbs td { border: 1px solid #ddd; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
del { background: #fbd3d3; } ins { background: #cfeccf; text-decoration: underline; }
table.sbs i { color: #888; font-style: italic; font-family: system-ui, sans-serif; font-size: 0.85em; }
.body { white-space: pre-wrap; line-height: 1.5; }
mark { padding: 0 0.1em; }
@media print { .box, .matrix-box { overflow: visible; max-height: none; } }  /* print every row and column */
mark.reporting { background: #f7c59f; } mark.mixed { background: #f9e3a1; } mark.quote { background: #cfe3f7; }
"""


def as_html(result: ReuseResult, articles: Sequence[CleanArticle], texts: bool = False,
            passages_budget: int = PASSAGES_BUDGET) -> str:
    """The page; ``texts`` adds each article's full text with its shared passages highlighted. Pairs past
    ``passages_budget`` characters of pairs give their numbers only."""
    bodies = {article.id: article.body for article in articles}
    found = stories(result, bodies)
    order = matrix_order(result, found)
    numbers = {doc: number + 1 for number, doc in enumerate(order)}
    documents = {document.doc_id: document for document in result.documents}
    by_id = {article.id: article for article in articles} if texts else {}
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>srccompare: shared passages</title>\n<style>", STYLE, "</style>\n</head>\n<body>\n",
        heading(result, found),
        outlets_html(result),
        stories_html(found, documents, numbers),
        matrix_html(order, documents, result.pairs, story_of(found)),
        articles_html(result, order, numbers, story_of(found), by_id),
        pairs_html(result.pairs, result.passages, bodies, documents, numbers, passages_budget),
        "</body>\n</html>\n",
    ]
    return "".join(parts)


def heading(result: ReuseResult, found: Sequence[Story]) -> str:
    return (
        f"<h1>Shared passages in {len(result.documents):,} articles</h1>\n"
        f"<p class=\"meta\">{len(result.passages):,} shared passages in {len(found):,} stories; "
        f"{len(result.pairs):,} article pairs share text.</p>\n"
        "<nav><a href=\"#outlets\">Outlets and agencies</a> · <a href=\"#stories\">Stories</a> · "
        "<a href=\"#matrix\">Overlap matrix</a> · <a href=\"#articles\">Articles</a> · "
        "<a href=\"#pairs\">Pairs side by side</a></nav>\n"
    )


def outlets_html(result: ReuseResult) -> str:
    """Outlets (rows) by agency (columns): how many of the outlet's articles credit it, how many carry it uncredited."""
    agencies = agencies_of(result)
    attributions = attributions_by_doc(result)
    articles: Counter[str] = Counter()
    sharing: Counter[str] = Counter()
    without: Counter[str] = Counter()
    counts: Counter[tuple[str, str, str]] = Counter()
    for document in result.documents:
        outlet = document.outlet or "(outlet unknown)"
        articles[outlet] += 1
        sharing[outlet] += document.reused_words > 0
        found = attributions.get(document.doc_id, ())
        without[outlet] += not found
        for attribution in found:
            counts[(outlet, attribution.agency, attribution.how)] += 1
    head = "".join(f"<th colspan=\"2\" scope=\"colgroup\">{escape(UNNAMED if agency == 'agencies' else agency)}</th>"
                   for agency in agencies)
    sub = "<th>credited</th><th>inferred</th>" * len(agencies)
    rows = []
    for outlet in sorted(articles, key=lambda name: (-articles[name], name)):
        cells = "".join(f"<td>{counts[(outlet, agency, how)] or ''}</td>"
                        for agency in agencies for how in ("explicit", "inferred"))
        rows.append(f"<tr><th scope=\"row\">{escape(outlet)}</th><td>{articles[outlet]}</td>"
                    f"<td>{sharing[outlet]}</td>{cells}<td>{without[outlet] or ''}</td></tr>\n")
    return (
        "<h2 id=\"outlets\">Outlets and agencies</h2>\n<p class=\"note\">For each outlet: its articles, how many "
        "share text with another article, and for each agency how many of its articles credit it (byline, "
        "credit line, dateline) or carry its copy without crediting it (inferred: they share reporting with "
        "articles that credit it).</p>\n<div class=\"box\"><table class=\"summary\">\n"
        f"<tr><th rowspan=\"2\">outlet</th><th rowspan=\"2\">articles</th><th rowspan=\"2\">sharing text</th>{head}"
        f"<th rowspan=\"2\">no agency</th></tr>\n<tr>{sub}</tr>\n{''.join(rows)}</table></div>\n"
    )


def stories_html(found: Sequence[Story], documents: Mapping[str, DocumentSummary], numbers: Mapping[str, int]) -> str:
    if not found:
        return "<h2 id=\"stories\">Stories</h2>\n<p class=\"note\">No passage is shared between these articles.</p>\n"
    items = []
    for story in found:
        carried = f" (word for word in {story.carried} of them)" if story.carried else " (its opening words)"
        members = ", ".join(
            f"<a href=\"#a{numbers[doc]}\">{numbers[doc]} {escape(fitted(name_of(documents[doc]), LABEL_CHARS))}</a>"
            for doc in story.members if doc in documents)
        items.append(
            f"<li id=\"{escape(story.family)}\"><strong>{escape(story.family)}</strong> · {len(story.members)} articles · "
            f"{escape('/'.join(story.kinds))} — “{escape(story.label)}”{carried}"
            f"<div class=\"members\">Carried by: {members}</div></li>\n"
        )
    return (
        "<h2 id=\"stories\">Stories</h2>\n<p class=\"note\">A story is a stretch of text carried by several "
        "articles (a passage family), largest first. It is known by the words most of its articles carry word "
        "for word (a whole sentence where one is carried as widely), else by the opening of its longest "
        "stretch; every article carrying it is listed.</p>\n"
        f"<ul class=\"stories\">\n{''.join(items)}</ul>\n"
    )


def articles_html(result: ReuseResult, order: Sequence[str], numbers: Mapping[str, int],
                  story_of: Mapping[str, str], full: Mapping[str, CleanArticle]) -> str:
    """Each article in the matrix's order: its numbers, agencies and partners (and its text when asked)."""
    documents = {document.doc_id: document for document in result.documents}
    attributions = attributions_by_doc(result)
    partners = partners_by_doc(result)
    shared = passages_by_doc(result.passages) if full else {}
    parts = ["<h2 id=\"articles\">Articles</h2>\n<p class=\"note\">Numbered as in the matrix. “Shared” is the "
             "share of its words inside passages another article carries too; each partner link opens the "
             "pair.</p>\n"]
    for doc in order:
        document = documents[doc]
        parts.append(article_entry(document, numbers, story_of.get(doc), attributions.get(doc, ()),
                                   partners.get(doc, []), documents))
        if doc in full:
            parts.append(article_text(full[doc], shared.get(doc, []), numbers))
        parts.append("</section>\n")
    return "".join(parts)


def partners_by_doc(result: ReuseResult) -> dict[str, list[tuple[str, int, int]]]:
    """Each article's partners as (partner id, pair index, words of this article shared), most first."""
    found: dict[str, list[tuple[str, int, int]]] = {}
    for index, pair in enumerate(result.pairs):
        found.setdefault(pair.left_id, []).append((pair.right_id, index, pair.left_words))
        found.setdefault(pair.right_id, []).append((pair.left_id, index, pair.right_words))
    for items in found.values():
        items.sort(key=lambda item: (-item[2], item[0]))
    return found


def article_entry(document: DocumentSummary, numbers: Mapping[str, int], story: str | None,
                  attributions: Sequence[Attribution], partners: Sequence[tuple[str, int, int]],
                  documents: Mapping[str, DocumentSummary]) -> str:
    number = numbers[document.doc_id]
    facts = [escape(document.outlet or "outlet unknown"), escape(document.date or "date unknown"),
             f"{document.words} words, {reused_share(document):.0%} shared", f"agencies: {escape(_agencies(attributions))}"]
    if story:
        facts.append(f"story <a href=\"#{escape(story)}\">{escape(story)}</a>")
    listed = []
    shown = len(partners) if len(partners) <= PARTNERS_LISTED + 3 else PARTNERS_LISTED  # no "and 1 more"
    for partner, index, words in partners[:shown]:
        share = f"{words / document.words:.0%}" if document.words else "0%"
        label = fitted(name_of(documents[partner]), LABEL_CHARS)
        listed.append(f"<a href=\"#p{index}\">{numbers[partner]} {escape(label)}</a> ({words} words, {share})")
    more = len(partners) - shown
    if more > 0:
        listed.append(f"and {more:,} more (see its row in the matrix" + (f", and story {escape(story)})" if story else ")"))
    shares = f"Shares text with: {'; '.join(listed)}" if listed else "Shares no text with another article."
    name = article_name(document.title, document.source, document.doc_id)
    return (
        f"<section class=\"article\" id=\"a{number}\">\n<h3>{number}. {escape(name)}</h3>\n"
        f"<p class=\"meta\">{' · '.join(facts)}<br>{escape(document.doc_id)} · {escape(document.source)}</p>\n"
        f"<p class=\"partners\">{shares}</p>\n"
    )


def _agencies(attributions: Sequence[Attribution]) -> str:
    names = []
    for attribution in attributions:
        how = "credited" if attribution.how == "explicit" else f"inferred, {attribution.share:.0%} of its words"
        names.append(f"{attribution.agency} ({how})")
    return ", ".join(names) or "none"


def article_text(article: CleanArticle, passages: Sequence[Passage], numbers: Mapping[str, int]) -> str:
    """The article's text, each stretch it shares marked with its kind and the numbers of its partners."""
    body = article.body
    pieces = []
    for segment in segments(body, article.id, passages):
        text = escape(body[segment.start:segment.end])
        if not segment.partners:
            pieces.append(text)
            continue
        partners = ", ".join(str(numbers.get(partner, partner)) for partner in segment.partners)
        pieces.append(f"<mark class=\"{segment.kind}\" title=\"shared with {escape(partners)}\">{text}</mark>"
                      f"<sup>{escape(partners)}</sup>")
    return (
        "<p class=\"note\">Highlighted: <mark class=\"reporting\">shared reporting</mark> <mark class=\"mixed\">"
        "reporting and quotation</mark> <mark class=\"quote\">shared quotation</mark>; the small numbers after "
        f"each are the articles sharing it.</p>\n<div class=\"body\">{''.join(pieces)}</div>\n"
    )
