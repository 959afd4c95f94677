"""One candidate pair aligned: the prepared documents through the kernels, and the boxes found as
passages with character offsets."""

from __future__ import annotations

from typing import NamedTuple

import srccompare.reuse.numba_cache  # noqa: F401 (before numba: a writable cache for its kernels)
import numba

from srccompare.model import Passage, PassageKind
from srccompare.reuse.tokens import Tokens
from srccompare.reuse.interpreted import kernel_to_call
from srccompare.settings import AlignParameters
from srccompare.reuse.align.extend import passage_boxes
from srccompare.reuse.align.prepare import DocumentArrays, Prepared, Weights, prepare


def align_pair(left: Tokens, right: Tokens, weights: Weights, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents (see ``align_prepared``)."""
    return align_prepared(prepare(left, weights, params), prepare(right, weights, params), params)


def align_prepared(left: Prepared, right: Prepared, params: AlignParameters) -> list[Passage]:
    """The passages shared by two documents, cleared of overlaps, in left order."""
    return [passage for passage, _ in aligned_with_tokens(left, right, params)]


class KernelParameters(NamedTuple):
    """AlignParameters as the kernels take them (a NamedTuple of numbers: one numba argument)."""

    sentences: bool  # look for sentence seeds (sentence_similarity below 1, and both documents hold words)
    max_repeat: int
    ngram: int
    sentence_similarity: float
    min_sentence_words: int
    max_gap: int
    min_words: int
    min_seed_share: float
    min_similarity: float
    merge_gap: int


def aligned_with_tokens(left: Prepared, right: Prepared, params: AlignParameters) -> list[tuple[Passage, tuple[int, int, int, int]]]:
    """``align_prepared``'s passages, each with its token ranges (left start, end, right start, end)."""
    sentences = params.sentence_similarity < 1.0 and len(left.tokens) > 0 and len(right.tokens) > 0
    # Comparing sentences costs up to their product (see max_sentence_pairs in defaults.toml).
    sentences = sentences and len(left.arrays.norms) * len(right.arrays.norms) <= params.max_sentence_pairs
    kernel = KernelParameters(
        sentences, params.max_repeat, params.ngram, params.sentence_similarity, params.min_sentence_words,
        params.max_gap, params.min_words, params.min_seed_share, params.min_similarity, params.merge_gap,
    )
    boxes, similarities = kernel_to_call(_passage_boxes_of)(*left.arrays, *right.arrays, *kernel)
    if len(boxes) == 0:
        return []
    found = [
        (_passage(box, similarity, left.tokens, right.tokens, params), (box[0], box[1], box[2], box[3]))
        for box, similarity in zip(boxes.tolist(), similarities.tolist())
    ]
    return sorted(found, key=lambda item: (item[0].left_start, item[0].right_start))


# The kernel below slices its arguments at literal places (numba slices a tuple only at constants).
if (len(DocumentArrays._fields), len(KernelParameters._fields)) != (19, 10):
    raise TypeError("DocumentArrays or KernelParameters changed: update _passage_boxes_of's slices")


@numba.njit(cache=True)
def _passage_boxes_of(*arguments):
    """``passage_boxes`` of the two DocumentArrays' fields and the KernelParameters' given one by one:
    numba types a call's arrays in half the time when they are not inside NamedTuples (~5 us a pair)."""
    return passage_boxes(DocumentArrays(*arguments[0:19]), DocumentArrays(*arguments[19:38]), KernelParameters(*arguments[38:48]))


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
