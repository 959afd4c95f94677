"""The align step: the candidate pairs in tasks for the engine's workers, each pair aligned, and the
passages with their numbers (``PassageRows``) back in id order."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np

from srccompare.engines.base import Engine, Progress, report_progress
from srccompare.model import CleanArticle, Passage
from srccompare.reuse.align.pair import aligned_pairs
from srccompare.reuse.align.prepare import Prepared, Weights, prepare
from srccompare.reuse.schedule import PreparedCache, guided_chunks, next_uses, pair_weights, pairs_in_locality_order
from srccompare.reuse.spill import TokensPlace, read_token_record
from srccompare.reuse.tokens import body_of, process_hasher, alignment_tokens
from srccompare.settings import AlignParameters, ReuseSettings

@dataclass(frozen=True, eq=False)
class PassageRows:
    """The numbers of passages, one row a passage: what the steps after alignment (sorting, families,
    reused words, top partners) need, as arrays rather than attributes of a Python object a passage."""

    docs: np.ndarray  # (n, 2) int64: left and right document number (in id order)
    chars: np.ndarray  # (n, 4) int64: left start, left end, right start, right end (characters)
    tokens: np.ndarray  # (n, 4) int64: the same as token ranges (first token, end token)
    words: np.ndarray  # (n,) int64: the passage's words

    @classmethod
    def of(cls, rows: Sequence[tuple[int, ...]]) -> PassageRows:
        """From (left, right, four character offsets, four token offsets, words) tuples."""
        table = np.array(rows, dtype=np.int64).reshape(len(rows), 11)
        return cls(table[:, 0:2], table[:, 2:6], table[:, 6:10], table[:, 10])

    @classmethod
    def joined(cls, parts: Sequence[PassageRows]) -> PassageRows:
        return cls(*(np.concatenate([getattr(part, name) for part in parts]) for name in ("docs", "chars", "tokens", "words")))

    def take(self, order: np.ndarray) -> PassageRows:
        return PassageRows(self.docs[order], self.chars[order], self.tokens[order], self.words[order])

    def sides(self, field: str = "chars") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Document, start and end of side 2i (left) and 2i+1 (right) of passage i, in characters
        (or tokens, ``field="tokens"``)."""
        offsets = getattr(self, field)
        return self.docs.ravel(), offsets[:, 0::2].ravel(), offsets[:, 1::2].ravel()


@dataclass(frozen=True, eq=False)
class AlignTask:
    pairs: tuple[tuple[int, int], ...]
    texts: Mapping[int, tuple[str, str | TokensPlace]]  # document number -> (id, body or where its tokens are)
    weights: Weights
    fold_names: bool
    params: AlignParameters
    run: str = ""  # names one find_reuse call, so that a worker may reuse what it prepared ("" : never)
    # With a run: the place of the task's first pair in the run's pair order, and per pair and side
    # the place of the next pair that needs the same document (NEVER if none), for the worker's cache.
    first: int = 0
    next_uses: tuple[tuple[int, int], ...] = ()


# Pairs aligned in one kernel call (see aligned_pairs), up to this many, or fewer once their
# documents hold BATCH_TOKENS tokens: the documents' arrays are copied into one buffer a field
# (~85 bytes a token: ~20 MB at most). Align CPU on browse_speed's 600-article corpus (11,461
# pairs, one process) by most pairs a batch: 64: 0.69 s, 256: 0.51 s, 1024: 0.46 s, 4096: 0.42 s
# (a pair a call, before: 0.62 s).
BATCH_PAIRS = 4096
BATCH_TOKENS = 250_000

# A 600-word document prepared takes ~50 KB: 4,000 of them ~200 MB a worker.
PREPARED_CACHE_DOCUMENTS = 4000


class WorkerContext:
    """What a worker process keeps between and during its align tasks: the documents it prepared
    for the current run (bounded, see ``PreparedCache``), and the token files a task reads."""

    def __init__(self, cache_documents: int = PREPARED_CACHE_DOCUMENTS) -> None:
        self.prepared = PreparedCache(cache_documents)
        self.files: dict[str, BinaryIO] = {}

    def token_file(self, path: str) -> BinaryIO:
        """The sketch step's token file at ``path``, opened once a task."""
        file = self.files.get(path)
        if file is None:
            file = self.files[path] = open(path, "rb", buffering=0)
        return file

    def close_files(self) -> None:
        for file in self.files.values():
            file.close()
        self.files.clear()

    def clear(self) -> None:
        """Release everything (the main process, when it aligned with one worker: itself)."""
        self.close_files()
        self.prepared.clear()


# This process's context: engines run align tasks as plain functions of one task (see engines.base).
worker = WorkerContext()


