"""Stories for the reports: each passage family with its members and a readable label.

A family is a stretch of copy and every article carrying it; a reader knows it
by its words. The label is the sentence the most members carry word for word
(copy desks edit around the facts, rarely inside every sentence); when no
sentence is carried whole by two members, the opening words of its longest
span. The matrix's order puts each story's members side by side. Pure
functions over model objects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from srccompare.model import Family, ReuseResult
from srccompare.report.names import shortened
from srccompare.report.reuse_views import documents_by_reuse

LABEL_CHARS = 110
# A sentence of fewer words ("He said.") names no story.
LABEL_MIN_WORDS = 6
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
OPENING_WORDS = 16
CLOSING = re.compile(r"[.!?…]?[\"'”’)\]]{0,2}")


@dataclass(frozen=True)
class Story:
    """A passage family as the reports show it."""

    family: str  # the family's id (F1, F2... largest first)
    members: tuple[str, ...]  # document ids, the most reused first
    label: str
    carried: int  # members carrying the label sentence word for word (0: the label is the longest span's opening)
    kinds: tuple[str, ...]  # passage kinds inside it (reporting, mixed, quote)


def stories(result: ReuseResult, bodies: Mapping[str, str]) -> tuple[Story, ...]:
    """Every family of ``result`` as a Story, in the families' order (largest first)."""
    rank = {document.doc_id: number for number, document in enumerate(documents_by_reuse(result))}
    found = []
    for family in result.families:
        members = sorted({span.doc_id for span in family.spans}, key=lambda doc: (rank.get(doc, len(rank)), doc))
        label, carried = story_label(family, bodies)
        kinds = tuple(sorted({result.passages[i].kind for i in family.passages}))
        found.append(Story(family.id, tuple(members), label, carried, kinds))
    return tuple(found)


def story_label(family: Family, bodies: Mapping[str, str]) -> tuple[str, int]:
    """The sentence the most members carry whole, with their count; else the longest span's opening words."""
    carriers: dict[str, set[str]] = defaultdict(set)
    first_form: dict[str, str] = {}
    for span in family.spans:
        body = bodies.get(span.doc_id, "")
        # a span ends at its last word: the full stop (and closing quote) after it end the sentence
        closing = CLOSING.match(body, span.end)
        for sentence in whole_sentences(body[span.start:closing.end() if closing else span.end]):
            key = " ".join(sentence.casefold().split())
            carriers[key].add(span.doc_id)
            first_form.setdefault(key, " ".join(sentence.split()))
    if carriers:
        # most carriers, then the longer sentence (it says more), then the first seen
        key = max(carriers, key=lambda k: (len(carriers[k]), min(len(k), 200)))
        if len(carriers[key]) >= 2:
            return shortened(first_form[key], LABEL_CHARS), len(carriers[key])
    longest = max(family.spans, key=lambda span: span.end - span.start)
    words = bodies.get(longest.doc_id, "")[longest.start:longest.end].split()
    opening = " ".join(words[:OPENING_WORDS]) + (" …" if len(words) > OPENING_WORDS else "")
    return shortened(opening, LABEL_CHARS), 0


def whole_sentences(text: str) -> list[str]:
    """The sentences of a span that are whole: a capital (or quote) first, an end mark last, enough words.

    A span starts and ends where the copy does, often mid-sentence; those
    fragments are left out.
    """
    found = []
    for sentence in SENTENCE_END.split(text.strip()):
        sentence = sentence.strip()
        if len(sentence.split()) < LABEL_MIN_WORDS:
            continue
        opens = sentence[0].isupper() or sentence[0] in "\"'“‘(" or sentence[0].isdigit()
        if opens and sentence.rstrip("\"'”’)]")[-1:] in (".", "!", "?", "…"):
            found.append(sentence)
    return found


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
