"""Small numpy helpers the stages share: distinct values, sums by value, runs of a sorted array.

numpy only (no numba), so that what imports them (diff, candidates) starts fast.
"""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a document-sized array (what ``np.unique`` gives).

    numpy 2's ``np.unique`` (without return_* arguments) goes through a hash
    table: on a 600-word document's hashes it takes ~60 us where sorting and
    dropping repeats takes ~15 us, and on the millions of postings of a 40k
    corpus 25 to 40 times longer (1.2 s against 0.05 s for a million keys);
    that cost, growing faster than the corpus, was what made 40k articles take
    over 5 times as long as 10k.
    """
    ordered = np.sort(values)
    return ordered[first_of_runs(ordered)]


def sums_by_value(values: np.ndarray, amounts: np.ndarray, kind: str = "stable") -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct ``values`` and, for each, the sum of the ``amounts`` beside it.
    ``kind`` is the argsort's: the default (timsort) is fastest when ``values`` is a few sorted runs."""
    order = np.argsort(values, kind=kind)
    ordered = values[order]
    starts = np.flatnonzero(first_of_runs(ordered))
    return ordered[starts], np.add.reduceat(amounts[order], starts)


def first_of_runs(ordered: np.ndarray) -> np.ndarray:
    """Whether each value of a sorted array differs from the one before it."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def component_labels(count: int, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Per node 0..count-1 of the undirected graph with edges (rows[k], columns[k]): its
    component's number, 0..components-1, numbered in order of their smallest node.

    On arrays, without scipy: importing scipy.sparse.csgraph (it pulls in scipy.linalg) cost
    0.25-0.5 s of serial time in find_reuse, more than joining 10k articles' 50k edges takes
    here. Each node points to a smaller one or to itself (a root, the smallest node of its
    tree); each round every edge hooks the larger of its two roots under the smaller, then the
    pointers are followed to the roots, until no edge joins two trees."""
    parent = np.arange(count, dtype=np.int64)
    rows, columns = np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)
    while len(rows):
        one, other = parent[rows], parent[columns]
        crossing = one != other
        if not crossing.any():
            break
        one, other = one[crossing], other[crossing]
        rows, columns = rows[crossing], columns[crossing]  # (an edge inside one tree stays inside)
        np.minimum.at(parent, np.maximum(one, other), np.minimum(one, other))
        while True:  # every node straight to its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return np.unique(parent, return_inverse=True)[1].reshape(-1)
