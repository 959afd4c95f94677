"""Families of passages: connected components of overlapping spans.

Every passage puts one span in each of its two documents and joins them.
Spans of one document that overlap are the same text, so they are joined
too. A family is then a stretch of copy and every place it appears: the
Reuters paragraph carried by twelve outlets is one family of twelve spans,
not sixty-six pairs. Connected components over spans; deterministic output
(families ordered by size, then by their first span).

Components come from scipy's connected_components over the passage and
overlap edges, the overlaps from one sort of all spans: at 40k articles
(~100k passages) this step took 4.5 s in Python union-find and loops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from srccompare.model import Family, Passage, Span


def passage_sides(passages: Sequence[Passage]) -> list[tuple[str, int, int]]:
    """(doc_id, start, end) of side 2i (left) and 2i+1 (right) of passage i.

    Tuples rather than Spans: a frozen dataclass costs several times more to
    make, and only the merged spans of a family become Spans.
    """
    return [side for p in passages for side in ((p.left_id, p.left_start, p.left_end), (p.right_id, p.right_start, p.right_end))]


def group_passages(passages: Sequence[Passage], *, min_overlap: float = 0.5) -> tuple[Family, ...]:
    """Families of passages joined through shared or overlapping spans.

    Two spans of one document are joined when their overlap covers at least
    ``min_overlap`` of the shorter one (a bare touch does not join two
    different paragraphs of copy).
    """
    sides = passage_sides(passages)
    columns = ([side[0] for side in sides], [side[1] for side in sides], [side[2] for side in sides])
    first, second = _overlapping(*columns, min_overlap=min_overlap) if sides else (_NONE, _NONE)
    families = [_merged(sides, indexes) for indexes in _components(len(sides), first, second)]
    # Largest first (spans, then characters), then by the first span.
    families.sort(key=lambda family: (-len(family[0]), -sum(end - start for _, start, end in family[0]), family[0][0][:2]))
    return tuple(
        Family(id=f"F{number + 1}", spans=tuple(Span(*span) for span in spans), passages=passages)
        for number, (spans, passages) in enumerate(families)
    )


def _components(count: int, first: np.ndarray, second: np.ndarray) -> list[list[int]]:
    """Connected span indexes: spans 2i and 2i+1 (one passage) and every (first, second) edge.

    Components in order of their smallest index, each ascending.
    """
    if count == 0:
        return []
    rows = np.concatenate((np.arange(0, count, 2), first))
    columns = np.concatenate((np.arange(1, count, 2), second))
    graph = coo_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(count, count)).tocsr()
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")  # by component, ascending indexes within each
    groups = np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)
    groups.sort(key=lambda group: int(group[0]))
    return [group.tolist() for group in groups]


def overlapping_spans(spans: Sequence[Span], min_overlap: float) -> list[tuple[int, int]]:
    """Index pairs of spans in one document overlapping by at least ``min_overlap`` of the shorter."""
    if not spans:
        return []
    first, second = _overlapping(
        [span.doc_id for span in spans], [span.start for span in spans], [span.end for span in spans], min_overlap=min_overlap
    )
    return list(zip(first.tolist(), second.tolist()))


_NONE = np.zeros(0, dtype=np.int64)


def _overlapping(
    doc_ids: Sequence[str], starts: Sequence[int], ends: Sequence[int], *, min_overlap: float
) -> tuple[np.ndarray, np.ndarray]:
    """``overlapping_spans`` as two index arrays, the earlier span (by start, then end) first."""
    count = len(doc_ids)
    numbers: dict[str, int] = {}
    doc = np.fromiter((numbers.setdefault(doc_id, len(numbers)) for doc_id in doc_ids), dtype=np.int64, count=count)
    start = np.array(starts, dtype=np.int64)
    end = np.array(ends, dtype=np.int64)
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
    shorter = np.minimum(end[earlier] - start[earlier], end[later] - start[later])
    joined = (shorter > 0) & (overlap >= min_overlap * shorter)
    return order[earlier[joined]], order[later[joined]]


def _family(spans: Mapping[int, Span], indexes: list[int]) -> Family:
    """Merge a component's spans (by span index, as the Spark engine has them) per document into maximal stretches."""
    merged, passages = _merged({i: (spans[i].doc_id, spans[i].start, spans[i].end) for i in indexes}, indexes)
    return Family(id="", spans=tuple(Span(*span) for span in merged), passages=passages)


def _merged(
    sides: Sequence[tuple[str, int, int]] | Mapping[int, tuple[str, int, int]], indexes: list[int]
) -> tuple[list[list], tuple[int, ...]]:
    """A component's spans merged per document into maximal stretches ([doc_id, start, end], in
    order), and its passages."""
    merged: list[list] = []
    for doc_id, start, end in sorted(sides[i] for i in indexes):
        last = merged[-1] if merged else None
        if last is not None and last[0] == doc_id and start <= last[2]:
            last[2] = max(last[2], end)
        else:
            merged.append([doc_id, start, end])
    return merged, tuple(sorted({i // 2 for i in indexes}))
