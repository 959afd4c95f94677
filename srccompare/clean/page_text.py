"""Full-page plain text: find the article inside a page's whole text.

Text copied or saved from a web page holds the menus, share buttons, link
lists, cookie notices, related stories and comments around the article, one
short line each. This step only acts on text that looks like that (many
paragraphs, most of them short lines) and keeps the main run of prose:

1. each paragraph gets a value: prose (long enough, with the stop-word
   density of running text in the page's language) counts for its length;
   short lines and long lines without stop words (lists of names or links)
   count against;
2. the run of consecutive paragraphs with the highest total is the article
   (the maximum-sum subarray), so short lines inside the article (headings,
   captions) are kept when enough prose surrounds them;
3. the run ends before a comment section's heading, starts after the
   headline when the page title recurs in its first half (teasers for other
   stories come before it), and takes in a list the article announces at
   its end ("Tour dates:");
4. a long paragraph repeated within the page (a second copy of the text in
   another layout) is kept once.

Lines the boilerplate rules remove anyway count as nothing. Stop words come
from the lists jusText ships (about 100 languages); the page's language is
the one whose stop words cover most of its words. Text in a language without
a list (Chinese, Japanese) is judged by length and closing punctuation, its
characters counted three times. Everything removed is returned as Marks, with
the rule that removed it (page-outside-article, page-repeat).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, repeat

import justext

from srccompare.clean.boilerplate import Mark, fold
from srccompare.settings import CleanSettings

WORD = re.compile(r"\w+")
# Chinese, Japanese and Korean characters each carry about what three Latin letters do;
# lengths count them three times, so that thresholds in characters hold across scripts.
DENSE_SCRIPT = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
MONTH_START = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
SENTENCE_END = ('.', '!', '?', '"', '”', '’', '»', '。', '！', '？', '」', '…', ')')


def looks_like_page(paragraphs: Sequence[str], settings: CleanSettings) -> bool:
    """Many paragraphs, most of them short lines: a page's whole text, not an article."""
    if len(paragraphs) < settings.page_min_paragraphs:
        return False
    short = sum(len(p) < settings.page_short_chars for p in paragraphs)
    return short >= settings.page_short_share * len(paragraphs)


def find_page_furniture(
    paragraphs: Sequence[str], settings: CleanSettings, known: dict[int, str] | None = None
) -> list[Mark]:
    """Marks for everything outside the page's main run of prose (and repeated copies inside it).

    ``known``: paragraphs the line rules remove anyway (captions, share
    prompts), by index, with their kind; they count as nothing, so they
    neither join nor split runs. A "comments" line (a comment section's
    heading) after some prose ends the part of the page the article can be in.
    """
    stops = stop_words_for(" ".join(paragraphs), settings.page_language_min_share)
    return page_furniture(paragraphs, settings, known or {}, stops)


def page_furniture(
    paragraphs: Sequence[str], settings: CleanSettings, known: dict[int, str], stops: frozenset[str] | None
) -> list[Mark]:
    """``find_page_furniture`` with the page's stop words (``stop_words_for``) already found."""
    values = [0.0 if i in known else paragraph_value(p, stops, settings) for i, p in enumerate(paragraphs)]
    values = values[: _comments_start(values, known, settings)]
    start, end = best_run(values)
    if end == start:
        return []  # no prose at all (a results table, say): leave the page to the other steps
    start, end = _joined_runs(values, start, end, settings)
    start = _after_headline(paragraphs, start, end)
    end = _with_closing_list(paragraphs, end, known)
    marks = [Mark(i, "page-outside-article", "page", paragraphs[i]) for i in range(len(paragraphs)) if not start <= i < end]
    return marks + _repeats(paragraphs, start, end, settings)


def paragraph_value(paragraph: str, stops: frozenset[str] | None, settings: CleanSettings) -> float:
    """What a paragraph adds to a run: its length if it reads as prose, a penalty otherwise."""
    words = [w.lower() for w in WORD.findall(paragraph)]
    length = len(paragraph) + 2 * len(DENSE_SCRIPT.findall(paragraph))
    if not words:
        return -settings.page_short_penalty
    density = sum(w in stops for w in words) / len(words) if stops is not None else None
    sentence = paragraph.rstrip().endswith(SENTENCE_END)
    if length < settings.page_short_chars:
        prose_sentence = sentence and length >= settings.page_short_chars // 2
        if not (prose_sentence and (density is None or density >= settings.page_stopword_density)):
            return -settings.page_short_penalty
    if density is None:
        return length if sentence or length > 2 * settings.page_short_chars else -settings.page_short_penalty
    if density < settings.page_stopword_density:
        return -length  # long but not running text: a list of names, tags or links
    return length * min(1.0, length / settings.page_full_chars)


def _joined_runs(values: Sequence[float], start: int, end: int, settings: CleanSettings) -> tuple[int, int]:
    """The main run grown over runs of prose beyond it that are worth more than ``page_join_share``
    of the short lines between and hold a paragraph of ``page_join_min`` characters of prose (an
    article's, not a teaser's or a sign-up prompt's): an article in sections (a round-up, a review
    with spec boxes between its parts) is one run with gaps, not the first section."""
    runs = _positive_runs(values)
    while True:
        after = [r for r in runs if r[0] >= end and _joins(values, end, r, settings)]
        before = [r for r in runs if r[1] <= start and _joins(values, start, r, settings)]
        if not after and not before:
            return start, end
        end = max([end] + [r[1] for r in after[:1]])
        start = min([start] + [r[0] for r in before[-1:]])


