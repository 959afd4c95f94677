import os
import tempfile
from itertools import combinations

import numpy as np
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse.candidates import (
    BucketedPostings,
    Postings,
    PairCounts,
    candidate_codes,
    PairingTask,
    RangeTask,
    candidates_in_ranges,
    code_bounds,
    merge_parts,
    merge_tasks,
    paired_part,
    pairs_of_codes,
    pairs_in_part,
    part_count,
    sampled_shingles,
    split_by_key,
    _repeated_keys,
)
from srccompare.reuse.sketch import SketchChunk
from srccompare.reuse.candidates import key_parts


def shared_key_pairs(postings: Postings, *, max_df: int, part_rows: int = 4_000_000, common_df: int | None = None) -> PairCounts:
    """Reference: the candidates step's three steps in one process (find_candidates runs them in an
    engine's workers): keys split by their low bits into parts, each part paired on its own, the
    parts' counts merged (a key lies in one part only, so they add up)."""
    parts = split_by_key([BucketedPostings.of(postings)], part_count(len(postings.keys), part_rows))
    return merge_parts([pairs_in_part(PairingTask(part, max_df, common_df)) for part in parts])


def candidate_pairs(shingle_pairs: PairCounts, band_pairs: PairCounts, *, min_shared_shingles: int, min_shared_bands: int):
    """Reference: pairs sharing enough shingles or bands, sorted by (left, right), left < right."""
    return pairs_of_codes(candidate_codes(shingle_pairs, band_pairs, min_shared_shingles, min_shared_bands))


# Keys far apart in their high bits (as hashes are), and a pair that differs in its lowest bit only.
SPREAD_KEYS = [int(k) for k in np.random.default_rng(7).integers(0, 2**62, 6, dtype=np.int64) * 2]


@given(st.lists(st.sampled_from(SPREAD_KEYS), max_size=60))
def test_repeated_keys_are_the_rows_of_keys_held_twice(choices):
    kept = _repeated_keys(Postings(np.array(choices, dtype=np.uint64), np.arange(len(choices), dtype=np.int32)))
    assert kept.docs.tolist() == [row for row, key in enumerate(choices) if choices.count(key) > 1]
    assert kept.keys.tolist() == [key for key in choices if choices.count(key) > 1]


@given(st.lists(st.sampled_from(SPREAD_KEYS[:2] + [SPREAD_KEYS[0] + 1]), max_size=40))
def test_repeated_keys_may_keep_a_lone_key_only_next_to_a_near_twin(choices):
    kept = set(_repeated_keys(Postings(np.array(choices, dtype=np.uint64), np.arange(len(choices), dtype=np.int32))).docs.tolist())
    repeated = {row for row, key in enumerate(choices) if choices.count(key) > 1}
    assert repeated <= kept
    # a lone key is kept only when its near twin (same high bits) is there too
    near = {SPREAD_KEYS[0], SPREAD_KEYS[0] + 1}
    assert all(choices[row] in near and near <= set(choices) for row in kept - repeated)


