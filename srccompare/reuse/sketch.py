"""MinHash signatures and LSH band keys over passage windows, in one numba kernel.

An article is cut into overlapping windows of ``window`` tokens every ``step``
tokens (say 100 and 50), and each window gets a MinHash signature of its
shingles. Whole-article MinHash would not do: a 200-word wire passage inside a
600-word article has a whole-article Jaccard near 0.07, while the windows that
fall inside the passage share most of their shingles.

The ``permutations`` hash functions are ``mix64(x ^ salt_i)`` with salts drawn
from a seeded generator, so signatures are the same in every process and run.
Signatures are cut into ``bands`` of ``rows`` values; each band becomes one
64-bit key (band number mixed in), and two windows whose keys collide in any
band make their articles a candidate pair.

Shingles, signatures and band keys of a document are computed in one compiled
pass (numpy's per-call overhead dominated on news-sized documents), from the
shingle and mixing kernels of ``tokens``. The pass keeps only the minima of
the last ``window / step`` blocks of ``step`` shingles, so a document of
millions of tokens costs no more memory than its output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from srccompare.reuse.tokens import mix64, shingle_at
from srccompare.settings import SketchParameters

_ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True, eq=False)
class Sketcher:
    """Seeded salts for the permutations and the bands (build once, use for every document)."""

    parameters: SketchParameters
    salts: np.ndarray  # (permutations,) uint64
    band_salts: np.ndarray  # (bands,) uint64

    @classmethod
    def build(cls, parameters: SketchParameters) -> Sketcher:
        p = parameters
        if min(p.shingle, p.step, p.bands, p.rows) < 1 or p.window < p.step:
            raise ValueError("sketch shingle, step, bands and rows must be positive, and the window at least a step")
        if p.window % p.step:
            raise ValueError("sketch window must be a multiple of its step")
        rng = np.random.default_rng(p.seed)
        salts = rng.integers(0, 2**64, size=p.permutations, dtype=np.uint64)
        band_salts = rng.integers(0, 2**64, size=p.bands, dtype=np.uint64)
        return cls(parameters, salts, band_salts)

    def signatures(self, token_hashes: np.ndarray) -> np.ndarray:
        """(windows, permutations) MinHash signatures of a document's windows."""
        return self._sketch(token_hashes, True)[0]

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """(windows, bands) 64-bit keys, one a band, the band number mixed in."""
        rows = np.ascontiguousarray(signatures, dtype=np.uint64).reshape(len(signatures), self.parameters.permutations)
        return _band_keys(rows, self.parameters.rows, self.band_salts)

    def document_keys(self, token_hashes: np.ndarray) -> np.ndarray:
        """All band keys of a document's windows, flattened (what the LSH index stores)."""
        return self._sketch(token_hashes, False)[1].ravel()

    def _sketch(self, token_hashes: np.ndarray, keep_signatures: bool) -> tuple[np.ndarray, np.ndarray]:
        p = self.parameters
        # One array type for the kernel (C-contiguous uint64): each other type would be compiled anew.
        hashes = np.ascontiguousarray(token_hashes, dtype=np.uint64)
        return _sketch(hashes, p.shingle, p.step, p.window // p.step, self.salts, self.band_salts, p.rows, keep_signatures)


def jaccard_estimate(left: np.ndarray, right: np.ndarray) -> float:
    """Share of equal signature values: the MinHash estimate of Jaccard similarity."""
    return float(np.mean(left == right))


# --- the kernel ----------------------------------------------------------------


@numba.njit(cache=True)
def _sketch(hashes, shingle, step, per_window, salts, band_salts, rows, keep_signatures):
    """(signatures, band keys) of a document's windows: the signatures if ``keep_signatures``
    (and no keys), else the keys (and no signatures).

    Window w covers blocks w .. w + per_window - 1 of ``step`` shingles (the
    last block may be short); a document of fewer than ``per_window`` blocks
    has one window, of all its shingles.
    """
    permutations = len(salts)
    shingles = len(hashes) - shingle + 1
    blocks = max(0, -(-shingles // step))
    windows = max(1, blocks - per_window + 1) if blocks else 0
    signatures = np.empty((windows if keep_signatures else 0, permutations), dtype=np.uint64)
    keys = np.empty((0 if keep_signatures else windows, len(band_salts)), dtype=np.uint64)
    recent = np.empty((per_window, permutations), dtype=np.uint64)  # minima of the last blocks, a ring
    window = np.empty(permutations, dtype=np.uint64)
    values = np.empty(step, dtype=np.uint64)  # the block's shingle hashes
    for block in range(blocks):
        first = block * step
        count = min(step, shingles - first)
        for index in range(count):
            values[index] = mix64(shingle_at(hashes, first + index, shingle))
        # One permutation at a time over the block's shingles: a min-reduction
        # that LLVM vectorises (a third faster than all permutations per shingle).
        minima = recent[block % per_window]
        for permutation in range(permutations):
            salt = salts[permutation]
            least = _ALL_ONES
            for index in range(count):
                least = min(least, mix64(values[index] ^ salt))
            minima[permutation] = least
        if block >= per_window - 1 or block == blocks - 1:  # a window ends here (or the only, short one)
            filled = min(block + 1, per_window)
            window[:] = recent[0]
            for row in range(1, filled):
                for permutation in range(permutations):
                    window[permutation] = min(window[permutation], recent[row, permutation])
            number = max(0, block - per_window + 1)
            if keep_signatures:
                signatures[number] = window
            else:
                _window_keys(window, rows, band_salts, keys[number])
    return signatures, keys


@numba.njit(cache=True)
def _window_keys(signature, rows, band_salts, out):
    """Band keys of one window: each band's rows combined polynomially, salted, mixed."""
    for band in range(len(band_salts)):
        out[band] = mix64(shingle_at(signature, band * rows, rows) ^ band_salts[band])


@numba.njit(cache=True)
def _band_keys(signatures, rows, band_salts):
    keys = np.empty((len(signatures), len(band_salts)), dtype=np.uint64)
    for number in range(len(signatures)):
        _window_keys(signatures[number], rows, band_salts, keys[number])
    return keys
