"""Align one candidate pair: seed, extend with gaps, and check what was found.

Steps, for two tokenised documents:

1. exact seeds: every word n-gram the two share (n-grams repeated too often in
   either document are ignored: they are stock phrases, not copy);
2. fuzzy seeds: sentence pairs whose idf-weighted cosine similarity is high,
   which catch copy edited word by word (substitutions, transliterated names,
   reordered clauses) where few n-grams survive;
3. extension: seeds are joined into clusters while they lie within ``max_gap``
   tokens of each other in *both* documents (split alternately along the left
   and the right axis until nothing splits: order on the right is free, so
   reordered sentences stay together);
4. checking: each cluster becomes a candidate passage (its bounding box); it
   is kept when long enough, backed by enough exactly matching words and
   similar enough; overlapping passages keep the stronger one.

Offsets are exact: a passage starts at its first token's first character and
ends at its last token's last character in each cleaned body.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Indel
from scipy import sparse

from srccompare.model import Passage, PassageKind
from srccompare.tokens import Tokens, shingle_hashes


@dataclass(frozen=True)
class AlignParameters:
    ngram: int  # tokens per exact seed
    max_repeat: int  # an n-gram occurring more often than this in a document seeds nothing
    sentence_similarity: float  # cosine for a fuzzy sentence seed (1.0 or more: none)
    min_sentence_words: int  # shorter sentences make no fuzzy seeds
    max_gap: int  # tokens between seeds still joined, on both sides
    min_words: int  # a passage has at least this many tokens on its shorter side
    min_seed_share: float  # share of the passage's tokens inside exact seeds or fuzzy sentences
    min_similarity: float  # order-aware (Indel) or bag similarity, whichever is higher
    quote_kind_share: float  # quote share at or above which a passage is a "quote"
    reporting_max_quote_share: float  # at or below which it is "reporting"; "mixed" between


@dataclass(frozen=True, eq=False)
class Weights:
    """Inverse document frequency of token hashes over the corpus (for fuzzy seeds)."""

    hashes: np.ndarray  # sorted uint64
    idf: np.ndarray  # float64, same length
    default: float  # idf of a token not seen in the corpus

    @classmethod
    def from_frequencies(cls, hashes: np.ndarray, frequency: np.ndarray, documents: int) -> Weights:
        """From sorted distinct token hashes and the number of documents each occurs in."""
        total = max(1, documents)
        idf = np.log((1 + total) / (1 + np.asarray(frequency, dtype=np.float64))) + 1.0
        return cls(hashes, idf, float(np.log(1 + total) + 1.0))

    @classmethod
    def from_documents(cls, token_hashes: list[np.ndarray]) -> Weights:
        distinct = [np.unique(hashes) for hashes in token_hashes]
        hashes, df = np.unique(np.concatenate(distinct) if distinct else np.zeros(0, np.uint64), return_counts=True)
        return cls.from_frequencies(hashes, df, len(token_hashes))

    def of(self, hashes: np.ndarray) -> np.ndarray:
        if len(self.hashes) == 0:
            return np.full(len(hashes), self.default)
        where = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.where(self.hashes[where] == hashes, self.idf[where], self.default)


@dataclass(frozen=True, eq=False)
class Seeds:
    """Boxes of matching tokens: [left_start, left_end) x [right_start, right_end)."""

    left_start: np.ndarray
    left_end: np.ndarray
    right_start: np.ndarray
    right_end: np.ndarray

    def __len__(self) -> int:
        return len(self.left_start)

    def take(self, index: np.ndarray) -> Seeds:
        return Seeds(self.left_start[index], self.left_end[index], self.right_start[index], self.right_end[index])

    @staticmethod
    def join(parts: list[Seeds]) -> Seeds:
        return Seeds(*(np.concatenate([getattr(p, name) for p in parts]) for name in _SEED_FIELDS))


_SEED_FIELDS = ("left_start", "left_end", "right_start", "right_end")


def align_pair(left: Tokens, right: Tokens, weights: Weights, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents, strongest first cleared of overlaps, in left order."""
    exact = exact_seeds(left.hashes, right.hashes, params.ngram, params.max_repeat)
    fuzzy = sentence_seeds(left, right, weights, params)
    seeds = Seeds.join([exact, fuzzy])
    if len(seeds) == 0:
        return []
    boxes = [bounding_box(seeds.take(group)) for group in cluster(seeds, params.max_gap)]
    scored = [(box, score) for box in boxes if (score := check_box(box, seeds, left, right, params)) is not None]
    kept = drop_overlaps(scored)
    passages = [make_passage(box, similarity, left, right, params) for box, similarity in kept]
    return sorted(passages, key=lambda p: (p.left_start, p.right_start))


