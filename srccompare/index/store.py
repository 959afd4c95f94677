"""The small interface every index backend offers, and the objects it takes and gives.

A store keeps articles (cleaned text, metadata, a content hash that makes a
second copy a no-op), their postings (sampled exact shingle hashes and LSH
band keys, each pointing to a document number) and token document
frequencies (for the aligner's idf weights). It knows nothing about how those
are computed (``srccompare.index.build``) nor about alignment
(``srccompare.index.query``): one file a backend (``sqlite.py``), like
datasketch's ``storage.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from srccompare.model import CleanArticle

PostingKind = Literal["shingles", "bands"]


class IndexFileError(Exception):
    """A database that cannot be used: missing, not SQLite, not ours, another version, other parameters."""


@dataclass(frozen=True, eq=False)
class IndexEntry:
    """One article and everything the index keeps of it (built by ``srccompare.index.build``)."""

    article: CleanArticle
    content_hash: bytes  # blake3 of the cleaned body
    wire: str | None  # the agency, when the article is agency copy given as such
    words: int
    shingles: np.ndarray  # uint64: distinct sampled exact shingle hashes
    shingle_positions: np.ndarray  # int64: token position of each shingle's first occurrence
    bands: np.ndarray  # uint64: distinct LSH band keys
    band_numbers: np.ndarray  # int64: the band of each key
    band_windows: np.ndarray  # int64: the first window carrying each key
    vocabulary: np.ndarray  # uint64: distinct token hashes


@dataclass(frozen=True)
class StoredArticle:
    number: int  # the document number postings point to
    article: CleanArticle
    wire: str | None


@dataclass(frozen=True)
class AddOutcome:
    """What one batch did: ids added (possibly renamed to stay unique), and ids already stored."""

    added: tuple[str, ...]
    duplicates: tuple[str, ...]  # input ids whose cleaned text was already in the index


@dataclass(frozen=True, eq=False)
class KeyPostings:
    """(key, document number) rows for looked-up keys, and the keys left out as too common."""

    keys: np.ndarray  # uint64
    docs: np.ndarray  # int64
    dropped: int  # looked-up keys carried by more documents than the bound


@dataclass(frozen=True)
class IndexStats:
    path: str
    schema_version: int
    created_by: str
    articles: int
    words: int
    wire_articles: int
    shingle_postings: int
    band_postings: int
    distinct_tokens: int
    file_bytes: int
    parameters: dict[str, Any]
    outlets: tuple[tuple[str, int], ...]  # most frequent outlets, with counts
    agencies: tuple[tuple[str, int], ...]  # agencies credited in text (or wire), with article counts


class Store(ABC):
    """An index of articles and their postings; one batch of ``add`` is one transaction."""

    @abstractmethod
    def add(self, entries: Sequence[IndexEntry]) -> AddOutcome:
        """Store a batch atomically; an article whose cleaned text is stored already is skipped."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """A consistent view for several reads (a read transaction), while writers go on."""

    @abstractmethod
    def number_of(self, content_hash: bytes) -> int | None:
        """The document number of the article with this cleaned text, if stored."""

    @abstractmethod
    def postings(self, kind: PostingKind, keys: np.ndarray, max_docs: int | None) -> KeyPostings:
        """Rows for ``keys``, leaving out keys carried by more than ``max_docs`` documents (None: no bound)."""

    @abstractmethod
    def frequencies(self, token_hashes: np.ndarray) -> np.ndarray:
        """In how many stored articles each token hash occurs (0 when never)."""

    @abstractmethod
    def articles(self, numbers: Sequence[int]) -> list[StoredArticle]:
        """The stored articles with these numbers, in the order given."""

    @abstractmethod
    def all_articles(self) -> Iterator[StoredArticle]:
        """Every stored article, in the order they were added."""

    @abstractmethod
    def count(self) -> int:
        """How many articles are stored."""

    @abstractmethod
    def stats(self) -> IndexStats:
        """What the index holds."""

    def close(self) -> None:
        """Release the connection (nothing to do by default)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