def align_candidates(
    articles: Sequence[CleanArticle],
    pairs: Sequence[tuple[int, int]],
    weights: Weights,
    reuse: ReuseSettings,
    engine: Engine,
    progress: Progress | None,
    places: Sequence[TokensPlace] | None = None,
) -> tuple[tuple[Passage, ...], PassageRows]:
    """The passages of the candidate pairs (in id order), and their numbers in the same order.
    With ``places`` (see token_places) the tasks say where each document's tokens are instead of
    carrying its body."""
    params = reuse.align
    run = uuid.uuid4().hex
    ordered = pairs_in_locality_order(pairs, len(articles), engine)
    sizes = np.array([sum(map(len, article.paragraphs)) for article in articles], np.int64)
    costs = pair_weights(sizes, ordered.reshape(-1, 2))
    following, pairs = next_uses(ordered).tolist(), ordered.tolist()
    tasks = []
    for start, end in guided_chunks(len(pairs), reuse.engine.chunk_pairs, engine.parallelism, costs):
        chunk = tuple(map(tuple, pairs[start:end]))
        needed = sorted({number for pair in chunk for number in pair})
        if places is not None:
            # Nothing to join or pickle (40k articles' bodies are 150 MB: joining and sending them
            # keeps both workers waiting a second for their first tasks), nor to tokenise again
            # (the sketch step did: ~140 us a document aligned).
            texts = {number: (articles[number].id, places[number]) for number in needed}
        else:  # joined here but not kept (the main process holds no second copy of every text)
            texts = {number: (articles[number].id, body_of(articles[number].paragraphs)) for number in needed}
        tasks.append(AlignTask(chunk, texts, weights, reuse.tokens.fold_names, params, run, start, tuple(map(tuple, following[start:end]))))
    found = engine.map(_aligned_documents, tasks, on_done=lambda done: report_progress(progress, "align", done, len(tasks)))
    passages = [passage for chunk, _ in found for passage in chunk]
    rows = PassageRows.joined([chunk for _, chunk in found]) if found else PassageRows.of([])
    # by left id, right id, left start, right start (document numbers are in id order)
    order = np.lexsort((rows.chars[:, 2], rows.chars[:, 0], rows.docs[:, 1], rows.docs[:, 0]))
    return tuple(passages[i] for i in order.tolist()), rows.take(order)


def align_documents(task: AlignTask) -> list[Passage]:
    """The passages of every pair in a task, in pair order."""
    return _aligned_documents(task)[0]


def _aligned_documents(task: AlignTask) -> tuple[list[Passage], PassageRows]:
    """``align_documents``'s passages, and their numbers (see PassageRows)."""
    make = functools.partial(_prepared, task)
    if task.run:
        # Documents from the process's cache as the pairs need them: it is bounded, while a
        # task's documents are not (the first guided tasks hold thousands).
        worker.prepared.start(task.run, task.first)
        keep = worker.prepared.get
        pairs = ((keep(left, left_next, make), keep(right, right_next, make))
                 for (left, right), (left_next, right_next) in zip(task.pairs, task.next_uses))
    else:
        prepared = {number: make(number) for number in task.texts}
        pairs = ((prepared[left], prepared[right]) for left, right in task.pairs)
    passages: list[Passage] = []
    rows: list[tuple[int, ...]] = []
    try:
        batch = _Batch()
        for numbers, both in zip(task.pairs, pairs):
            batch.add(numbers, both)
            if len(batch.pairs) == BATCH_PAIRS or batch.tokens >= BATCH_TOKENS:
                batch.align(task.params, passages, rows)
                batch = _Batch()
        batch.align(task.params, passages, rows)
    finally:
        worker.close_files()
    return passages, PassageRows.of(rows)


class _Batch:
    """Pairs aligned in one kernel call (see aligned_pairs), and their documents, each once."""

    def __init__(self) -> None:
        self.pairs: list[tuple[int, int]] = []
        self.places: dict[int, int] = {}  # document number -> place in documents
        self.documents: list[Prepared] = []
        self.tokens = 0  # of the documents

    def add(self, numbers: tuple[int, int], both: tuple[Prepared, Prepared]) -> None:
        self.pairs.append(numbers)
        for number, document in zip(numbers, both):
            if number not in self.places:
                self.places[number] = len(self.documents)
                self.documents.append(document)
                self.tokens += len(document.tokens)

    def align(self, params: AlignParameters, passages: list[Passage], rows: list[tuple[int, ...]]) -> None:
        """The batch's passages added to ``passages``, their numbers to ``rows`` (see PassageRows)."""
        table = np.array([(self.places[left], self.places[right]) for left, right in self.pairs], np.int64).reshape(-1, 2)
        for k, passage, tokens in aligned_pairs(self.documents, table, params):
            passages.append(passage)
            chars = (passage.left_start, passage.left_end, passage.right_start, passage.right_end)
            rows.append((*self.pairs[k], *chars, *tokens, passage.words))


def _prepared(task: AlignTask, number: int) -> Prepared:
    """Document ``number`` of the task prepared for alignment."""
    doc_id, text = task.texts[number]
    if isinstance(text, str):
        tokens = alignment_tokens(doc_id, text, process_hasher(task.fold_names))
    else:
        path, start, count = text
        tokens = read_token_record(worker.token_file(path), doc_id, start, count)
    return prepare(tokens, task.weights, task.params)