@given(
    st.lists(st.lists(st.integers(0, 30), max_size=12), min_size=1, max_size=12),
    st.integers(2, 6),
    st.sampled_from([1, 3, 2_000_000]),
    st.sampled_from([None, 1, 2, 3]),
)
@hsettings(max_examples=150, deadline=None)
def test_pair_counts_match_brute_force(docs, max_df, part_rows, common_df):
    """Counts of shared keys, or (with common_df) their weights: 16 sixteenths a key in at most
    common_df documents, 16 * common_df // df of them (at least 1) a key in more."""
    keys = [np.array(doc, dtype=np.uint64) for doc in docs]
    pairs = shared_key_pairs(Postings.from_lists(keys), max_df=max_df, part_rows=part_rows, common_df=common_df)
    found = {(int(l), int(r)): int(c) for l, r, c in zip(pairs.left, pairs.right, pairs.counts)}
    sets = [set(doc) for doc in docs]
    frequency = {key: sum(key in s for s in sets) for key in set().union(*sets)}
    def weight(key):
        if common_df is None:
            return 1
        return 16 if frequency[key] <= common_df else max(1, 16 * common_df // frequency[key])
    expected = {}
    for left, right in combinations(range(len(docs)), 2):
        shared = [k for k in sets[left] & sets[right] if frequency[k] <= max_df]
        if shared:
            expected[(left, right)] = sum(map(weight, shared))
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
    st.sampled_from([1, 2, 3]),
)
@hsettings(max_examples=100, deadline=None)
def test_parts_from_chunks_count_what_the_whole_counts(chunks, part_rows, least):
    """Documents in chunks, split by key into parts and paired part by part, as the reuse engine does."""
    per_doc = [np.array(sorted(set(doc)), dtype=np.uint64) for chunk in chunks for doc in chunk]
    empty = np.zeros(0, np.uint64)
    sketches = []
    for chunk in chunks:
        docs = [np.array(sorted(set(doc)), dtype=np.uint64) for doc in chunk]
        shingles = BucketedPostings.of(Postings.from_lists(docs))
        no_bands = BucketedPostings.of(Postings.from_lists([empty] * len(docs)))
        sketches.append(SketchChunk(shingles, no_bands, empty, empty, np.array([len(doc) for doc in docs])))
        assert [keys.tolist() for keys in sketches[-1].keys_of("shingles")] == [doc.tolist() for doc in docs]
    parts = key_parts(sketches, "shingles", part_rows, least=least)
    merged = merge_parts([pairs_in_part(PairingTask(part, 3, None)) for part in parts])
    whole = shared_key_pairs(Postings.from_lists(per_doc), max_df=3)
    assert len(parts) == max(part_count(sum(len(d) for d in per_doc), part_rows), 4 if least == 3 else least)
    for number, part in enumerate(parts):  # each part holds the keys whose low bits are its number
        assert all(int(key) % len(parts) == number for key in part.keys)
    assert sorted(int(k) for part in parts for k in part.keys) == sorted(int(k) for doc in per_doc for k in doc)
    assert merged.left.tolist() == whole.left.tolist()
    assert merged.right.tolist() == whole.right.tolist()
    assert merged.counts.tolist() == whole.counts.tolist()


@given(st.integers(0, 2**32), st.sampled_from([1, 2, 8, 1024, 1 << 16]))
@hsettings(max_examples=30, deadline=None)
def test_split_by_key_puts_each_key_in_the_part_of_its_low_bits(seed, parts):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(0, 3000, size=3)
    chunks = [
        Postings(rng.integers(0, 2**64, size=size, dtype=np.uint64), rng.integers(0, 50, size=size).astype(np.int32))
        for size in sizes
    ]
    split = split_by_key((BucketedPostings.of(chunk) for chunk in chunks), parts)
    assert len(split) == parts
    for number, part in enumerate(split):
        assert np.all(part.keys % np.uint64(parts) == number)
    rows = sorted(zip(np.concatenate([c.keys for c in chunks]).tolist(), np.concatenate([c.docs for c in chunks]).tolist()))
    assert sorted(zip(np.concatenate([p.keys for p in split]).tolist(), np.concatenate([p.docs for p in split]).tolist())) == rows


