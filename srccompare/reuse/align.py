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

Steps 1-4 and the edge extension run as numba kernels over each document's
prepared arrays: a pair of 600-word articles is a few hundred array elements,
where numpy spent its time on the overhead of dozens of calls a pair. The
kernels keep numpy's arithmetic (float32 sentence products, pairwise float64
sums), so results are those of the array code they replaced, bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from srccompare.reuse.arrays import distinct
from srccompare.model import Passage, PassageKind, computed_once
from srccompare.reuse.tokens import Tokens, shingle_hashes
from srccompare.settings import AlignParameters


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

    @computed_once
    def buckets(self) -> tuple[np.ndarray, np.uint64]:
        """(starts, shift): the hashes whose top bits are b (``hash >> shift``) are those from
        ``starts[b]`` to ``starts[b + 1]``, about one a bucket, so that a lookup scans a run of one
        or two instead of searching the whole array (each step of a binary search a cache miss)."""
        bits = min(24, max(1, len(self.hashes).bit_length()))
        shift = np.uint64(64 - bits)
        # Made in each align task (each has its own copy of the weights): counted in one pass.
        counts = np.bincount((self.hashes >> shift).astype(np.int64), minlength=1 << bits)
        return np.concatenate(([0], np.cumsum(counts))).astype(np.int64), shift

    @classmethod
    def from_documents(cls, token_hashes: list[np.ndarray]) -> Weights:
        vocabularies = [distinct(hashes) for hashes in token_hashes]
        hashes, df = np.unique(np.concatenate(vocabularies) if vocabularies else np.zeros(0, np.uint64), return_counts=True)
        return cls.from_frequencies(hashes, df, len(token_hashes))


@dataclass(frozen=True, eq=False)
class Prepared:
    """What alignment needs of one document, computed once however many pairs it is in."""

    tokens: Tokens
    grams: np.ndarray  # n-gram hash at each token position
    gram_order: np.ndarray  # positions sorted by n-gram hash (stable)
    sorted_grams: np.ndarray
    gram_repeats: np.ndarray  # occurrences in this document of the n-gram at each position
    sorted_repeats: np.ndarray  # the same, in ``sorted_grams`` order
    words: np.ndarray  # sorted distinct token hashes
    word_index: np.ndarray  # per token: its word's index into ``words``
    word_weight: np.ndarray  # per word: its idf squared (float64), looked up once rather than for every passage checked
    row_sentence: np.ndarray  # distinct (sentence, word) rows, sorted: sentence number,
    row_word: np.ndarray  # the word's index into ``words``,
    row_idf: np.ndarray  # and its idf (float32)
    word_rows: np.ndarray  # row numbers ordered by word: the rows of word w are
    word_row_starts: np.ndarray  # word_rows[word_row_starts[w] : word_row_starts[w + 1]]
    norms: np.ndarray  # per sentence: length of its idf-weighted word set
    bounds: np.ndarray  # per sentence: [start, end) token range
    sentence_rows: np.ndarray  # the rows of sentence s are sentence_rows[s] : sentence_rows[s + 1]
    low_norms: np.ndarray  # per sentence and IDF_CUTS cut: squared length of its rows of idf up to the cut (see _sentence_seeds)


def prepare(tokens: Tokens, weights: Weights, params: AlignParameters) -> Prepared:
    grams = shingle_hashes(tokens.hashes, params.ngram)
    starts, shift = weights.buckets
    arrays = _prepare_arrays(
        grams, _order(grams), tokens.hashes, _order(tokens.hashes), tokens.sentences,
        weights.hashes, weights.idf, starts, shift, weights.default,
    )
    return Prepared(tokens, grams, *arrays)


# Up to this many values, numpy's quicksort and then ties put back in position order (by the
# kernel, an insertion sort of each run of equal values) is twice as fast as numpy's stable
# sort; beyond, runs of a common word cost the square of their length: on a 5 MB document
# (846k tokens) 2.4 s of ties against 0.36 s for the stable sort.
QUICKSORT_MOST = 4096


def _order(values: np.ndarray) -> np.ndarray:
    """An order that sorts ``values`` (equal values in position order once the kernel's ties are done)."""
    return np.argsort(values, kind="quicksort" if len(values) <= QUICKSORT_MOST else "stable")


# The kernels below use loops and plain arrays only: numpy's own sorts and
# searches inside numba cost seconds of compiling each, on a tool's first run.


