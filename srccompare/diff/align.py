"""Two cleaned articles -> aligned rows with word-level operations.

Paragraphs are paired by what they say, wherever they stand:

1. tokenize both articles on the normal form (``normal.py``), names folded;
2. pair paragraphs whose normal forms are equal and unique on both sides;
3. pair the rest by a similarity score with an optimal assignment, keeping
   pairs that reach ``pair_threshold``;
4. grow pairs into groups where a paragraph was split in two or two merged;
5. keep the heaviest in-order chain of pairs "in place"; the others moved;
6. diff the words of every pair and lay the rows out in reading order.

Pure functions: no I/O, no UI.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from srccompare.reuse.arrays import component_labels, distinct
from srccompare.model import CleanArticle, DiffResult, Row, WordOp
from srccompare.diff.normal import Scan, Token, names_in, scan, tokens_of
from srccompare.settings import DiffSettings
from srccompare.diff.word_diff import word_ops


@dataclass(frozen=True)
class Side:
    """One article prepared for pairing: its paragraphs' tokens and spans."""

    article: CleanArticle
    body: str
    tokens: tuple[tuple[Token, ...], ...]
    spans: tuple[tuple[int, int], ...]

    def keys(self, index: int) -> tuple[str, ...]:
        return tuple(token.key for token in self.tokens[index])


@dataclass(frozen=True)
class Group:
    """Paired paragraphs: consecutive indexes on each side."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    weight: float  # the weighted words both sides share: what the in-order chain maximises
    similarity: float


def diff_articles(left: CleanArticle, right: CleanArticle, settings: DiffSettings) -> DiffResult:
    """Align ``left`` and ``right`` paragraph by paragraph, then word by word."""
    left_side, right_side = prepare(left, right, settings)
    pairs = pair_exact(left_side, right_side)
    scores = Scores(left_side, right_side)
    pairs.update(pair_similar(scores, pairs, settings.pair_threshold))
    groups = grow_groups(scores, pairs, settings.split_containment)
    in_place = heaviest_chain(groups)
    rows = lay_out(left_side, right_side, groups, in_place, settings.word_diff_timeout)
    return summarise(left_side, right_side, rows)


def prepare(left: CleanArticle, right: CleanArticle, settings: DiffSettings) -> tuple[Side, Side]:
    """Tokenize both articles; names are what either capitalises mid-sentence and neither lowers."""
    left_scans = [scan(text) for text in left.paragraphs]
    right_scans = [scan(text) for text in right.paragraphs]
    names = names_in(left_scans + right_scans)
    memo: dict[str, str] = {}
    return _side(left, left_scans, names, memo, settings), _side(right, right_scans, names, memo, settings)


def _side(
    article: CleanArticle, scans: list[Scan], names: frozenset[str], memo: dict[str, str], settings: DiffSettings
) -> Side:
    spans = article.paragraph_spans
    tokens = tuple(
        tuple(tokens_of(text, start, names, settings.name_min_skeleton, memo))
        for text, (start, _) in zip(scans, spans)
    )
    return Side(article, article.body, tokens, spans)


def pair_exact(left: Side, right: Side) -> dict[int, int]:
    """Paragraphs with the same normal form, found once on each side: left index -> right index."""
    left_seen = _index_by_keys(left)
    right_seen = _index_by_keys(right)
    pairs = {}
    for keys, left_indexes in left_seen.items():
        right_indexes = right_seen.get(keys, [])
        if len(left_indexes) == 1 and len(right_indexes) == 1 and keys:
            pairs[left_indexes[0]] = right_indexes[0]
    return pairs


def _index_by_keys(side: Side) -> dict[tuple[str, ...], list[int]]:
    seen: dict[tuple[str, ...], list[int]] = {}
    for index in range(len(side.tokens)):
        seen.setdefault(side.keys(index), []).append(index)
    return seen


class Scores:
    """Paragraph similarity: sqrt(containment x Dice) over word sets, words
    weighted by rarity across both articles' paragraphs (inverse document
    frequency), so shared names and facts count more than "the" and "said".

    Containment alone calls a trimmed paragraph identical to its original;
    Dice alone undervalues a short paragraph kept whole inside a longer one;
    their geometric mean ranks the original first and still pairs the trim.
    """

    def __init__(self, left: Side, right: Side) -> None:
        vocabulary: dict[str, int] = {}
        left_words = _Incidence.of(left, vocabulary)
        right_words = _Incidence.of(right, vocabulary)
        frequency = left_words.frequency(len(vocabulary)) + right_words.frequency(len(vocabulary))
        paragraphs = len(left.tokens) + len(right.tokens)
        self.weights = np.log((paragraphs + 1) / (frequency + 1)) + 1.0
        self.left_sets, self.right_sets = left_words.sets(), right_words.sets()
        self.left_words, self.right_words = left_words, right_words
        self.left_mass = left_words.mass(self.weights)
        self.right_mass = right_words.mass(self.weights)

    def matrix(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The score of each paragraph of ``left`` (indexes) against each of ``right``.

        Only the paragraphs still unpaired: the matrix is (left x right) floats, and
        two long documents that share most paragraphs leave few of those.
        """
        score = _shared_mass(self.left_words.subset(left), self.right_words.subset(right), self.weights)
        left_mass, right_mass = self.left_mass[left], self.right_mass[right]
        # sqrt(shared / smaller x 2 shared / total) = shared x sqrt(2 / (smaller x total)), computed
        # in place: three (left x right) matrices at most, not seven.
        denominator = np.minimum.outer(left_mass, right_mass).astype(np.float64, copy=False)
        denominator *= np.add.outer(left_mass, right_mass)
        np.sqrt(denominator, out=denominator)
        score *= math.sqrt(2)
        empty = denominator <= 0
        np.divide(score, denominator, out=score, where=~empty)
        score[empty] = 0.0
        return score

    def mass(self, ids: set[int]) -> float:
        return float(self.weights[list(ids)].sum())

    def ids(self, side: str, indexes: Sequence[int]) -> set[int]:
        sets = self.left_sets if side == "left" else self.right_sets
        return set().union(*(sets[i] for i in indexes)) if indexes else set()


