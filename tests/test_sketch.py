from unittest.mock import patch

import numpy as np

from srccompare.sketch import Sketcher, SketchParameters, jaccard_estimate
from srccompare.tokens import TokenHasher, token_hashes
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


def test_signatures_do_not_depend_on_how_many_blocks_are_hashed_at_once():
    doc = hashes(filler(1234, seed=3))
    whole = Sketcher.build(PARAMS).signatures(doc)
    for blocks in (1, 3, 7):
        with patch("srccompare.sketch.SKETCH_BLOCKS", blocks):
            assert np.array_equal(Sketcher.build(PARAMS).signatures(doc), whole)
