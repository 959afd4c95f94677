"""MinHash signatures and LSH band keys over passage windows, in numpy.

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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from srccompare.tokens import mix64, shingle_hashes

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
SKETCH_BLOCKS = 1024  # window steps hashed at once: 48 permutations x 51,200 shingles, ~20 MB


@dataclass(frozen=True)
class SketchParameters:
    shingle: int  # tokens per shingle
    window: int  # tokens per window (a multiple of step)
    step: int  # tokens between window starts
    bands: int
    rows: int  # signature values per band; permutations = bands * rows
    seed: int

    @property
    def permutations(self) -> int:
        return self.bands * self.rows


@dataclass(frozen=True, eq=False)
class Sketcher:
    """Seeded salts for the permutations and the bands (build once, use for every document)."""

    parameters: SketchParameters
    salts: np.ndarray  # (permutations,) uint64
    band_salts: np.ndarray  # (bands,) uint64

    @classmethod
    def build(cls, parameters: SketchParameters) -> Sketcher:
        if parameters.window % parameters.step:
            raise ValueError("sketch window must be a multiple of its step")
        rng = np.random.default_rng(parameters.seed)
        salts = rng.integers(0, 2**64, size=parameters.permutations, dtype=np.uint64)
        band_salts = rng.integers(0, 2**64, size=parameters.bands, dtype=np.uint64)
        return cls(parameters, salts, band_salts)

    def signatures(self, token_hashes: np.ndarray) -> np.ndarray:
        """(windows, permutations) MinHash signatures of a document's windows."""
        params = self.parameters
        shingles = shingle_hashes(token_hashes, params.shingle)
        if len(shingles) == 0:
            return np.zeros((0, params.permutations), dtype=np.uint64)
        block_starts = np.arange(0, len(shingles), params.step)
        blocks = np.empty((params.permutations, len(block_starts)), dtype=np.uint64)  # (perms, blocks)
        # A stretch of SKETCH_BLOCKS blocks at a time: the (perms, shingles)
        # hashes of a huge document would otherwise take gigabytes at once.
        span = params.step * SKETCH_BLOCKS
        for first in range(0, len(shingles), span):
            hashed = mix64(shingles[None, first : first + span] ^ self.salts[:, None])
            starts = np.arange(0, hashed.shape[1], params.step)
            done = first // params.step
            blocks[:, done : done + len(starts)] = np.minimum.reduceat(hashed, starts, axis=1)
        per_window = params.window // params.step
        count = max(1, len(block_starts) - per_window + 1)
        windows = blocks[:, :count].copy()
        for offset in range(1, per_window):
            available = min(count, len(block_starts) - offset)
            if available > 0:
                windows[:, :available] = np.minimum(windows[:, :available], blocks[:, offset : offset + available])
        return windows.T

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """(windows, bands) 64-bit keys, one a band, the band number mixed in."""
        params = self.parameters
        grouped = signatures.reshape(len(signatures), params.bands, params.rows)
        with np.errstate(over="ignore"):
            combined = grouped[:, :, 0].copy()
            for row in range(1, params.rows):
                combined = combined * _MULTIPLIER + grouped[:, :, row]
        return mix64(combined ^ self.band_salts[None, :])

    def document_keys(self, token_hashes: np.ndarray) -> np.ndarray:
        """All band keys of a document's windows, flattened (what the LSH index stores)."""
        return self.band_keys(self.signatures(token_hashes)).ravel()


def jaccard_estimate(left: np.ndarray, right: np.ndarray) -> float:
    """Share of equal signature values: the MinHash estimate of Jaccard similarity."""
    return float(np.mean(left == right))
