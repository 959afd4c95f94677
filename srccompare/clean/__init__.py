"""Clean: an Article in, a CleanArticle out: the story's paragraphs, metadata apart,
and every removal recorded with the rule that made it.

The steps, in order: extract (HTML and Markdown to text), normalise, split
into paragraphs, find boilerplate blocks, credits, head lines (title, byline,
date) and boilerplate lines, then assemble. Cleaning several articles
together also drops lines repeated across one outlet's articles.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from srccompare.clean.boilerplate import Mark, find_blocks, find_line_boilerplate, find_outlet_repeats
from srccompare.clean.extract import Extracted, NoArticle, extract, outlet_from_url
from srccompare.clean.page_lines import find_page_lines
from srccompare.clean.page_text import looks_like_page
from srccompare.clean.shared_lines import find_shared_furniture
from srccompare.clean.metadata import find_credits, find_head, parse_date, url_from_marks
from srccompare.clean.text import normalise, split_paragraphs
from srccompare.model import Article, CleanArticle, InputKind, LoadError, Metadata, Removal
from srccompare.rules import Rules, load_rules
from srccompare.rules.prefilter import fold as fold_case
from srccompare.settings import CleanSettings, Settings, load_settings
from srccompare.display.visible import visible, visible_metadata

# Rounds of cleaning at most (see clean_extracted): a round that removes nothing ends it. A page's
# text can take several: the page-line classifier judges the page anew once lines are gone, and
# cleaning stops only where a further round (so a second cleaning) would change nothing. With
# three, 10 of 116 tune pages (wcxb, html-text and lynx) changed when cleaned again; with ten, 2
# (as many as with the linear model and three rounds).
MAX_ROUNDS = 10
LONE = re.compile(r"\s*(?:\d{1,3}|[^\w\s]{1,3})\s*\Z")
# Line rules whose lines the page step leaves out of the page it judges (a page's code).
SCRIPT_RULES = frozenset({"code-script"})
BYLINE_NAMES = re.compile(r"^by\s+(?P<names>.+?)\s*,?\s+(?:for|of|from|at|with|\|)\s+\S", re.I)

__all__ = ["clean_article", "clean_articles", "clean_text", "normalise", "split_paragraphs"]


def clean_article(article: Article, settings: Settings, rules: Rules | None = None) -> CleanArticle | LoadError:
    """Clean one article; a LoadError when it holds no article text."""
    rules = rules or load_rules()
    extracted = extract(article, settings.clean, rules)
    if isinstance(extracted, NoArticle):
        return LoadError(article.source, extracted.problem)
    return clean_extracted(article, extracted, settings, rules)


def clean_extracted(article: Article, extracted: Extracted, settings: Settings, rules: Rules) -> CleanArticle | LoadError:
    """srccompare's own steps on the text extraction gave (timed apart from extraction by bench/).

    Removing a line can expose another (a URL that is now at the end, a title
    now followed by a removed line), so the steps run again on what is left
    until nothing more goes: cleaning a cleaned body changes nothing.
    """
    paragraphs = split_paragraphs(normalise(extracted.text), one_per_line=extracted.one_paragraph_per_line)
    plain: set[str] = set()  # texts no line rule matches (find_line_boilerplate): the next rounds skip them
    marks, found = find_all_marks(article, paragraphs, settings.clean, rules, extracted.metadata.title, plain)
    metadata = article.hints.merged_over(extracted.metadata).merged_over(found)
    if metadata.outlet is None and metadata.url:
        metadata = replace(metadata, outlet=outlet_from_url(metadata.url, rules))
    if metadata.date:
        metadata = replace(metadata, date=parse_date(metadata.date[:10]) or metadata.date)
    cleaned = assemble(article, paragraphs, marks, metadata)
    for _ in range(MAX_ROUNDS - 1 if marks else 0):
        if not cleaned.paragraphs:
            break
        more, found = find_all_marks(article, list(cleaned.paragraphs), settings.clean, rules, None, plain)
        if not more:
            break
        cleaned = reassemble(cleaned, more, found)
    if not cleaned.paragraphs:
        return LoadError(article.source, f"no article text left: all {len(paragraphs)} paragraphs are boilerplate")
    return cleaned


def find_all_marks(
    article: Article, paragraphs: list[str], settings: CleanSettings, rules: Rules, known_title: str | None,
    plain: set[str] | None = None,
) -> tuple[list[Mark], Metadata]:
    """The page step (plain text of a whole page only), then the finders on what it kept."""
    if rules.screen is not None:  # all paragraphs in one call; each finder then asks about its own
        rules.screen.prefetch([fold_case(paragraph) for paragraph in paragraphs])
    page_marks = find_page_marks(article, paragraphs, settings, rules)
    gone = {mark.index for mark in page_marks}
    page_marks += [mark for mark in _lone_marks(paragraphs) if mark.index not in gone]
    if not page_marks:  # (most articles: the finders see every paragraph, their marks' places stand)
        return find_marks(paragraphs, rules, settings, known_title, plain)
    gone |= {mark.index for mark in page_marks}
    kept = [index for index in range(len(paragraphs)) if index not in gone]
    marks, found = find_marks([paragraphs[i] for i in kept], rules, settings, known_title, plain)
    return page_marks + [replace(mark, index=kept[mark.index]) for mark in marks], found


def _lone_marks(paragraphs: list[str]) -> list[Mark]:
    """A scraped widget's leftovers: a counter alone ("0", "12") or a few symbols alone on a line.
    (Code, not a rule: a pattern with no words in it would be tried on every paragraph.)"""
    # (LONE matches at most 3 characters between white space: the length and the ends say which
    # paragraphs it could, sparing the regex on the rest)
    return [
        Mark(i, "lone-number-or-symbol", "furniture", p)
        for i, p in enumerate(paragraphs)
        if (len(p) <= 3 or p[0].isspace() or p[-1].isspace()) and LONE.match(p)
    ]


def reassemble(cleaned: CleanArticle, marks: Sequence[Mark], found: Metadata) -> CleanArticle:
    """A cleaned article less what a further round marked; earlier removals keep their places."""
    again = assemble(cleaned, cleaned.paragraphs, marks, cleaned.metadata.merged_over(found))
    gone = {mark.index for mark in marks if not mark.keep}
    surviving_before = [0]
    for index in range(len(cleaned.paragraphs)):
        surviving_before.append(surviving_before[-1] + (index not in gone))
    earlier = [replace(r, before_paragraph=surviving_before[r.before_paragraph]) for r in cleaned.removals]
    return replace(again, removals=tuple(sorted(earlier + list(again.removals), key=lambda r: r.before_paragraph)))


def find_page_marks(article: Article, paragraphs: list[str], settings: CleanSettings, rules: Rules) -> list[Mark]:
    """A plain text that is a whole page's text (menus, link lists, comments) is cut to its article."""
    if article.kind != "text" or not looks_like_page(paragraphs, settings):
        return []
    marks = [m for m in find_line_boilerplate(paragraphs, rules, settings, set()) if not m.keep]
    scripts = frozenset(m.index for m in marks if m.rule in SCRIPT_RULES)
    return find_page_lines(paragraphs, settings, {m.index: m.kind for m in marks}, scripts)


