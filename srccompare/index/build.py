"""What the index keeps of an article: computed with the same core functions as ``reuse``.

Token hashes (``srccompare.reuse.tokens``), sampled exact shingles
(``srccompare.reuse.candidates.sampled_shingles``) and LSH band keys of passage
windows (``srccompare.reuse.sketch``) are exactly those ``find_reuse`` computes, so
candidates found through the index are the pairs ``reuse`` would consider.
Positions (where a shingle first occurs, which window first carries a band
key) are kept beside them for readers of the database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from blake3 import blake3

from srccompare.reuse.arrays import distinct
from srccompare.index.store import AddOutcome, IndexEntry, Store
from srccompare.model import CleanArticle
from srccompare.reuse.sketch import IndexParameters
from srccompare.reuse.sketch import Sketcher
from srccompare.reuse.tokens import TokenHasher, shingle_hashes, token_hashes

# progress(done, added): articles handled so far and how many of them were new.
AddProgress = Callable[[int, int], None]


def content_hash(body: str) -> bytes:
    """The identity of an article in the index: blake3 of its cleaned body."""
    return blake3(body.encode("utf-8")).digest()


def parameters_record(params: IndexParameters) -> dict[str, Any]:
    """The index parameters as plain data (stored in the database, compared on open)."""
    return dataclasses.asdict(params)


class Indexer:
    """Builds index entries; one hasher (with its token cache) and one sketcher for a run."""

    def __init__(self, params: IndexParameters) -> None:
        self.params = params
        self.hasher = TokenHasher(fold_names=params.fold_names)
        self.sketcher = Sketcher.build(params.sketch)

    def entry(self, article: CleanArticle, wire: str | None = None) -> IndexEntry:
        body = article.body
        hashes = token_hashes(body, self.hasher)
        shingles, positions = sampled_with_positions(hashes, self.params.shingle_words, self.params.shingle_sample)
        bands, numbers, windows = self.band_keys(hashes)
        return IndexEntry(
            article=article,
            content_hash=content_hash(body),
            wire=wire,
            words=len(hashes),  # one hash a \w+ token: count_words(body)
            shingles=shingles,
            shingle_positions=positions,
            bands=bands,
            band_numbers=numbers,
            band_windows=windows,
            vocabulary=distinct(hashes),
        )

    def band_keys(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distinct band keys of the windows, with the band and first window of each."""
        keys = self.sketcher.document_keys(hashes)
        distinct, first = np.unique(keys, return_index=True)
        bands = self.params.sketch.bands
        return distinct, (first % bands).astype(np.int64), (first // bands).astype(np.int64)


def sampled_with_positions(hashes: np.ndarray, size: int, modulus: int) -> tuple[np.ndarray, np.ndarray]:
    """``sampled_shingles`` of the token hashes, with the token position of each first occurrence."""
    shingles = shingle_hashes(hashes, size)
    if modulus > 1:
        where = np.flatnonzero(shingles % np.uint64(modulus) == 0)
    else:
        where = np.arange(len(shingles))
    distinct, first = np.unique(shingles[where], return_index=True)
    return distinct, where[first].astype(np.int64)


def batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def add_articles(
    store: Store,
    articles: Iterable[tuple[CleanArticle, str | None]],
    indexer: Indexer,
    *,
    batch_size: int,
    progress: AddProgress | None = None,
) -> AddOutcome:
    """Index (article, wire agency) pairs in batches, one transaction each; returns the totals.

    An interruption loses only the batch in progress: every earlier batch is committed.
    """
    added: list[str] = []
    duplicates: list[str] = []
    done = 0
    for batch in batches(articles, max(1, batch_size)):
        outcome = store.add([indexer.entry(article, wire) for article, wire in batch])
        added.extend(outcome.added)
        duplicates.extend(outcome.duplicates)
        done += len(batch)
        if progress is not None:
            progress(done, len(added))
    return AddOutcome(tuple(added), tuple(duplicates))