@dataclass(frozen=True)
class _Incidence:
    """Which word (by vocabulary id) occurs in which paragraph: parallel arrays, one entry a pair."""

    paragraphs: int
    rows: np.ndarray  # paragraph index, sorted
    words: np.ndarray  # vocabulary id

    @classmethod
    def of(cls, side: Side, vocabulary: dict[str, int]) -> _Incidence:
        keys = [token.key for tokens in side.tokens for token in tokens]
        new = [key for key in dict.fromkeys(keys) if key not in vocabulary]
        vocabulary.update(zip(new, range(len(vocabulary), len(vocabulary) + len(new))))
        ids = np.fromiter(map(vocabulary.__getitem__, keys), dtype=np.int64, count=len(keys))
        rows = np.repeat(np.arange(len(side.tokens)), [len(tokens) for tokens in side.tokens])
        size = max(len(vocabulary), 1)
        pairs = distinct(rows * size + ids)
        return cls(len(side.tokens), pairs // size, pairs % size)

    def subset(self, indexes: np.ndarray) -> _Incidence:
        """The incidence of the paragraphs at ``indexes`` (sorted), renumbered 0, 1, 2..."""
        number = np.full(self.paragraphs, -1)
        number[indexes] = np.arange(len(indexes))
        keep = number[self.rows] >= 0
        return _Incidence(len(indexes), number[self.rows[keep]], self.words[keep])

    def frequency(self, size: int) -> np.ndarray:
        return np.bincount(self.words, minlength=size).astype(float)

    def mass(self, weights: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=weights[self.words], minlength=self.paragraphs)

    def sets(self) -> list[set[int]]:
        bounds = np.searchsorted(self.rows, np.arange(self.paragraphs + 1))
        words = self.words.tolist()
        return [set(words[bounds[i] : bounds[i + 1]]) for i in range(self.paragraphs)]

    def block(self, start: int, stop: int, column: np.ndarray, width: int) -> np.ndarray:
        """Dense 0/1 matrix of paragraphs [start, stop) over the words ``column`` maps (-1: left out)."""
        low, high = np.searchsorted(self.rows, [start, stop])
        rows, columns = self.rows[low:high] - start, column[self.words[low:high]]
        keep = columns >= 0
        matrix = np.zeros((stop - start, width), dtype=np.float32)
        matrix[rows[keep], columns[keep]] = 1.0
        return matrix


DENSE_LIMIT = 20_000_000  # left x right x shared words up to which a dense product beats importing scipy.sparse


def _shared_mass(left: _Incidence, right: _Incidence, weights: np.ndarray) -> np.ndarray:
    """The weight of the words each left paragraph shares with each right one.

    A product of paragraph-by-word incidence matrices over the words both
    articles use: dense for article-sized inputs, scipy.sparse (imported
    only then) for long documents, where the dense product would be mostly zeros.
    """
    both = np.intersect1d(left.words, right.words)
    if not len(both):
        return np.zeros((left.paragraphs, right.paragraphs))
    column = np.full(len(weights), -1)
    column[both] = np.arange(len(both))
    key_weights = weights[both]
    if left.paragraphs * right.paragraphs * len(both) <= DENSE_LIMIT:
        left_matrix = left.block(0, left.paragraphs, column, len(both)) * key_weights.astype(np.float32)
        # einsum's own loop, not BLAS: for products this small, BLAS threads cost more than the work
        right_matrix = right.block(0, right.paragraphs, column, len(both))
        return np.einsum("ik,jk->ij", left_matrix, right_matrix, optimize=False).astype(float)
    from scipy import sparse

    matrices = []
    for side, scale in ((left, key_weights), (right, np.ones(len(both)))):
        columns = column[side.words]
        keep = columns >= 0
        matrices.append(
            sparse.csr_matrix(
                (scale[columns[keep]], (side.rows[keep], columns[keep])), shape=(side.paragraphs, len(both))
            )
        )
    return np.asarray((matrices[0] @ matrices[1].T).todense())


def pair_similar(scores: Scores, taken: dict[int, int], threshold: float) -> dict[int, int]:
    """Optimal one-to-one pairing of the paragraphs left over, among pairs reaching ``threshold``.

    Pairs under the threshold count for nothing (so they cannot pull a good
    pair apart). The candidate pairs fall into small independent clusters;
    a cluster with one paragraph on either side takes its best pair, and
    only clusters with a real choice go to scipy's ``linear_sum_assignment``
    (imported then, as importing scipy.optimize costs more than most diffs).
    """
    left_free = np.setdiff1d(np.arange(len(scores.left_sets)), np.fromiter(taken, dtype=np.int64))
    right_free = np.setdiff1d(np.arange(len(scores.right_sets)), np.fromiter(taken.values(), dtype=np.int64))
    matrix = scores.matrix(left_free, right_free)
    matrix[matrix < threshold] = 0.0
    pairs: dict[int, int] = {}
    for rows, columns in _clusters(matrix):
        sub = matrix[np.ix_(rows, columns)]
        if len(rows) == 1 or len(columns) == 1:
            best = np.unravel_index(int(np.argmax(sub)), sub.shape)
            chosen = [(int(best[0]), int(best[1]))]
        else:
            from scipy.optimize import linear_sum_assignment

            chosen = list(zip(*linear_sum_assignment(sub, maximize=True)))
        pairs.update({int(left_free[rows[r]]): int(right_free[columns[c]]) for r, c in chosen if sub[r, c] > 0})
    return pairs


def _clusters(matrix: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Connected components of the bipartite graph of non-zero entries: (rows, columns), each
    ascending, the components in order of their first row."""
    rows_at, columns_at = np.nonzero(matrix)
    offset = matrix.shape[0]
    labels = component_labels(offset + matrix.shape[1], rows_at, columns_at + offset)
    clusters: dict[int, tuple[list[int], list[int]]] = {}
    for row in distinct(rows_at).tolist():
        clusters.setdefault(int(labels[row]), ([], []))[0].append(row)
    for column in distinct(columns_at).tolist():
        clusters.setdefault(int(labels[column + offset]), ([], []))[1].append(column)
    return list(clusters.values())


def grow_groups(scores: Scores, pairs: dict[int, int], containment: float) -> list[Group]:
    """Pairs as groups, each grown by unpaired neighbours mostly contained in its partner."""
    groups = [[[left], [right]] for left, right in sorted(pairs.items())]
    free = {
        "left": set(range(len(scores.left_sets))) - set(pairs),
        "right": set(range(len(scores.right_sets))) - set(pairs.values()),
    }
    grown = True
    while grown:
        grown = False
        for group in groups:
            for side, own, other in (("left", 0, 1), ("right", 1, 0)):
                for candidate in (group[own][0] - 1, group[own][-1] + 1):
                    if candidate in free[side] and _joins(scores, side, group, candidate, containment):
                        group[own] = sorted(group[own] + [candidate])
                        free[side].discard(candidate)
                        grown = True
    return [_group(scores, left, right) for left, right in groups]


def _joins(scores: Scores, side: str, group: list[list[int]], candidate: int, containment: float) -> bool:
    """Does ``candidate`` belong with ``group``: contained in the other side, and adding to the overlap?"""
    other_side = "right" if side == "left" else "left"
    own_indexes, other_indexes = (group[0], group[1]) if side == "left" else (group[1], group[0])
    candidate_ids = scores.ids(side, [candidate])
    other_ids = scores.ids(other_side, other_indexes)
    candidate_mass = scores.mass(candidate_ids)
    if candidate_mass == 0 or scores.mass(candidate_ids & other_ids) / candidate_mass < containment:
        return False
    own_ids = scores.ids(side, own_indexes)
    before = _dice(scores, own_ids, other_ids)
    return _dice(scores, own_ids | candidate_ids, other_ids) > before


def _dice(scores: Scores, first: set[int], second: set[int]) -> float:
    total = scores.mass(first) + scores.mass(second)
    return 2 * scores.mass(first & second) / total if total else 0.0


def _group(scores: Scores, left: list[int], right: list[int]) -> Group:
    left_ids, right_ids = scores.ids("left", left), scores.ids("right", right)
    shared = scores.mass(left_ids & right_ids)
    left_mass, right_mass = scores.mass(left_ids), scores.mass(right_ids)
    smaller, total = min(left_mass, right_mass), left_mass + right_mass
    similarity = math.sqrt((shared / smaller) * (2 * shared / total)) if smaller else 0.0
    return Group(tuple(left), tuple(right), shared, min(similarity, 1.0))


def heaviest_chain(groups: Sequence[Group]) -> set[int]:
    """Indexes of the groups forming the heaviest chain in order on both sides.

    Groups come sorted by left position; the chain is a heaviest strictly
    increasing subsequence of their right positions (a Fenwick tree of
    prefix maxima, O(n log n)).
    """
    order = sorted(range(len(groups)), key=lambda g: groups[g].left[0])
    ranks = {r: i + 1 for i, r in enumerate(sorted({groups[g].right[0] for g in order}))}
    tree = [(0.0, -1)] * (len(ranks) + 1)
    best_ending: dict[int, tuple[float, int]] = {}
    for g in order:
        rank = ranks[groups[g].right[0]]
        weight, previous = _prefix_max(tree, rank - 1)
        best_ending[g] = (weight + groups[g].weight, previous)
        _update(tree, rank, (weight + groups[g].weight, g))
    chain: set[int] = set()
    current = _prefix_max(tree, len(ranks))[1]
    while current != -1:
        chain.add(current)
        current = best_ending[current][1]
    return chain


def _prefix_max(tree: list[tuple[float, int]], position: int) -> tuple[float, int]:
    best = (0.0, -1)
    while position > 0:
        best = max(best, tree[position], key=lambda item: item[0])
        position -= position & -position
    return best


def _update(tree: list[tuple[float, int]], position: int, value: tuple[float, int]) -> None:
    while position < len(tree):
        if value[0] > tree[position][0]:
            tree[position] = value
        position += position & -position


def lay_out(
    left: Side, right: Side, groups: Sequence[Group], in_place: set[int], timeout: float
) -> list[Row]:
    """Rows in reading order: each in-place pair with the unpaired and moved
    paragraphs of both sides that come before it (left ones first)."""
    owner_left = {i: g for g, group in enumerate(groups) for i in group.left}
    owner_right = {j: g for g, group in enumerate(groups) for j in group.right}
    anchors = sorted(in_place, key=lambda g: groups[g].left[0])
    rows: list[Row] = []
    moved_rows: dict[tuple[int, str], int] = {}
    ops: dict[int, tuple[WordOp, ...]] = {}  # a moved pair's two rows share one word diff

    def pair_row(g: int, kind: str, show: str) -> Row:
        if g not in ops:
            ops[g] = _group_ops(left, right, groups[g], timeout)
        return _pair_row(left, right, groups[g], kind, show, ops[g])

    cursor = [0, 0]
    for g in anchors + [None]:
        stop_left = groups[g].left[0] if g is not None else len(left.tokens)
        stop_right = groups[g].right[0] if g is not None else len(right.tokens)
        for side, stop, owner in (("left", stop_left, owner_left), ("right", stop_right, owner_right)):
            position = 0 if side == "left" else 1
            while cursor[position] < stop:
                index = cursor[position]
                partner = owner.get(index)
                group = groups[partner] if partner is not None else None
                if group is None:
                    rows.append(_one_sided(left if side == "left" else right, side, index))
                    cursor[position] += 1
                else:
                    moved_rows[(partner, side)] = len(rows)
                    rows.append(pair_row(partner, "moved", side))
                    cursor[position] += len(group.left if side == "left" else group.right)
        if g is not None:
            rows.append(pair_row(g, "pair", "both"))
            cursor = [groups[g].left[-1] + 1, groups[g].right[-1] + 1]
    return _link_partners(rows, moved_rows)


def _one_sided(side: Side, name: str, index: int) -> Row:
    start, end = side.spans[index]
    if name == "left":
        return Row("only_left", (index,), (), start, end, None, None, 0.0)
    return Row("only_right", (), (index,), None, None, start, end, 0.0)


def _group_ops(left: Side, right: Side, group: Group, timeout: float) -> tuple[WordOp, ...]:
    left_tokens = [t for i in group.left for t in left.tokens[i]]
    right_tokens = [t for i in group.right for t in right.tokens[i]]
    return word_ops(left_tokens, right_tokens, timeout, left.body, right.body)


def _pair_row(left: Side, right: Side, group: Group, kind: str, show: str, ops: tuple[WordOp, ...]) -> Row:
    same = all(op.kind in ("equal", "minor") for op in ops)
    similarity = 1.0 if same else round(group.similarity, 4)
    status = "moved" if kind == "moved" else ("same" if same else "changed")
    minor = any(op.kind == "minor" for op in ops)
    left_span = (left.spans[group.left[0]][0], left.spans[group.left[-1]][1])
    right_span = (right.spans[group.right[0]][0], right.spans[group.right[-1]][1])
    shown_left = show in ("both", "left")
    shown_right = show in ("both", "right")
    return Row(
        status,
        group.left if shown_left else (),
        group.right if shown_right else (),
        *(left_span if shown_left else (None, None)),
        *(right_span if shown_right else (None, None)),
        similarity=similarity,
        minor=minor,
        ops=ops,
    )


def _link_partners(rows: list[Row], moved_rows: dict[tuple[int, str], int]) -> list[Row]:
    linked = list(rows)
    for (group, side), index in moved_rows.items():
        other = moved_rows[(group, "right" if side == "left" else "left")]
        linked[index] = replace(rows[index], partner=other)
    return linked


def summarise(left: Side, right: Side, rows: Sequence[Row]) -> DiffResult:
    """The result: rows plus word counts and how many words each side shares."""
    left_starts = [t.start for tokens in left.tokens for t in tokens]
    right_starts = [t.start for tokens in right.tokens for t in tokens]
    left_shared = right_shared = 0
    for row in rows:
        shared_ops = [op for op in row.ops if op.kind in ("equal", "minor")]
        if row.left_paragraphs:
            left_shared += sum(_count_between(left_starts, op.left_start, op.left_end) for op in shared_ops)
        if row.right_paragraphs:
            right_shared += sum(_count_between(right_starts, op.right_start, op.right_end) for op in shared_ops)
    return DiffResult(
        left.article.id,
        right.article.id,
        tuple(rows),
        len(left_starts),
        len(right_starts),
        left_shared,
        right_shared,
    )


def swap_sides(result: DiffResult) -> DiffResult:
    """The same alignment seen from the other side: left and right exchanged, deletes
    and inserts exchanged; rows keep their order and partners."""
    flipped = {"only_left": "only_right", "only_right": "only_left", "delete": "insert", "insert": "delete"}
    rows = tuple(
        Row(
            flipped.get(row.status, row.status),  # type: ignore[arg-type]
            row.right_paragraphs,
            row.left_paragraphs,
            row.right_start,
            row.right_end,
            row.left_start,
            row.left_end,
            row.similarity,
            row.minor,
            row.partner,
            tuple(
                WordOp(flipped.get(op.kind, op.kind), op.right_start, op.right_end, op.left_start, op.left_end)  # type: ignore[arg-type]
                for op in row.ops
            ),
        )
        for row in result.rows
    )
    return DiffResult(
        result.right_id, result.left_id, rows, result.right_words, result.left_words, result.right_shared, result.left_shared
    )


def _count_between(starts: list[int], begin: int, end: int) -> int:
    return bisect_left(starts, end) - bisect_left(starts, begin)