@numba.njit(cache=True)
def _prepare_arrays(grams, gram_order, hashes, token_order, sentences, idf_hashes, idf, idf_starts, idf_shift, default_idf):
    """Prepared's arrays from a document's n-grams, token hashes and sentence numbers, each given with
    an order that sorts it (made stable here), and the corpus's idf (looked up as Weights.buckets says)."""
    _stable_ties(gram_order, grams)
    _stable_ties(token_order, hashes)
    # n-grams: sorted, and how often each occurs (its run's length).
    count = len(grams)
    sorted_grams = np.empty(count, np.uint64)
    for k in range(count):
        sorted_grams[k] = grams[gram_order[k]]
    sorted_repeats = np.empty(count, np.int64)
    gram_repeats = np.empty(count, np.int64)
    start = 0
    for k in range(1, count + 1):
        if k == count or sorted_grams[k] != sorted_grams[start]:
            for at in range(start, k):
                sorted_repeats[at] = k - start
                gram_repeats[gram_order[at]] = k - start
            start = k
    # Distinct words, each token's word, and the distinct (word, sentence)
    # rows: tokens in hash order come in text order within a word, so a
    # word's sentences ascend and repeats are neighbours.
    tokens = len(hashes)
    words = np.empty(tokens, np.uint64)
    word_index = np.empty(tokens, np.int64)
    by_word_sentence = np.empty(tokens, np.int64)
    by_word_word = np.empty(tokens, np.int64)
    word_count, rows = 0, 0
    for k in range(tokens):
        token = token_order[k]
        if word_count == 0 or hashes[token] != words[word_count - 1]:
            words[word_count] = hashes[token]
            word_count += 1
        word = word_count - 1
        word_index[token] = word
        if rows == 0 or by_word_word[rows - 1] != word or by_word_sentence[rows - 1] != sentences[token]:
            by_word_word[rows], by_word_sentence[rows] = word, sentences[token]
            rows += 1
    words = words[:word_count].copy()
    # The same rows ordered by sentence, then word (a stable counting sort).
    sentence_count = sentences[-1] + 1 if tokens else 0
    row_starts = np.zeros(sentence_count + 1, np.int64)
    for r in range(rows):
        row_starts[by_word_sentence[r] + 1] += 1
    for s in range(sentence_count):
        row_starts[s + 1] += row_starts[s]
    sentence_rows = row_starts.copy()  # the rows of sentence s: sentence_rows[s] : sentence_rows[s + 1]
    row_sentence = np.empty(rows, np.int64)
    row_word = np.empty(rows, np.int64)
    word_rows = np.empty(rows, np.int64)  # by word: each row's number in sentence order
    word_row_starts = np.zeros(word_count + 1, np.int64)
    for r in range(rows):
        at = row_starts[by_word_sentence[r]]
        row_starts[by_word_sentence[r]] += 1
        row_sentence[at], row_word[at] = by_word_sentence[r], by_word_word[r]
        word_rows[r] = at
        word_row_starts[by_word_word[r] + 1] += 1
    for w in range(word_count):
        word_row_starts[w + 1] += word_row_starts[w]
    # idf of each word: the corpus's, or the default for a word it never saw.
    word_weight = np.empty(word_count, np.float64)
    word_idf = np.empty(word_count, np.float64)
    for w in range(word_count):
        bucket = words[w] >> idf_shift
        at, end = idf_starts[bucket], idf_starts[bucket + 1]
        while at < end and idf_hashes[at] < words[w]:
            at += 1
        word_idf[w] = idf[at] if at < end and idf_hashes[at] == words[w] else default_idf
        word_weight[w] = word_idf[w] * word_idf[w]
    row_idf = np.empty(rows, np.float32)
    norms = np.zeros(sentence_count, np.float64)
    for r in range(rows):
        row_idf[r] = word_idf[row_word[r]]
        value = np.float64(row_idf[r])
        norms[row_sentence[r]] += value * value  # in row order, as np.bincount sums
    for s in range(sentence_count):
        norms[s] = math.sqrt(norms[s]) if norms[s] != 0 else 1.0
    bounds = np.empty((sentence_count, 2), np.int64)
    at = 0
    for s in range(sentence_count):
        while at < tokens and sentences[at] < s:
            at += 1
        bounds[s, 0] = at
        while at < tokens and sentences[at] == s:
            at += 1
        bounds[s, 1] = at
    return (
        gram_order, sorted_grams, gram_repeats, sorted_repeats, words, word_index, word_weight,
        row_sentence, row_word, row_idf, word_rows, word_row_starts, norms, bounds,
        sentence_rows, _low_norms(row_idf, row_sentence, sentence_count, IDF_CUTS),
    )


# idf cuts for prefix filtering (see _sentence_seeds): idf is 1 + ln((1 + documents) / (1 + df)),
# so these run from words in most documents to words in one of a few thousand.
IDF_CUTS = np.array([1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0, 8.0])


@numba.njit(cache=True)
def _low_norms(row_idf, row_sentence, sentence_count, cuts):
    """Per sentence and cut: the squared length of the idf vector of its rows whose idf is at most
    the cut; infinite if any idf is negative (no bound then)."""
    low = np.zeros((sentence_count, len(cuts)), np.float64)
    for r in range(len(row_idf)):
        value = np.float64(row_idf[r])
        if value < 0:
            low[:, :] = np.inf
            return low
        square, sums = value * value, low[row_sentence[r]]
        for k in range(len(cuts)):  # adding zero where the cut is below: no branch, and the sums unchanged
            sums[k] += square if value <= cuts[k] else 0.0
    return low