def exact_seeds(left: np.ndarray, right: np.ndarray, ngram: int, max_repeat: int) -> Seeds:
    """Every shared n-gram occurrence pair, skipping n-grams repeated too often."""
    left_grams = shingle_hashes(left, ngram)
    right_grams = shingle_hashes(right, ngram)
    order = np.argsort(right_grams, kind="stable")
    sorted_right = right_grams[order]
    low = np.searchsorted(sorted_right, left_grams, side="left")
    high = np.searchsorted(sorted_right, left_grams, side="right")
    matches = high - low
    _, left_inverse, left_counts = np.unique(left_grams, return_inverse=True, return_counts=True)
    usable = (matches > 0) & (matches <= max_repeat) & (left_counts[left_inverse] <= max_repeat)
    left_index = np.repeat(np.flatnonzero(usable), matches[usable])
    offsets = np.arange(len(left_index)) - np.repeat(np.cumsum(matches[usable]) - matches[usable], matches[usable])
    right_index = order[np.repeat(low[usable], matches[usable]) + offsets]
    return Seeds(left_index, left_index + ngram, right_index, right_index + ngram)


def sentence_seeds(left: Tokens, right: Tokens, weights: Weights, params: AlignParameters) -> Seeds:
    """Sentence pairs whose idf-weighted cosine similarity reaches the threshold."""
    if params.sentence_similarity >= 1.0 or len(left) == 0 or len(right) == 0:
        return _no_seeds()
    vocabulary, inverse = np.unique(np.concatenate((left.hashes, right.hashes)), return_inverse=True)
    idf = weights.of(vocabulary)
    left_matrix = _sentence_matrix(left.sentences, inverse[: len(left)], idf, len(vocabulary))
    right_matrix = _sentence_matrix(right.sentences, inverse[len(left) :], idf, len(vocabulary))
    similarity = (left_matrix @ right_matrix.T).tocoo()
    keep = similarity.data >= params.sentence_similarity
    left_sent, right_sent = similarity.row[keep], similarity.col[keep]
    left_bounds, right_bounds = _sentence_bounds(left.sentences), _sentence_bounds(right.sentences)
    left_size = left_bounds[left_sent, 1] - left_bounds[left_sent, 0]
    right_size = right_bounds[right_sent, 1] - right_bounds[right_sent, 0]
    long_enough = np.minimum(left_size, right_size) >= params.min_sentence_words
    left_sent, right_sent = left_sent[long_enough], right_sent[long_enough]
    return Seeds(left_bounds[left_sent, 0], left_bounds[left_sent, 1], right_bounds[right_sent, 0], right_bounds[right_sent, 1])


def _sentence_matrix(sentences: np.ndarray, columns: np.ndarray, idf: np.ndarray, width: int) -> sparse.csr_matrix:
    """Rows: sentences; columns: vocabulary; values: tf-idf, rows scaled to unit length."""
    matrix = sparse.csr_matrix((idf[columns], (sentences, columns)), shape=(int(sentences.max()) + 1, width))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


def _sentence_bounds(sentences: np.ndarray) -> np.ndarray:
    """(sentences, 2) token ranges [start, end) of each sentence number (empty if absent)."""
    count = int(sentences.max()) + 1
    starts = np.searchsorted(sentences, np.arange(count), side="left")
    ends = np.searchsorted(sentences, np.arange(count), side="right")
    return np.stack((starts, ends), axis=1)


def _no_seeds() -> Seeds:
    empty = np.zeros(0, dtype=np.int64)
    return Seeds(empty, empty, empty, empty)


def cluster(seeds: Seeds, max_gap: int) -> list[np.ndarray]:
    """Groups of seed indexes, split alternately along each axis wherever a gap exceeds ``max_gap``."""
    pending = [np.arange(len(seeds))]
    done: list[np.ndarray] = []
    while pending:
        group = pending.pop()
        for starts, ends in ((seeds.left_start, seeds.left_end), (seeds.right_start, seeds.right_end)):
            parts = _split(group, starts, ends, max_gap)
            if len(parts) > 1:
                pending.extend(parts)
                break
        else:
            done.append(group)
    return sorted(done, key=lambda group: int(seeds.left_start[group].min()))


