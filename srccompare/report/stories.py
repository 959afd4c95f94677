"""Stories for the reports: each passage family with its members and a readable label.

A family is a stretch of copy and every article carrying it; a reader knows it
by its words. The label is the sentence the most members carry word for word
(case and punctuation aside: copy desks edit around the facts, rarely
inside every sentence); when no
sentence is carried whole by two members, the opening words of its longest
span. The matrix's order puts each story's members side by side. Pure
functions over model objects.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from srccompare.model import Family, ReuseResult
from srccompare.display.names import fitted
from srccompare.report.reuse_views import documents_by_reuse

LABEL_CHARS = 110
# A sentence of fewer words ("He said.") names no story.
LABEL_MIN_WORDS = 6
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
OPENING_WORDS = 16
WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\S+")
ABBREVIATION = re.compile(r"(?:[A-Z]\.)+|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Lt|Col|Prof|No|vs)\.")
# "Carried word for word" is judged on runs of this many words, in the first SPAN_WORDS words of each span
RUN_WORDS = 6
SPAN_WORDS = 400
CLOSING = re.compile(r"[.!?…]?[\"'”’)\]]{0,2}")


@dataclass(frozen=True)
class Story:
    """A passage family as the reports show it."""

    family: str  # the family's id (F1, F2... largest first)
    members: tuple[str, ...]  # document ids, the most reused first
    label: str
    carried: int  # members carrying the label sentence word for word (0: the label is the longest span's opening)
    kinds: tuple[str, ...]  # passage kinds inside it (reporting, mixed, quote)


def stories(result: ReuseResult, bodies: Mapping[str, str], first: int | None = None) -> tuple[Story, ...]:
    """The families of ``result`` (the ``first`` ones, or all) as Stories, largest first."""
    rank = {document.doc_id: number for number, document in enumerate(documents_by_reuse(result))}
    found = []
    for family in result.families[:first]:
        members = sorted({span.doc_id for span in family.spans}, key=lambda doc: (rank.get(doc, len(rank)), doc))
        label, carried = story_label(family, bodies)
        kinds = tuple(sorted({result.passages[i].kind for i in family.passages}))
        found.append(Story(family.id, tuple(members), label, carried, kinds))
    return tuple(found)


def story_label(family: Family, bodies: Mapping[str, str]) -> tuple[str, int]:
    """The words the most members carry, with their count: a whole sentence where one is carried as widely
    as any run of words, else the longest such run; else (nothing carried by two) the longest span's opening."""
    texts = span_texts(family, bodies)
    sentence, by_sentence = best_sentence(texts)
    run, by_run = best_run(texts)
    if sentence and by_sentence >= max(by_run, 2):
        return fitted(sentence, LABEL_CHARS), by_sentence
    if run and by_run >= 2:
        return fitted(run, LABEL_CHARS), by_run
    longest = max(texts, key=lambda item: len(item[1]))[1].split()
    opening = " ".join(longest[:OPENING_WORDS]) + (" …" if len(longest) > OPENING_WORDS else "")
    return fitted(opening, LABEL_CHARS), 0


def span_texts(family: Family, bodies: Mapping[str, str]) -> list[tuple[str, str]]:
    """(document, text) of each span, with the full stop (and closing quote) after its last word."""
    texts = []
    for span in family.spans:
        body = bodies.get(span.doc_id, "")
        closing = CLOSING.match(body, span.end)
        texts.append((span.doc_id, body[span.start:closing.end() if closing else span.end]))
    return texts


def best_sentence(texts: Sequence[tuple[str, str]]) -> tuple[str | None, int]:
    """The whole sentence carried by the most members (then the longer), and how many carry it."""
    carriers: dict[str, set[str]] = defaultdict(set)
    first_form: dict[str, str] = {}
    for doc, text in texts:
        for sentence in whole_sentences(text):
            key = word_keys(sentence)
            carriers[" ".join(key)].add(doc)
            first_form.setdefault(" ".join(key), " ".join(sentence.split()))
    if not carriers:
        return None, 0
    key = max(carriers, key=lambda k: (len(carriers[k]), min(len(k), 200)))
    return first_form[key], len(carriers[key])


def best_run(texts: Sequence[tuple[str, str]]) -> tuple[str | None, int]:
    """The longest run of words (of RUN_WORDS or more) carried by the most members, and how many carry it."""
    carriers: dict[tuple[str, ...], set[str]] = defaultdict(set)
    tokenised = []
    for doc, text in texts:
        tokens = [(m.start(), m.end(), key) for m in TOKEN.finditer(text) for key in [word_key(m.group())] if key]
        tokens = tokens[:SPAN_WORDS]
        keys = [token[2] for token in tokens]
        grams = list(zip(*(keys[k:] for k in range(RUN_WORDS))))  # each run of RUN_WORDS keys (made in C)
        for gram in grams:
            carriers[gram].add(doc)
        tokenised.append((text, tokens, grams))
    if not carriers:
        return None, 0
    most = max(len(docs) for docs in carriers.values())
    best: tuple[int, str] = (0, "")
    for text, tokens, grams in tokenised:
        run_start = None
        for i, gram in enumerate([*grams, None]):
            widely = gram is not None and len(carriers[gram]) == most
            if widely and run_start is None:
                run_start = i
            elif not widely and run_start is not None:
                last = tokens[i - 1 + RUN_WORDS - 1]
                best = max(best, (i - run_start, text[tokens[run_start][0]:last[1]]), key=lambda b: b[0])
                run_start = None
    return best[1] or None, most


@lru_cache(maxsize=1 << 16)  # a story's members repeat its words: each is keyed once
def word_key(token: str) -> str:
    """A word, case and punctuation aside: curly and straight quotes, dashes and commas are how
    outlets' styles differ, not what they say."""
    return "".join(WORD.findall(unicodedata.normalize("NFKC", token).casefold()))


def word_keys(text: str) -> tuple[str, ...]:
    return tuple(key for key in map(word_key, text.split()) if key)


def whole_sentences(text: str) -> list[str]:
    """The sentences of a span that are whole: a capital (or quote) first, an end mark last, enough words.

    A span starts and ends where the copy does, often mid-sentence; those
    fragments are left out. "Mr." and "U.S." end no sentence.
    """
    found = []
    for sentence in split_sentences(text.strip()):
        sentence = sentence.strip()
        if len(sentence.split()) < LABEL_MIN_WORDS:
            continue
        opens = sentence[0].isupper() or sentence[0] in "\"'“‘(" or sentence[0].isdigit()
        if opens and sentence.rstrip("\"'”’)]")[-1:] in (".", "!", "?", "…"):
            found.append(sentence)
    return found


def split_sentences(text: str) -> list[str]:
    pieces = []
    start = 0
    for end in SENTENCE_END.finditer(text):
        word = text[text.rfind(" ", 0, end.start()) + 1:end.start()]
        if ABBREVIATION.fullmatch(word):
            continue
        pieces.append(text[start:end.start()])
        start = end.end()
    pieces.append(text[start:])
    return pieces


def matrix_order(result: ReuseResult, found: Sequence[Story]) -> tuple[str, ...]:
    """Document ids with each story's members together (largest story first); articles sharing nothing last."""
    placed: dict[str, None] = {}
    for story in found:
        for doc in story.members:
            placed.setdefault(doc, None)
    for document in documents_by_reuse(result):
        placed.setdefault(document.doc_id, None)
    return tuple(placed)


def story_of(found: Sequence[Story]) -> dict[str, str]:
    """Each document's first (largest) story."""
    first: dict[str, str] = {}
    for story in found:
        for doc in story.members:
            first.setdefault(doc, story.family)
    return first