def find_marks(
    paragraphs: list[str], rules: Rules, settings: CleanSettings, known_title: str | None = None,
    plain: set[str] | None = None,
) -> tuple[list[Mark], Metadata]:
    """Run the finders in order of authority; each sees what the ones before it left (``plain``:
    see find_line_boilerplate)."""
    current = list(paragraphs)
    marks: list[Mark] = []

    def take(new: Iterable[Mark]) -> None:
        for mark in new:
            marks.append(mark)
            current[mark.index] = mark.keep

    take(find_blocks(current, rules, settings))
    credits = find_credits(current, rules, _gone(marks))
    take(credits.marks)
    head = find_head(current, settings, _gone(marks), known_title)
    take(head.marks)
    take(find_line_boilerplate(current, rules, settings, _gone(marks) | _empty(current), plain))
    clue_outlets = [rules.outlet_named(m.outlet) or m.outlet for m in marks if m.outlet]
    metadata = Metadata(
        title=head.title,
        date=head.date,
        url=url_from_marks(marks, paragraphs, rules),
        outlet=next(iter(clue_outlets + credits.outlets), None),
        byline=head.byline or _byline_from_credits(marks, paragraphs),
        credits=tuple(credits.credits),
        photo_credits=tuple(c for m in marks for c in m.photo_credits),
    )
    return marks, metadata


def _gone(marks: list[Mark]) -> set[int]:
    return {m.index for m in marks if not m.keep}


def _empty(current: list[str]) -> set[int]:
    return {i for i, text in enumerate(current) if not text}


def _byline_from_credits(marks: list[Mark], paragraphs: list[str]) -> str | None:
    for mark in marks:
        if mark.rule.startswith("byline"):
            names = BYLINE_NAMES.match(paragraphs[mark.index])
            if names:
                return names.group("names")
    return None


