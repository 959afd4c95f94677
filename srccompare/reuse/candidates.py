"""Candidate pairs of documents from postings: exact shingles and LSH band keys.

Both sources are postings, (key, document) rows: a sampled set of exact shingle
hashes per document (the passim approach, for verbatim reuse) and the LSH band
keys of each document's windows (for reuse with light edits). A key carried by
too many documents is dropped (document-frequency bound): it is a stock phrase
or boilerplate, and keeping it would make pairs grow with its square. Every
remaining key makes all pairs of its documents; a pair is a candidate when it
shares enough exact shingles or at least one band.

Candidates are approximate, never the final word: the aligner re-checks each
pair exactly. Everything here is numpy over the whole corpus, no Python loop
per posting (and one compiled counting sort, in the sketch workers).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numba
import numpy as np

from srccompare.engines.base import Engine
from srccompare.reuse.arrays import distinct, first_of_runs, sums_by_value
from srccompare.reuse.interpreted import kernel_to_call
from srccompare.settings import ReuseSettings

# Pair ids pack (left, right) document numbers into one int64.
_PAIR_BASE = np.int64(1 << 31)


@dataclass(frozen=True, eq=False)
class PairCounts:
    """Document pairs (left < right, numbers into the corpus) and how many keys each shares."""

    left: np.ndarray  # int64
    right: np.ndarray  # int64
    counts: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.left)


@dataclass(frozen=True, eq=False)
class Postings:
    """(key, document number) rows, one array each."""

    keys: np.ndarray  # uint64
    docs: np.ndarray  # int32

    @classmethod
    def from_lists(cls, keys_per_doc: list[np.ndarray]) -> Postings:
        lengths = np.fromiter((len(keys) for keys in keys_per_doc), dtype=np.int64, count=len(keys_per_doc))
        keys = np.concatenate(keys_per_doc) if keys_per_doc else np.zeros(0, dtype=np.uint64)
        docs = np.repeat(np.arange(len(keys_per_doc), dtype=np.int32), lengths)
        return cls(keys.astype(np.uint64, copy=False), docs)


@dataclass(frozen=True, eq=False)
class BucketedPostings:
    """Postings ordered by bucket, ready to be cut into parts by key with slices.

    A row's bucket is the low BUCKET_BITS bits of its key, bit-reversed: the
    rows whose keys agree in their low k bits (one of 2**k parts) are then one
    run of buckets, whatever k is. Sorting by bucket costs a radix sort where
    the rows are made (in the sketch workers); cutting them into parts later
    is slicing.
    """

    keys: np.ndarray  # uint64, in bucket order (a bucket's rows in the order given)
    docs: np.ndarray  # int32
    bucket_rows: np.ndarray  # int32 (2**BUCKET_BITS,): rows in each bucket

    @classmethod
    def of(cls, postings: Postings) -> BucketedPostings:
        keys = np.ascontiguousarray(postings.keys, dtype=np.uint64)
        docs = np.ascontiguousarray(postings.docs, dtype=np.int32)
        return cls(*kernel_to_call(_bucket_sorted)(keys, docs, _REVERSED_BITS, BUCKET_BITS))

    def renumbered(self, first: int) -> BucketedPostings:
        """The same rows with ``first`` added to every document number."""
        return BucketedPostings(self.keys, self.docs + np.int32(first), self.bucket_rows)


BUCKET_BITS = 16  # so at most 2**16 parts (see part_count)
_REVERSED_BITS = np.zeros(1 << BUCKET_BITS, dtype=np.uint16)
for _bit in range(BUCKET_BITS):
    _REVERSED_BITS |= (((np.arange(1 << BUCKET_BITS) >> _bit) & 1) << (BUCKET_BITS - 1 - _bit)).astype(np.uint16)
del _bit


@numba.njit(cache=True)
def _bucket_sorted(keys, docs, reversed_bits, bucket_bits):
    """(keys, docs, bucket_rows): the rows in bucket order, a bucket's rows in the order given.
    A counting sort, compiled: one pass to count, one to place each row (numpy's stable argsort
    and two gathers took 11 ms for the 311k shingle rows of 500 articles, this ~3)."""
    mask = np.uint64((1 << bucket_bits) - 1)
    buckets = np.empty(len(keys), np.int64)
    rows = np.zeros(1 << bucket_bits, np.int32)
    for k in range(len(keys)):
        bucket = reversed_bits[np.int64(keys[k] & mask)]
        buckets[k] = bucket
        rows[bucket] += 1
    at = np.empty(1 << bucket_bits, np.int64)
    total = 0
    for bucket in range(1 << bucket_bits):
        at[bucket] = total
        total += rows[bucket]
    sorted_keys = np.empty(len(keys), np.uint64)
    sorted_docs = np.empty(len(keys), np.int32)
    for k in range(len(keys)):
        place = at[buckets[k]]
        sorted_keys[place] = keys[k]
        sorted_docs[place] = docs[k]
        at[buckets[k]] = place + 1
    return sorted_keys, sorted_docs, rows


def sampled_shingles(shingles: np.ndarray, modulus: int) -> np.ndarray:
    """The distinct shingle hashes kept for the index: those divisible by ``modulus``.

    Sampling by value (not by position) keeps the same shingles in every
    document, so a shared passage of s shingles still shares about s/modulus.
    """
    return distinct(shingle_sample(shingles, modulus))


def shingle_sample(shingles: np.ndarray, modulus: int) -> np.ndarray:
    """``sampled_shingles`` with repeats left in (and in text order): for postings, whose pairing
    drops a document's repeated rows anyway (see ``_distinct_postings``)."""
    return shingles[shingles % np.uint64(modulus) == 0] if modulus > 1 else shingles


