"""Seeds -> checked passages (numba kernels): clusters within ``max_gap`` on both sides, re-split
with half the gap while they fail the checks, edges extended, consecutive passages joined (steps 3
and 4 of ``srccompare.reuse.align``)."""

from __future__ import annotations

import math

import numba
import numpy as np

from srccompare.reuse.align.prepare import IDF_CUTS, stable_sort
from srccompare.reuse.align.seeds import exact_seeds, sentence_seeds



@numba.njit(cache=True)
def _candidate_boxes(ls, le, rs, re_, left, right, max_gap, min_words, min_seed_share, min_similarity):
    """Clusters of the seeds (left start/end, right start/end) checked: the candidate passages
    (boxes, extended at their edges) and their similarity.

    Each cluster's box is kept when it holds up; otherwise its seeds are
    re-clustered with half the gap, depth first, in the order of the
    clusters' first left token. ``left`` and ``right`` are the documents' DocumentArrays.
    """
    left_hashes, left_word_index, left_words, left_weight = left.hashes, left.word_index, left.words, left.word_weight
    right_hashes, right_word_index, right_words, right_weight = right.hashes, right.word_index, right.words, right.word_weight
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
def passage_boxes(left, right, p):
    """The passages of a pair (two DocumentArrays, the KernelParameters ``p``), in left order: (left start, left end, right start, right end,
    quoted tokens on the left, on the right) in tokens, and their similarity.

    Exact and sentence seeds, then their clusters checked (``_candidate_boxes``).
    The strongest candidates (words x similarity) are kept first, and one
    overlapping a kept passage on either side goes; then consecutive passages
    (in the same order on both sides, gaps within ``merge_gap``) are joined
    while the joined stretch is still similar enough: one reused passage that
    the extension cut in two (a long paraphrase, an inserted paragraph) is
    reported once.
    """
    left_word_index, left_words, left_weight = left.word_index, left.words, left.word_weight
    right_word_index, right_words, right_weight = right.word_index, right.words, right.word_weight
    ls, le, rs, re_ = exact_seeds(left, right, p.max_repeat, p.ngram)
    if p.sentences:
        sls, sle, srs, sre = sentence_seeds(left, right, p.sentence_similarity, p.min_sentence_words, IDF_CUTS)
        ls, le, rs, re_ = _joined(ls, sls), _joined(le, sle), _joined(rs, srs), _joined(re_, sre)
    boxes, similarities = _candidate_boxes(ls, le, rs, re_, left, right, p.max_gap, p.min_words, p.min_seed_share, p.min_similarity)
    count = len(similarities)
    # Strongest first: by -(words x similarity), then left start, then as found (two stable sorts).
    order = np.arange(count)
    left_starts = boxes[:, 0].copy()
    stable_sort(order, left_starts)
    strength = np.empty(count, np.float64)
    for k in range(count):
        strength[k] = -min(boxes[k, 1] - boxes[k, 0], boxes[k, 3] - boxes[k, 2]) * similarities[k]
    stable_sort(order, strength)
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
    stable_sort(kept, left_starts)
    merged = np.empty((kept_count, 6), np.int64)
    merged_similarity = np.empty(kept_count, np.float64)
    for k in range(kept_count):
        merged[k, :4] = boxes[kept[k]]
        merged_similarity[k] = similarities[kept[k]]
    index = 0
    while index + 1 < kept_count:
        left_gap = merged[index + 1, 0] - merged[index, 1]
        right_gap = merged[index + 1, 2] - merged[index, 3]
        if 0 <= left_gap <= p.merge_gap and 0 <= right_gap <= p.merge_gap:
            similarity = _box_similarity(
                merged[index, 0], merged[index + 1, 1], merged[index, 2], merged[index + 1, 3],
                left_word_index, left_words, left_weight, right_word_index, right_words, right_weight,
            )
            if similarity >= p.min_similarity:
                merged[index, 1], merged[index, 3] = merged[index + 1, 1], merged[index + 1, 3]
                merged_similarity[index] = similarity
                merged[index + 1 : kept_count - 1] = merged[index + 2 : kept_count].copy()
                merged_similarity[index + 1 : kept_count - 1] = merged_similarity[index + 2 : kept_count].copy()
                kept_count -= 1
                continue
        index += 1
    for k in range(kept_count):
        merged[k, 4] = _count_true(left.quoted, merged[k, 0], merged[k, 1])
        merged[k, 5] = _count_true(right.quoted, merged[k, 2], merged[k, 3])
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
    stable_sort(order, firsts)
    for k in range(done):
        out[k, 0], out[k, 1] = done_ranges[order[k], 0], done_ranges[order[k], 1]
    return done


@numba.njit(cache=True)
def _split(seeds, a, b, starts, ends, max_gap, parts, at):
    """Sort seeds[a:b] by start and cut it wherever a seed starts more than ``max_gap`` beyond all
    before it; the parts' ranges go to parts[at:], in order. Returns how many parts."""
    group = seeds[a:b]
    stable_sort(group, starts)
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
    stable_sort(order, starts)
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
