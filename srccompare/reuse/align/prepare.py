"""Alignment's view of one document, prepared once however many pairs it is in: n-gram hashes and
their sorted order, distinct words and their idf, (sentence, word) rows for the fuzzy seeds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from srccompare.reuse.arrays import distinct
from srccompare.reuse.interpreted import kernel_to_call
from srccompare.model import computed_once
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


class DocumentArrays(NamedTuple):
    """What the kernels read of one document (a NamedTuple: numba takes it as one argument)."""

    grams: np.ndarray  # n-gram hash at each token position
    hashes: np.ndarray  # per token: its hash (``Tokens.hashes``)
    quoted: np.ndarray  # per token: inside quotation marks (``Tokens.quoted``)
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
    low_norms: np.ndarray  # per sentence and IDF_CUTS cut: squared length of its rows of idf up to the cut (see sentence_seeds)


class IdfTable(NamedTuple):
    """The corpus's idf as the preparation kernel looks it up (see ``Weights.buckets``)."""

    hashes: np.ndarray  # sorted uint64
    idf: np.ndarray  # float64, same length
    starts: np.ndarray  # the hashes of top bits b run from starts[b] to starts[b + 1]
    shift: np.uint64  # b = hash >> shift
    default: float  # idf of a token not seen in the corpus


@dataclass(frozen=True, eq=False)
class Prepared:
    """What alignment needs of one document, computed once however many pairs it is in."""

    tokens: Tokens
    arrays: DocumentArrays


def prepare(tokens: Tokens, weights: Weights, params: AlignParameters) -> Prepared:
    grams = shingle_hashes(tokens.hashes, params.ngram)
    starts, shift = weights.buckets
    table = IdfTable(weights.hashes, weights.idf, starts, shift, weights.default)
    arrays = kernel_to_call(_prepare_arrays)(grams, _order(grams), tokens.hashes, _order(tokens.hashes), tokens.sentences, tokens.quoted, table)
    return Prepared(tokens, arrays)


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
def _prepare_arrays(grams, gram_order, hashes, token_order, sentences, quoted, table):
    """A document's DocumentArrays from its n-grams, token hashes and sentence numbers, each given with
    an order that sorts it (made stable here), its quote flags, and the corpus's idf (an IdfTable)."""
    idf_hashes, idf, idf_starts, idf_shift, default_idf = table.hashes, table.idf, table.starts, table.shift, table.default
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
    return DocumentArrays(
        grams, hashes, quoted, gram_order, sorted_grams, gram_repeats, sorted_repeats, words, word_index, word_weight,
        row_sentence, row_word, row_idf, word_rows, word_row_starts, norms, bounds,
        sentence_rows, _low_norms(row_idf, row_sentence, sentence_count, IDF_CUTS),
    )


# idf cuts for prefix filtering (see sentence_seeds): idf is 1 + ln((1 + documents) / (1 + df)),
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
def stable_sort(items, keys):
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