# A shared key's weight is counted in sixteenths (integers, so that counts stay exact and pack into codes).
WEIGHT_UNIT = 16


def key_weights(documents: np.ndarray, common_df: int) -> np.ndarray:
    """In sixteenths, what a key carried by ``documents`` documents counts toward a pair's shared
    keys: a whole one up to ``common_df`` documents, ``common_df / documents`` of one beyond (a
    sixteenth at least). A phrase many documents carry is weaker evidence that two of them share copy."""
    documents = np.asarray(documents, dtype=np.int64)
    return np.where(documents <= common_df, WEIGHT_UNIT, np.maximum(1, WEIGHT_UNIT * common_df // np.maximum(documents, 1)))


def part_count(rows: int, part_rows: int) -> int:
    """Parts (a power of two, at most 2**16) to split ``rows`` postings into, ``part_rows`` or fewer each."""
    return min(1 << 16, 1 << max(0, int(np.ceil(np.log2(max(1, rows) / max(1, part_rows))))))


def split_by_key(chunks: Iterable[BucketedPostings], parts: int) -> list[Postings]:
    """The rows of all chunks in ``parts`` parts (a power of two) by the low bits of their keys.

    Chunks are taken one at a time (a generator will do), so the corpus's
    postings never need to be one array before they are split.
    """
    pieces: list[list[Postings]] = [[] for _ in range(parts)]
    for chunk in chunks:
        for part, (low, high) in enumerate(part_ranges(chunk.bucket_rows, parts)):
            pieces[part].append(Postings(chunk.keys[low:high], chunk.docs[low:high]))
    return [_joined(part) for part in pieces]


def part_ranges(bucket_rows: np.ndarray, parts: int) -> list[tuple[int, int]]:
    """[low, high) rows of each of ``parts`` parts (a power of two) in postings in bucket order."""
    bits = parts.bit_length() - 1
    width = 1 << (BUCKET_BITS - bits)  # buckets a part
    # Part p holds the keys whose low bits are p: the buckets from p's bits reversed, times width.
    firsts = (_REVERSED_BITS[:parts].astype(np.int64) >> (BUCKET_BITS - bits)) * width if bits else np.zeros(1, np.int64)
    bounds = np.concatenate(([0], np.cumsum(bucket_rows, dtype=np.int64)))
    return list(zip(bounds[firsts].tolist(), bounds[firsts + width].tolist()))


KEYS_SUFFIX, DOCS_SUFFIX = ".keys", ".docs"  # the two files of spilled postings, after their path


@dataclass(frozen=True)
class SpilledPostings:
    """Bucketed postings written to two files by the worker that made them (``path``.keys, ``path``.docs).

    The main process then never holds the corpus's postings: it hands each
    pairing task the file slices of its part, and the task reads them.
    """

    path: str
    bucket_rows: np.ndarray
    first_doc: int = 0  # added to every document number read

    @classmethod
    def write(cls, postings: BucketedPostings, path: str) -> SpilledPostings:
        postings.keys.tofile(path + KEYS_SUFFIX)
        postings.docs.tofile(path + DOCS_SUFFIX)
        return cls(path, postings.bucket_rows)

    def renumbered(self, first: int) -> SpilledPostings:
        return SpilledPostings(self.path, self.bucket_rows, first)


@dataclass(frozen=True)
class SpilledSlice:
    """Rows ``low`` to ``high`` of a spilled chunk's postings, its documents numbered from ``first_doc``."""

    path: str
    first_doc: int
    low: int
    high: int


def spilled_parts(chunks: Iterable[SpilledPostings], parts: int) -> list[list[SpilledSlice]]:
    """Per part, the file slices holding its rows (what ``split_by_key`` cuts, left on disk)."""
    slices: list[list[SpilledSlice]] = [[] for _ in range(parts)]
    for chunk in chunks:
        for part, (low, high) in enumerate(part_ranges(chunk.bucket_rows, parts)):
            if high > low:
                slices[part].append(SpilledSlice(chunk.path, chunk.first_doc, low, high))
    return slices


def read_slices(slices: Sequence[SpilledSlice]) -> Postings:
    pieces = []
    for piece in slices:
        keys = _file_rows(piece.path + KEYS_SUFFIX, np.uint64, piece.low, piece.high)
        docs = _file_rows(piece.path + DOCS_SUFFIX, np.int32, piece.low, piece.high)
        pieces.append(Postings(keys, docs + np.int32(piece.first_doc)))
    return _joined(pieces)


def _joined(pieces: list[Postings]) -> Postings:
    if not pieces:
        return Postings(np.zeros(0, np.uint64), np.zeros(0, np.int32))
    return Postings(np.concatenate([p.keys for p in pieces]), np.concatenate([p.docs for p in pieces]))


def merge_parts(found: Sequence[tuple[np.ndarray, np.ndarray]]) -> PairCounts:
    """The pair counts of all parts (a pair may share keys of several parts)."""
    codes = np.concatenate([c for c, _ in found]) if found else np.zeros(0, np.int64)
    if len(codes) == 0:
        return _empty_pairs()
    counts = np.concatenate([n for _, n in found]).astype(np.int64)
    count_bits = int(counts.max()).bit_length()
    if int(codes.max()).bit_length() + count_bits <= 63:
        # Each code with its count in the low bits, sorted as one array: no argsort and no
        # gathers after it (at 40k articles' 3.7M codes, half the time of a stable argsort).
        packed = (codes << np.int64(count_bits)) | counts
        packed.sort()
        ordered = packed >> np.int64(count_bits)
        starts = np.flatnonzero(first_of_runs(ordered))
        summed = np.add.reduceat(packed & np.int64((1 << count_bits) - 1), starts)
        unique = ordered[starts]
    else:  # (a corpus of millions of documents) each part's codes are sorted: timsort merges the runs
        unique, summed = sums_by_value(codes, counts)
    return PairCounts(unique // _PAIR_BASE, unique % _PAIR_BASE, summed)


@dataclass(frozen=True, eq=False)
class PairingTask:
    """One part of the keys, to pair in a worker (``pairs_in_part``, ``paired_part``)."""

    part: Postings | Sequence[SpilledSlice]  # the part's rows, or the file slices holding them
    max_df: int  # keys held by more documents make no pairs
    common_df: int | None  # shingles: keys held by more count common_df / df of one; None: one each (bands)
    bounds: np.ndarray | None = None  # for paired_part: the code bounds to cut the pairs at
    path: str | None = None  # for paired_part: leave the codes and counts in files here


@dataclass(frozen=True, eq=False)
class RangeTask:
    """A run of code ranges, to sum each pair's counts over the parts in a worker (``candidates_in_ranges``)."""

    shingles: list[PairPiece]  # the shingle parts' pieces of the run
    bands: list[PairPiece]  # the band parts'
    min_shared_shingles: int  # in sixteenths (see key_weights)
    min_shared_bands: int


def pairs_in_part(task: PairingTask) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pair codes of one part of the keys and how many keys each pair shares (with a
    ``common_df``, their weights in sixteenths, see ``key_weights``).

    A task of its own, so that an engine can run the parts in its workers.
    """
    max_df, common_df = task.max_df, task.common_df
    postings = task.part if isinstance(task.part, Postings) else read_slices(task.part)
    keys, docs = _distinct_postings(postings)
    if len(keys) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    boundaries = np.flatnonzero(np.diff(keys) != 0) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    codes, weights = [], []
    for size in distinct(sizes[(sizes >= 2) & (sizes <= max_df)]):
        group_starts = starts[sizes == size]
        members = docs[group_starts[:, None] + np.arange(size)[None, :]]
        upper_left, upper_right = np.triu_indices(int(size), 1)
        codes.append(members[:, upper_left].ravel().astype(np.int64) * _PAIR_BASE + members[:, upper_right].ravel())
        weights.append(int(key_weights(size, common_df)) if common_df is not None else 1)
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if all(weight == weights[0] for weight in weights):
        unique, counts = np.unique(np.concatenate(codes), return_counts=True)
        return unique, counts * weights[0]
    each = np.repeat(np.array(weights, dtype=np.int64), [len(group) for group in codes])
    return sums_by_value(np.concatenate(codes), each, kind="quicksort")  # (groups of codes, not sorted runs)


def _distinct_postings(postings: Postings) -> tuple[np.ndarray, np.ndarray]:
    """The rows of keys held more than once, sorted by key then document, repeats dropped."""
    postings = _repeated_keys(postings)
    order = np.lexsort((postings.docs, postings.keys))
    keys, docs = postings.keys[order], postings.docs[order]
    if len(keys) == 0:
        return keys, docs
    keep = np.ones(len(keys), dtype=bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    return keys[keep], docs[keep]


def _repeated_keys(postings: Postings) -> Postings:
    """The rows whose key may occur in more than one row: all those whose key does, and the odd
    row whose key shares its high bits with another's (the pairing that follows groups by the
    whole key, so a lone key there pairs nothing).

    Most shingles occur in one document only. One sort of the keys with each
    row's number in their low bits finds the others (no argsort, no search of
    the keys afterwards: 0.3 s -> 0.13 s on a 3M-row part of 40k articles),
    and leaves a seventh of the rows for the costly sort by key and document.
    """
    rows = len(postings.keys)
    if rows < 2:
        return Postings(postings.keys[:0], postings.docs[:0])
    bits = np.uint64((rows - 1).bit_length())
    low = (np.uint64(1) << bits) - np.uint64(1)
    packed = postings.keys & ~low
    packed |= np.arange(rows, dtype=np.uint64)
    packed.sort()
    same = (packed[1:] >> bits) == (packed[:-1] >> bits)
    repeated = np.zeros(rows, dtype=bool)
    repeated[1:] = same
    repeated[:-1] |= same
    held = np.zeros(rows, dtype=bool)
    held[(packed[repeated] & low).astype(np.int64)] = True
    return Postings(postings.keys[held], postings.docs[held])


def _empty_pairs() -> PairCounts:
    empty = np.zeros(0, dtype=np.int64)
    return PairCounts(empty, empty, empty)


def candidate_codes(shingle_pairs: PairCounts, band_pairs: PairCounts, min_shared_shingles: int, min_shared_bands: int) -> np.ndarray:
    """Pairs sharing at least ``min_shared_shingles`` exact shingles or ``min_shared_bands`` bands, as sorted pair codes."""
    chosen = [
        _codes(shingle_pairs)[shingle_pairs.counts >= min_shared_shingles],
        _codes(band_pairs)[band_pairs.counts >= min_shared_bands],
    ]
    return distinct(np.concatenate(chosen))


def pairs_of_codes(codes: np.ndarray) -> tuple[tuple[int, int], ...]:
    return tuple(zip((codes // _PAIR_BASE).tolist(), (codes % _PAIR_BASE).tolist()))


# --- pairing and merging in the workers ----------------------------------------------------
#
# Pairs sharing a key are found part by part (a key lies in one part), but a pair's counts
# are summed over all parts. Rather than send every part's pair codes to one process to be
# merged (at 40k articles 3.7M codes, most of them chance pairs sharing one stock phrase,
# whose number grows with the square of the corpus), each pairing task cuts its codes into
# ranges by left document, and merging tasks each take a run of ranges from every part.

CODE_RANGES = 64  # ranges the pairing tasks cut their codes into; merging tasks take runs of them
CODES_SUFFIX, COUNTS_SUFFIX = ".codes", ".counts"  # a pairing task's files, after its path


@dataclass(frozen=True, eq=False)
class PairedPart:
    """A pairing task's pair codes (sorted) and counts, or the path of the files it wrote them to,
    and where each code range begins among them (``offsets``, CODE_RANGES + 1 of them)."""

    offsets: np.ndarray  # int64
    codes: np.ndarray | None = None  # int64
    counts: np.ndarray | None = None  # int64
    path: str | None = None

    def piece(self, low: int, high: int) -> PairPiece:
        """Its codes from ``low`` to ``high``: the arrays, or where to read them."""
        if self.path is not None:
            return (self.path, low, high)
        assert self.codes is not None and self.counts is not None
        return (self.codes[low:high], self.counts[low:high])


# Codes and counts of a run of ranges of one part: the arrays, or (path, first row, end row).
PairPiece = tuple[np.ndarray, np.ndarray] | tuple[str, int, int]


def code_bounds(documents: int, ranges: int = CODE_RANGES) -> np.ndarray:
    """Pair-code values cutting all the pairs of ``documents`` into ``ranges`` by left document."""
    return (np.arange(ranges + 1, dtype=np.int64) * documents // ranges) * _PAIR_BASE


def paired_part(task: PairingTask) -> PairedPart:
    """``pairs_in_part`` of one part, cut at the code ``bounds``; with a ``path`` the codes and
    counts are left in files there."""
    path = task.path
    codes, counts = pairs_in_part(task)
    offsets = np.searchsorted(codes, task.bounds).astype(np.int64)
    if path is None:
        return PairedPart(offsets, codes, counts)
    codes.tofile(path + CODES_SUFFIX)
    counts.tofile(path + COUNTS_SUFFIX)
    return PairedPart(offsets, path=path)


def merge_tasks(
    shingles: Sequence[PairedPart], bands: Sequence[PairedPart], least: int, task_rows: int
) -> list[tuple[list[PairPiece], list[PairPiece]]]:
    """The pieces (shingle parts', band parts') of runs of consecutive code ranges: at least
    ``least`` runs, and enough that each holds about ``task_rows`` codes or fewer, about the same
    number in each (fewer runs when some ranges are empty)."""
    paired = [*shingles, *bands]
    if not paired:
        return []
    sizes = np.sum([np.diff(part.offsets) for part in paired], axis=0)
    ends = np.cumsum(sizes)
    tasks = max(least, -(-int(ends[-1]) // task_rows))
    # Cut after the range where the running total passes each multiple of total / tasks.
    cuts = np.searchsorted(ends, np.arange(1, tasks) * ends[-1] / max(1, tasks), side="left") + 1
    bounds = distinct(np.concatenate(([0], cuts, [len(sizes)])).astype(np.int64))
    runs = []
    for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        pieces = [[part.piece(int(part.offsets[first]), int(part.offsets[last])) for part in group
                   if part.offsets[last] > part.offsets[first]] for group in (shingles, bands)]
        if pieces[0] or pieces[1]:
            runs.append((pieces[0], pieces[1]))
    return runs


def candidates_in_ranges(task: RangeTask) -> np.ndarray:
    """The candidate codes of a run of code ranges: each pair's counts summed over the parts."""
    return candidate_codes(merge_parts(list(map(_read_piece, task.shingles))), merge_parts(list(map(_read_piece, task.bands))),
                           task.min_shared_shingles, task.min_shared_bands)


def _read_piece(piece: PairPiece) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(piece[0], str):
        return piece  # type: ignore[return-value]
    path, low, high = piece
    return _file_rows(path + CODES_SUFFIX, np.int64, low, high), _file_rows(path + COUNTS_SUFFIX, np.int64, low, high)


def _file_rows(path: str, dtype: type[np.generic], low: int, high: int) -> np.ndarray:
    """Rows ``low`` to ``high`` of a file of ``dtype`` values (written by ndarray.tofile)."""
    return np.fromfile(path, dtype=dtype, count=high - low, offset=low * np.dtype(dtype).itemsize)


def _codes(pairs: PairCounts) -> np.ndarray:
    return pairs.left * _PAIR_BASE + pairs.right


# --- the candidates step: the sketches' postings in parts, paired in the engine's workers ---------




KeyPart = Postings | list[SpilledSlice]  # a part's rows, or the file slices that hold them


class SketchedChunk(Protocol):
    """What the candidates step takes of a chunk of sketched documents (``sketch.SketchChunk``)."""

    shingles: BucketedPostings | SpilledPostings
    bands: BucketedPostings | SpilledPostings
    words: np.ndarray  # one entry a document of the chunk


def key_parts(sketches: Sequence[SketchedChunk], field: str, part_rows: int, least: int = 1) -> list[KeyPart]:
    """The corpus's (key, document number) rows of the sketches' ``shingles`` or ``bands``, in parts
    by key (of about ``part_rows``; at least ``least`` parts, so that every
    worker has one)."""
    chunks = [getattr(chunk, field) for chunk in sketches]
    firsts = np.cumsum([0] + [len(chunk.words) for chunk in sketches]).tolist()
    rows = sum(int(postings.bucket_rows.sum()) for postings in chunks)
    parts = max(part_count(rows, part_rows), part_count(least, 1))
    renumbered = (postings.renumbered(first) for postings, first in zip(chunks, firsts))
    cut = spilled_parts if chunks and isinstance(chunks[0], SpilledPostings) else split_by_key
    return list(cut(renumbered, parts))


def find_candidates(
    shingles: Sequence[KeyPart], bands: Sequence[KeyPart], reuse: ReuseSettings, engine: Engine, documents: int, spill: str | None = None
) -> tuple[tuple[int, int], ...]:
    """Candidate pairs (document numbers in id order, left < right): the parts paired in the engine's
    workers, then each pair's counts summed over the parts in the workers too, by ranges of pairs
    (with ``spill``, a directory, the codes pass between them through files there)."""
    bounds = code_bounds(documents)
    weighed = [(part, reuse.candidates.common_df) for part in shingles] + [(part, None) for part in bands]  # (bands count one each)
    tasks = [
        PairingTask(part, reuse.candidates.max_df, common_df, bounds, os.path.join(spill, f"pairs-{number}") if spill is not None else None)
        for number, (part, common_df) in enumerate(weighed)
    ]
    paired = engine.map(paired_part, tasks)
    runs = merge_tasks(paired[: len(shingles)], paired[len(shingles) :], engine.parallelism, reuse.engine.part_rows)
    # (shingle counts are weights in sixteenths, see candidates.key_weights)
    least = (reuse.candidates.min_shared_shingles * WEIGHT_UNIT, reuse.candidates.min_shared_bands)
    found = engine.map(candidates_in_ranges, [RangeTask(*run, *least) for run in runs])
    return pairs_of_codes(np.concatenate(found) if found else np.zeros(0, np.int64))
