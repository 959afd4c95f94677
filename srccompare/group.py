"""Families of passages: connected components of overlapping spans.

Every passage puts one span in each of its two documents and joins them.
Spans of one document that overlap are the same text, so they are joined
too. A family is then a stretch of copy and every place it appears: the
Reuters paragraph carried by twelve outlets is one family of twelve spans,
not sixty-six pairs. Union-find over spans; deterministic output (families
ordered by size, then by their first span).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from srccompare.model import Family, Passage, Span


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving and union by size."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.size = [1] * size

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, one: int, other: int) -> None:
        one, other = self.find(one), self.find(other)
        if one == other:
            return
        if self.size[one] < self.size[other]:
            one, other = other, one
        self.parent[other] = one
        self.size[one] += self.size[other]


def passage_spans(passages: Sequence[Passage]) -> list[Span]:
    """Spans 2i (left side) and 2i+1 (right side) of passage i."""
    spans = []
    for passage in passages:
        spans.append(Span(passage.left_id, passage.left_start, passage.left_end))
        spans.append(Span(passage.right_id, passage.right_start, passage.right_end))
    return spans


def group_passages(passages: Sequence[Passage], *, min_overlap: float = 0.5) -> tuple[Family, ...]:
    """Families of passages joined through shared or overlapping spans.

    Two spans of one document are joined when their overlap covers at least
    ``min_overlap`` of the shorter one (a bare touch does not join two
    different paragraphs of copy).
    """
    spans = passage_spans(passages)
    sets = UnionFind(len(spans))
    for index in range(len(passages)):
        sets.union(2 * index, 2 * index + 1)
    for first, second in overlapping_spans(spans, min_overlap):
        sets.union(first, second)
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(spans)):
        members[sets.find(index)].append(index)
    families = [_family(spans, indexes) for indexes in members.values()]
    families.sort(key=lambda fam: (-len(fam.spans), -_span_chars(fam), _first(fam)))
    return tuple(Family(id=f"F{number + 1}", spans=fam.spans, passages=fam.passages) for number, fam in enumerate(families))


def overlapping_spans(spans: Sequence[Span], min_overlap: float) -> list[tuple[int, int]]:
    """Index pairs of spans in one document overlapping by at least ``min_overlap`` of the shorter."""
    by_doc: dict[str, list[int]] = defaultdict(list)
    for index, span in enumerate(spans):
        by_doc[span.doc_id].append(index)
    pairs = []
    for indexes in by_doc.values():
        indexes.sort(key=lambda i: (spans[i].start, spans[i].end))
        active: list[int] = []
        for index in indexes:
            span = spans[index]
            active = [other for other in active if spans[other].end > span.start]
            for other in active:
                overlap = min(spans[other].end, span.end) - span.start
                shorter = min(spans[other].end - spans[other].start, span.end - span.start)
                if shorter > 0 and overlap >= min_overlap * shorter:
                    pairs.append((other, index))
            active.append(index)
    return pairs


def _family(spans: Sequence[Span], indexes: list[int]) -> Family:
    """Merge a component's spans per document into maximal stretches."""
    merged: list[Span] = []
    for span in sorted((spans[i] for i in indexes), key=lambda s: (s.doc_id, s.start, s.end)):
        last = merged[-1] if merged else None
        if last is not None and last.doc_id == span.doc_id and span.start <= last.end:
            merged[-1] = Span(last.doc_id, last.start, max(last.end, span.end))
        else:
            merged.append(span)
    passages = tuple(sorted({i // 2 for i in indexes}))
    return Family(id="", spans=tuple(merged), passages=passages)


def _span_chars(family: Family) -> int:
    return sum(span.end - span.start for span in family.spans)


def _first(family: Family) -> tuple[str, int]:
    return (family.spans[0].doc_id, family.spans[0].start)
