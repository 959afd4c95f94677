"""Families of passages: connected components of overlapping spans; digest pages.

Every passage puts one span in each of its two documents and joins them.
Spans of one document that are mostly the same text (their overlap covers
``min_overlap`` of the *longer* one) are joined too: a family is copies of
one text. A long span does not join the short ones inside it (a whole story
copied by one outlet does not join the quote another outlet shares with it),
so families do not chain through long documents, and a page carrying
several stories is in several families. A family is then a stretch of copy and every place it appears: the
Reuters paragraph carried by twelve outlets is one family of twelve spans,
not sixty-six pairs. Connected components over spans; deterministic output
(families ordered by size, then by their first span).

Components come from arrays.component_labels over the passage and
overlap edges, the overlaps from one sort of all spans, the merged spans from
another and a running maximum: at 40k articles (~100k passages) this step
took 4.5 s in Python union-find and loops, 1.2 s with Python merging per
family, ~0.3 s on arrays from the align step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

import numpy as np

from srccompare.model import Family, Passage, Span
from srccompare.reuse.arrays import component_labels


def passage_sides(passages: Sequence[Passage]) -> list[tuple[str, int, int]]:
    """(doc_id, start, end) of side 2i (left) and 2i+1 (right) of passage i.

    Tuples rather than Spans: a frozen dataclass costs several times more to
    make, and only the merged spans of a family become Spans.
    """
    return [side for p in passages for side in ((p.left_id, p.left_start, p.left_end), (p.right_id, p.right_start, p.right_end))]


def group_passages(passages: Sequence[Passage], *, min_overlap: float = 0.5) -> tuple[Family, ...]:
    """Families of passages joined through shared or overlapping spans.

    Two spans of one document are joined when their overlap covers at least
    ``min_overlap`` of the longer one (copies of one text; a span inside a much
    longer one is another text).
    """
    return families_of_sides(*_side_arrays(passage_sides(passages)), min_overlap=min_overlap)


def _side_arrays(sides: Sequence[tuple[str, int, int]]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """(doc_id, start, end) sides as the document ids in order, and each side's document number
    (into those ids), start and end."""
    names = sorted({side[0] for side in sides})
    number = {name: n for n, name in enumerate(names)}
    return (
        names,
        np.array([number[side[0]] for side in sides], dtype=np.int64),
        np.array([side[1] for side in sides], dtype=np.int64),
        np.array([side[2] for side in sides], dtype=np.int64),
    )


def families_of_sides(
    names: Sequence[str], doc: np.ndarray, start: np.ndarray, end: np.ndarray, *, min_overlap: float
) -> tuple[Family, ...]:
    """``group_passages`` of passages given as arrays of their sides (side 2i the left one of
    passage i, 2i+1 its right one): document number, start and end. Documents are numbered in
    the order of their ids, ``names``, so that comparing numbers compares ids."""
    if len(doc) == 0:
        return ()
    first, second = _overlapping(doc, start, end, min_overlap=min_overlap)
    component = _component_ranks(len(doc), first, second)
    family_of, stretch_doc, stretch_start, stretch_end = merged_stretches(component, doc, start, end)
    # Largest first (spans, then characters), then by the first span; ties in component order.
    count = int(component.max()) + 1
    span_counts = np.bincount(family_of, minlength=count)
    characters = np.bincount(family_of, weights=stretch_end - stretch_start, minlength=count)
    span_firsts = np.concatenate(([0], np.cumsum(span_counts)))
    # a family's size, its articles: its stretches come by document, so each new document starts a run
    new_doc = np.ones(len(stretch_doc), dtype=bool)
    new_doc[1:] = (family_of[1:] != family_of[:-1]) | (stretch_doc[1:] != stretch_doc[:-1])
    sizes = np.bincount(family_of[new_doc], minlength=count).tolist()
    order = np.lexsort((np.arange(count), stretch_start[span_firsts[:-1]], stretch_doc[span_firsts[:-1]], -characters, -span_counts))
    # a passage's two sides are in one component: its left side's says which
    passage_component = component[0::2]
    passages = np.argsort(passage_component, kind="stable").tolist()
    passage_firsts = np.concatenate(([0], np.cumsum(np.bincount(passage_component, minlength=count)))).tolist()
    spans = [Span(names[d], a, b) for d, a, b in zip(stretch_doc.tolist(), stretch_start.tolist(), stretch_end.tolist())]
    span_firsts = span_firsts.tolist()
    return tuple(
        Family(
            id=f"F{rank + 1}",
            spans=tuple(spans[span_firsts[f] : span_firsts[f + 1]]),
            passages=tuple(passages[passage_firsts[f] : passage_firsts[f + 1]]),
            size=sizes[f],
        )
        for rank, f in enumerate(order.tolist())
    )


def _component_ranks(count: int, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per span: its component's number, components numbered in order of their smallest span
    index (spans 2i and 2i+1, one passage, are joined, and so is every (first, second) edge)."""
    rows = np.concatenate((np.arange(0, count, 2), first))
    columns = np.concatenate((np.arange(1, count, 2), second))
    return component_labels(count, rows, columns)  # (numbered so already)


