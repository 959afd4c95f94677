import dataclasses
import random
import re

import numpy as np
import pytest
from hypothesis import assume, given, settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse.align import Weights, align_pair
from srccompare.settings import load_settings
from srccompare.reuse.tokens import TokenHasher, alignment_tokens
from tests.reuse_text import filler

PASSAGE = filler(60, seed=100)


def tokens_of(*texts):
    hasher = TokenHasher()
    return [alignment_tokens(f"d{i}", text, hasher) for i, text in enumerate(texts)]


def align_texts(left, right, settings):
    left_tokens, right_tokens = tokens_of(left, right)
    weights = Weights.from_documents([left_tokens.hashes, right_tokens.hashes])
    return align_pair(left_tokens, right_tokens, weights, settings.reuse.align)


def test_planted_passage_has_exact_offsets(settings):
    before_left, before_right = filler(120, seed=1) + " ", filler(40, seed=2) + " "
    left = before_left + PASSAGE + " " + filler(100, seed=3)
    right = before_right + PASSAGE + " " + filler(90, seed=4)
    [passage] = align_texts(left, right, settings)
    assert (passage.left_start, passage.left_end) == (len(before_left), len(before_left) + len(PASSAGE) - 1)
    assert (passage.right_start, passage.right_end) == (len(before_right), len(before_right) + len(PASSAGE) - 1)
    assert passage.similarity == 1.0 and passage.kind == "reporting"
    assert passage.words == 60


def test_edited_copy_is_one_passage_with_close_boundaries(settings):
    words = PASSAGE.split()
    rng = random.Random(5)
    edited = [w if i % 7 != 3 else rng.choice(["altered", "changed", "other"]) for i, w in enumerate(words)]
    edited = edited[:30] + ["with", "some", "context", "added"] + edited[30:]
    left = filler(80, seed=6) + " " + PASSAGE + " " + filler(80, seed=7)
    right = filler(50, seed=8) + " " + " ".join(edited) + " " + filler(60, seed=9)
    [passage] = align_texts(left, right, settings)
    start = left.index(PASSAGE)
    left_words_off = abs(len(left[start : passage.left_start].split())) + len(left[passage.left_end : start + len(PASSAGE)].split())
    assert left_words_off <= 4
    assert 0.7 < passage.similarity < 1.0


def test_quoted_passage_is_labelled_a_quote(settings):
    quote = '"' + PASSAGE + '"'
    [passage] = align_texts(filler(50, seed=1) + " " + quote, quote + " " + filler(50, seed=2), settings)
    assert passage.kind == "quote" and passage.quote_share > 0.9


def test_unrelated_texts_share_nothing(settings):
    assert align_texts(filler(400, seed=20), filler(400, seed=21), settings) == []


def test_texts_too_short_for_a_seed_share_nothing(settings):
    long_text = filler(100, seed=22)
    for short in ("", "Minsk", "Minsk protests"):
        assert align_texts(short, long_text, settings) == []
        assert align_texts(long_text, short, settings) == []
        assert align_texts(short, short, settings) == []


def test_seeds_share_the_sixth_term_line(seeds, settings):
    left, right = seeds["nbc"], seeds["trt"]
    passages = align_texts(left.body, right.body, settings)
    line = "denies rigging the election to secure a sixth term"
    hits = [p for p in passages if line in left.body[p.left_start : p.left_end]]
    assert len(hits) == 1
    assert line in right.body[hits[0].right_start : hits[0].right_end].replace("He denies", "he denies")


@given(st.integers(0, 10_000), st.integers(10, 80), st.integers(0, 60), st.integers(0, 60))
@hsettings(max_examples=30, deadline=None)
def test_offsets_always_point_at_the_shared_text(seed, length, before, after):
    passage = filler(length, seed=seed + 1)
    left = filler(before, seed=seed + 2) + " " + passage + " " + filler(after, seed=seed + 3)
    right = filler(after, seed=seed + 4) + "\n\n" + passage + "\n\n" + filler(before, seed=seed + 5)
    # The shared text is the passage only when the words beside it differ on the
    # two sides (the filler's vocabulary is small; see the test below for a tie).
    assume(_word(filler(before, seed=seed + 2), -1) != _word(filler(after, seed=seed + 4), -1))
    assume(_word(filler(after, seed=seed + 3), 0) != _word(filler(before, seed=seed + 5), 0))
    found_all = align_texts(left, right, load_settings())
    assert found_all
    for found in found_all:
        assert left[found.left_start : found.left_end] == right[found.right_start : found.right_end]
        assert left[found.left_start : found.left_end] in passage
        assert len(left[found.left_start : found.left_end].split()) == found.words