@numba.njit(cache=True)
def _stable_ties(order, values):
    """Within each run of equal values[order], put the positions in ascending order (what a stable sort gives)."""
    start = 0
    for k in range(1, len(order) + 1):
        if k == len(order) or values[order[k]] != values[order[start]]:
            for at in range(start + 1, k):  # insertion sort: runs are short
                position = order[at]
                back = at
                while back > start and order[back - 1] > position:
                    order[back] = order[back - 1]
                    back -= 1
                order[back] = position
            start = k


@numba.njit(cache=True)
def _stable_sort(items, keys):
    """Sort ``items`` in place by keys[item], equal keys keeping their order (np.argsort's "stable")."""
    count = len(items)
    run = 16
    for low in range(0, count, run):  # insertion sort of short runs
        for k in range(low + 1, min(low + run, count)):
            item, key = items[k], keys[items[k]]
            at = k
            while at > low and keys[items[at - 1]] > key:
                items[at] = items[at - 1]
                at -= 1
            items[at] = item
    if count <= run:
        return
    source, target = items, np.empty(count, items.dtype)
    width, swapped = run, False
    while width < count:  # then merge runs pairwise, the left one first on ties
        for low in range(0, count, 2 * width):
            middle, high = min(low + width, count), min(low + 2 * width, count)
            i, j = low, middle
            for at in range(low, high):
                if j >= high or (i < middle and keys[source[i]] <= keys[source[j]]):
                    target[at] = source[i]
                    i += 1
                else:
                    target[at] = source[j]
                    j += 1
        source, target = target, source
        swapped = not swapped
        width *= 2
    if swapped:
        items[:] = source