def _joins(values: Sequence[float], edge: int, run: tuple[int, int], settings: CleanSettings) -> bool:
    """Whether a run of prose outside [.., edge) or [edge, ..) is worth the lines between."""
    first, last = run
    gap = -sum(values[edge:first]) if first >= edge else -sum(values[last:edge])
    gain = sum(values[first:last])
    return max(values[first:last]) >= settings.page_join_min and gain >= settings.page_join_share * max(gap, 0.0)


def _positive_runs(values: Sequence[float]) -> list[tuple[int, int]]:
    """[start, end) of each stretch of consecutive paragraphs with a positive value."""
    runs, start = [], None
    for index, value in enumerate([*values, 0.0]):
        if value > 0 and start is None:
            start = index
        elif value <= 0 and start is not None:
            runs.append((start, index))
            start = None
    return runs


def _with_closing_list(paragraphs: Sequence[str], end: int, known: dict[int, str]) -> int:
    """A list the article announces at its end ("Tour dates:" and one line a date) belongs to it:
    the run grows over the lines after a closing colon while they keep the first item's shape."""
    if end >= len(paragraphs) or not paragraphs[end].rstrip().endswith(":") or end in known:
        return end
    shape = _item_shape(paragraphs[end + 1]) if end + 1 < len(paragraphs) else None
    if shape is None:
        return end
    index = end + 1
    while index < len(paragraphs) and index not in known and _item_shape(paragraphs[index]) == shape:
        index += 1
    return index


def _item_shape(line: str) -> str | None:
    """What kind of list item a line is, or None when it does not look like one."""
    if len(line) > 200:
        return None
    if line and line[0] in "-•*–·":
        return "bullet"
    if line[:1].isdigit():
        return "number"
    if re.match(MONTH_START, line, re.I):
        return "date"
    if re.search(r"\s(?:--|–|—|-)\s", line):
        return "dash"
    return None


def _after_headline(paragraphs: Sequence[str], start: int, end: int) -> int:
    """The run starts after the page's headline when the first line (the page title) recurs in the
    first half of the run: what comes before it there is teasers for other stories."""
    title = fold(paragraphs[0])
    for index in range(start, start + (end - start) // 2):
        line = fold(paragraphs[index])
        if index > 0 and len(line.split()) >= 4 and (line == title or title.startswith(line + " ")):
            return index + 1
    return start


def _comments_start(values: Sequence[float], known: dict[int, str], settings: CleanSettings) -> int:
    """Index of the first comment-section heading preceded by some prose; the end of the page if none."""
    prose = 0.0
    for index, value in enumerate(values):
        if known.get(index) == "comments" and prose >= settings.page_full_chars:
            return index
        prose += max(value, 0.0)
    return len(values)


def best_run(values: Sequence[float]) -> tuple[int, int]:
    """[start, end) of the consecutive values with the largest positive sum; (0, 0) if none is positive."""
    best, best_start, best_end = 0.0, 0, 0
    total, start = 0.0, 0
    for index, value in enumerate(values):
        if total <= 0:
            total, start = 0.0, index
        total += value
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return best_start, best_end


def _repeats(paragraphs: Sequence[str], start: int, end: int, settings: CleanSettings) -> list[Mark]:
    """Long paragraphs whose text the rest of the run already holds: a second copy of the article
    (pages often carry one, all in one line, for search engines). Longest first, so the copy goes
    and the paragraphs stay."""
    grams = {i: _shingles(paragraphs[i]) for i in range(start, end)}
    counts: Counter[tuple[str, ...]] = Counter(g for shingles in grams.values() for g in set(shingles))
    marks = []
    for index in sorted(grams, key=lambda i: -len(paragraphs[i])):
        own = set(grams[index])
        if len(paragraphs[index]) < settings.page_full_chars or not own:
            continue
        elsewhere = sum(counts[g] > 1 for g in own)
        if elsewhere >= settings.page_repeat_share * len(own):
            marks.append(Mark(index, "page-repeat", "page", paragraphs[index]))
            counts.subtract(own)
    return sorted(marks, key=lambda m: m.index)


def _shingles(paragraph: str) -> list[tuple[str, ...]]:
    words = [w.lower() for w in WORD.findall(paragraph)]
    return [tuple(words[i : i + 4]) for i in range(len(words) - 3)]


def stop_words_for(text: str, min_share: float) -> frozenset[str] | None:
    """The stop words of the text's language, or None when no list covers enough of its words."""
    words = [w.lower() for w in WORD.findall(text)]
    if not words:
        return None
    index = _stop_word_index()
    # Each word's languages in turn, counted in one go (C loops throughout; same order, same ties).
    counts = Counter(chain.from_iterable(map(index.get, words, repeat((), len(words)))))
    if not counts:
        return None
    language, covered = counts.most_common(1)[0]
    if covered < min_share * len(words):
        return None
    return _stop_words(language)


@lru_cache(maxsize=1)
def _stop_word_index() -> dict[str, tuple[str, ...]]:
    """word -> the languages whose stop-word list holds it."""
    index: dict[str, list[str]] = {}
    for language in sorted(justext.get_stoplists()):
        for word in _stop_words(language):
            index.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in index.items()}


@lru_cache(maxsize=None)
def _stop_words(language: str) -> frozenset[str]:
    return frozenset(word.lower() for word in justext.get_stoplist(language))