def _word(text, index):
    """The token hash of a text's first (0) or last (-1) word, None for no words."""
    hashes = TokenHasher().hash_tokens(re.findall(r"\w+", text))
    return int(hashes[index]) if len(hashes) else None


def test_a_word_shared_beside_the_passage_joins_it(settings):
    # seed 45 of the test above: both texts happen to have "zudorrenqu." just
    # before the passage (a space on the left, a paragraph break on the right)
    seed, length, before, after = 45, 10, 59, 45
    passage = filler(length, seed=seed + 1)
    left = filler(before, seed=seed + 2) + " " + passage + " " + filler(after, seed=seed + 3)
    right = filler(after, seed=seed + 4) + "\n\n" + passage + "\n\n" + filler(before, seed=seed + 5)
    [found] = align_texts(left, right, settings)
    assert found.words == length + 1
    assert left[found.left_start : found.left_end] == "zudorrenqu. " + passage.rstrip(".")  # offsets end with the last word
    assert right[found.right_start : found.right_end] == "zudorrenqu.\n\n" + passage.rstrip(".")


def test_edges_extend_past_an_edited_word():
    from srccompare.reuse.align.extend import _extend_edges

    left = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], dtype=np.uint64)
    right = np.array([50, 1, 2, 99, 4, 5, 6, 7, 8, 77, 10, 11, 60], dtype=np.uint64)
    # seeds found 4..8 (left 3..8, right 4..9); 3 vs 99 and 9 vs 77 are edits
    # (boxes as left start, left end, right start, right end)
    assert _extend_edges(3, 8, 4, 9, left, right) == (0, 11, 1, 12)
    # a single matching word is not enough to extend over an edit
    assert _extend_edges(3, 8, 4, 9, left[:10], right[:11]) == (0, 8, 1, 9)


def test_a_passage_cut_by_an_inserted_paragraph_is_reported_once(settings):
    first, second = filler(40, seed=30), filler(40, seed=31)
    left = filler(60, seed=32) + " " + first + " " + second + " " + filler(60, seed=33)
    right = filler(30, seed=34) + " " + first + "\n\n" + filler(20, seed=35) + "\n\n" + second + " " + filler(30, seed=36)
    passages = align_texts(left, right, settings)
    assert len(passages) == 1
    assert left[passages[0].left_start : passages[0].left_end] == first + " " + second[:-1]


# --- the compiled kernels against the numpy they replaced -------------------------


@given(st.lists(st.floats(0, 1e6, allow_nan=False), max_size=1200), st.integers(0, 9))
@hsettings(max_examples=200, deadline=None)
def test_kernel_sums_add_as_numpy_does(values, skip):
    from srccompare.reuse.align.extend import _numpy_sum

    array = np.array(values, dtype=np.float64)
    skip = min(skip, len(array))
    assert _numpy_sum(array, skip, len(array) - skip) == array[skip:].sum()


@given(st.lists(st.integers(0, 6), max_size=300))
@hsettings(max_examples=200, deadline=None)
def test_kernel_sort_is_a_stable_argsort(keys):
    from srccompare.reuse.align.prepare import stable_sort

    keys = np.array(keys, dtype=np.int64)
    items = np.arange(len(keys))
    stable_sort(items, keys)
    assert items.tolist() == np.argsort(keys, kind="stable").tolist()