def _split(group: np.ndarray, starts: np.ndarray, ends: np.ndarray, max_gap: int) -> list[np.ndarray]:
    order = group[np.argsort(starts[group], kind="stable")]
    reach = np.maximum.accumulate(ends[order])
    breaks = np.flatnonzero(starts[order][1:] > reach[:-1] + max_gap) + 1
    return np.split(order, breaks) if len(breaks) else [group]


@dataclass(frozen=True)
class Box:
    left_start: int
    left_end: int
    right_start: int
    right_end: int

    @property
    def words(self) -> int:
        return min(self.left_end - self.left_start, self.right_end - self.right_start)


def bounding_box(seeds: Seeds) -> Box:
    return Box(
        int(seeds.left_start.min()), int(seeds.left_end.max()), int(seeds.right_start.min()), int(seeds.right_end.max())
    )


def check_box(box: Box, seeds: Seeds, left: Tokens, right: Tokens, params: AlignParameters) -> float | None:
    """The similarity of a candidate passage, or None when it does not hold up."""
    if box.words < params.min_words:
        return None
    inside = (seeds.left_start >= box.left_start) & (seeds.left_end <= box.left_end)
    covered = _covered(seeds.left_start[inside], seeds.left_end[inside], box.left_start, box.left_end)
    if covered / (box.left_end - box.left_start) < params.min_seed_share:
        return None
    left_part = left.hashes[box.left_start : box.left_end]
    right_part = right.hashes[box.right_start : box.right_end]
    similarity = max(sequence_similarity(left_part, right_part), bag_similarity(left_part, right_part))
    return similarity if similarity >= params.min_similarity else None


def _covered(starts: np.ndarray, ends: np.ndarray, low: int, high: int) -> int:
    mask = np.zeros(high - low + 1, dtype=np.int32)
    np.add.at(mask, starts - low, 1)
    np.add.at(mask, ends - low, -1)
    return int(np.count_nonzero(np.cumsum(mask)[:-1]))


def sequence_similarity(left: np.ndarray, right: np.ndarray) -> float:
    """Order-aware similarity of two token sequences (1.0 when identical)."""
    return float(Indel.normalized_similarity(left.tolist(), right.tolist()))


def bag_similarity(left: np.ndarray, right: np.ndarray) -> float:
    """Dice coefficient of the two token multisets (order ignored)."""
    if len(left) + len(right) == 0:
        return 0.0
    left_values, left_counts = np.unique(left, return_counts=True)
    right_values, right_counts = np.unique(right, return_counts=True)
    _, left_at, right_at = np.intersect1d(left_values, right_values, assume_unique=True, return_indices=True)
    shared = np.minimum(left_counts[left_at], right_counts[right_at]).sum()
    return float(2 * shared / (len(left) + len(right)))


def drop_overlaps(scored: list[tuple[Box, float]]) -> list[tuple[Box, float]]:
    """Strongest passages first (words x similarity); one overlapping a kept passage on either side goes."""
    kept: list[tuple[Box, float]] = []
    for box, similarity in sorted(scored, key=lambda item: (-item[0].words * item[1], item[0].left_start)):
        if not any(_overlaps(box, other) for other, _ in kept):
            kept.append((box, similarity))
    return kept


def _overlaps(one: Box, other: Box) -> bool:
    left = one.left_start < other.left_end and other.left_start < one.left_end
    right = one.right_start < other.right_end and other.right_start < one.right_end
    return left or right


def make_passage(box: Box, similarity: float, left: Tokens, right: Tokens, params: AlignParameters) -> Passage:
    quote_share = float(
        (left.quoted[box.left_start : box.left_end].mean() + right.quoted[box.right_start : box.right_end].mean()) / 2
    )
    return Passage(
        left_id=left.doc_id,
        left_start=int(left.starts[box.left_start]),
        left_end=int(left.ends[box.left_end - 1]),
        right_id=right.doc_id,
        right_start=int(right.starts[box.right_start]),
        right_end=int(right.ends[box.right_end - 1]),
        similarity=round(similarity, 4),
        words=box.words,
        quote_share=round(quote_share, 4),
        kind=passage_kind(quote_share, params),
    )


def passage_kind(quote_share: float, params: AlignParameters) -> PassageKind:
    if quote_share >= params.quote_kind_share:
        return "quote"
    if quote_share <= params.reporting_max_quote_share:
        return "reporting"
    return "mixed"
