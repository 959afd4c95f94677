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

import os
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import numba
import numpy as np

from srccompare.engines.base import Engine, Progress, report_progress
from srccompare.model import CleanArticle
from srccompare.reuse.align.prepare import Weights
from srccompare.reuse.arrays import distinct, sums_by_value
from srccompare.reuse.candidates import BucketedPostings, Postings, SpilledPostings, shingle_sample
from srccompare.reuse.interpreted import kernel_to_call
from srccompare.reuse.spill import TOKEN_WRITE_BUFFER, TokensPlace, record_starts, token_record
from srccompare.reuse.tokens import Text, body_of, mix64, process_hasher, shingle_at, shingle_hashes, token_hashes, alignment_tokens
from srccompare.settings import ReuseSettings, SketchParameters

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
        return kernel_to_call(_band_keys)(rows, self.parameters.rows, self.band_salts)

    def document_keys(self, token_hashes: np.ndarray) -> np.ndarray:
        """All band keys of a document's windows, flattened (what the LSH index stores)."""
        return self._sketch(token_hashes, False)[1].ravel()

    def _sketch(self, token_hashes: np.ndarray, keep_signatures: bool) -> tuple[np.ndarray, np.ndarray]:
        p = self.parameters
        # One array type for the kernel (C-contiguous uint64): each other type would be compiled anew.
        hashes = np.ascontiguousarray(token_hashes, dtype=np.uint64)
        return kernel_to_call(_sketch)(hashes, p.shingle, p.step, p.window // p.step, self.salts, self.band_salts, p.rows, keep_signatures)


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


# --- the sketch step: a corpus in chunks, in the engine's workers ----------------


@dataclass(frozen=True)
class IndexParameters:
    fold_names: bool
    shingle_words: int
    shingle_sample: int
    sketch: SketchParameters


def index_parameters(reuse: ReuseSettings) -> IndexParameters:
    """What shapes an article's postings (an index stores them and refuses others)."""
    return IndexParameters(reuse.tokens.fold_names, reuse.candidates.shingle_words, reuse.candidates.shingle_sample, reuse.sketch)


@dataclass(frozen=True, eq=False)
class SketchChunk:
    """What the sketch step returns for a chunk of documents."""

    # Every document's keys as postings already in bucket order: a few large
    # arrays rather than two small ones a document (which the main process
    # could not hand back to the system once the postings are built), and
    # the main process only slices them into parts.
    shingles: BucketedPostings | SpilledPostings  # distinct sampled exact shingle hashes of each document (documents numbered in the chunk)
    bands: BucketedPostings | SpilledPostings  # distinct LSH band keys of each document's windows
    vocabulary: np.ndarray  # distinct token hashes of the chunk
    document_frequency: np.ndarray  # in how many of the chunk's documents each occurs
    words: np.ndarray  # per document: its words (tokens), counted here rather than again in the main process
    # With a spill path: the file the documents' tokens were left in, one record each in order (see
    # spill.token_record), for the align tasks to read instead of tokenising again.
    token_file: str | None = None

    def keys_of(self, field: str) -> list[np.ndarray]:
        """Per document: its ``shingles`` or ``bands`` keys, sorted (for engines that keep them by
        document; the postings are in memory, as they are without a spill directory)."""
        postings = getattr(self, field)
        order = np.lexsort((postings.keys, postings.docs))
        counts = np.bincount(postings.docs, minlength=len(self.words))
        return np.split(postings.keys[order], np.cumsum(counts)[:-1]) if len(counts) else []


def sketch_corpus(
    articles: Sequence[CleanArticle],
    reuse: ReuseSettings,
    engine: Engine,
    progress: Progress | None,
    spill: str | None = None,
) -> list[SketchChunk]:
    """The chunks' sketches; with ``spill`` (a directory) their postings are left in files there."""
    params = index_parameters(reuse)
    size = reuse.engine.chunk_documents
    # Paragraphs rather than bodies: the workers join them (joining 40k bodies here was 0.3 s of serial time).
    tasks = [
        SketchTask([a.paragraphs for a in articles[first : first + size]], params, os.path.join(spill, str(first)) if spill else None)
        for first in range(0, len(articles), size)
    ]
    return engine.map(sketch_documents, tasks, on_done=lambda done: report_progress(progress, "sketch", done, len(tasks)))


@dataclass(frozen=True, eq=False)
class SketchTask:
    """A chunk of documents to sketch in a worker (``sketch_documents``)."""

    texts: Sequence[Text]  # the bodies, or their paragraphs
    params: IndexParameters
    spill: str | None = None  # leave the postings and tokens in files at this path (and its suffixes)


def sketch_documents(task: SketchTask) -> SketchChunk:
    """Sampled exact shingles, band keys and token document frequencies of a chunk of bodies
    (the postings, and each document's tokens, written to files at the task's path when it has one)."""
    params, spill = task.params, task.spill
    bodies = list(map(body_of, task.texts))
    hasher = process_hasher(params.fold_names)
    sketcher = Sketcher.build(params.sketch)
    shingles, bands, vocabularies = [], [], []
    words = np.zeros(len(bodies), dtype=np.int64)
    # With a spill path, each document's tokens go to a file for the align tasks, which then
    # read them rather than tokenise the body again.
    token_file = spill + ".tokens" if spill is not None else None
    # (A large buffer: the records are small, and a write call each cost 22 us a document against 8.)
    with open(token_file, "wb", buffering=TOKEN_WRITE_BUFFER) if token_file is not None else nullcontext() as out:
        for number, body in enumerate(bodies):
            if out is None:
                hashes = token_hashes(body, hasher)
            else:
                tokens = alignment_tokens("", body, hasher)
                hashes = tokens.hashes
                out.writelines(token_record(tokens))
            words[number] = len(hashes)
            # (repeats and all: sorting each document's shingles cost ~15 us, and the pairing drops repeated rows)
            shingles.append(shingle_sample(shingle_hashes(hashes, params.shingle_words), params.shingle_sample))
            bands.append(distinct(sketcher.document_keys(hashes)))
            vocabularies.append(distinct(hashes))
    vocabulary, frequency = np.unique(np.concatenate(vocabularies) if vocabularies else np.zeros(0, np.uint64), return_counts=True)
    shingle_postings, band_postings = BucketedPostings.of(Postings.from_lists(shingles)), BucketedPostings.of(Postings.from_lists(bands))
    if spill is not None:
        shingle_postings = SpilledPostings.write(shingle_postings, spill + ".shingles")
        band_postings = SpilledPostings.write(band_postings, spill + ".bands")
    return SketchChunk(shingle_postings, band_postings, vocabulary, frequency, words, token_file)


def token_places(sketches: Sequence[SketchChunk]) -> list[TokensPlace] | None:
    """Per document number: where the sketch tasks left its tokens, when they all did."""
    if not sketches or any(chunk.token_file is None for chunk in sketches):
        return None
    places: list[TokensPlace] = []
    for chunk in sketches:
        places.extend((chunk.token_file, start, count) for start, count in zip(record_starts(chunk.words), chunk.words.tolist()))
    return places


def corpus_weights(sketches: Sequence[SketchChunk], documents: int) -> Weights:
    """Token idf over the corpus, from the chunks' document frequencies."""
    if not sketches:
        return Weights.from_frequencies(np.zeros(0, np.uint64), np.zeros(0, np.int64), documents)
    # Each chunk's vocabulary is sorted: a stable sort (timsort) merges those runs, and each
    # distinct hash's frequencies are summed over its run (a quarter of the time of np.unique
    # with return_inverse and np.bincount, serial in this process).
    vocabulary, frequency = sums_by_value(
        np.concatenate([s.vocabulary for s in sketches]), np.concatenate([s.document_frequency for s in sketches])
    )
    return Weights.from_frequencies(vocabulary, frequency, documents)
