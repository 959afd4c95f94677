"""One candidate pair aligned: the prepared documents through the kernels, and the boxes found as
passages with character offsets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import srccompare.reuse.numba_cache  # noqa: F401 (before numba: a writable cache for its kernels)
import numba
import numpy as np

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
    return [(passage, tokens) for _, passage, tokens in aligned_pairs([left, right], np.array([[0, 1]], np.int64), params)]


# The kernel below slices its arguments at literal places (numba slices a tuple only at constants).
if (len(DocumentArrays._fields), len(KernelParameters._fields)) != (19, 10):
    raise TypeError("DocumentArrays or KernelParameters changed: update _passage_boxes_of_pairs's slices and _document")


def aligned_pairs(
    documents: Sequence[Prepared], pairs: np.ndarray, params: AlignParameters
) -> list[tuple[int, Passage, tuple[int, int, int, int]]]:
    """The passages of many pairs, cleared of overlaps, each with its pair's number k and its token
    ranges (left start, end, right start, end), in pair order, then in left order: pairs[k] holds
    the places in ``documents`` of pair k's left and right document.

    One kernel call for all: numba checks a call's 48 arrays and numbers in ~25 us, as long as
    a short pair's alignment takes. The documents' arrays are concatenated field by field (each
    document once, however many of the pairs it is in) and the kernel aligns each pair on views
    of them."""
    if len(pairs) == 0:
        return []
    columns = [np.concatenate(field) for field in zip(*(document.arrays for document in documents))]
    lengths = np.array([[len(field) for field in document.arrays] for document in documents], np.int64)
    offsets = np.zeros((len(documents) + 1, len(DocumentArrays._fields)), np.int64)
    np.cumsum(lengths, axis=0, out=offsets[1:])
    kernel = KernelParameters(
        params.sentence_similarity < 1.0, params.max_repeat, params.ngram, params.sentence_similarity, params.min_sentence_words,
        params.max_gap, params.min_words, params.min_seed_share, params.min_similarity, params.merge_gap,
    )
    numbers, boxes, similarities = kernel_to_call(_passage_boxes_of_pairs)(*columns, offsets, pairs, params.max_sentence_pairs, *kernel)
    found = []
    places = pairs.tolist()
    for number, box, similarity in zip(numbers.tolist(), boxes.tolist(), similarities.tolist()):
        left, right = places[number]
        passage = _passage(box, similarity, documents[left].tokens, documents[right].tokens, params)
        found.append((number, passage, (box[0], box[1], box[2], box[3])))
    return sorted(found, key=lambda item: (item[0], item[1].left_start, item[1].right_start))


@numba.njit(cache=True)
def _passage_boxes_of_pairs(*arguments):
    """``passage_boxes`` of every pair (see ``aligned_pairs``): the pair number of each box found, the
    boxes and their similarities. Arguments: the 19 DocumentArrays fields concatenated, their
    offsets (a row a document), the pairs, max_sentence_pairs and the KernelParameters (whose
    ``sentences`` says whether sentence seeds are looked for at all)."""
    columns, offsets, pairs, most_sentence_pairs = arguments[0:19], arguments[19], arguments[20], arguments[21]
    p = KernelParameters(*arguments[22:32])
    numbers = np.empty(16, np.int64)
    boxes = np.empty((16, 6), np.int64)
    similarities = np.empty(16, np.float64)
    count = 0
    for k in range(len(pairs)):
        left, right = _document(columns, offsets, pairs[k, 0]), _document(columns, offsets, pairs[k, 1])
        # Sentence seeds only between two non-empty documents, and only while comparing their
        # sentences costs at most max_sentence_pairs (their product; see defaults.toml).
        sentences = p.sentences and len(left.hashes) > 0 and len(right.hashes) > 0
        sentences = sentences and len(left.norms) * len(right.norms) <= most_sentence_pairs
        found, found_similarities = passage_boxes(left, right, KernelParameters(
            sentences, p.max_repeat, p.ngram, p.sentence_similarity, p.min_sentence_words,
            p.max_gap, p.min_words, p.min_seed_share, p.min_similarity, p.merge_gap,
        ))
        if count + len(found) > len(numbers):
            size = 2 * (count + len(found))
            grown_numbers, grown_boxes, grown_similarities = np.empty(size, np.int64), np.empty((size, 6), np.int64), np.empty(size, np.float64)
            grown_numbers[:count], grown_boxes[:count], grown_similarities[:count] = numbers[:count], boxes[:count], similarities[:count]
            numbers, boxes, similarities = grown_numbers, grown_boxes, grown_similarities
        for j in range(len(found)):
            numbers[count], similarities[count] = k, found_similarities[j]
            for c in range(6):
                boxes[count, c] = found[j, c]
            count += 1
    return numbers[:count], boxes[:count], similarities[:count]


@numba.njit(cache=True)
def _document(columns, offsets, d):
    """Document d's DocumentArrays: views of the concatenated fields."""
    c, a, b = columns, offsets[d], offsets[d + 1]
    return DocumentArrays(
        c[0][a[0]:b[0]], c[1][a[1]:b[1]], c[2][a[2]:b[2]], c[3][a[3]:b[3]], c[4][a[4]:b[4]], c[5][a[5]:b[5]],
        c[6][a[6]:b[6]], c[7][a[7]:b[7]], c[8][a[8]:b[8]], c[9][a[9]:b[9]], c[10][a[10]:b[10]], c[11][a[11]:b[11]],
        c[12][a[12]:b[12]], c[13][a[13]:b[13]], c[14][a[14]:b[14]], c[15][a[15]:b[15]], c[16][a[16]:b[16]],
        c[17][a[17]:b[17]], c[18][a[18]:b[18]],
    )


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