@pytest.mark.parametrize("words", [300, 20_000])
def test_prepared_orders_are_stable_argsorts_for_short_and_long_documents(settings, words):
    """Below QUICKSORT_MOST tokens a quicksort and the kernel's ties, above a stable sort: the same orders."""
    from srccompare.reuse.align.prepare import QUICKSORT_MOST, prepare

    rng = random.Random(words)
    text = " ".join(rng.choice(["the", "a", "of", "Minsk", "said", "protest", "election", "EU"]) for _ in range(words))
    tokens = alignment_tokens("doc", text, TokenHasher())
    assert (len(tokens) > QUICKSORT_MOST) == (words > QUICKSORT_MOST)
    prepared = prepare(tokens, Weights.from_documents([tokens.hashes]), settings.reuse.align).arrays
    assert prepared.gram_order.tolist() == np.argsort(prepared.grams, kind="stable").tolist()
    assert prepared.sorted_grams.tolist() == np.sort(prepared.grams).tolist()


@given(st.lists(st.integers(0, 2**64 - 1), max_size=300, unique=True), st.lists(st.integers(0, 2**64 - 1), max_size=50))
@hsettings(max_examples=200, deadline=None)
def test_weights_buckets_find_every_hash_and_no_other(known, asked):
    hashes = np.array(sorted(known), dtype=np.uint64)
    weights = Weights.from_frequencies(hashes, np.ones(len(hashes)), 10)
    starts, shift = weights.buckets
    for value in [*known, *asked]:
        bucket = int(np.uint64(value) >> shift)
        run = hashes[starts[bucket] : starts[bucket + 1]]
        assert (value in run.tolist()) == (value in known)
        assert all(int(h) >> int(shift) == bucket for h in run)


def _dense_sentence_seeds(left, right, threshold, min_words):
    """Sentence seeds the way the array code found them: a dense float32 product of presence matrices."""

    def presence(doc, shared):
        columns = np.cumsum(shared) - 1
        matrix = np.zeros((len(doc.norms), int(shared.sum())), dtype=np.float32)
        keep = shared[doc.row_word]
        matrix[doc.row_sentence[keep], columns[doc.row_word[keep]]] = doc.row_idf[keep]
        return matrix

    similarity = presence(left, np.isin(left.words, right.words)) @ presence(right, np.isin(right.words, left.words)).T
    similarity = similarity / np.outer(left.norms, right.norms)
    best = (similarity >= similarity.max(axis=1, keepdims=True)) | (similarity >= similarity.max(axis=0, keepdims=True))
    rows, columns = np.nonzero((similarity >= threshold) & best)
    sizes = np.minimum(np.diff(left.bounds[rows], axis=1), np.diff(right.bounds[columns], axis=1)).ravel()
    rows, columns = rows[sizes >= min_words], columns[sizes >= min_words]
    return [left.bounds[rows, 0], left.bounds[rows, 1], right.bounds[columns, 0], right.bounds[columns, 1]]


def test_low_norms_are_the_lengths_of_each_sentences_words_up_to_each_cut(seeds, settings):
    """The bound prefix filtering in sentence_seeds prunes with."""
    from srccompare.reuse.align.prepare import IDF_CUTS, prepare

    params = settings.reuse.align
    documents = tokens_of(*(article.body for article in seeds.values()))
    weights = Weights.from_documents([doc.hashes for doc in documents])
    pruned = 0
    for doc in (prepare(doc, weights, params).arrays for doc in documents):
        for s in range(len(doc.norms)):
            idf = doc.row_idf[doc.sentence_rows[s] : doc.sentence_rows[s + 1]].astype(np.float64)
            assert (doc.row_sentence[doc.sentence_rows[s] : doc.sentence_rows[s + 1]] == s).all()
            expected = [float(np.sum(idf[idf <= cut] ** 2)) for cut in IDF_CUTS]
            assert np.allclose(doc.low_norms[s], expected)
            pruned += int(doc.low_norms[s, 0] < (0.5 * doc.norms[s]) ** 2 and (idf <= IDF_CUTS[0]).any())
    assert pruned > 20  # common words do fall below the first cut


_SMALL_OR_HIGH = st.one_of(st.integers(0, 40), st.integers(2**64 - 40, 2**64 - 1))  # (high: uint64 above int64's range)


