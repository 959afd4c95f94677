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

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from srccompare.model import Passage, PassageKind
from srccompare.tokens import Tokens, distinct, distinct_with_inverse, in_sorted, shingle_hashes


@dataclass(frozen=True)
class AlignParameters:
    ngram: int  # tokens per exact seed
    max_repeat: int  # an n-gram occurring more often than this in a document seeds nothing
    sentence_similarity: float  # cosine for a fuzzy sentence seed (1.0 or more: none)
    min_sentence_words: int  # shorter sentences make no fuzzy seeds
    max_gap: int  # tokens between seeds still joined, on both sides
    merge_gap: int  # tokens between two passages that may still be joined if similar
    min_words: int  # a passage has at least this many tokens on its shorter side
    min_seed_share: float  # share of the passage's tokens inside exact seeds or fuzzy sentences
    min_similarity: float  # idf-weighted cosine of the two stretches' words
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
        vocabularies = [distinct(hashes) for hashes in token_hashes]
        hashes, df = np.unique(np.concatenate(vocabularies) if vocabularies else np.zeros(0, np.uint64), return_counts=True)
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


@dataclass(frozen=True, eq=False)
class Prepared:
    """What alignment needs of one document, computed once however many pairs it is in."""

    tokens: Tokens
    grams: np.ndarray  # n-gram hash at each token position
    gram_order: np.ndarray  # positions sorted by n-gram hash
    sorted_grams: np.ndarray
    gram_repeats: np.ndarray  # occurrences in this document of the n-gram at each position
    sorted_repeats: np.ndarray  # the same, in ``sorted_grams`` order
    words: np.ndarray  # sorted distinct token hashes
    word_index: np.ndarray  # per token: its word's index into ``words``
    word_weight: np.ndarray  # per word: its idf squared (float64), looked up once rather than for every passage checked
    row_sentence: np.ndarray  # distinct (sentence, word) rows: sentence number,
    row_word: np.ndarray  # the word's index into ``words``,
    row_idf: np.ndarray  # and its idf (float32)
    norms: np.ndarray  # per sentence: length of its idf-weighted word set
    bounds: np.ndarray  # per sentence: [start, end) token range


