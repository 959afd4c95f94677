"""Files the workers hand each other when they share this machine's: the sketch tasks' postings
(for the pairing tasks) and tokens (for the align tasks), and the pairing tasks' pair codes (for
the merging tasks), in a directory removed in the background.

A document's tokens are one record: its token hashes (uint64), then starts, ends and sentence
numbers (int32), then quote flags (a byte each), which an align task reads back in one read
rather than tokenise the body again.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from contextlib import AbstractContextManager, nullcontext, suppress
from typing import BinaryIO

import numpy as np

from srccompare.reuse.candidates import CODES_SUFFIX, COUNTS_SUFFIX, DOCS_SUFFIX, KEYS_SUFFIX
from srccompare.engines.base import Engine
from srccompare.process.leftovers import left_behind
from srccompare.reuse.tokens import Tokens

# Where a document's tokens are in the sketch step's files: (path, first byte, tokens).
TokensPlace = tuple[str, int, int]


SPILL_PREFIX = "srccompare-spill-"  # then the id of the process that made it, a dash and mkdtemp's letters
POSTINGS_SUFFIXES = (KEYS_SUFFIX, DOCS_SUFFIX)  # (SpilledPostings' files)
PAIR_CODE_SUFFIXES = (CODES_SUFFIX, COUNTS_SUFFIX)  # (PairedPart's files)


class SpillDirectory:
    """A temporary directory whose files are removed by a thread, so that this process goes on
    meanwhile (deleting the 865 MB left at 40k articles took it 0.2 s); closing it waits for
    them, and removes what they could not (raising if that fails too)."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.path = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")
        self._engine = engine
        self._removers: list[threading.Thread] = []
        stale = stale_spill_directories(os.path.dirname(self.path))
        if stale:  # what killed runs left (60-200 MB each), removed meanwhile
            self._removers.append(threading.Thread(target=_remove_all, args=(stale,), daemon=True))
            self._removers[-1].start()

    def remove(self, suffixes: tuple[str, ...] | None = None) -> None:
        """Start removing the files whose names end with one of ``suffixes`` (the whole directory by default)."""
        self._removers.append(threading.Thread(target=self._remove, args=(suffixes,), daemon=True))
        self._removers[-1].start()

    def _remove(self, suffixes: tuple[str, ...] | None) -> None:
        if suffixes is None:
            shutil.rmtree(self.path, ignore_errors=True)
            return
        try:
            entries = list(os.scandir(self.path))
        except OSError:  # gone already: a later remove() of the whole directory ran first
            return
        for entry in entries:
            if entry.name.endswith(suffixes):
                with suppress(OSError):
                    os.unlink(entry.path)

    def close(self) -> None:
        for remover in self._removers:
            remover.join()
        if os.path.exists(self.path):
            shutil.rmtree(self.path)

    def __enter__(self) -> SpillDirectory:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc_info: object) -> None:
        if kind is not None and not issubclass(kind, Exception) and self._engine is not None:
            self._engine.abort()  # an interrupt: no worker may still be writing here while it goes
        self.close()


def stale_spill_directories(folder: str) -> list[str]:
    """The spill directories in ``folder`` that runs killed before they could remove them left."""
    return left_behind(folder, re.compile(rf"{SPILL_PREFIX}(\d+)-\w+"), directories=True)


def _remove_all(folders: list[str]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def spill_directory(engine: Engine) -> AbstractContextManager[SpillDirectory | None]:
    """Where the sketch workers leave their postings for the pairing tasks (and their tokens for the
    align tasks), when the engine's tasks share this machine's files: the postings then never pass
    through this process (at 40k articles that was 360 MB pickled into it and out again, and a serial
    sort of it)."""
    return SpillDirectory(engine) if engine.shares_files else nullcontext(None)


# Bytes a token in a record (see the module's docstring).
TOKEN_RECORD_BYTES = 8 + 4 + 4 + 4 + 1
TOKEN_WRITE_BUFFER = 1 << 22


def record_starts(token_counts: np.ndarray) -> list[int]:
    """The byte where each record starts in a file of records with these token counts, in order."""
    return (np.concatenate(([0], np.cumsum(token_counts)[:-1])) * TOKEN_RECORD_BYTES).tolist() if len(token_counts) else []


def token_record(tokens: Tokens) -> tuple[np.ndarray, ...]:
    """The arrays to write, in order, for ``tokens`` (see read_token_record)."""
    return tokens.hashes, tokens.starts, tokens.ends, tokens.sentences, tokens.quoted


def read_token_record(file: BinaryIO, doc_id: str, start: int, count: int) -> Tokens:
    """The tokens written by token_record at byte ``start`` of ``file`` (opened unbuffered): one
    read into one buffer, which the five arrays view."""
    record = np.empty(TOKEN_RECORD_BYTES * count, dtype=np.uint8)
    file.seek(start)
    if file.readinto(record) != len(record):
        raise OSError(f"{file.name}: the tokens of {doc_id!r} end early")
    int32s = record[8 * count : 20 * count].view(np.int32)
    return Tokens(
        doc_id,
        hashes=record[: 8 * count].view(np.uint64),
        starts=int32s[:count],
        ends=int32s[count : 2 * count],
        sentences=int32s[2 * count :],
        quoted=record[20 * count :].view(np.bool_),
    )
