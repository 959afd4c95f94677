"""Align one candidate pair: seed, extend with gaps, and check what was found.

Steps, for two tokenised documents:

1. exact seeds: every word n-gram the two share (n-grams repeated too often in
   either document are ignored: they are stock phrases, not copy);
2. fuzzy seeds: sentence pairs whose idf-weighted cosine similarity is high,
   which catch copy edited word by word (substitutions, transliterated names,
   reordered clauses) where few n-grams survive;
3. extension: seeds are joined into clusters while they lie within ``max_gap``
   tokens of each other in *both* documents (split alternately along the left
   and the right axis until nothing splits: order on the right is free, so
   reordered sentences stay together);
4. checking: each cluster becomes a candidate passage (its bounding box); it
   is kept when long enough, backed by enough exactly matching words and
   similar enough; overlapping passages keep the stronger one.

Offsets are exact: a passage starts at its first token's first character and
ends at its last token's last character in each cleaned body.

Steps 1-4 and the edge extension run as numba kernels over each document's
prepared arrays: a pair of 600-word articles is a few hundred array elements,
where numpy spent its time on the overhead of dozens of calls a pair. The
kernels keep numpy's arithmetic (float32 sentence products, pairwise float64
sums), so results are those of the same steps written with numpy arrays, bit
for bit (tests/test_align.py compares the sentence seeds with a dense product).
"""

from __future__ import annotations

from srccompare.reuse.align.pair import align_pair, align_prepared, aligned_pairs, aligned_with_tokens, passage_kind
from srccompare.reuse.align.prepare import Prepared, Weights, prepare

__all__ = ["Prepared", "Weights", "align_pair", "align_prepared", "aligned_pairs", "aligned_with_tokens", "passage_kind", "prepare"]
