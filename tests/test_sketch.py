from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse.sketch import Sketcher, SketchParameters


def jaccard_estimate(left: np.ndarray, right: np.ndarray) -> float:
    """Reference: the share of equal signature values, the MinHash estimate of Jaccard similarity."""
    return float(np.mean(left == right))
from srccompare.reuse.tokens import TokenHasher, token_hashes
from tests.reuse_text import filler

PARAMS = SketchParameters(shingle=2, window=100, step=50, bands=16, rows=3, seed=7)


def hashes(text):
    return token_hashes(text, TokenHasher())


def test_signatures_are_deterministic_and_shaped_by_windows():
    doc = hashes(filler(600, seed=1))
    one = Sketcher.build(PARAMS).signatures(doc)
    two = Sketcher.build(PARAMS).signatures(doc)
    assert np.array_equal(one, two)
    shingles = len(doc) - 1
    blocks = -(-shingles // 50)
    assert one.shape == (blocks - 1, 48)


def test_window_signature_equals_minhash_of_the_window_alone():
    doc = hashes(filler(400, seed=2))
    sketcher = Sketcher.build(PARAMS)
    whole = sketcher.signatures(doc)
    # window 2 covers shingles 100..199, i.e. tokens 100..200
    alone = sketcher.signatures(doc[100:201])
    assert np.array_equal(whole[2], alone[0])


def test_minhash_estimates_jaccard():
    sketcher = Sketcher.build(SketchParameters(shingle=1, window=1000, step=1000, bands=64, rows=4, seed=3))
    base = np.arange(1, 1001, dtype=np.uint64)
    other = np.arange(501, 1501, dtype=np.uint64)  # true Jaccard 500/1500
    estimate = jaccard_estimate(sketcher.signatures(base)[0], sketcher.signatures(other)[0])
    assert abs(estimate - 1 / 3) < 0.12


def test_planted_passage_collides_unrelated_text_does_not():
    passage = filler(200, seed=10)
    left = hashes(filler(250, seed=11) + " " + passage + " " + filler(150, seed=12))
    right = hashes(filler(80, seed=13) + " " + passage + " " + filler(300, seed=14))
    unrelated = hashes(filler(600, seed=15))
    sketcher = Sketcher.build(PARAMS)
    left_keys = set(sketcher.document_keys(left).tolist())
    assert left_keys & set(sketcher.document_keys(right).tolist())
    assert not left_keys & set(sketcher.document_keys(unrelated).tolist())


def test_short_documents_have_one_window_or_none():
    sketcher = Sketcher.build(PARAMS)
    for length, windows in ((0, 0), (1, 0), (2, 1), (80, 1), (101, 1), (102, 2), (151, 2), (152, 3)):
        doc = np.arange(length, dtype=np.uint64)
        assert sketcher.signatures(doc).shape == (windows, 48)
        assert sketcher.document_keys(doc).shape == (windows * 16,)


def test_nonsense_parameters_are_refused():
    for bad in (dict(shingle=0), dict(step=0), dict(window=0), dict(rows=0), dict(bands=0), dict(window=120)):
        with pytest.raises(ValueError):
            Sketcher.build(replace(PARAMS, **bad))


def test_band_keys_are_pinned():
    """Band keys are stored in indexes: these values must never change (they are the pre-numba numpy ones)."""
    doc = np.arange(1, 302, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    keys = Sketcher.build(PARAMS).document_keys(doc)
    assert len(keys) == 80
    assert [hex(v) for v in keys[[0, 1, 15, 16, -1]].tolist()] == [
        "0xe271f5ba662bf89b", "0x3c82600a908cfba9", "0xec72ca4b18c67bc", "0xaeeb631d7d51cffb", "0x7a4245444fa995e4"]


# --- the kernel against a plain reference ----------------------------------------

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def reference_mix(values):
    """splitmix64's finaliser over a uint64 array, wrapping."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(30))
        values = values * np.uint64(0xBF58476D1CE4E5B9)
        values = values ^ (values >> np.uint64(27))
        values = values * np.uint64(0x94D049BB133111EB)
        return values ^ (values >> np.uint64(31))


def reference_sketch(sketcher, hashes):
    """(signatures, band keys) straight from the definition: every (permutation, shingle) hash at once,
    window w the minimum over shingles [w * step, w * step + window)."""
    p = sketcher.parameters
    count = len(hashes) - p.shingle + 1
    if count <= 0:
        return np.zeros((0, p.permutations), np.uint64), np.zeros((0, p.bands), np.uint64)
    combined = hashes[:count].copy()
    with np.errstate(over="ignore"):
        for offset in range(1, p.shingle):
            combined = combined * np.uint64(_GOLDEN) + hashes[offset : offset + count]
    hashed = reference_mix(reference_mix(combined)[None, :] ^ sketcher.salts[:, None])
    blocks = -(-count // p.step)
    windows = max(1, blocks - p.window // p.step + 1)
    signatures = np.stack([hashed[:, w * p.step : w * p.step + p.window].min(axis=1) for w in range(windows)])
    keys = np.zeros((windows, p.bands), np.uint64)
    for w in range(windows):
        for band in range(p.bands):
            key = 0
            for value in signatures[w, band * p.rows : (band + 1) * p.rows].tolist():
                key = (key * _GOLDEN + value) & _MASK
            keys[w, band] = key ^ int(sketcher.band_salts[band])
    return signatures, reference_mix(keys)


REFERENCE_PARAMS = [
    PARAMS,
    SketchParameters(shingle=1, window=50, step=50, bands=4, rows=2, seed=1),
    SketchParameters(shingle=3, window=60, step=20, bands=5, rows=4, seed=2),
    SketchParameters(shingle=4, window=250, step=50, bands=2, rows=5, seed=3),
    SketchParameters(shingle=2, window=30, step=10, bands=8, rows=1, seed=4),
]
REFERENCE_SKETCHERS = [Sketcher.build(params) for params in REFERENCE_PARAMS]


@given(
    st.sampled_from(range(len(REFERENCE_SKETCHERS))),
    st.integers(0, 600),
    st.sampled_from([1, 2, 40, 1 << 64]),  # distinct tokens besides 0 and 2**64 - 1: repeats make tied minima
    st.integers(0, 2**32 - 1),
)
@hsettings(max_examples=200, deadline=None)
def test_kernel_matches_the_reference(which, length, vocabulary, seed):
    sketcher = REFERENCE_SKETCHERS[which]
    rng = np.random.default_rng(seed)
    words = np.array([0, _MASK, *rng.integers(0, 1 << 64, size=min(vocabulary, 600), dtype=np.uint64).tolist()], np.uint64)
    hashes = words[rng.integers(0, len(words), size=length)]
    signatures, keys = reference_sketch(sketcher, hashes)
    assert np.array_equal(sketcher.signatures(hashes), signatures)
    assert np.array_equal(sketcher.band_keys(signatures), keys)
    assert np.array_equal(sketcher.document_keys(hashes), keys.ravel())
