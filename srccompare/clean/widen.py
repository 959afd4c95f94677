"""More passes when the first extraction kept only a small part of a page, decided on evidence.

The first pass is trafilatura's balanced extraction in its fast mode (no
comparison with readability and jusText): as good as the full mode on most
pages at two thirds of its cost. Whether it missed the article is judged from
the page itself, measured on the parsed tree every pass shares:

- the visible text of the page (its characters outside scripts and styles):
  a first pass holding under ``retry_below_page_share`` of it, or fewer than
  ``retry_below_words`` words, most likely caught the wrong block; the full
  mode (with its comparisons) runs and the longer text is kept;
- the words in the page's ``<p>`` elements: a result holding under
  ``wider_below_share`` of them has most likely kept a few sections of a long
  page (a round-up, a checklist). The page's paragraphs (trafilatura's
  baseline) are then cut to their main run of prose (clean/page_text.py) and
  judged on evidence rather than by count:

  - a paragraph the extraction also kept is article text;
  - a paragraph that reads as running text (stop-word density of the page's
    language, several words, closing punctuation) is article text;
  - what lies between the first and the last of those stays with them;
  - what lies outside them (menus, teasers, sign-up lines) goes;
  - paragraphs none of which is article text (a listing's cards) grow nothing; a
    wide text in one paragraph (a JSON-LD article body) is taken whole;
  - the result is kept only when it holds what the extraction found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from srccompare.clean.page_text import SENTENCE_END, find_page_furniture, stop_words_for
from srccompare.settings import CleanSettings

WORDS = re.compile(r"\w+")
# Running text: at least this share of the page language's stop words (jusText's
# lists) and this many words; the same density page_text.py uses for prose.
PROSE_DENSITY = 0.2
PROSE_MIN_WORDS = 8
# The page's language is known when its stop words make this share of its words (as page_text.py).
LANGUAGE_MIN_SHARE = 0.1
# The wider text must hold this share of the extraction's words. On the tune half of
# wcxb-dev (bench/clean_eval.py --half tune), with the run's overlap at 0.5: 0.9 -> F1 0.931,
# 0.8 -> 0.933, 0.5 -> 0.931 (leak 11.3 % each; trafilatura alone 0.927, 11.3 %). Below 0.9
# a page's JSON-LD article body (trafilatura's baseline) comes in without its introduction;
# at 0.5 a run of other posts replaces half an article.
KEEP_SHARE = 0.8
# The main run must hold this share of the extraction's words to grow it (see ``grown``).
RUN_MIN_OVERLAP = 0.5
INVISIBLE = ("script", "style", "noscript", "template")
SPACES = (" ", "\n", "\t", "\r", "\xa0", "\x0b", "\x0c")
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
LISTS = frozenset({"ul", "ol"})
# A heading or list item is put back only between at least this many paragraphs the extraction
# kept in the same element, and when at most this share of its text is link text (a list of
# links to other pages is not the article's). On the tune half of wcxb-dev (bench/html_thresholds.py;
# F1, precision, recall; leak 11.3 % at every point): without the step 0.9339, 0.9398, 0.9483;
# min_kept 2: 0.9418, 0.9393, 0.9623; 3: 0.9413; 4: 0.9401. link_share 0 (no links at all):
# 0.9413, 0.9399, 0.9609; 0.35: 0.9417; 0.5: 0.9418; 0.7: the same; 1.0 (links too): 0.9418,
# 0.9380, 0.9634 with 18.5 % of pages filled instead of 13 %. 0.5 keeps precision where it was.
# With the edges' cut (clean/edges.py) and items read with and without spaces between inline parts:
# min_kept 2: 0.9440, 0.9438, 0.9620; 3: 0.9440; 4: 0.9428; link_share 0: 0.9431; 0.5: 0.9440;
# 1.0: 0.9441, 0.9426, 0.9632 with 16.8 % of pages filled instead of 11 %.
SECTION_MIN_KEPT = 2
SECTION_LINK_SHARE = 0.5


@dataclass(frozen=True)
class SectionRule:
    """When a heading or list item is put back (the two numbers above; bench/html_thresholds.py sweeps them)."""

    min_kept: int = SECTION_MIN_KEPT
    link_share: float = SECTION_LINK_SHARE


@dataclass(frozen=True)
class PageParagraphs:
    """The page's <p> elements, read once: their words (what an article page's body text is mostly
    in) and, by parent element in document order, their texts each on one line (``flat``: where its
    sections are, and what a line of trafilatura's text is compared with)."""

    words: int
    by_parent: dict[HtmlElement, dict[HtmlElement, str]]
    tree: HtmlElement | None = None  # for the other block elements, read only when asked (clean/edges.py)


def page_paragraphs(tree: HtmlElement | None) -> PageParagraphs:
    by_parent: dict[HtmlElement, dict[HtmlElement, str]] = {}
    texts = []
    for element in tree.iter("p") if tree is not None else ():
        text = element.text_content()
        texts.append(text)
        by_parent.setdefault(element.getparent(), {})[element] = flat(text)
    return PageParagraphs(len(WORDS.findall("\n".join(texts))), by_parent, tree)


def paragraph_words(tree: HtmlElement | None) -> int:
    """Words inside the page's <p> elements."""
    return page_paragraphs(tree).words


def visible_chars(text: str | None) -> int:
    """Characters other than white space (a page's indentation is not text). Counted by subtracting
    the white-space characters found in C (a page's whole text is split into no list of words); the
    rarer Unicode spaces (thin, em...) count as visible, a few in a page's ten thousand characters."""
    return len(text) - sum(map(text.count, SPACES)) if text else 0


def page_chars(tree: HtmlElement | None) -> int:
    """Visible characters of the page's body: all its text less that of scripts and styles.
    (Serialising the text is done in C; a word count of it cost more than the extraction saved.)"""
    if tree is None:
        return 0
    body = tree.find("body")
    root = body if body is not None else tree
    total = visible_chars(etree.tostring(root, method="text", encoding="unicode"))
    return total - sum(visible_chars(element.text) for element in root.iter(*INVISIBLE))


@dataclass(frozen=True)
class Passes:
    """One page's extractions and measures, each computed when first asked for (most pages need
    only the fast pass). bench/html_thresholds.py hands in stored ones to sweep the thresholds."""

    fast: Callable[[], str]
    full: Callable[[], str]
    paragraphs: Callable[[], str]  # the page's <p> text less its comment sections (trafilatura's baseline)
    page_chars: Callable[[], int]
    paragraph_words: Callable[[], int]
    sections: Callable[[str], str]  # the text with the headings and lists it skipped inside the article
    edges: Callable[[str, float], str]  # the text less its edges outside the article's element (clean/edges.py)


@dataclass(frozen=True)
class Overlaps:
    """How much of the extraction the page's main run (``run``) and the grown text (``keep``) must hold."""

    run: float = RUN_MIN_OVERLAP
    keep: float = KEEP_SHARE


def chosen_text(passes: Passes, settings: CleanSettings, overlaps: Overlaps = Overlaps()) -> str:
    """The fast pass; the full one when it looks short against the page (the longer kept); the
    page's main run of prose judged on evidence when even that holds a small part of its paragraphs;
    then the headings and lists skipped inside the article put back and the edges outside it cut."""
    text = passes.fast()
    if needs_full_pass(text, passes.page_chars, settings):
        full = passes.full()
        text = full if word_count(full) > word_count(text) else text
    if text and needs_wider(word_count(text), passes.paragraph_words(), settings.wider_below_share, settings.retry_below_words):
        text = grown(text, passes.paragraphs(), settings, overlaps)
    return passes.edges(passes.sections(text), settings.edge_container_share) if text else text


def needs_full_pass(text: str | None, page_chars: Callable[[], int], settings: CleanSettings) -> bool:
    """Whether the fast pass's text is too short, or too small a part of the page's text, to trust."""
    if word_count(text) < settings.retry_below_words:
        return True
    return visible_chars(text) < settings.retry_below_page_share * page_chars()


def needs_wider(precise_words: int, page_words: int, share: float, retry_words: int) -> bool:
    """Whether the extracted text is too small a part of the page's <p> words (or too short) to trust alone."""
    return precise_words < retry_words or precise_words < share * page_words


def reads_as_text(line: str, stops: frozenset[str] | None) -> bool:
    """A whole sentence or more of running text in the page's language."""
    words = [word.lower() for word in WORDS.findall(line)]
    if len(words) < PROSE_MIN_WORDS or not line.rstrip().endswith((*SENTENCE_END, ":")):
        return False
    if stops is None:  # no stop-word list for the language: punctuation and length decide
        return True
    return sum(word in stops for word in words) >= PROSE_DENSITY * len(words)


def grown(text: str, page_text: str, settings: CleanSettings, overlaps: Overlaps = Overlaps()) -> str:
    """The extraction grown over the page's main run of prose (its paragraphs cut as the page-text
    step cuts a copied page: menus, teasers and footers go), when that run overlaps the extraction:
    from the first to the last line of either, judged on evidence (``widen``). A run that holds
    little of the extraction is another block of prose (a comment thread, a list of other posts)."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    gone = {mark.index for mark in find_page_furniture(lines, settings)}
    run = [index for index in range(len(lines)) if index not in gone]
    if not run or not holds(" ".join(lines[i] for i in run), text, overlaps.run):
        return text
    found = set(line.strip() for line in text.splitlines())
    ends = run + [index for index, line in enumerate(lines) if line.strip() in found]
    wider = widen(text, "\n".join(lines[min(ends) : max(ends) + 1]))
    return wider if word_count(wider) > word_count(text) and holds(wider, text, overlaps.keep) else text


def holds(container: str, text: str, share: float) -> bool:
    """Whether ``container`` holds ``share`` of the words of ``text`` (counted; lines aside, as the
    passes break lines differently)."""
    wanted = Counter(WORDS.findall(text.lower()))
    common = wanted & Counter(WORDS.findall(container.lower()))
    return sum(common.values()) >= share * sum(wanted.values())


def widen(precise: str, wide: str) -> str:
    """The wide text's paragraphs from the first to the last that are article text by the
    evidence above. When none is: all of a wide text in one paragraph (a page's JSON-LD
    article body, a page all in one line: nothing to judge line by line), but none of a wide
    text in several (product cards, link lists: paragraphs, none of them running text)."""
    lines = [line for line in wide.splitlines() if line.strip()]
    kept = set(line.strip() for line in precise.splitlines() if line.strip())
    stops = stop_words_for(wide, LANGUAGE_MIN_SHARE)
    evidence = [i for i, line in enumerate(lines) if line.strip() in kept or reads_as_text(line, stops)]
    if not evidence:
        return wide if len(lines) == 1 else precise
    return "\n".join(lines[evidence[0] : evidence[-1] + 1])


def with_sections(text: str, paragraphs: PageParagraphs, rule: SectionRule = SectionRule()) -> str:
    """The text with the headings and list items trafilatura left out from between paragraphs it
    kept: in an element holding two of those paragraphs, what lies between the first and the last
    of them is the article's (a "Pros" heading and its list between two paragraphs of a review).
    Each goes before the next kept paragraph; link lists, and items already in the text, stay out."""
    lines = text.splitlines()
    at: dict[str, int] | None = None
    missing = _Missing(text, rule.link_share)
    before: dict[int, list[str]] = {}
    for parent, texts in paragraphs.by_parent.items():
        if len(texts) < rule.min_kept or parent is None or not any(child.tag in HEADINGS or child.tag in LISTS for child in parent):
            continue
        if at is None:
            at = {flat(line).removeprefix("- "): index for index, line in enumerate(lines) if line.strip()}
        for index, items in _missing_in(parent, texts, at, missing, rule.min_kept):
            before.setdefault(index, []).extend(items)
    if not before:
        return text
    return "\n".join(part for index, line in enumerate(lines) for part in (*before.get(index, ()), line))


def _missing_in(
    parent: HtmlElement, texts: dict[HtmlElement, str], at: dict[str, int], missing: "_Missing", min_kept: int
) -> list[tuple[int, list[str]]]:
    """(index of a kept paragraph, the headings and items to put before it) within one element.
    The missing items are looked for first: most lists and headings are in the text already, and
    then the paragraphs need not be matched."""
    children = list(parent)
    sections = [(i, missing.new(child.iter("li"), child) if child.tag in LISTS else missing.new([child]))
                for i, child in enumerate(children) if child.tag in HEADINGS or child.tag in LISTS]
    if not any(items for _, items in sections):
        return []
    kept = sorted((i, at[key]) for i, child in enumerate(children) if child in texts and (key := texts[child]) in at)
    if len(kept) < min_kept:
        return []
    found: dict[int, list[str]] = {}
    for i, items in sections:
        after = next((index for position, index in kept if position > i), None)
        if items and kept[0][0] < i and after is not None:
            found.setdefault(after, []).extend(missing.taken(items))
    return list(found.items())


class _Missing:
    """Which elements' texts the article text lacks, each text once. Compared as runs of lowercase
    words, so that a line the passes broke in two, or joined to the next, is still found."""

    def __init__(self, text: str, link_share: float) -> None:
        self.text, self.have, self.link_share = text, "", link_share  # have: " word word ... "

    def new(self, elements: Iterable[HtmlElement], container: HtmlElement | None = None) -> list[tuple[str, str]]:
        """The texts (and their words) of ``elements`` not in the text; none when ``container``'s
        whole text is (a list the extraction kept is its items one a line, the same run of words)
        or is mostly links (a menu, a list of other posts)."""
        if not self.have:
            self.have = f" {_words(self.text)} "
        if container is not None:
            whole = flat(" ".join(container.itertext()))
            if not whole or _link_share(container, whole) > self.link_share or self.held(container, whole):
                return []
        found: list[tuple[str, str]] = []
        for element in elements:
            line = flat(" ".join(element.itertext()))
            words = _words(line)
            if words and not self.held(element, line) and not any(f" {words} " in f" {seen} " for _, seen in found) \
                    and _link_share(element, line) <= self.link_share:
                found.append((line, words))  # (a nested item's text is in its parent item's)
        return found

    def held(self, element: HtmlElement, line: str) -> bool:
        """Whether the text has the element's words, read with a space between its inline parts (as
        ``line``: items of a nested list apart) or without (as trafilatura reads "<b>S</b>pecific" or
        "12<sup>th</sup>": one word)."""
        return self.holds(_words(line)) or self.holds(_words(element.text_content()))

    def taken(self, items: list[tuple[str, str]]) -> list[str]:
        """The items' lines, now part of the text (each is put back once)."""
        lines = [line for line, words in items if not self.holds(words)]
        self.have += "".join(f"{words} " for _, words in items)
        return lines

    def holds(self, words: str) -> bool:
        """Whether the text has these words in a run (whole words: "pros" is not in "prospects")."""
        return f" {words} " in self.have


def _words(text: str) -> str:
    return " ".join(WORDS.findall(text.lower()))


def _link_share(element: HtmlElement, line: str) -> float:
    return sum(len(flat(link.text_content())) for link in element.iter("a")) / len(line)


def flat(text: str) -> str:
    """The text on one line, runs of white space one space, without the control characters
    trafilatura drops from its output (a page's C1 bytes, mis-decoded quotes), so that an
    element's text and the line trafilatura made of it compare equal."""
    line = " ".join(text.split())
    if line.isprintable():
        return line
    from trafilatura.utils import remove_control_characters  # (trafilatura is loaded for HTML only: clean/extract.py)

    return remove_control_characters(line)


def word_count(text: str | None) -> int:
    return len(WORDS.findall(text or ""))
