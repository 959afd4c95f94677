"""Metadata from the text itself: credits, byline, date line, title, "Original url:" lines.

Like the boilerplate finders, these return Marks (what leaves the body) and
never edit the paragraphs; they also return what they learnt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from srccompare.clean.boilerplate import Mark, fold
from srccompare.clean.text import word_count
from srccompare.model import Credit
from srccompare.rules import Rules
from srccompare.rules.prefilter import fold as fold_case
from srccompare.settings import CleanSettings

MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|{MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{MONTH},?\s+\d{{4}}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{4})"
)
DATE_PREFIX = re.compile(
    rf"^(?:(?:date|published|posted|updated|last updated)\s*:?\s*(?:on\s+)?)?"
    r"(?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\b\.?)?\s*(?:[A-Z]{2,4}\s+)?)?"  # "Published 3:04 PM ET Aug 19, 2020"
    rf"(?:\w+day,?\s+)?(?P<date>{DATE})"
    r"(?:(?:,|\s[-–|])?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\b\.?)?(?:\s*[A-Z]{2,4})?)?\s*",
    re.I,
)
DATE_LEAD = re.compile(r"^(?:date|published|posted|updated)\b", re.I)
BYLINE = re.compile(r"^by\s+(?P<names>[A-Z][^.!?]{1,100})$", re.I)
HEAD_ZONE = 6  # title, byline and date lines are looked for among the first paragraphs
CREDIT_MAX_WORDS = 40
DATE_FORMATS = ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%d.%m.%Y", "%d/%m/%Y")


def parse_date(text: str) -> str | None:
    """ISO date (YYYY-MM-DD) from one of the common written forms, else None."""
    cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|,|\.(?=\s)", "", text.strip()).replace("Sept", "Sep")
    cleaned = " ".join(cleaned.split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class FoundCredits:
    """What ``find_credits`` found: the lines to remove, the agencies credited, the outlets named as sources."""

    marks: list[Mark]
    credits: list[Credit]
    outlets: list[str]


@dataclass(frozen=True)
class FoundHead:
    """What ``find_head`` found at the top of an article: its marks, and the title, byline and date (or None)."""

    marks: list[Mark]
    title: str | None
    byline: str | None
    date: str | None


def find_credits(paragraphs: Sequence[str], rules: Rules, taken: set[int]) -> FoundCredits:
    """Agency credits: bylines, credit lines, source lines, copyright lines (removed) and datelines (kept).

    The head (page chrome, then the first paragraph of prose) is searched
    whatever its paragraphs' length, so that a dateline after the headline,
    share bar and byline lines is found; elsewhere only short paragraphs are.
    A form marked ``where = "edge"`` in the middle of the text, or under a
    caption, is a photo credit (a Mark with photo credits, no text credit).
    """
    marks: list[Mark] = []
    credits: list[Credit] = []
    outlets: list[str] = []
    # The head's end, the last line and word counts are needed only where a rule matches
    # (few paragraphs): worked out then, not for every paragraph a rule's pre-check lets through.
    head = _Head(paragraphs, taken)
    for index, paragraph in enumerate(paragraphs):
        if index in taken:
            continue
        folded = fold_case(paragraph)
        for position in rules.credits_for(folded):
            rule = rules.credits[position]
            match = rule.cheap.search(rule.pattern, paragraph, folded)
            if match is None:
                continue
            if index > head.lead and word_count(paragraph) > CREDIT_MAX_WORDS:
                break  # only the head is searched whatever its paragraphs' length
            if rule.how == "dateline" and index > head.lead:
                continue
            found, named_outlets = _credits_from(match, rule.how, rule.agency, rules, rule.unnamed)
            if not found and not named_outlets:
                continue
            if rule.where == "edge" and not _at_edge(paragraphs, index, head.lead, head.last):
                photos = tuple(Credit(c.agency, "photo", c.text) for c in found if c.agency)
                marks.append(Mark(index, rule.id, "caption", paragraph, photo_credits=photos))
                break
            credits.extend(found)
            outlets.extend(named_outlets)
            if rule.remove:
                marks.append(_credit_mark(index, rule.id, paragraph, match))
            break
    return FoundCredits(marks, credits, outlets)


class _Head:
    """An article's head end (``_lead_index``) and last non-empty line, each found when first asked for."""

    def __init__(self, paragraphs: Sequence[str], taken: set[int]) -> None:
        self.paragraphs, self.taken = paragraphs, taken

    @cached_property
    def lead(self) -> int:
        return _lead_index(self.paragraphs, self.taken)

    @cached_property
    def last(self) -> int:
        paragraphs, taken = self.paragraphs, self.taken
        return max((i for i in range(len(paragraphs)) if i not in taken and paragraphs[i].strip()), default=-1)


LEAD_WORDS = 20  # the first paragraph this long is the story's first paragraph of prose
HEAD_LINES = 12  # page chrome above the story: at most this many lines


def _lead_index(paragraphs: Sequence[str], taken: set[int]) -> int:
    """The index of the story's first paragraph of prose (the head ends with it)."""
    for index, paragraph in enumerate(paragraphs[:HEAD_LINES]):
        if index not in taken and word_count(paragraph) >= LEAD_WORDS:
            return index
    return 0


def _at_edge(paragraphs: Sequence[str], index: int, lead: int, last: int) -> bool:
    """In the head and not under a caption, or the last line: where a bare credit line is the article's."""
    if index == last and index > lead:
        return True
    if index > lead:
        return False
    before = paragraphs[index - 1].rstrip() if index > 0 else ""
    return not (word_count(before) >= 8 and before[-1:] in ".)")  # a sentence above it: a caption