def align_pair(left: Tokens, right: Tokens, weights: Weights, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents (see ``align_prepared``)."""
    return align_prepared(prepare(left, weights, params), prepare(right, weights, params), params)


def align_prepared(left: Prepared, right: Prepared, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents, cleared of overlaps, in left order."""
    return [passage for passage, _ in aligned_with_tokens(left, right, params)]


def aligned_with_tokens(left: Prepared, right: Prepared, params: AlignParameters) -> list[tuple[Passage, tuple[int, int, int, int]]]:
    """``align_prepared``'s passages, each with its token ranges (left start, end, right start, end)."""
    boxes, similarities = _passage_boxes(
        *_seed_arguments(left, right, params), *_box_arguments(left, right),
        params.max_gap, params.min_words, params.min_seed_share, params.min_similarity, params.merge_gap,
    )
    if len(boxes) == 0:
        return []
    found = [
        (_passage(box, similarity, left.tokens, right.tokens, params), (box[0], box[1], box[2], box[3]))
        for box, similarity in zip(boxes.tolist(), similarities.tolist())
    ]
    return sorted(found, key=lambda item: (item[0].left_start, item[0].right_start))


def _seed_arguments(left: Prepared, right: Prepared, params: AlignParameters) -> tuple:
    sentences = params.sentence_similarity < 1.0 and len(left.tokens) > 0 and len(right.tokens) > 0
    return (
        left.grams, left.sorted_grams, left.gram_order, left.gram_repeats,
        right.sorted_grams, right.gram_order, right.sorted_repeats, params.max_repeat, params.ngram,
        sentences, left.row_word, left.row_idf, left.low_norms, left.sentence_rows, left.norms, left.bounds,
        right.row_sentence, right.row_word, right.row_idf, right.word_rows, right.word_row_starts, right.sentence_rows,
        right.norms, right.bounds,
        params.sentence_similarity, params.min_sentence_words,
    )


def _box_arguments(left: Prepared, right: Prepared) -> tuple:
    return (
        left.tokens.hashes, left.word_index, left.words, left.word_weight, left.tokens.quoted,
        right.tokens.hashes, right.word_index, right.words, right.word_weight, right.tokens.quoted,
    )


@numba.njit(cache=True)
def _exact_seeds(left_grams, left_sorted, left_order, left_repeats, right_sorted, right_order, right_repeats, max_repeat, ngram):
    """Shared n-gram occurrence pairs, kept when a neighbour on the same diagonal matches too.

    A lone shared n-gram ("said on Tuesday") is chance; copy matches in runs
    (at least n+1 words in a row).
    """
    empty = np.zeros(0, np.int64)
    if len(left_grams) == 0 or len(right_sorted) == 0:
        return empty, empty.copy(), empty.copy(), empty.copy()
    size = len(right_sorted)
    # Where each left n-gram's run starts among the right's sorted n-grams (a merge of the two sorted lists).
    first = np.empty(len(left_grams), np.int64)
    k = j = 0
    while k < len(left_sorted) and j < size:  # (branch-free steps, as in _partners)
        before = left_sorted[k] <= right_sorted[j]
        first[left_order[k]] = j  # rewritten until k moves on
        k += before
        j += not before
    for k in range(k, len(left_sorted)):
        first[left_order[k]] = size
    total = 0
    for i in range(len(left_grams)):
        low = min(first[i], size - 1)
        if right_sorted[low] == left_grams[i] and right_repeats[low] <= max_repeat and left_repeats[i] <= max_repeat:
            total += right_repeats[low]
    left_index = np.empty(total, np.int64)
    right_index = np.empty(total, np.int64)
    k = 0
    for i in range(len(left_grams)):
        low = min(first[i], size - 1)
        if right_sorted[low] == left_grams[i] and right_repeats[low] <= max_repeat and left_repeats[i] <= max_repeat:
            for offset in range(right_repeats[low]):
                left_index[k] = i
                right_index[k] = right_order[low + offset]
                k += 1
    # Pairs come ordered by (left, right) position; a diagonal neighbour of
    # (i, j) is (i + 1, j + 1), found by one pointer walking ahead.
    width = size + 2
    codes = left_index * width + right_index
    in_run = np.zeros(total, np.bool_)
    ahead = 0
    for k in range(total):
        wanted = codes[k] + width + 1
        while ahead < total and codes[ahead] < wanted:
            ahead += 1
        if ahead < total and codes[ahead] == wanted:
            in_run[k] = True
            in_run[ahead] = True
    left_index, right_index = left_index[in_run], right_index[in_run]
    return left_index, left_index + ngram, right_index, right_index + ngram


@numba.njit(cache=True)
def _sentence_seeds(
    left_words, left_row_word, left_row_idf, left_low_norms, left_sentence_rows, left_norms, left_bounds,
    right_words, right_row_sentence, right_row_word, right_row_idf, right_word_rows, right_word_row_starts,
    right_sentence_rows, right_norms, right_bounds, threshold, min_sentence_words, cuts,
):
    """Sentence pairs of idf-weighted cosine >= threshold that are the best match of either sentence.

    Best of either: keeps a sentence from seeding against every similar
    sentence of a long document (a novel repeats itself), which would stretch
    passages. Only sentence pairs that can reach the threshold are scored
    (prefix filtering): a pair whose shared words all have idf at most a cut
    below which the left sentence's words are shorter than threshold x norm
    (``low_norms``, for a few fixed cuts) has a cosine below the threshold,
    so only the other words look for right sentences, and common words cost
    nothing. A best below the threshold is never used, so skipping such pairs
    changes no seed. Each pair's dot product is computed once: the pairs at or above the
    threshold are kept until the bests are known. Dot products are float32
    sums in left row order, as the dense product was.
    """
    partner = _partners(left_words, right_words)
    left_count, right_count = len(left_norms), len(right_norms)
    row_best = np.zeros(left_count, np.float64)
    column_best = np.zeros(right_count, np.float64)
    seen = np.zeros(right_count, np.bool_)
    touched = np.empty(right_count, np.int64)
    numbers = np.arange(right_count)
    # Pairs at or above the threshold, by left sentence then right: the only ones that may seed.
    above = np.empty((16, 2), np.int64)
    above_similarity = np.empty(16, np.float64)
    count = 0
    for s in range(left_count):
        first, last = left_sentence_rows[s], left_sentence_rows[s + 1]
        # Words below the cut cannot reach the threshold alone (float32 rounding of the sum allowed for).
        limit = threshold * left_norms[s] * (1.0 - 1e-6 - (last - first + 2) * 2.0**-23)
        cut = -np.inf
        if limit > 0:
            for k in range(len(cuts) - 1, -1, -1):
                if left_low_norms[s, k] < limit * limit:
                    cut = cuts[k]
                    break
        touches = 0
        for r in range(first, last):
            if left_row_idf[r] <= cut:
                continue
            w = partner[left_row_word[r]]
            if w < 0:
                continue
            for at in range(right_word_row_starts[w], right_word_row_starts[w + 1]):
                t = right_row_sentence[right_word_rows[at]]
                if not seen[t]:
                    seen[t] = True
                    touched[touches] = t
                    touches += 1
        if touches > 1:  # in right order, so that the row's pairs above the threshold are too
            _stable_sort(touched[:touches], numbers)
        for k in range(touches):
            t = touched[k]
            seen[t] = False
            dot = _sentence_dot(
                left_row_word, left_row_idf, first, last, partner,
                right_row_word, right_row_idf, right_sentence_rows[t], right_sentence_rows[t + 1],
            )
            similarity = np.float64(dot) / (left_norms[s] * right_norms[t])
            row_best[s] = max(row_best[s], similarity)
            column_best[t] = max(column_best[t], similarity)
            if similarity >= threshold:
                if count == len(above):
                    grown, grown_similarity = np.empty((2 * count, 2), np.int64), np.empty(2 * count, np.float64)
                    grown[:count], grown_similarity[:count] = above, above_similarity
                    above, above_similarity = grown, grown_similarity
                above[count, 0], above[count, 1], above_similarity[count] = s, t, similarity
                count += 1
    found = np.empty((count, 2), np.int64)
    kept = 0
    for k in range(count):  # the best of its row or of its column, long enough on both sides
        s, t, similarity = above[k, 0], above[k, 1], above_similarity[k]
        if similarity >= row_best[s] or similarity >= column_best[t]:
            left_size = left_bounds[s, 1] - left_bounds[s, 0]
            right_size = right_bounds[t, 1] - right_bounds[t, 0]
            if min(left_size, right_size) >= min_sentence_words:
                found[kept, 0], found[kept, 1] = s, t
                kept += 1
    left_start, left_end = np.empty(kept, np.int64), np.empty(kept, np.int64)
    right_start, right_end = np.empty(kept, np.int64), np.empty(kept, np.int64)
    for k in range(kept):
        left_start[k], left_end[k] = left_bounds[found[k, 0], 0], left_bounds[found[k, 0], 1]
        right_start[k], right_end[k] = right_bounds[found[k, 1], 0], right_bounds[found[k, 1], 1]
    return left_start, left_end, right_start, right_end


@numba.njit(cache=True)
def _sentence_dot(left_row_word, left_row_idf, first, last, partner, right_row_word, right_row_idf, right_first, right_last):
    """The float32 dot product of left rows first:last and right rows right_first:right_last (one
    sentence each, rows in word order), summed in left row order."""
    dot = np.float32(0.0)
    at = right_first
    for r in range(first, last):
        w = partner[left_row_word[r]]  # -1 (absent on the right) stops no walk and matches nothing
        while at < right_last and right_row_word[at] < w:
            at += 1
        if at == right_last:
            break
        # adding zero rather than branching on a match: the sum is unchanged (it starts at +0)
        dot += left_row_idf[r] * right_row_idf[at] if right_row_word[at] == w else np.float32(0.0)
    return dot


@numba.njit(cache=True)
def _partners(left, right):
    """Each left value's index among the right values (-1: not there); both sorted and distinct.
    A merge whose steps choose by arithmetic, not by branches (which mispredict on every other word)."""
    partner = np.empty(len(left), np.int64)
    i = j = 0
    while i < len(left) and j < len(right):
        a, b = left[i], right[j]
        partner[i] = j if a == b else -1  # rewritten until i moves on, the last time with its answer
        i += a <= b
        j += b <= a
    partner[i:] = -1
    return partner


@numba.njit(cache=True)
def _candidate_boxes(
    ls, le, rs, re_,
    left_hashes, left_word_index, left_words, left_weight, right_hashes, right_word_index, right_words, right_weight,
    max_gap, min_words, min_seed_share, min_similarity,
):
    """Clusters of the seeds (left start/end, right start/end) checked: the candidate passages
    (boxes, extended at their edges) and their similarity.

    Each cluster's box is kept when it holds up; otherwise its seeds are
    re-clustered with half the gap, depth first, in the order of the
    clusters' first left token.
    """
    count = len(ls)
    boxes = np.empty((count, 4), np.int64)
    similarities = np.empty(count, np.float64)
    found = 0
    if count == 0:
        return boxes, similarities
    # Clusters are disjoint ranges of one buffer of seed numbers; clustering a
    # range again only reorders within it. The stack holds [start, end, gap).
    seeds = np.arange(count)
    stack = np.empty((count + 1, 3), np.int64)
    ranges = np.empty((count + 1, 2), np.int64)
    depth = _push(stack, 0, ranges, _cluster(seeds, 0, count, ls, le, rs, re_, max_gap, ranges), max_gap)
    while depth:
        depth -= 1
        first, last, gap = stack[depth, 0], stack[depth, 1], stack[depth, 2]
        l0, l1, r0, r1 = ls[seeds[first]], le[seeds[first]], rs[seeds[first]], re_[seeds[first]]
        for seed in seeds[first + 1 : last]:  # the cluster's bounding box
            l0, l1 = min(l0, ls[seed]), max(l1, le[seed])
            r0, r1 = min(r0, rs[seed]), max(r1, re_[seed])
        if min(l1 - l0, r1 - r0) < min_words:
            continue
        if _covered(ls, le, l0, l1) / (l1 - l0) >= min_seed_share:
            similarity = _box_similarity(l0, l1, r0, r1, left_word_index, left_words, left_weight, right_word_index, right_words, right_weight)
            if similarity >= min_similarity:
                boxes[found, 0], boxes[found, 1], boxes[found, 2], boxes[found, 3] = _extend_edges(l0, l1, r0, r1, left_hashes, right_hashes)
                similarities[found] = similarity
                found += 1
                continue
        if gap // 2 >= 1:
            depth = _push(stack, depth, ranges, _cluster(seeds, first, last, ls, le, rs, re_, gap // 2, ranges), gap // 2)
    return boxes[:found], similarities[:found]


@numba.njit(cache=True)
def _passage_boxes(
    left_grams, left_sorted, left_order, left_repeats, right_sorted, right_order, right_repeats, max_repeat, ngram,
    sentences, left_row_word, left_row_idf, left_low_norms, left_sentence_rows, left_norms, left_bounds,
    right_row_sentence, right_row_word, right_row_idf, right_word_rows, right_word_row_starts, right_sentence_rows,
    right_norms, right_bounds,
    threshold, min_sentence_words,
    left_hashes, left_word_index, left_words, left_weight, left_quoted,
    right_hashes, right_word_index, right_words, right_weight, right_quoted,
    max_gap, min_words, min_seed_share, min_similarity, merge_gap,
):
    """The passages of a pair, in left order: (left start, left end, right start, right end,
    quoted tokens on the left, on the right) in tokens, and their similarity.

    Exact and sentence seeds, then their clusters checked (``_candidate_boxes``).
    The strongest candidates (words x similarity) are kept first, and one
    overlapping a kept passage on either side goes; then consecutive passages
    (in the same order on both sides, gaps within ``merge_gap``) are joined
    while the joined stretch is still similar enough: one reused passage that
    the extension cut in two (a long paraphrase, an inserted paragraph) is
    reported once.
    """
    ls, le, rs, re_ = _exact_seeds(left_grams, left_sorted, left_order, left_repeats, right_sorted, right_order, right_repeats, max_repeat, ngram)
    if sentences:
        sls, sle, srs, sre = _sentence_seeds(
            left_words, left_row_word, left_row_idf, left_low_norms, left_sentence_rows, left_norms, left_bounds,
            right_words, right_row_sentence, right_row_word, right_row_idf, right_word_rows, right_word_row_starts,
            right_sentence_rows, right_norms, right_bounds, threshold, min_sentence_words, IDF_CUTS,
        )
        ls, le, rs, re_ = _joined(ls, sls), _joined(le, sle), _joined(rs, srs), _joined(re_, sre)
    boxes, similarities = _candidate_boxes(
        ls, le, rs, re_,
        left_hashes, left_word_index, left_words, left_weight, right_hashes, right_word_index, right_words, right_weight,
        max_gap, min_words, min_seed_share, min_similarity,
    )
    count = len(similarities)
    # Strongest first: by -(words x similarity), then left start, then as found (two stable sorts).
    order = np.arange(count)
    left_starts = boxes[:, 0].copy()
    _stable_sort(order, left_starts)
    strength = np.empty(count, np.float64)
    for k in range(count):
        strength[k] = -min(boxes[k, 1] - boxes[k, 0], boxes[k, 3] - boxes[k, 2]) * similarities[k]
    _stable_sort(order, strength)
    kept = np.empty(count, np.int64)
    kept_count = 0
    for k in order:
        clear = True
        for other in kept[:kept_count]:
            if (boxes[k, 0] < boxes[other, 1] and boxes[other, 0] < boxes[k, 1]) or (
                boxes[k, 2] < boxes[other, 3] and boxes[other, 2] < boxes[k, 3]
            ):
                clear = False
                break
        if clear:
            kept[kept_count] = k
            kept_count += 1
    kept = kept[:kept_count]
    _stable_sort(kept, left_starts)
    merged = np.empty((kept_count, 6), np.int64)
    merged_similarity = np.empty(kept_count, np.float64)
    for k in range(kept_count):
        merged[k, :4] = boxes[kept[k]]
        merged_similarity[k] = similarities[kept[k]]
    index = 0
    while index + 1 < kept_count:
        left_gap = merged[index + 1, 0] - merged[index, 1]
        right_gap = merged[index + 1, 2] - merged[index, 3]
        if 0 <= left_gap <= merge_gap and 0 <= right_gap <= merge_gap:
            similarity = _box_similarity(
                merged[index, 0], merged[index + 1, 1], merged[index, 2], merged[index + 1, 3],
                left_word_index, left_words, left_weight, right_word_index, right_words, right_weight,
            )
            if similarity >= min_similarity:
                merged[index, 1], merged[index, 3] = merged[index + 1, 1], merged[index + 1, 3]
                merged_similarity[index] = similarity
                merged[index + 1 : kept_count - 1] = merged[index + 2 : kept_count].copy()
                merged_similarity[index + 1 : kept_count - 1] = merged_similarity[index + 2 : kept_count].copy()
                kept_count -= 1
                continue
        index += 1
    for k in range(kept_count):
        merged[k, 4] = _count_true(left_quoted, merged[k, 0], merged[k, 1])
        merged[k, 5] = _count_true(right_quoted, merged[k, 2], merged[k, 3])
    return merged[:kept_count], merged_similarity[:kept_count]


@numba.njit(cache=True)
def _count_true(flags, start, end):
    count = 0
    for k in range(start, end):
        if flags[k]:
            count += 1
    return count


@numba.njit(cache=True)
def _joined(one, other):
    joined = np.empty(len(one) + len(other), np.int64)
    joined[: len(one)] = one
    joined[len(one) :] = other
    return joined


@numba.njit(cache=True)
def _push(stack, depth, ranges, count, gap):
    """Stack the ``count`` ranges so that the first is taken next (depth first, in order)."""
    for k in range(count - 1, -1, -1):
        stack[depth, 0], stack[depth, 1], stack[depth, 2] = ranges[k, 0], ranges[k, 1], gap
        depth += 1
    return depth


@numba.njit(cache=True)
def _cluster(seeds, first, last, ls, le, rs, re_, max_gap, out):
    """Split seeds[first:last] alternately along each axis wherever a gap exceeds ``max_gap``.

    Writes the final ranges into ``out``, ordered by their first left token,
    and returns how many there are.
    """
    pending = np.empty((last - first + 1, 2), np.int64)
    pending[0, 0], pending[0, 1] = first, last
    waiting, done = 1, 0
    done_ranges = np.empty((last - first + 1, 2), np.int64)
    while waiting:
        waiting -= 1
        a, b = pending[waiting, 0], pending[waiting, 1]
        parts = _split(seeds, a, b, ls, le, max_gap, pending, waiting)
        if parts == 1:
            parts = _split(seeds, a, b, rs, re_, max_gap, pending, waiting)
        if parts > 1:
            waiting += parts
        else:
            done_ranges[done, 0], done_ranges[done, 1] = a, b
            done += 1
    firsts = np.empty(done, np.int64)
    for k in range(done):
        firsts[k] = ls[seeds[done_ranges[k, 0]]]
        for seed in seeds[done_ranges[k, 0] : done_ranges[k, 1]]:
            firsts[k] = min(firsts[k], ls[seed])
    order = np.arange(done)
    _stable_sort(order, firsts)
    for k in range(done):
        out[k, 0], out[k, 1] = done_ranges[order[k], 0], done_ranges[order[k], 1]
    return done


@numba.njit(cache=True)
def _split(seeds, a, b, starts, ends, max_gap, parts, at):
    """Sort seeds[a:b] by start and cut it wherever a seed starts more than ``max_gap`` beyond all
    before it; the parts' ranges go to parts[at:], in order. Returns how many parts."""
    group = seeds[a:b]
    _stable_sort(group, starts)
    count, begin = 0, a
    reach = ends[group[0]]
    for k in range(1, b - a):
        if starts[group[k]] > reach + max_gap:
            parts[at + count, 0], parts[at + count, 1] = begin, a + k
            count += 1
            begin = a + k
        reach = max(reach, ends[group[k]])
    parts[at + count, 0], parts[at + count, 1] = begin, b
    return count + 1


@numba.njit(cache=True)
def _covered(starts, ends, low, high):
    """Tokens of [low, high) inside the union of the intervals [starts, ends) that lie within it."""
    order = np.empty(len(starts), np.int64)
    count = 0
    for k in range(len(starts)):
        if starts[k] >= low and ends[k] <= high:
            order[count] = k
            count += 1
    order = order[:count]
    _stable_sort(order, starts)
    total, reach = 0, low
    for k in order:
        # Each interval adds what it reaches beyond every interval before it.
        total += max(ends[k] - max(starts[k], reach), 0)
        reach = max(reach, ends[k])
    return total


@numba.njit(cache=True)
def _box_similarity(l0, l1, r0, r1, left_word_index, left_words, left_weight, right_word_index, right_words, right_weight):
    """Cosine of the idf-weighted sets of words of the two stretches (1.0 for the same words)."""
    left_present = np.zeros(len(left_words), np.bool_)
    for k in range(l0, l1):
        left_present[left_word_index[k]] = True
    right_present = np.zeros(len(right_words), np.bool_)
    for k in range(r0, r1):
        right_present[right_word_index[k]] = True
    left_weights = _chosen(left_weight, left_present)
    right_weights = _chosen(right_weight, right_present)
    # The left words also present on the right, in word order (both sorted by hash).
    common = np.empty(len(left_weights), np.float64)
    shared, seen, j = 0, 0, 0
    for i in range(len(left_words)):
        if not left_present[i]:
            continue
        while j < len(right_words) and right_words[j] < left_words[i]:
            j += 1
        if j < len(right_words) and right_words[j] == left_words[i] and right_present[j]:
            common[shared] = left_weights[seen]
            shared += 1
        seen += 1
    norms = math.sqrt(_numpy_sum(left_weights, 0, len(left_weights)) * _numpy_sum(right_weights, 0, len(right_weights)))
    if norms == 0:
        return 0.0
    return min(1.0, _numpy_sum(common, 0, shared) / norms)


@numba.njit(cache=True)
def _chosen(values, chosen):
    """values[chosen] for a boolean mask."""
    out = np.empty(len(values), values.dtype)
    count = 0
    for k in range(len(values)):
        if chosen[k]:
            out[count] = values[k]
            count += 1
    return out[:count]


@numba.njit(cache=True)
def _numpy_sum(values, start, count):
    """values[start : start + count].sum() as numpy adds float64, bit for bit.

    numpy sums pairwise: a range over 128 values is cut in two (the first half
    a multiple of 8) and the halves' sums added; up to 128 values go in 8
    lanes. The halving is walked here with a stack rather than recursion
    (numba's cache of a recursive function crashed on loading).
    """
    ranges = np.empty((128, 3), np.int64)  # (start, count, halves summed); depth ~ log2(count / 128)
    partial = np.empty(128, np.float64)
    ranges[0, 0], ranges[0, 1], ranges[0, 2] = start, count, 0
    depth, results = 1, 0
    while depth:
        first, size, expanded = ranges[depth - 1, 0], ranges[depth - 1, 1], ranges[depth - 1, 2]
        if size <= 128:
            depth -= 1
            partial[results] = _lanes_sum(values, first, size)
            results += 1
        elif expanded:
            depth -= 1
            results -= 1
            partial[results - 1] = partial[results - 1] + partial[results]
        else:
            half = size // 2
            half -= half % 8
            ranges[depth - 1, 2] = 1
            ranges[depth, 0], ranges[depth, 1], ranges[depth, 2] = first + half, size - half, 0
            ranges[depth + 1, 0], ranges[depth + 1, 1], ranges[depth + 1, 2] = first, half, 0
            depth += 2
    return partial[0]


@numba.njit(cache=True)
def _lanes_sum(values, start, count):
    if count < 8:
        total = 0.0
        for k in range(start, start + count):
            total += values[k]
        return total
    lanes = values[start : start + 8].copy()
    k = 8
    while k < count - count % 8:
        for lane in range(8):
            lanes[lane] += values[start + k + lane]
        k += 8
    total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
    while k < count:
        total += values[start + k]
        k += 1
    return total


EDGE_REACH = 3  # tokens an edge may skip on each side to reach more matching words


@numba.njit(cache=True)
def _extend_edges(l0, l1, r0, r1, left, right):
    """Push each end past at most EDGE_REACH edited words on each side while two words in a row still match.

    Seeds stop at the last shared n-gram; an outlet's edit near the end of
    copied text ("said" -> "told reporters", a respelt name) would otherwise
    cut the copied words beyond it off the passage.
    """
    while True:
        i, j = _next_match(left, l1, 1, right, r1, 1)
        if i < 0:
            break
        l1, r1 = l1 + i + 2, r1 + j + 2
    while True:
        i, j = _next_match(left, l0 - 1, -1, right, r0 - 1, -1)
        if i < 0:
            break
        l0, r0 = l0 - i - 2, r0 - j - 2
    return l0, l1, r0, r1


@numba.njit(cache=True)
def _next_match(left, left_from, left_step, right, right_from, right_step):
    """Tokens (i, j) skipped on each side before the nearest two-word match, walking from the given
    positions in the given directions; (-1, -1) when none lies within EDGE_REACH."""
    left_available = len(left) - left_from if left_step > 0 else left_from + 1
    right_available = len(right) - right_from if right_step > 0 else right_from + 1
    best, best_i, best_j = 1 << 30, -1, -1
    for i in range(min(EDGE_REACH + 1, min(left_available, EDGE_REACH + 2) - 1)):
        for j in range(min(EDGE_REACH + 1, min(right_available, EDGE_REACH + 2) - 1)):
            a, b = left_from + i * left_step, right_from + j * right_step
            # the smallest i + j, then the smallest i (as min over (i + j, i, j) would pick)
            if left[a] == right[b] and left[a + left_step] == right[b + right_step] and i + j < best:
                best, best_i, best_j = i + j, i, j
    return best_i, best_j


def _passage(box: list[int], similarity: float, left: Tokens, right: Tokens, params: AlignParameters) -> Passage:
    """A passage from the kernel's row: token boxes become character offsets into the bodies."""
    left_start, left_end, right_start, right_end, left_quoted, right_quoted = box
    quote_share = (left_quoted / (left_end - left_start) + right_quoted / (right_end - right_start)) / 2
    return Passage(
        left_id=left.doc_id,
        left_start=int(left.starts[left_start]),
        left_end=int(left.ends[left_end - 1]),
        right_id=right.doc_id,
        right_start=int(right.starts[right_start]),
        right_end=int(right.ends[right_end - 1]),
        similarity=round(similarity, 4),
        words=min(left_end - left_start, right_end - right_start),
        quote_share=round(quote_share, 4),
        kind=passage_kind(quote_share, params),
    )


def passage_kind(quote_share: float, params: AlignParameters) -> PassageKind:
    if quote_share >= params.quote_kind_share:
        return "quote"
    if quote_share <= params.reporting_max_quote_share:
        return "reporting"
    return "mixed"
