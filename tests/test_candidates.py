from itertools import combinations

import numpy as np
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from srccompare.candidates import (
    Postings,
    candidate_pairs,
    merge_parts,
    pairs_in_part,
    part_count,
    sampled_shingles,
    shared_key_pairs,
)
from srccompare.reuse import SketchChunk, key_parts


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=12), min_size=1, max_size=12),
    st.integers(2, 6),
    st.sampled_from([1, 3, 2_000_000]),
)
@hsettings(max_examples=150, deadline=None)
def test_pair_counts_match_brute_force(docs, max_df, part_rows):
    keys = [np.array(doc, dtype=np.uint64) for doc in docs]
    pairs = shared_key_pairs(Postings.from_lists(keys), max_df=max_df, part_rows=part_rows)
    found = {(int(l), int(r)): int(c) for l, r, c in zip(pairs.left, pairs.right, pairs.counts)}
    sets = [set(doc) for doc in docs]
    frequency = {key: sum(key in s for s in sets) for key in set().union(*sets)}
    expected = {}
    for left, right in combinations(range(len(docs)), 2):
        shared = [k for k in sets[left] & sets[right] if frequency[k] <= max_df]
        if shared:
            expected[(left, right)] = len(shared)
    assert found == expected


def test_frequent_keys_are_dropped():
    common = np.array([99], dtype=np.uint64)
    keys = [np.concatenate([common, np.array([i], dtype=np.uint64)]) for i in range(5)]
    keys[3] = np.array([99, 1], dtype=np.uint64)  # shares key 1 with document 1
    pairs = shared_key_pairs(Postings.from_lists(keys), max_df=4)
    assert list(zip(pairs.left.tolist(), pairs.right.tolist())) == [(1, 3)]


def test_candidates_from_either_source_with_thresholds():
    shingles = shared_key_pairs(Postings.from_lists([np.array(k, np.uint64) for k in ([1, 2], [1, 2], [3], [3])]), max_df=10)
    bands = shared_key_pairs(Postings.from_lists([np.array(k, np.uint64) for k in ([7], [], [], [7])]), max_df=10)
    assert candidate_pairs(shingles, bands, min_shared_shingles=2, min_shared_bands=1) == ((0, 1), (0, 3))


def test_sampling_keeps_the_same_values_everywhere():
    values = np.arange(0, 1000, dtype=np.uint64)
    kept = sampled_shingles(values, 4)
    assert np.array_equal(kept, np.arange(0, 1000, 4, dtype=np.uint64))
    assert np.array_equal(sampled_shingles(values[::-1], 4), kept)


@given(
    st.lists(st.lists(st.lists(st.integers(0, 40), max_size=8), max_size=5), min_size=1, max_size=5),
    st.sampled_from([1, 4, 1_000]),
)
@hsettings(max_examples=100, deadline=None)
def test_parts_from_chunks_count_what_the_whole_counts(chunks, part_rows):
    """Documents in chunks, split by key into parts and paired part by part, as the reuse engine does."""
    per_doc = [np.array(sorted(set(doc)), dtype=np.uint64) for chunk in chunks for doc in chunk]
    empty = np.zeros(0, np.uint64)
    sketches = []
    for chunk in chunks:
        docs = [sorted(set(doc)) for doc in chunk]
        keys = np.array([k for doc in docs for k in doc], dtype=np.uint64)
        counts = np.array([len(doc) for doc in docs], dtype=np.int64)
        sketches.append(SketchChunk(keys, counts, empty, np.zeros(len(docs), np.int64), empty, empty, counts))
    parts = key_parts(sketches, "shingle", part_rows)
    merged = merge_parts([pairs_in_part((part, 3)) for part in parts])
    whole = shared_key_pairs(Postings.from_lists(per_doc), max_df=3)
    assert len(parts) == part_count(sum(len(d) for d in per_doc), part_rows)
    assert merged.left.tolist() == whole.left.tolist()
    assert merged.right.tolist() == whole.right.tolist()
    assert merged.counts.tolist() == whole.counts.tolist()
