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


# Up to this many edges a Python union-find is quicker than importing scipy.sparse.csgraph
# (about 0.2 s, as it pulls in scipy.linalg): what a two-article diff's shared-word count needs.
PYTHON_COMPONENTS_LIMIT = 5_000


def component_labels(count: int, rows: np.ndarray, columns: np.ndarray, python_up_to: int | None = None) -> np.ndarray:
    """Per node 0..count-1 of the undirected graph with edges (rows[k], columns[k]): its
    component's number, 0..components-1 (which component gets which number means nothing).
    Up to ``python_up_to`` edges (default PYTHON_COMPONENTS_LIMIT) they are joined in Python."""
    if len(rows) > (PYTHON_COMPONENTS_LIMIT if python_up_to is None else python_up_to):
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        graph = coo_matrix((np.ones(len(rows), dtype=np.int32), (rows, columns)), shape=(count, count)).tocsr()
        return connected_components(graph, directed=False)[1]
    parent = list(range(count))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in zip(rows.tolist(), columns.tolist()):
        parent[root(left)] = root(right)
    roots = np.fromiter((root(node) for node in range(count)), dtype=np.int64, count=count)
    return np.unique(roots, return_inverse=True)[1].reshape(-1)
