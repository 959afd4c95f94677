"""Finding boilerplate: each finder looks at the paragraphs and returns Marks, never edits.

A Mark names a paragraph, the rule that claimed it, and what of it goes. The
cleaner applies the marks at the end, so every removal is recorded with its
reason (see ``srccompare clean --explain``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from srccompare.clean.text import word_count
from srccompare.model import Credit
from srccompare.rules import LineRule, Rules
from srccompare.rules.prefilter import fold as fold_case
from srccompare.settings import CleanSettings

CREDIT_SPLIT = re.compile(r"\s+/\s+|\s*/\s*(?=[A-Z])")
FOLD = re.compile(r"[\W_]+")
# Paragraphs longer than this are story text whatever they mention: even a caption's
# credit is only stripped from paragraphs up to a few times clean.caption_max_words.
LONGEST_BOILERPLATE_WORDS = 300


@dataclass(frozen=True)
class Mark:
    """Paragraph ``index`` loses ``removed`` under ``rule``; ``keep`` is what stays of it."""

    index: int
    rule: str
    kind: str
    removed: str
    keep: str = ""
    outlet: str | None = None  # an outlet the boilerplate names (e.g. an app promo)
    photo_credits: tuple[Credit, ...] = ()


def fold(text: str) -> str:
    return FOLD.sub(" ", text.casefold()).strip()


def find_blocks(paragraphs: Sequence[str], rules: Rules, settings: CleanSettings) -> list[Mark]:
    """Runs from a start paragraph to an end paragraph (a donation appeal, say), removed whole."""
    marks: list[Mark] = []
    folded = [fold_case(paragraph) for paragraph in paragraphs]
    index = 0
    while index < len(paragraphs):
        block = _block_at(paragraphs, folded, index, rules, settings)
        if block is None:
            index += 1
            continue
        marks.extend(block)
        index = block[-1].index + 1
    return marks


def _block_at(
    paragraphs: Sequence[str], folded: Sequence[str], start: int, rules: Rules, settings: CleanSettings
) -> list[Mark] | None:
    for position in rules.blocks_for(folded[start]):
        rule = rules.blocks[position]
        opening = rule.cheap_start.search(rule.start, paragraphs[start], folded[start])
        if opening is None:
            continue
        last = min(len(paragraphs), start + settings.block_max_paragraphs)
        for end in range(start + 1, last):
            if rule.cheap_end.search(rule.end, paragraphs[end], folded[end]):
                outlet = opening.groupdict().get("outlet")
                return [
                    Mark(i, rule.id, rule.kind, paragraphs[i], outlet=outlet if i == start else None)
                    for i in range(start, end + 1)
                ]
    return None


def find_line_boilerplate(
    paragraphs: Sequence[str], rules: Rules, settings: CleanSettings, taken: set[int], plain: set[str] | None = None
) -> list[Mark]:
    """Short paragraphs matching a line rule (promos, links, captions, URLs, prompts).

    ``plain``: texts known to match no rule wherever they stand (shared by the rounds of one
    article's cleaning: a later round skips them); the texts found so are added to it."""
    marks: list[Mark] = []
    limits = [_word_limit(rule, settings) for rule in rules.lines]  # (once, not for every paragraph and rule)
    plain = set() if plain is None else plain
    for index, paragraph in enumerate(paragraphs):
        if index in taken or paragraph in plain:
            continue
        folded = fold_case(paragraph)
        positions = rules.lines_for(folded)
        if not positions:
            continue  # (with the rules' screen, most paragraphs: then their words go uncounted)
        words = word_count(paragraph)
        if words > LONGEST_BOILERPLATE_WORDS and not any(_for_long(rules.lines[p]) for p in positions):
            continue  # no rule removes anything from a paragraph this long; spare the regexes
        placed = matched = False  # whether the paragraph's place decided a rule; whether a rule matched
        for position in positions:
            if words > limits[position]:
                continue  # a long paragraph is reporting, whatever phrase it holds
            rule = rules.lines[position]
            if rule.where == "edge" and not _near_edge(index, len(paragraphs), marks, settings):
                placed = True
                continue
            match = rule.cheap.search(rule.pattern, paragraph, folded)
            if match is None:
                continue
            matched = True
            if rule.strip:
                rest = (paragraph[: match.start()] + paragraph[match.end() :]).strip()
                mark = Mark(index, rule.id, rule.kind, match.group(0).strip(), keep=rest)
            elif rule.kind == "caption":
                mark = _caption_mark(index, paragraph, match, rule.id, rules, words, settings)
            else:
                mark = Mark(index, rule.id, rule.kind, paragraph, outlet=_outlet_group(match) or rule.outlet)
            if mark is not None:
                marks.append(mark)
                break
        if not (placed or matched):
            plain.add(paragraph)
    return marks + _caption_duplicates(paragraphs, marks, taken)


def _for_long(rule: LineRule) -> bool:
    """A rule for paragraphs of any length (a page's script, one line of thousands of "words")."""
    return rule.max_words is not None and rule.max_words > LONGEST_BOILERPLATE_WORDS


def _word_limit(rule: LineRule, settings: CleanSettings) -> int:
    """The most words a paragraph may have for the rule to apply. Captions and strip rules apply
    to any paragraph up to LONGEST_BOILERPLATE_WORDS (they may keep the rest)."""
    if rule.kind == "caption" or rule.strip:
        return LONGEST_BOILERPLATE_WORDS
    return rule.max_words if rule.max_words is not None else settings.promo_max_words


def _near_edge(index: int, count: int, marks: list[Mark], settings: CleanSettings) -> bool:
    """Within clean.edge_paragraphs of the top or bottom, or just after a paragraph already removed as a URL."""
    edge = settings.edge_paragraphs
    if index < edge or index >= count - edge:
        return True
    return bool(marks) and marks[-1].index == index - 1 and marks[-1].kind == "url"


def _outlet_group(match: re.Match[str]) -> str | None:
    outlet = match.groupdict().get("outlet")
    return outlet.strip() if outlet else None


def _caption_mark(
    index: int, paragraph: str, match: re.Match[str], rule_id: str, rules: Rules, words: int, settings: CleanSettings
) -> Mark | None:
    """A caption ending in a photo credit goes whole when short; a long paragraph loses only the credit."""
    credit_text = (match.groupdict().get("credit") or match.group(0)).strip()
    credits = photo_credits(credit_text, rules)
    if rule_id == "caption-credit-slash" and not credits and credit_text.count("/") < 2:
        # "Name / Something" with no known agency and one slash is too weak to call a credit.
        return None
    if words <= settings.caption_max_words:
        return Mark(index, rule_id, "caption", paragraph, photo_credits=credits)
    keep = paragraph[: match.start("credit") if "credit" in match.groupdict() else match.start()].rstrip()
    return Mark(index, rule_id, "caption", credit_text, keep=keep, photo_credits=credits)


def photo_credits(credit_text: str, rules: Rules) -> tuple[Credit, ...]:
    """Agencies named in a photo credit such as "Andrei Stasevich / BelTA / Reuters" or "(AP Photo/X)"."""
    inner = credit_text.strip("() .")
    inner = re.sub(r"^(?:photo(?:graph)?s?|image|picture|credit)\s*(?:by)?\s*[:©]?\s*", "", inner, flags=re.I)
    found = []
    for part in CREDIT_SPLIT.split(inner):
        for piece in re.split(r"\s+via\s+|\s*,\s*", part):
            agency = rules.agency_named(re.sub(r"\s+(?:photos?|images?|pool)$", "", piece.strip(), flags=re.I))
            if agency is not None:
                found.append(Credit(agency.name, "photo", credit_text))
    return tuple(dict.fromkeys(found))


def _caption_duplicates(paragraphs: Sequence[str], marks: list[Mark], taken: set[int]) -> list[Mark]:
    """A caption printed twice, once without its credit (the layout of many pages): the bare copy goes too."""
    claimed = taken | {m.index for m in marks}
    extra = []
    for mark in marks:
        if mark.kind != "caption" or mark.keep:
            continue
        caption = fold(mark.removed)
        for neighbour in (mark.index - 1, mark.index + 1):
            if 0 <= neighbour < len(paragraphs) and neighbour not in claimed:
                text = fold(paragraphs[neighbour])
                if len(text) >= 20 and caption.startswith(text):
                    extra.append(Mark(neighbour, "caption-duplicate", "caption", paragraphs[neighbour]))
                    claimed.add(neighbour)
    return extra


def find_outlet_repeats(
    articles_paragraphs: Sequence[Sequence[str]], settings: CleanSettings
) -> list[set[int]]:
    """For articles of one outlet: per article, the paragraphs repeated in enough of the others."""
    seen_in: dict[str, int] = {}
    folded = [[fold(p) for p in paragraphs] for paragraphs in articles_paragraphs]
    for paragraphs in folded:
        for key in set(paragraphs):
            seen_in[key] = seen_in.get(key, 0) + 1
    repeats = []
    for article, paragraphs in zip(articles_paragraphs, folded):
        repeats.append(
            {
                i
                for i, key in enumerate(paragraphs)
                if key
                and seen_in[key] >= settings.repeat_min_articles
                and word_count(article[i]) <= settings.repeat_max_words
            }
        )
    return repeats