def prepare(tokens: Tokens, weights: Weights, params: AlignParameters) -> Prepared:
    grams = shingle_hashes(tokens.hashes, params.ngram)
    order = np.argsort(grams, kind="stable")
    sorted_grams = grams[order]
    repeats = np.searchsorted(sorted_grams, grams, side="right") - np.searchsorted(sorted_grams, grams, side="left")
    words, word_index = distinct_with_inverse(tokens.hashes)
    rows = distinct(tokens.sentences.astype(np.int64) * max(1, len(words)) + word_index)
    row_sentence, row_word = rows // max(1, len(words)), rows % max(1, len(words))
    word_idf = weights.of(words)
    row_idf = word_idf[row_word].astype(np.float32)
    count = int(tokens.sentences[-1]) + 1 if len(tokens) else 0
    norms = np.sqrt(np.bincount(row_sentence, weights=row_idf.astype(np.float64) ** 2, minlength=count))
    norms[norms == 0] = 1.0
    return Prepared(
        tokens, grams, order, sorted_grams, repeats, repeats[order], words, word_index, word_idf**2, row_sentence, row_word, row_idf,
        norms, _sentence_bounds(tokens.sentences),
    )


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run many pair alignments with a single-threaded BLAS.

    The sentence similarity products are small matrices (tens of sentences);
    OpenBLAS spreading each over its threads costs more than the product
    (bench: 2.3 times slower per pair), and the engine already keeps every
    core busy with worker processes. Entering costs ~0.3 ms: once a task, not a pair.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def align_pair(left: Tokens, right: Tokens, weights: Weights, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents (see ``align_prepared``)."""
    return align_prepared(prepare(left, weights, params), prepare(right, weights, params), params)


def align_prepared(left: Prepared, right: Prepared, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents, cleared of overlaps, in left order."""
    seeds = Seeds.join([exact_seeds(left, right, params), sentence_seeds(left, right, params)])
    if len(seeds) == 0:
        return []
    scored = []
    for group in cluster(seeds, np.arange(len(seeds)), params.max_gap):
        scored.extend(checked_boxes(seeds, group, params.max_gap, left, right, params))
    scored = [(extend_edges(box, left.tokens.hashes, right.tokens.hashes), similarity) for box, similarity in scored]
    kept = merge_neighbours(drop_overlaps(scored), left, right, params)
    passages = [make_passage(box, similarity, left.tokens, right.tokens, params) for box, similarity in kept]
    return sorted(passages, key=lambda p: (p.left_start, p.right_start))


def checked_boxes(
    seeds: Seeds, group: np.ndarray, gap: int, left: Prepared, right: Prepared, params: AlignParameters
) -> list[tuple[Box, float]]:
    """The cluster's box if it holds up; else its seeds re-clustered with half the gap, recursively."""
    box = bounding_box(seeds.take(group))
    if box.words < params.min_words:
        return []
    similarity = check_box(box, seeds, left, right, params)
    if similarity is not None:
        return [(box, similarity)]
    smaller = gap // 2
    if smaller < 1:
        return []
    return [found for part in cluster(seeds, group, smaller) for found in checked_boxes(seeds, part, smaller, left, right, params)]


def exact_seeds(left: Prepared, right: Prepared, params: AlignParameters) -> Seeds:
    """Every shared n-gram occurrence pair in a diagonal run, skipping n-grams repeated too often."""
    if len(left.grams) == 0 or len(right.grams) == 0:
        return _no_seeds()
    # The first equal n-gram on the right and how often it occurs there (its run in sorted_grams).
    low = np.minimum(np.searchsorted(right.sorted_grams, left.grams), len(right.grams) - 1)
    matches = np.where(right.sorted_grams[low] == left.grams, right.sorted_repeats[low], 0)
    usable = (matches > 0) & (matches <= params.max_repeat) & (left.gram_repeats <= params.max_repeat)
    counts = matches[usable]
    left_index = np.repeat(np.flatnonzero(usable), counts)
    offsets = np.arange(len(left_index)) - np.repeat(np.cumsum(counts) - counts, counts)
    right_index = right.gram_order[np.repeat(low[usable], counts) + offsets]
    in_run = _in_diagonal_run(left_index, right_index, len(right.grams))
    left_index, right_index = left_index[in_run], right_index[in_run]
    return Seeds(left_index, left_index + params.ngram, right_index, right_index + params.ngram)


def _in_diagonal_run(left_index: np.ndarray, right_index: np.ndarray, width: int) -> np.ndarray:
    """Matches with a neighbour on the same diagonal (at least n+1 words in a row match).

    A lone shared n-gram ("said on Tuesday") is chance; copy matches in runs.
    """
    codes = left_index.astype(np.int64) * (width + 2) + right_index  # ascending, as exact_seeds makes them
    step = width + 3  # (i+1, j+1)
    return in_sorted(codes, codes + step) | in_sorted(codes, codes - step)


def sentence_seeds(left: Prepared, right: Prepared, params: AlignParameters) -> Seeds:
    """Sentence pairs whose idf-weighted cosine similarity reaches the threshold."""
    if params.sentence_similarity >= 1.0 or len(left.tokens) == 0 or len(right.tokens) == 0:
        return _no_seeds()
    similarity = sentence_similarities(left, right)
    keep = (similarity >= params.sentence_similarity) & _best_for_either(similarity)
    left_sent, right_sent = np.nonzero(keep)
    left_size = left.bounds[left_sent, 1] - left.bounds[left_sent, 0]
    right_size = right.bounds[right_sent, 1] - right.bounds[right_sent, 0]
    long_enough = np.minimum(left_size, right_size) >= params.min_sentence_words
    left_sent, right_sent = left_sent[long_enough], right_sent[long_enough]
    return Seeds(left.bounds[left_sent, 0], left.bounds[left_sent, 1], right.bounds[right_sent, 0], right.bounds[right_sent, 1])


def sentence_similarities(left: Prepared, right: Prepared) -> np.ndarray:
    """(left sentences, right sentences) cosine of idf-weighted word sets.

    Only words present on both sides can add to a dot product, so the dense
    matrices hold just those columns (the shared words in hash order, on both
    sides); the norms (prepared) count every word.
    """
    left_matrix = _presence(left, in_sorted(right.words, left.words))
    right_matrix = _presence(right, in_sorted(left.words, right.words))
    return (left_matrix @ right_matrix.T) / np.outer(left.norms, right.norms)


def _presence(doc: Prepared, shared: np.ndarray) -> np.ndarray:
    """(sentences, shared words) matrix of idf where the sentence has the word; ``shared`` marks doc.words."""
    columns = np.cumsum(shared) - 1
    matrix = np.zeros((len(doc.norms), int(columns[-1]) + 1 if len(columns) else 0), dtype=np.float32)
    keep = shared[doc.row_word]
    matrix[doc.row_sentence[keep], columns[doc.row_word[keep]]] = doc.row_idf[keep]
    return matrix


def _best_for_either(similarity: np.ndarray) -> np.ndarray:
    """Entries that are the best match of their left sentence or of their right sentence.

    Keeps a sentence from seeding against every similar sentence of a long
    document (a novel repeats itself), which would stretch passages.
    """
    if similarity.size == 0:
        return np.zeros(similarity.shape, dtype=bool)
    return (similarity >= similarity.max(axis=1, keepdims=True)) | (similarity >= similarity.max(axis=0, keepdims=True))


def _sentence_bounds(sentences: np.ndarray) -> np.ndarray:
    """(sentences, 2) token ranges [start, end) of each sentence number (empty if absent)."""
    numbers = np.arange(int(sentences[-1]) + 1 if len(sentences) else 0)
    return np.stack((np.searchsorted(sentences, numbers, side="left"), np.searchsorted(sentences, numbers, side="right")), axis=1)


def _no_seeds() -> Seeds:
    empty = np.zeros(0, dtype=np.int64)
    return Seeds(empty, empty, empty, empty)


def cluster(seeds: Seeds, group: np.ndarray, max_gap: int) -> list[np.ndarray]:
    """Groups of seed indexes, split alternately along each axis wherever a gap exceeds ``max_gap``."""
    pending = [group]
    done: list[np.ndarray] = []
    while pending:
        current = pending.pop()
        for starts, ends in ((seeds.left_start, seeds.left_end), (seeds.right_start, seeds.right_end)):
            parts = _split(current, starts, ends, max_gap)
            if len(parts) > 1:
                pending.extend(parts)
                break
        else:
            done.append(current)
    return sorted(done, key=lambda part: int(seeds.left_start[part].min()))


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


def check_box(
    box: Box, seeds: Seeds, left: Prepared, right: Prepared, params: AlignParameters
) -> float | None:
    """The similarity of a candidate passage, or None when it does not hold up."""
    if box.words < params.min_words:
        return None
    inside = (seeds.left_start >= box.left_start) & (seeds.left_end <= box.left_end)
    covered = _covered(seeds.left_start[inside], seeds.left_end[inside], box.left_start, box.left_end)
    if covered / (box.left_end - box.left_start) < params.min_seed_share:
        return None
    similarity = box_similarity(box, left, right)
    return similarity if similarity >= params.min_similarity else None


def box_similarity(box: Box, left: Prepared, right: Prepared) -> float:
    """Cosine of the idf-weighted sets of words of the two stretches of a box (1.0 for the same words)."""
    left_words = _words_between(left, box.left_start, box.left_end)
    right_words = _words_between(right, box.right_start, box.right_end)
    left_weights = left.word_weight[left_words]
    common = in_sorted(right.words[right_words], left.words[left_words])
    norms = math.sqrt(float(left_weights.sum()) * float(right.word_weight[right_words].sum()))
    return min(1.0, float(left_weights[common].sum()) / norms) if norms else 0.0


def _words_between(doc: Prepared, start: int, end: int) -> np.ndarray:
    """Which of the document's distinct words occur among its tokens [start, end)."""
    present = np.zeros(len(doc.words), dtype=bool)
    present[doc.word_index[start:end]] = True
    return present


def _covered(starts: np.ndarray, ends: np.ndarray, low: int, high: int) -> int:
    """Tokens of [low, high) inside the union of the intervals [starts, ends) (which lie within it)."""
    if len(starts) == 0:
        return 0
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    # Each interval adds what it reaches beyond every interval before it.
    before = np.concatenate(([low], reach[:-1]))
    return int(np.maximum(ends - np.maximum(starts, before), 0).sum())


EDGE_REACH = 3  # tokens an edge may skip on each side to reach more matching words


def extend_edges(box: Box, left: np.ndarray, right: np.ndarray) -> Box:
    """Push each end of a passage past a few edited words while two words in a row still match.

    Seeds stop at the last shared n-gram; an outlet's edit near the end of
    copied text ("said" -> "told reporters", a respelt name) would otherwise
    cut the copied words beyond it off the passage.
    """
    left_end, right_end = box.left_end, box.right_end
    while (step := _next_match(left[left_end:], right[right_end:])) is not None:
        left_end, right_end = left_end + step[0], right_end + step[1]
    left_start, right_start = box.left_start, box.right_start
    while (step := _next_match(left[:left_start][::-1], right[:right_start][::-1])) is not None:
        left_start, right_start = left_start - step[0], right_start - step[1]
    return Box(left_start, left_end, right_start, right_end)


def _next_match(left: np.ndarray, right: np.ndarray) -> tuple[int, int] | None:
    """Tokens to take on each side to include the nearest two-word match (skips at most EDGE_REACH)."""
    near_left, near_right = left[: EDGE_REACH + 2].tolist(), right[: EDGE_REACH + 2].tolist()
    options = [
        (i + j, i, j)
        for i in range(min(EDGE_REACH + 1, len(near_left) - 1))
        for j in range(min(EDGE_REACH + 1, len(near_right) - 1))
        if near_left[i] == near_right[j] and near_left[i + 1] == near_right[j + 1]
    ]
    if not options:
        return None
    _, i, j = min(options)
    return (i + 2, j + 2)


def merge_neighbours(
    kept: list[tuple[Box, float]], left: Prepared, right: Prepared, params: AlignParameters
) -> list[tuple[Box, float]]:
    """Join consecutive passages (in the same order on both sides, gaps within ``merge_gap``)
    when the joined stretch is still similar enough: one reused passage that the
    extension cut in two (a long paraphrase, an inserted paragraph) is reported once.
    """
    boxes = sorted(kept, key=lambda item: item[0].left_start)
    index = 0
    while index + 1 < len(boxes):
        (one, _), (other, _) = boxes[index], boxes[index + 1]
        left_gap = other.left_start - one.left_end
        right_gap = other.right_start - one.right_end
        if 0 <= left_gap <= params.merge_gap and 0 <= right_gap <= params.merge_gap:
            joined = Box(one.left_start, other.left_end, one.right_start, other.right_end)
            similarity = box_similarity(joined, left, right)
            if similarity >= params.min_similarity:
                boxes[index : index + 2] = [(joined, similarity)]
                continue
        index += 1
    return boxes


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
    left_quoted = int(np.count_nonzero(left.quoted[box.left_start : box.left_end])) / (box.left_end - box.left_start)
    right_quoted = int(np.count_nonzero(right.quoted[box.right_start : box.right_end])) / (box.right_end - box.right_start)
    quote_share = (left_quoted + right_quoted) / 2
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