@given(st.lists(_SMALL_OR_HIGH, max_size=60, unique=True), st.lists(_SMALL_OR_HIGH, max_size=60, unique=True))
@hsettings(max_examples=300, deadline=None)
def test_partners_are_each_left_values_place_on_the_right(left, right):
    from srccompare.reuse.align.seeds import _partners

    left, right = np.array(sorted(left), dtype=np.uint64), np.array(sorted(right), dtype=np.uint64)
    expected = [right.tolist().index(value) if value in right else -1 for value in left.tolist()]
    assert _partners(left, right).tolist() == expected


def test_sentence_seeds_are_those_of_the_dense_product(seeds, settings):
    from srccompare.reuse.align.prepare import IDF_CUTS, prepare
    from srccompare.reuse.align.seeds import sentence_seeds

    params = settings.reuse.align
    documents = tokens_of(*(article.body for article in seeds.values()))
    weights = Weights.from_documents([doc.hashes for doc in documents])
    prepared = [prepare(doc, weights, params).arrays for doc in documents]
    found_any = 0
    for threshold, min_words in ((params.sentence_similarity, params.min_sentence_words), (0.2, 1)):
        for left in prepared:
            for right in prepared:
                kernel = sentence_seeds(left, right, threshold, min_words, IDF_CUTS)
                dense = _dense_sentence_seeds(left, right, threshold, min_words)
                assert [part.tolist() for part in kernel] == [part.tolist() for part in dense]
                found_any += len(kernel[0])
    assert found_any > 50  # the seeds share sentences, and the low threshold finds many more


def test_a_pair_beyond_max_sentence_pairs_gets_exact_seeds_only(settings):
    # Each sentence's words reversed: the same word sets (fuzzy seeds match them), no shared 3-gram.
    sentences = re.findall(r"[^.]+\.", PASSAGE)
    reworded = " ".join(" ".join(reversed(s.strip().rstrip(".").lower().split())).capitalize() + "." for s in sentences)
    left = filler(200, seed=30) + " " + PASSAGE + " " + filler(200, seed=31)
    right = filler(150, seed=32) + " " + reworded + " " + filler(150, seed=33)
    left_tokens, right_tokens = tokens_of(left, right)
    weights = Weights.from_documents([left_tokens.hashes, right_tokens.hashes])
    product = int(left_tokens.sentences[-1] + 1) * int(right_tokens.sentences[-1] + 1)

    def found(cap):
        return align_pair(left_tokens, right_tokens, weights, dataclasses.replace(settings.reuse.align, max_sentence_pairs=cap))

    [passage] = found(product)
    assert passage.words >= 50 and passage.similarity > 0.9
    assert found(product - 1) == []
    assert settings.reuse.align.max_sentence_pairs > product  # news-sized pairs are never capped


def test_pairs_aligned_in_one_batch_find_what_each_pair_finds_alone(settings):
    """aligned_pairs: one kernel call over documents that recur in several pairs (views of the
    concatenated arrays) finds, pair by pair, what a call with only that pair finds."""
    from srccompare.reuse.align import aligned_pairs, prepare

    shared = filler(50, seed=7)
    texts = [
        filler(30, seed=1) + " " + shared + " " + filler(40, seed=2),
        shared + " " + filler(20, seed=3) + " " + PASSAGE,
        filler(10, seed=4) + " " + PASSAGE + " " + shared,
        "",  # an empty document in the middle of the buffers
        filler(5, seed=5) + " " + PASSAGE,
    ]
    tokens = tokens_of(*texts)
    weights = Weights.from_documents([t.hashes for t in tokens])
    params = settings.reuse.align
    documents = [prepare(t, weights, params) for t in tokens]
    pairs = np.array([(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (2, 4), (4, 1), (1, 1)], np.int64)
    together = aligned_pairs(documents, pairs, params)
    alone = [(k, passage, box) for k, (left, right) in enumerate(pairs.tolist())
             for _, passage, box in aligned_pairs([documents[left], documents[right]], np.array([[0, 1]], np.int64), params)]
    assert together == alone
    assert {k for k, _, _ in together} >= {0, 1, 2, 5, 6}  # the planted passages are found