@given(st.integers(0, 2**32), st.integers(0, 5000), st.sampled_from([1, 7, 1 << 16]))
@hsettings(max_examples=30, deadline=None)
def test_bucketed_postings_are_in_bucket_order_and_in_given_order_within_a_bucket(seed, size, spread):
    rng = np.random.default_rng(seed)
    # few distinct low bits (spread 1 or 7) make long buckets, where order within them shows
    keys = (rng.integers(0, 2**48, size=size, dtype=np.uint64) << np.uint64(16)) | rng.integers(0, spread, size=size, dtype=np.uint64)
    docs = np.arange(size, dtype=np.int32)
    bucketed = BucketedPostings.of(Postings(keys, docs))
    # a row's bucket is its key's low 16 bits read backwards
    bucket = [int(f"{int(key) & 0xFFFF:016b}"[::-1], 2) for key in keys.tolist()]
    expected = sorted(range(size), key=lambda row: (bucket[row], row))
    assert bucketed.docs.tolist() == expected
    assert bucketed.keys.tolist() == keys[expected].tolist()
    assert bucketed.bucket_rows.tolist() == np.bincount(np.array(bucket, dtype=np.int64), minlength=1 << 16).tolist()


@given(
    st.lists(
        st.dictionaries(st.tuples(st.integers(0, 30), st.integers(0, 30)).filter(lambda p: p[0] < p[1]), st.integers(1, 1000), max_size=12),
        max_size=5,
    ),
    st.sampled_from([0, 2**30 - 64]),
)
@hsettings(max_examples=100, deadline=None)
def test_merge_parts_sums_each_pairs_counts_over_the_parts(parts, offset):
    """Small document numbers (codes and counts packed into one sorted array) and numbers near
    2**30 (too many bits for that: the argsort path) give each pair the sum of its parts' counts."""
    expected: dict[tuple[int, int], int] = {}
    found = []
    for part in parts:
        pairs = sorted(part)
        for pair in pairs:
            expected[pair] = expected.get(pair, 0) + part[pair]
        codes = np.array([(left + offset) * 2**31 + right + offset for left, right in pairs], dtype=np.int64)
        found.append((codes, np.array([part[pair] for pair in pairs], dtype=np.int64)))
    merged = merge_parts(found)
    got = [(left - offset, right - offset, count) for left, right, count in zip(merged.left.tolist(), merged.right.tolist(), merged.counts.tolist())]
    assert got == [(left, right, expected[left, right]) for left, right in sorted(expected)]


@given(
    st.lists(st.lists(st.integers(0, 25), max_size=10), min_size=1, max_size=12),
    st.lists(st.lists(st.integers(0, 25), max_size=4), min_size=1, max_size=12),
    st.sampled_from([1, 2, 5, 70]),
    st.sampled_from([1, 4]),
    st.booleans(),
)
@hsettings(max_examples=60, deadline=None)
def test_pairing_and_merging_by_ranges_in_tasks_finds_the_candidates_of_the_whole(shingle_keys, band_keys, tasks, parts, on_disk):
    """Parts paired on their own, their codes cut into ranges and merged by runs of ranges (arrays,
    or files as the local engine passes them) give the candidates of the whole corpus's counts."""
    documents = max(len(shingle_keys), len(band_keys))
    def postings(keys):
        return Postings.from_lists([np.array(sorted(set(doc)), np.uint64) for doc in keys + [[]] * (documents - len(keys))])
    shingles, bands = postings(shingle_keys), postings(band_keys)
    expected = candidate_pairs(
        shared_key_pairs(shingles, max_df=4), shared_key_pairs(bands, max_df=4), min_shared_shingles=2, min_shared_bands=1
    )
    with tempfile.TemporaryDirectory() as scratch:
        bounds = code_bounds(documents)
        def paired(postings, name):
            cut = split_by_key([BucketedPostings.of(postings)], parts)
            return [paired_part(PairingTask(part, 4, None, bounds, os.path.join(scratch, f"{name}{n}") if on_disk else None)) for n, part in enumerate(cut)]
        runs = merge_tasks(paired(shingles, "s"), paired(bands, "b"), tasks, task_rows=10**9)
        found = [candidates_in_ranges(RangeTask(*run, 2, 1)) for run in runs]
    assert len(runs) <= tasks
    assert pairs_of_codes(np.concatenate(found) if found else np.zeros(0, np.int64)) == expected
