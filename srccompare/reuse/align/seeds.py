"""Seeds of a pair (numba kernels): exact n-gram matches on a diagonal, and sentence pairs whose
idf-weighted cosine reaches ``sentence_similarity`` (steps 1 and 2 of ``srccompare.reuse.align``)."""

from __future__ import annotations


import numba
import numpy as np

from srccompare.reuse.align.prepare import stable_sort


@numba.njit(cache=True)
def exact_seeds(left, right, max_repeat, ngram):
    """Shared n-gram occurrence pairs of two documents (DocumentArrays), kept when a neighbour on the
    same diagonal matches too.

    A lone shared n-gram ("said on Tuesday") is chance; copy matches in runs
    (at least n+1 words in a row).
    """
    left_grams, left_sorted, left_order, left_repeats = left.grams, left.sorted_grams, left.gram_order, left.gram_repeats
    right_sorted, right_order, right_repeats = right.sorted_grams, right.gram_order, right.sorted_repeats
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
def sentence_seeds(left, right, threshold, min_sentence_words, cuts):
    """Sentence pairs of two documents (DocumentArrays) of idf-weighted cosine >= threshold that are the
    best match of either sentence.

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
    sums in left row order, as a dense float32 product of the sentences' word vectors sums them.
    """
    left_words, left_row_word, left_row_idf, left_low_norms = left.words, left.row_word, left.row_idf, left.low_norms
    left_sentence_rows, left_norms, left_bounds = left.sentence_rows, left.norms, left.bounds
    right_words, right_row_sentence, right_row_word, right_row_idf = right.words, right.row_sentence, right.row_word, right.row_idf
    right_word_rows, right_word_row_starts = right.word_rows, right.word_row_starts
    right_sentence_rows, right_norms, right_bounds = right.sentence_rows, right.norms, right.bounds
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
            stable_sort(touched[:touches], numbers)
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