def merged_stretches(
    group: np.ndarray, doc: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each group's spans merged per document into maximal stretches (spans that overlap or touch
    become one): (group, document, start, end) of every stretch, ordered by group, then document,
    then start. Offsets are below 2**31."""
    if len(doc) == 0:
        return group, doc, start, end
    order = np.lexsort((end, start, doc, group))
    group, doc, start, end = group[order], doc[order], start[order], end[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (group[1:] != group[:-1]) | (doc[1:] != doc[:-1])
    # The reach of the rows before each one in its (group, document) run: a running maximum
    # of the ends, lifted by the run's number so that one run's never reaches into the next.
    lift = (np.cumsum(new_group) - 1) << 32
    reach = np.maximum.accumulate(lift + end)
    begins = new_group.copy()
    begins[1:] |= start[1:] > reach[:-1] - lift[1:]
    heads = np.flatnonzero(begins)
    return group[heads], doc[heads], start[heads], np.maximum.reduceat(end, heads)


def overlapping_spans(spans: Sequence[Span], min_overlap: float) -> list[tuple[int, int]]:
    """Index pairs of spans in one document overlapping by at least ``min_overlap`` of the longer."""
    if not spans:
        return []
    numbers: dict[str, int] = {}
    doc = np.fromiter((numbers.setdefault(span.doc_id, len(numbers)) for span in spans), dtype=np.int64, count=len(spans))
    start = np.array([span.start for span in spans], dtype=np.int64)
    end = np.array([span.end for span in spans], dtype=np.int64)
    first, second = _overlapping(doc, start, end, min_overlap=min_overlap)
    return list(zip(first.tolist(), second.tolist()))


def _overlapping(doc: np.ndarray, start: np.ndarray, end: np.ndarray, *, min_overlap: float) -> tuple[np.ndarray, np.ndarray]:
    """``overlapping_spans`` of spans given as document numbers, starts and ends: two index arrays,
    the earlier span (by start, then end) first."""
    count = len(doc)
    order = np.lexsort((end, start, doc))
    doc, start, end = doc[order], start[order], end[order]
    # Sorted by start, the spans a span overlaps from the left are the ones
    # after it (same document) that start before it ends: a contiguous run.
    base = np.int64(1) << 32  # offsets are below 2**31 (max_bytes)
    keys = doc * base + start
    reach = np.searchsorted(keys, doc * base + end, side="left")
    after = np.maximum(reach - np.arange(count) - 1, 0)
    earlier = np.repeat(np.arange(count), after)
    later = earlier + 1 + np.arange(len(earlier)) - np.repeat(np.cumsum(after) - after, after)
    overlap = np.minimum(end[earlier], end[later]) - start[later]
    longer = np.maximum(end[earlier] - start[earlier], end[later] - start[later])
    joined = (longer > 0) & (overlap > 0) & (overlap >= min_overlap * longer)
    return order[earlier[joined]], order[later[joined]]


def _family(spans: Mapping[int, Span], indexes: list[int]) -> Family:
    """Merge a component's spans (by span index, as the Spark engine has them) per document into maximal stretches."""
    names, *sides = _side_arrays([(spans[i].doc_id, spans[i].start, spans[i].end) for i in indexes])
    _, doc, start, end = merged_stretches(np.zeros(len(indexes), np.int64), *sides)
    merged = tuple(Span(names[d], a, b) for d, a, b in zip(doc.tolist(), start.tolist(), end.tolist()))
    return Family(id="", spans=merged, passages=tuple(sorted({i // 2 for i in indexes})))


def find_digests(
    passages: Sequence[Passage],
    bodies: Mapping[str, str],
    credited: Mapping[str, Collection[str]],
    min_stories: int,
    min_words: int,
) -> tuple[str, ...]:
    """Articles carrying at least ``min_stories`` unrelated stories: digest and aggregator pages.

    An article's shared text is cut where the articles sharing it change:
    neighbouring pieces shared with mostly the same articles (more than half
    of the smaller set) are one stretch. A stretch of at least ``min_words``
    words is a story when the articles sharing it are credited to at most one
    agency (text that several agencies' copy carries is a quotation or a
    statement, not a story), and a story of its own when it is not shared
    with mostly the same articles as a story counted before. A story copied
    whole is one stretch; one passage shared with another digest across two
    of its items does not join them. The credits of the digests found are
    then set aside and the articles looked at again (an agency's digest
    carries other agencies' stories and would make them look like quotes)."""
    sides: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for passage in passages:
        sides[passage.left_id].append((passage.left_start, passage.left_end, passage.right_id))
        sides[passage.right_id].append((passage.right_start, passage.right_end, passage.left_id))
    long_stretches = {}
    for doc_id, spans in sides.items():
        if len(spans) >= min_stories and len({partner for *_, partner in spans}) >= min_stories:
            long = _long_stretches(_stretches(spans), bodies, doc_id, min_words, min_stories)
            if len(long) >= min_stories:  # (fewer: not a digest, whatever the credits)
                long_stretches[doc_id] = long
    found: set[str] = set()
    for _ in range(DIGEST_ROUNDS):  # a digest's credit says nothing about the stories it carries: drop it, look again
        credits = {doc: agencies for doc, agencies in credited.items() if doc not in found}
        again = {doc for doc, long in long_stretches.items() if _stories(long, credits, min_stories) >= min_stories}
        if again == found:
            break
        found = again
    return tuple(sorted(found))


DIGEST_ROUNDS = 3


def _long_stretches(
    stretches: list[tuple[int, int, set[str]]], bodies: Mapping[str, str], doc_id: str, min_words: int, fewest: int
) -> list[set[str]]:
    """The partners of an article's stretches of at least ``min_words`` words, most partners first;
    none when fewer than ``fewest`` are long enough in characters (their words go uncounted, and
    its body is not asked for: joining them all cost more than the rest of find_digests)."""
    shortest = 2 * min_words - 1  # characters: n words split by whitespace take at least 2n - 1
    wide = [(start, end, partners) for start, end, partners in stretches if end - start >= shortest]
    if len(wide) < fewest:
        return []
    body = bodies.get(doc_id, "")
    return [partners for start, end, partners in sorted(wide, key=lambda s: -len(s[2]))
            if len(body[start:end].split()) >= min_words]


def _stories(long_stretches: list[set[str]], credited: Mapping[str, Collection[str]], most: int) -> int:
    """How many of an article's long stretches (``_long_stretches``) are stories of their own (see
    find_digests), counted up to ``most``."""
    stories: list[set[str]] = []
    for partners in long_stretches:
        agencies = {agency for partner in partners for agency in credited.get(partner, ())}
        if len(agencies) > 1:
            continue
        if not any(_alike(partners, other) for other in stories):
            stories.append(partners)
            if len(stories) == most:
                break
    return len(stories)


def _alike(one: set[str], other: set[str]) -> bool:
    return len(one & other) * 2 > min(len(one), len(other))


def _stretches(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, set[str]]]:
    """(start, end, partners) of the stretches of an article's shared text (see find_digests): one sweep
    over the spans' ends, the partners covering each piece between two ends counted as it goes."""
    # Events sorted by place alone: all of a place's are taken before its piece, in any order.
    events = [(start, 1, partner) for start, _, partner in spans]
    events += [(end, -1, partner) for _, end, partner in spans]
    events.sort(key=_place)
    active: dict[str, int] = {}  # (a dict, not a Counter: this loop is most of find_digests' time)
    stretches: list[list] = []  # [start, end, partners]; the last one's partners grow as pieces join it
    last: list = [None, None, set()]
    next_event, count = 0, len(events)
    while next_event < count:
        low = events[next_event][0]
        while next_event < count and events[next_event][0] == low:  # every span starting or ending here
            _, step, partner = events[next_event]
            left = active.get(partner, 0) + step
            if left:
                active[partner] = left
            else:
                del active[partner]
            next_event += 1
        if next_event == count or not active:
            continue
        high, partners = events[next_event][0], set(active)
        joined = last[2]
        if last[1] == low and len(partners & joined) * 2 > min(len(partners), len(joined)):  # (_alike, inline)
            last[1] = high
            joined |= partners
        else:
            last = [low, high, partners]
            stretches.append(last)
    return [(start, end, partners) for start, end, partners in stretches]


def _place(event: tuple[int, int, str]) -> int:
    return event[0]