def assemble(article: Article | CleanArticle, paragraphs: Sequence[str], marks: Sequence[Mark], metadata: Metadata) -> CleanArticle:
    """Apply the marks: kept paragraphs in order, each removal placed before the paragraph it preceded."""
    by_index: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        by_index[mark.index].append(mark)
    kept: list[str] = []
    removals: list[Removal] = []
    for index, paragraph in enumerate(paragraphs):
        text = paragraph
        for mark in by_index.get(index, []):
            removals.append(Removal(mark.rule, mark.kind, mark.removed, before_paragraph=len(kept)))
            text = mark.keep
        if text:
            kept.append(text)
    return CleanArticle(
        id=visible(article.id),
        source=visible(article.source),
        kind=article.kind,
        metadata=visible_metadata(metadata),
        paragraphs=tuple(kept),
        removals=tuple(removals),
    )


def clean_articles(
    articles: Iterable[Article], settings: Settings, rules: Rules | None = None
) -> list[CleanArticle | LoadError]:
    """Clean each article, then drop the corpus's repeated lines (``drop_corpus_repeats``)."""
    rules = rules or load_rules()
    return drop_corpus_repeats([clean_article(article, settings, rules) for article in articles], settings.clean)


def drop_corpus_repeats(results: list[CleanArticle | LoadError], settings: CleanSettings) -> list[CleanArticle | LoadError]:
    """Lines repeated across one outlet's articles, then short non-sentence lines carried by many outlets."""
    return drop_shared_furniture(drop_outlet_repeats(results, settings), settings)


def drop_outlet_repeats(results: list[CleanArticle | LoadError], settings: CleanSettings) -> list[CleanArticle | LoadError]:
    """Lines that recur in several articles of one outlet are that outlet's boilerplate.

    Never across outlets: a line shared by two outlets is the copy we look for.
    """
    by_outlet: dict[str, list[int]] = defaultdict(list)
    for position, result in enumerate(results):
        if isinstance(result, CleanArticle) and result.metadata.outlet:
            by_outlet[result.metadata.outlet].append(position)
    updated = list(results)
    for positions in by_outlet.values():
        if len(positions) < settings.repeat_min_articles:
            continue
        group = [results[p] for p in positions]
        repeats = find_outlet_repeats([a.paragraphs for a in group], settings)  # type: ignore[union-attr]
        for position, article, drop in zip(positions, group, repeats):
            if drop and len(drop) < len(article.paragraphs):  # type: ignore[union-attr]
                updated[position] = _without(article, drop)  # type: ignore[arg-type]
    return updated


def drop_shared_furniture(results: list[CleanArticle | LoadError], settings: CleanSettings) -> list[CleanArticle | LoadError]:
    """Short non-sentence lines that articles of many outlets carry (clean/shared_lines.py)."""
    positions = [p for p, result in enumerate(results) if isinstance(result, CleanArticle)]
    group: list[CleanArticle] = [results[p] for p in positions]  # type: ignore[misc]
    sources = [a.metadata.outlet or f"\0{a.id}" for a in group]  # no outlet: a source of its own
    drops = find_shared_furniture([a.paragraphs for a in group], sources, settings.cross_min_outlets, settings.cross_max_words)
    updated = list(results)
    for position, article, drop in zip(positions, group, drops):
        updated[position] = without_shared_furniture(article, drop)
    return updated


def without_shared_furniture(article: CleanArticle, drop: set[int]) -> CleanArticle:
    """The article less the shared furniture lines ``drop`` (``find_shared_furniture``'s answer for
    it), unless they are all it holds; the Spark engine's step too."""
    return _without(article, drop, "shared-furniture") if drop and len(drop) < len(article.paragraphs) else article


def _without(article: CleanArticle, drop: set[int], rule: str = "outlet-repeat") -> CleanArticle:
    """The article less some paragraphs, each recorded as an outlet-repeat removal."""
    old_removals = defaultdict(list)
    for removal in article.removals:
        old_removals[removal.before_paragraph].append(removal)
    kept: list[str] = []
    removals: list[Removal] = []
    for index in range(len(article.paragraphs) + 1):
        removals += [replace(r, before_paragraph=len(kept)) for r in old_removals.get(index, [])]
        if index == len(article.paragraphs):
            break
        if index in drop:
            removals.append(Removal(rule, rule.replace("-", "_"), article.paragraphs[index], len(kept)))
        else:
            kept.append(article.paragraphs[index])
    return replace(article, paragraphs=tuple(kept), removals=tuple(removals))


def clean_text(
    text: str,
    settings: Settings | None = None,
    *,
    id: str = "text",
    source: str = "<text>",
    kind: InputKind | None = None,
) -> CleanArticle:
    """Clean a string (for notebooks and tests); raises ValueError if nothing is left."""
    from srccompare.ingest.decode import article_from_text

    result = clean_article(article_from_text(text, source=source, id=id, kind=kind), settings or load_settings())
    if isinstance(result, LoadError):
        raise ValueError(f"{result.source}: {result.problem}")
    return result
