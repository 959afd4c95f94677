"""A second, wider extraction when the precision-leaning one kept only a small part of a page.

trafilatura's precision setting leaks less boilerplate than its balanced one,
but on some long pages (product round-ups, checklists, features in many
sections) it keeps two or three paragraphs of a long article. Whether that
happened is judged from the page itself: the words in its ``<p>`` elements,
counted once on the parsed tree the extractions share. When the precision
result holds under ``share`` of them, the balanced extraction runs too, and
its paragraphs are judged on evidence rather than by count:

- a paragraph the precision pass also kept is article text;
- a paragraph that reads as running text (stop-word density of the page's
  language, several words, closing punctuation) is article text;
- what the balanced pass holds between the first and the last of those
  (headings, list items, table rows of the article) stays with them;
- what lies outside them (menus, teasers, sign-up lines before or after the
  article) goes.
"""

from __future__ import annotations

import re
from lxml.html import HtmlElement

from srccompare.clean.page_text import SENTENCE_END, stop_words_for

WORDS = re.compile(r"\w+")
# Running text: at least this share of the page language's stop words (jusText's
# lists) and this many words; the same density page_text.py uses for prose.
PROSE_DENSITY = 0.2
PROSE_MIN_WORDS = 8
# The page's language is known when its stop words make this share of its words (as page_text.py).
LANGUAGE_MIN_SHARE = 0.1


def paragraph_words(tree: HtmlElement | None) -> int:
    """Words inside the page's <p> elements: what an article page's body text is mostly in."""
    if tree is None:
        return 0
    return sum(len(WORDS.findall(element.text_content())) for element in tree.iter("p"))


def needs_wider(precise_words: int, page_words: int, share: float, retry_words: int) -> bool:
    """Whether the precision result is too small a part of the page (or too short) to trust alone."""
    return precise_words < retry_words or precise_words < share * page_words


def reads_as_text(line: str, stops: frozenset[str] | None) -> bool:
    """A whole sentence or more of running text in the page's language."""
    words = [word.lower() for word in WORDS.findall(line)]
    if len(words) < PROSE_MIN_WORDS or not line.rstrip().endswith((*SENTENCE_END, ":")):
        return False
    if stops is None:  # no stop-word list for the language: punctuation and length decide
        return True
    return sum(word in stops for word in words) >= PROSE_DENSITY * len(words)


def widen(precise: str, wide: str) -> str:
    """The wide extraction's paragraphs from the first to the last that are article text by the
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