def _credit_mark(index: int, rule_id: str, paragraph: str, match: re.Match[str]) -> Mark:
    """The credit's paragraph goes; a byline fused with the story's text (no break between them) loses only the byline."""
    rest = paragraph[match.end():].strip()
    if word_count(rest) >= LEAD_WORDS:
        return Mark(index, rule_id, "credit", match.group(0), keep=rest)
    return Mark(index, rule_id, "credit", paragraph)


def _credits_from(
    match: re.Match[str], how: str, fixed: str | None, rules: Rules, unnamed: bool = False
) -> tuple[list[Credit], list[str]]:
    groups = match.groupdict()
    text = match.group(0).strip()
    if unnamed:
        return [Credit(None, how, text)], []  # type: ignore[arg-type]
    if fixed:
        return [Credit(fixed, how, text)], []  # type: ignore[arg-type]
    if groups.get("list"):
        return _source_list(groups["list"], text, rules)
    agency = rules.agency_named(groups.get("agency") or "")
    return ([Credit(agency.name, how, text)] if agency else []), []  # type: ignore[arg-type]


def _source_list(listed: str, text: str, rules: Rules) -> tuple[list[Credit], list[str]]:
    """ "Source: TRTWorld and agencies" -> an unnamed-agencies credit and the outlet TRT World."""
    credits: list[Credit] = []
    outlets: list[str] = []
    for item in re.split(r"\s*(?:,|;|/|\band\b|&)\s*", listed.strip(" .")):
        if not item:
            continue
        agency = rules.agency_named(item)
        if agency is not None:
            credits.append(Credit(agency.name, "source_line", text))
        elif re.fullmatch(r"(?:other\s+|news\s+|wire\s+)?(?:agencies|wires|news agencies|wire services)", item, re.I):
            credits.append(Credit(None, "source_line", text))
        elif word_count(item) <= 4:
            outlets.append(rules.outlet_named(item) or item)
    if not credits and not outlets:
        return [], []
    return credits, outlets


def find_head(
    paragraphs: Sequence[str], settings: CleanSettings, taken: set[int], known_title: str | None = None
) -> FoundHead:
    """Title, byline and date lines at the top of an article.

    ``known_title`` is the title the page declared (HTML metadata), if any.
    """
    marks: list[Mark] = []
    byline = date = None
    zone = [i for i in range(min(HEAD_ZONE, len(paragraphs)))]
    for index in zone:
        paragraph = paragraphs[index]
        match = DATE_PREFIX.match(paragraph)
        if match and (index not in taken) and (match.end() == len(paragraph) or DATE_LEAD.match(paragraph)):
            date = date or parse_date(match.group("date"))
            marks.append(Mark(index, "date-line", "date", match.group(0).strip(), keep=paragraph[match.end():].strip()))
            continue
        names = BYLINE.match(paragraph)
        if names and index not in taken and word_count(paragraph) <= 12:
            byline = byline or names.group("names").strip()
            marks.append(Mark(index, "byline", "byline", paragraph))
    title = _title(paragraphs, marks, taken, settings)
    if title is not None:
        marks.append(Mark(0, "title", "title", paragraphs[0]))
    elif known_title:
        marks.extend(_known_title_marks(paragraphs, known_title, taken | {m.index for m in marks}))
    return FoundHead(marks, title, byline, date)


def _known_title_marks(paragraphs: Sequence[str], known_title: str, taken: set[int]) -> list[Mark]:
    """The page's title (from the HTML head) repeated as a line at the top of the body.

    The head's title often carries the site's name ("Title - Outlet"), so a
    line that is a whole-word prefix of it counts, provided it has a few words.
    """
    wanted = fold(known_title)
    for index in range(min(HEAD_ZONE, len(paragraphs))):
        line = fold(paragraphs[index])
        if index in taken or word_count(paragraphs[index]) < 3:
            continue
        if line == wanted or wanted.startswith(line + " "):
            return [Mark(index, "title", "title", paragraphs[index])]
    return []


def _title(paragraphs: Sequence[str], head: list[Mark], taken: set[int], settings: CleanSettings) -> str | None:
    """The first line is a title when short, unpunctuated at the end, and followed by a byline or date line."""
    if len(paragraphs) < 2 or 0 in taken or any(m.index == 0 for m in head):
        return None
    first = paragraphs[0]
    if not 0 < word_count(first) <= settings.title_max_words or first.rstrip()[-1:] in ".!?:;,\"”'’":
        return None
    head_gone = {m.index for m in head if not m.keep}
    return first if (1 in taken or 1 in head_gone) else None


def url_from_marks(marks: Sequence[Mark], paragraphs: Sequence[str], rules: Rules) -> str | None:
    """The article's own URL from an "Original url:" line (or the bare URL just after one)."""
    url_rules = {r.id: r for r in rules.lines if r.kind == "url"}
    by_index = {m.index: m for m in marks}
    for mark in marks:
        if mark.rule != "original-url":
            continue
        found = url_rules["original-url"].pattern.search(paragraphs[mark.index])
        if found and found.group("url"):
            return found.group("url")
        following = by_index.get(mark.index + 1)
        if following and following.rule == "bare-url":
            bare = url_rules["bare-url"].pattern.search(paragraphs[mark.index + 1])
            if bare:
                return bare.group("url") or bare.group("url_text")
    return None
