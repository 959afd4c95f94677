"""Page furniture repeated across outlets: short lines that are not sentences.

Menus, share bars, sign-up prompts ("Be the first to know", "SIGN ME UP!"),
weather boxes and the like come with the scraping of many sites, the same
words each time. A line goes when articles from at least ``cross_min_outlets``
sources carry it (an article without an outlet is a source of its own), it
has at most ``cross_max_words`` words and it is not a sentence. A sentence
(several words, closing punctuation, lower-case letters) stays however many
outlets carry it: shared sentences are the copy srccompare looks for.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from srccompare.clean.boilerplate import fold

WORDS = re.compile(r"\w+")
SENTENCE_END = (".", "!", "?", '"', "”", "’", "»", "。", "！", "？", "…")
# A sentence has at least this many words ("We will not back down." has five).
SENTENCE_MIN_WORDS = 4


def is_sentence(line: str) -> bool:
    """Several words of running text with closing punctuation (not an all-capitals button)."""
    text = line.strip()
    return (
        text.endswith(SENTENCE_END)
        and len(WORDS.findall(text)) >= SENTENCE_MIN_WORDS
        and any(ch.islower() for ch in text)
    )


def find_shared_furniture(
    articles_paragraphs: Sequence[Sequence[str]], sources: Sequence[str], min_sources: int, max_words: int
) -> list[set[int]]:
    """Per article, the indexes of its short non-sentence lines that articles of ``min_sources``
    different sources carry."""
    candidates = [furniture_lines(paragraphs, max_words) for paragraphs in articles_paragraphs]
    carried_by: dict[str, set[str]] = defaultdict(set)
    for found, source in zip(candidates, sources):
        for _, key in found:
            carried_by[key].add(source)
    return [{index for index, key in found if len(carried_by[key]) >= min_sources} for found in candidates]


def furniture_lines(paragraphs: Sequence[str], max_words: int) -> list[tuple[int, str]]:
    """(index, key) of an article's lines that may be shared furniture: at most ``max_words`` words,
    not a sentence; the key (the line folded) is what other articles' lines are matched on."""
    found = []
    for index, paragraph in enumerate(paragraphs):
        if len(WORDS.findall(paragraph)) <= max_words and not is_sentence(paragraph):
            key = fold(paragraph)
            if key:
                found.append((index, key))
    return found
