"""The order and the caching of the align work: candidate pairs in an order that keeps each
document's pairs close together, cut into guided tasks, each pair saying when its documents are
next needed, so that a worker's cache keeps what is needed soonest.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

import srccompare.reuse.numba_cache  # noqa: F401 (before numba: a writable cache for its kernels)
import numba
import numpy as np

from srccompare.reuse.align.prepare import Prepared
from srccompare.engines.base import Engine
from srccompare.reuse.interpreted import kernel_to_call

NEVER = 1 << 62  # the next use of a document no later pair needs


def guided_chunks(count: int, smallest: int, parallelism: int, weights: np.ndarray | None = None) -> list[tuple[int, int]]:
    """[start, end) ranges covering ``count`` items: each a 1 / (2 * parallelism) share of the
    items still to hand out, down to ``smallest`` (guided self-scheduling). With ``weights`` (one
    positive integer an item), shares and ``smallest`` count weight rather than items; a range
    holds at least one item.

    Neighbouring align tasks share documents (pairs come in locality order),
    and a document shared by two tasks that run in different workers is
    prepared in both: on bench/reuse_speed.py's 10k corpus with 2 workers,
    7.9k preparations in tasks of 400 pairs, 7.5k in guided ones. The small
    tasks at the end keep the workers finishing together.
    """
    ends = np.cumsum(weights, dtype=np.int64) if weights is not None else np.arange(1, count + 1, dtype=np.int64)
    total = int(ends[-1]) if count else 0
    chunks, start, done = [], 0, 0
    while start < count:
        size = max(smallest, (total - done) // (2 * max(1, parallelism)))
        # the first item whose cumulative weight reaches done + size ends the range
        end = max(start + 1, min(count, int(np.searchsorted(ends, done + size, side="left")) + 1))
        chunks.append((start, end))
        start, done = end, int(ends[end - 1])
    return chunks


# A pair of documents of this many characters each weighs 1 in guided_chunks, a larger pair the
# product of its sizes over this one's (aligning costs up to that, see max_sentence_pairs): a
# task of two 48,000-word articles is then a few pairs, not hundreds, and the progress moves.
# News articles (a few thousand characters) all weigh 1, so their tasks are as without weights.
HEAVY_PAIR_CHARS = 20_000


def pair_weights(sizes: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Per pair (an (n, 2) array of document numbers): its weight for guided_chunks, from each
    document's size in characters."""
    if len(pairs) == 0:
        return np.zeros(0, np.int64)
    product = sizes[pairs[:, 0]].astype(np.float64) * sizes[pairs[:, 1]]
    return np.maximum(1, product // HEAVY_PAIR_CHARS**2).astype(np.int64)


def pairs_in_locality_order(pairs: Sequence[tuple[int, int]], documents: int, engine: Engine) -> np.ndarray:
    """Candidate pairs (an (n, 2) array) ordered so that a document's pairs come close together.

    A worker prepares (tokenises) each document a pair needs unless its cache
    still holds it, so the fewer other documents come between two uses of one,
    the fewer preparations. The documents are put in ``locality_order`` and a
    pair comes when the later of its two does, so that a group of articles
    sharing one wire story is aligned while all of them are at hand. On
    bench/reuse_speed.py's 40k corpus with 2 workers (25.3k documents in
    93.4k pairs, common_df off): 28.8k preparations, against 34.1k in reverse Cuthill-McKee
    order (a breadth-first order, whose fronts there hold thousands of documents).
    The order is computed by the engine (in a worker, where the compiled code is
    loaded already).
    """
    table = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    if len(table) < 2:  # nothing to order (a two-article diff): no scipy import, no engine call
        return table
    return table[engine.map(pair_locality_order, [(table[:, 0], table[:, 1], documents)])[0]]


def pair_locality_order(task: tuple[np.ndarray, np.ndarray, int]) -> np.ndarray:
    """An order of the pairs (left[k], right[k]): by the later of their documents in
    ``locality_order``, then by the earlier."""
    left, right, documents = task
    indptr, indices = neighbours(left, right, documents)
    degree = np.diff(indptr)
    starts = np.argsort(degree, kind="stable")
    order = kernel_to_call(locality_order)(indptr, indices, starts[degree[starts] > 0])
    rank = np.empty(documents, dtype=np.int64)
    rank[order] = np.arange(len(order))
    low, high = np.minimum(rank[left], rank[right]), np.maximum(rank[left], rank[right])
    return np.lexsort((low, high))


def neighbours(left: np.ndarray, right: np.ndarray, documents: int) -> tuple[np.ndarray, np.ndarray]:
    """The graph of the pairs in CSR form (indptr, indices): each document's distinct neighbours,
    ascending, as scipy.sparse gives them. Made with numpy: importing scipy.sparse cost the first
    find in a process ~0.15 s of CPU (browse's first open of a corpus among them)."""
    codes = np.unique(np.concatenate((left * documents + right, right * documents + left)).astype(np.int64))
    indptr = np.zeros(documents + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes // documents, minlength=documents), out=indptr[1:])
    return indptr, codes % documents


@numba.njit(cache=True)
def locality_order(indptr, indices, starts):
    """The documents of a graph (CSR) in the order a greedy walk takes them: next, the one with
    most neighbours already taken (ties: the one that gained its last most recently), from
    each of ``starts`` in turn that is not taken yet. A group of documents all linked to each
    other is finished before the walk leaves it (a Prim-like order by connection count).

    The candidates wait in one stack per count of taken neighbours (entries made stale by a
    later count are skipped when popped): a linear-time bucket queue.
    """
    documents = len(indptr) - 1
    taken = np.zeros(documents, np.bool_)
    count = np.zeros(documents, np.int64)
    most = 0
    for document in range(documents):
        most = max(most, indptr[document + 1] - indptr[document])
    head = np.full(most + 1, -1, np.int64)  # per count: the stack's top entry
    entry_document = np.empty(len(indices) + len(starts), np.int64)
    entry_below = np.empty(len(indices) + len(starts), np.int64)
    entries = 0
    order = np.empty(documents, np.int64)
    placed = 0
    for start in starts:
        if taken[start]:
            continue
        entry_document[entries], entry_below[entries], head[0] = start, head[0], entries
        entries += 1
        top = 0
        while top >= 0:
            entry = head[top]
            if entry < 0:
                top -= 1
                continue
            head[top] = entry_below[entry]
            document = entry_document[entry]
            if taken[document] or count[document] != top:
                continue
            taken[document] = True
            order[placed] = document
            placed += 1
            for k in range(indptr[document], indptr[document + 1]):
                neighbour = indices[k]
                if not taken[neighbour]:
                    count[neighbour] += 1
                    level = count[neighbour]
                    entry_document[entries], entry_below[entries], head[level] = neighbour, head[level], entries
                    entries += 1
                    top = max(top, level)
    return order[:placed]


def next_uses(pairs: Sequence[tuple[int, int]] | np.ndarray) -> np.ndarray:
    """Per pair and side (an (n, 2) array): the place in ``pairs`` of the next pair that needs the
    same document, or NEVER."""
    uses = np.asarray(pairs, dtype=np.int64).reshape(-1)
    order = np.argsort(uses, kind="stable")
    same = uses[order[1:]] == uses[order[:-1]]
    following = np.full(len(uses), NEVER, dtype=np.int64)
    following[order[:-1][same]] = order[1:][same] // 2
    return following.reshape(-1, 2)


# A prepared document of up to this many tokens counts as one in PreparedCache's capacity, a longer
# one as one a UNIT_TOKENS begun: at 4,000 (news articles, ~50 KB each) a worker keeps ~200 MB,
# and about as much when the documents are long (a 48,000-word one counts 48; 200 of them
# were all kept before, 1,169 MB a worker).
UNIT_TOKENS = 1000


def _size(prepared: Prepared) -> int:
    tokens = getattr(prepared, "tokens", None)  # (anything else counts one)
    return 1 if tokens is None else max(1, -(-len(tokens) // UNIT_TOKENS))


class PreparedCache:
    """Documents a worker keeps prepared between the align tasks of one run.

    The tasks say when each document is next needed, so the cache evicts the
    one needed furthest ahead (Belady's rule) and never keeps one that no
    later pair needs. On bench/reuse_speed.py's 40k corpus with 2 workers
    (25.3k documents aligned, 4,000 kept at most, common_df off): 34.1k preparations where
    keeping those used most recently made 37.6k, in the same pair order.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity  # in documents of up to UNIT_TOKENS tokens (a longer one counts as several)
        self.run = ""
        self._entries: dict[int, tuple[Prepared, int]] = {}  # document number -> (prepared, next use)
        self._furthest: list[tuple[int, int]] = []  # heap of (-next use, number); stale ones skipped
        self._used = 0

    def start(self, run: str, first: int) -> None:
        """Before a task whose first pair is at ``first``: forget another run's documents, and those
        whose next use was in a task another worker took."""
        if run != self.run:
            self.clear()
            self.run = run
        self._entries = {number: entry for number, entry in self._entries.items() if entry[1] >= first}
        self._furthest = [(-next_use, number) for number, (_, next_use) in self._entries.items()]
        heapq.heapify(self._furthest)
        self._used = sum(_size(prepared) for prepared, _ in self._entries.values())

    def get(self, number: int, next_use: int, make: Callable[[int], Prepared]) -> Prepared:
        """Document ``number`` prepared (by ``make`` unless kept), then kept for its ``next_use``."""
        entry = self._entries.get(number)
        prepared = make(number) if entry is None else entry[0]
        if next_use >= NEVER:
            if self._entries.pop(number, None) is not None:
                self._used -= _size(prepared)
            return prepared
        if entry is None:
            size = _size(prepared)
            if size > self.capacity:
                return prepared
            while self._used + size > self.capacity:
                if not self._entries or -self._furthest[0][0] < next_use:
                    return prepared  # needed later than anything kept: keeping it would drop a sooner one
                while True:  # the furthest kept one goes (stale heap entries skipped)
                    negative_use, kept = heapq.heappop(self._furthest)
                    if kept in self._entries and self._entries[kept][1] == -negative_use:
                        self._used -= _size(self._entries.pop(kept)[0])
                        break
            self._used += size
        self._entries[number] = (prepared, next_use)
        heapq.heappush(self._furthest, (-next_use, number))
        return prepared

    def clear(self) -> None:
        self._entries.clear()
        self._furthest.clear()
        self._used = 0

    def __len__(self) -> int:
        return len(self._entries)
