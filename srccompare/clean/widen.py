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
  - the result is kept only when it holds what the extraction found.
"""

from __future__ import annotations

import re
from collections import Counter

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


def paragraph_words(tree: HtmlElement | None) -> int:
    """Words inside the page's <p> elements: what an article page's body text is mostly in."""
    if tree is None:
        return 0
    return sum(len(WORDS.findall(element.text_content())) for element in tree.iter("p"))


def visible_chars(text: str | None) -> int:
    """Characters other than white space (a page's indentation is not text)."""
    return len("".join((text or "").split()))


def page_chars(tree: HtmlElement | None) -> int:
    """Visible characters of the page's body: all its text less that of scripts and styles.
    (Serialising the text is done in C; a word count of it cost more than the extraction saved.)"""
    if tree is None:
        return 0
    body = tree.find("body")
    root = body if body is not None else tree
    total = visible_chars(etree.tostring(root, method="text", encoding="unicode"))
    return total - sum(visible_chars(element.text) for element in root.iter(*INVISIBLE))


def needs_full_pass(text: str | None, tree: HtmlElement | None, settings: CleanSettings) -> bool:
    """Whether the fast pass's text is too short, or too small a part of the page's text, to trust."""
    if word_count(text) < settings.retry_below_words:
        return True
    return visible_chars(text) < settings.retry_below_page_share * page_chars(tree)


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


def grown(text: str, page_text: str, settings: CleanSettings) -> str:
    """The extraction grown over the page's main run of prose (its paragraphs cut as the page-text
    step cuts a copied page: menus, teasers and footers go), when that run overlaps the extraction:
    from the first to the last line of either, judged on evidence (``widen``). A run that holds
    little of the extraction is another block of prose (a comment thread, a list of other posts)."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    gone = {mark.index for mark in find_page_furniture(lines, settings)}
    run = [index for index in range(len(lines)) if index not in gone]
    if not run or not holds(" ".join(lines[i] for i in run), text, RUN_MIN_OVERLAP):
        return text
    found = set(line.strip() for line in text.splitlines())
    ends = run + [index for index, line in enumerate(lines) if line.strip() in found]
    wider = widen(text, "\n".join(lines[min(ends) : max(ends) + 1]))
    return wider if word_count(wider) > word_count(text) and holds(wider, text, KEEP_SHARE) else text


def holds(container: str, text: str, share: float) -> bool:
    """Whether ``container`` holds ``share`` of the words of ``text`` (counted; lines aside, as the
    passes break lines differently)."""
    wanted = Counter(WORDS.findall(text.lower()))
    common = wanted & Counter(WORDS.findall(container.lower()))
    return sum(common.values()) >= share * sum(wanted.values())


def widen(precise: str, wide: str) -> str:
    """The wide text's paragraphs from the first to the last that are article text by the
    evidence above; all of the wide one when none is (a page all in one line, say), as the
    longer extraction was kept before this step existed."""
    lines = [line for line in wide.splitlines() if line.strip()]
    kept = set(line.strip() for line in precise.splitlines() if line.strip())
    stops = stop_words_for(wide, LANGUAGE_MIN_SHARE)
    evidence = [i for i, line in enumerate(lines) if line.strip() in kept or reads_as_text(line, stops)]
    if not evidence:
        return wide
    return "\n".join(lines[evidence[0] : evidence[-1] + 1])


def word_count(text: str | None) -> int:
    return len(WORDS.findall(text or ""))
