"""Find the passages shared across a corpus and attribute agency copy.

``find_reuse`` runs the stages in order:

1. sketch: tokenise every article, keep sampled exact shingles and the LSH
   band keys of its windows, count token document frequencies (in workers,
   which leave the tokens in files for step 3 when they share this machine's);
2. candidates: pairs of articles sharing enough shingles or bands (numpy,
   the postings split by key into parts paired in workers);
3. align: each candidate pair, seed and extend, exact offsets (in workers,
   the pairs in an order that keeps each document's pairs close together);
4. group: passages into families;
5. attribute: explicit credits, then agencies inferred from shared reporting;
6. summarise: per article its words, reused words and top partner; per pair
   of articles what they share.

Articles are taken in order of id, so the result does not depend on the
order of the input nor on the number of workers.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from srccompare.reuse.align import Prepared, Weights, aligned_with_tokens, prepare
from srccompare.reuse.arrays import distinct, first_of_runs, sums_by_value
from srccompare.reuse.stories import stories
from srccompare.reuse.attribute import count_words, side_of, word_bounds, words_in_each, words_in_spans
from srccompare.reuse.candidates import (
    WEIGHT_UNIT,
    BucketedPostings,
    Postings,
    SpilledPostings,
    SpilledSlice,
    candidates_in_ranges,
    code_bounds,
    merge_tasks,
    paired_part,
    pairs_of_codes,
    part_count,
    shingle_sample,
    spilled_parts,
    split_by_key,
)
from srccompare.engines.base import Engine, cycle_collection_paused
from srccompare.engines.local import LocalEngine
from srccompare.reuse.group import families_of_sides, merged_stretches
from srccompare.model import PARAGRAPH_SEPARATOR, CleanArticle, DocumentSummary, PairSummary, Passage, ReuseResult
from srccompare.reuse.schedule import PreparedCache, guided_chunks, next_uses, pairs_in_locality_order
from srccompare.settings import AlignParameters, ReuseSettings, Settings, SketchParameters
from srccompare.reuse.sketch import Sketcher
from srccompare.reuse.spill import (
    PAIR_CODE_SUFFIXES,
    POSTINGS_SUFFIXES,
    TOKEN_WRITE_BUFFER,
    TokensPlace,
    close_spilled_files,
    read_token_record,
    record_starts,
    spill_directory,
    spilled_file,
    token_record,
)
from srccompare.reuse.tokens import process_hasher, shingle_hashes, token_hashes, tokenise

# A body, or its paragraphs (what CleanArticle.body joins): sketch tasks carry paragraphs and the
# workers join them, rather than the main process joining every article's before it hands out a task.
Text = str | tuple[str, ...]


def body_of(text: Text) -> str:
    return text if isinstance(text, str) else PARAGRAPH_SEPARATOR.join(text)


# progress(step, done, total): step is one of STEPS, done/total count its tasks.
Progress = Callable[[str, int, int], None]
STEPS = ("sketch", "candidates", "align", "group", "attribute")


@dataclass(frozen=True)
class IndexParameters:
    fold_names: bool
    shingle_words: int
    shingle_sample: int
    sketch: SketchParameters


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


# A 600-word document prepared takes ~50 KB: 4,000 of them ~200 MB a worker.
PREPARED_CACHE_DOCUMENTS = 4000
_prepared_cache = PreparedCache(PREPARED_CACHE_DOCUMENTS)


def find_reuse(
    articles: Sequence[CleanArticle],
    settings: Settings,
    *,
    wire: Mapping[str, str] | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> ReuseResult:
    """Shared passages, families and agency attributions of a corpus.

    ``wire`` maps the ids of articles that are agency copy given by the user
    to their agency. ``engine`` defaults to a LocalEngine with ``workers``.
    """
    ordered = sorted(articles, key=lambda article: article.id)
    _check_unique_ids(ordered)
    reuse = settings.reuse
    with cycle_collection_paused():
        with engine or LocalEngine(workers) as running, spill_directory(running) as spill:
            path = spill.path if spill is not None else None
            sketches = sketch_corpus(ordered, reuse, running, progress, path)
            weights = corpus_weights(sketches, len(ordered))
            words = np.concatenate([chunk.words for chunk in sketches]) if sketches else np.zeros(0, np.int64)
            places = token_places(sketches)
            least = running.parallelism
            shingles, bands = key_parts(sketches, "shingles", least=least), key_parts(sketches, "bands", least=least)
            del sketches  # the parts hold the keys now (or say where they are): half the memory at this point
            pairs = find_candidates(shingles, bands, reuse, running, len(ordered), path)
            del shingles, bands
            if spill is not None:
                spill.remove(POSTINGS_SUFFIXES + PAIR_CODE_SUFFIXES)  # while the workers align
            _report(progress, "candidates", 1, 1)
            passages, rows = align_candidates(ordered, pairs, weights, reuse, running, progress, places)
            if spill is not None:
                spill.remove()  # while this process groups and attributes
            _prepared_cache.clear()  # aligning ran in this process when there is one worker: release what it kept
            families = families_of_sides([a.id for a in ordered], *rows.sides(), min_overlap=reuse.group.min_overlap)
            _report(progress, "group", 1, 1)
            found = stories(ordered, passages, families, wire or {}, reuse.group, reuse.attribute)
            _report(progress, "attribute", 1, 1)
            documents = summarise(ordered, passages, words.tolist(), rows)
            pairs = summarise_pairs(ordered, passages, rows)
            return ReuseResult(documents, passages, found.families, found.attributions, pairs, found.digests)


def _check_unique_ids(articles: Sequence[CleanArticle]) -> None:
    for before, after in zip(articles, articles[1:]):
        if before.id == after.id:
            raise ValueError(f"two articles have the id {after.id!r}; ids must be unique")


def _report(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


def index_parameters(reuse: ReuseSettings) -> IndexParameters:
    """What shapes an article's postings (an index stores them and refuses others)."""
    return IndexParameters(reuse.tokens.fold_names, reuse.candidates.shingle_words, reuse.candidates.shingle_sample, reuse.sketch)


# --- step 1: sketch -------------------------------------------------------------


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
        ([a.paragraphs for a in articles[first : first + size]], params, os.path.join(spill, str(first)) if spill else None)
        for first in range(0, len(articles), size)
    ]
    return engine.map(sketch_documents, tasks, on_done=lambda done: _report(progress, "sketch", done, len(tasks)))


def sketch_documents(task: tuple[Sequence[Text], IndexParameters, str | None]) -> SketchChunk:
    """Sampled exact shingles, band keys and token document frequencies of a chunk of bodies
    (the postings, and each document's tokens, written to files at the task's path when it has one)."""
    texts, params, spill = task
    bodies = list(map(body_of, texts))
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
                tokens = tokenise("", body, hasher)
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


# --- step 2: candidates ----------------------------------------------------------


# Postings per candidates task: each is sorted on its own (in a worker), so
# this bounds the memory of that sort; 4M rows (~50 MB) keep tasks few.
PART_ROWS = 4_000_000


KeyPart = Postings | list[SpilledSlice]  # a part's rows, or the file slices that hold them


def key_parts(sketches: Sequence[SketchChunk], field: str, part_rows: int | None = None, least: int = 1) -> list[KeyPart]:
    """The corpus's (key, document number) rows of the sketches' ``shingles`` or ``bands``, in parts
    by key (of about ``part_rows``, by default PART_ROWS; at least ``least`` parts, so that every
    worker has one)."""
    chunks = [getattr(chunk, field) for chunk in sketches]
    firsts = np.cumsum([0] + [len(chunk.words) for chunk in sketches]).tolist()
    rows = sum(int(postings.bucket_rows.sum()) for postings in chunks)
    parts = max(part_count(rows, part_rows or PART_ROWS), part_count(least, 1))
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
        (part, reuse.candidates.max_df, common_df, bounds, os.path.join(spill, f"pairs-{number}") if spill is not None else None)
        for number, (part, common_df) in enumerate(weighed)
    ]
    paired = engine.map(paired_part, tasks)
    runs = merge_tasks(paired[: len(shingles)], paired[len(shingles) :], engine.parallelism, PART_ROWS)
    # (shingle counts are weights in sixteenths, see candidates.key_weights)
    least = (reuse.candidates.min_shared_shingles * WEIGHT_UNIT, reuse.candidates.min_shared_bands)
    found = engine.map(candidates_in_ranges, [(*run, *least) for run in runs])
    return pairs_of_codes(np.concatenate(found) if found else np.zeros(0, np.int64))


# --- step 3: align ---------------------------------------------------------------


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
    following, pairs = next_uses(ordered).tolist(), ordered.tolist()
    tasks = []
    for start, end in guided_chunks(len(pairs), reuse.engine.chunk_pairs, engine.parallelism):
        chunk = tuple(map(tuple, pairs[start:end]))
        needed = sorted({number for pair in chunk for number in pair})
        if places is not None:
            # Nothing to join or pickle (at 40k articles the tasks carried 150 MB of bodies, whose
            # joining and sending kept both workers waiting for the first tasks for a second),
            # nor to tokenise again (the sketch step did: ~140 us a document aligned).
            texts = {number: (articles[number].id, places[number]) for number in needed}
        else:  # joined here but not kept (the main process holds no second copy of every text)
            texts = {number: (articles[number].id, body_of(articles[number].paragraphs)) for number in needed}
        tasks.append(AlignTask(chunk, texts, weights, reuse.tokens.fold_names, params, run, start, tuple(map(tuple, following[start:end]))))
    found = engine.map(_aligned_documents, tasks, on_done=lambda done: _report(progress, "align", done, len(tasks)))
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
        _prepared_cache.start(task.run, task.first)
        keep = _prepared_cache.get
        pairs = ((keep(left, left_next, make), keep(right, right_next, make))
                 for (left, right), (left_next, right_next) in zip(task.pairs, task.next_uses))
    else:
        prepared = {number: make(number) for number in task.texts}
        pairs = ((prepared[left], prepared[right]) for left, right in task.pairs)
    passages: list[Passage] = []
    rows: list[tuple[int, ...]] = []
    try:
        for (left, right), (left_prepared, right_prepared) in zip(task.pairs, pairs):
            for passage, tokens in aligned_with_tokens(left_prepared, right_prepared, task.params):
                passages.append(passage)
                chars = (passage.left_start, passage.left_end, passage.right_start, passage.right_end)
                rows.append((left, right, *chars, *tokens, passage.words))
    finally:
        close_spilled_files()
    return passages, PassageRows.of(rows)


def _prepared(task: AlignTask, number: int) -> Prepared:
    """Document ``number`` of the task prepared for alignment."""
    doc_id, text = task.texts[number]
    if isinstance(text, str):
        tokens = tokenise(doc_id, text, process_hasher(task.fold_names))
    else:
        path, start, count = text
        tokens = read_token_record(spilled_file(path), doc_id, start, count)
    return prepare(tokens, task.weights, task.params)


# --- step 6: summarise -------------------------------------------------------------


def reused_words(rows: PassageRows, documents: int) -> list[int]:
    """Per document: its words inside any shared passage, from the passages' token ranges. A
    passage's character span runs from its first token's start to its last token's end, so this
    is ``attribute.words_in_spans`` of the spans, without the bodies."""
    _, doc, start, end = merged_stretches(np.zeros(2 * len(rows.words), np.int64), *rows.sides("tokens"))
    return np.bincount(doc, weights=end - start, minlength=documents).astype(np.int64).tolist()


def top_partners(documents: int, left: np.ndarray, right: np.ndarray, words: np.ndarray) -> list[int]:
    """Per document number: the partner it shares most passage words with (ties: the lower
    number), or -1 for none. Passages given as left and right numbers and words."""
    if len(left) == 0:
        return [-1] * documents
    codes, inverse = np.unique(np.concatenate((left * documents + right, right * documents + left)), return_inverse=True)
    shared = np.bincount(inverse, weights=np.concatenate((words, words)))  # float64: exact below 2**53 words
    sides, others = codes // documents, codes % documents
    order = np.lexsort((others, -shared, sides))
    firsts = order[np.concatenate(([True], sides[order][1:] != sides[order][:-1]))]
    top = np.full(documents, -1, dtype=np.int64)
    top[sides[firsts]] = others[firsts]
    return top.tolist()


def _spans_by_article(passages: Sequence[Passage]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for passage in passages:
        spans[passage.left_id].append((passage.left_start, passage.left_end))
        spans[passage.right_id].append((passage.right_start, passage.right_end))
    return spans


def summarise(
    articles: Sequence[CleanArticle],
    passages: Sequence[Passage],
    words: Sequence[int] | None = None,
    rows: PassageRows | None = None,
) -> tuple[DocumentSummary, ...]:
    """Per article: words, words inside any shared passage, and the partner sharing most.

    ``words`` are the articles' word counts when already known (the sketch step counts them);
    ``rows`` the passages' numbers when known, their documents numbered as ``articles`` are
    (in id order): reused words then come from token ranges rather than from the bodies.
    """
    if rows is not None:
        reused = reused_words(rows, len(articles))
        names = [article.id for article in articles]
        tops = top_partners(len(names), rows.docs[:, 0], rows.docs[:, 1], rows.words)
    else:
        spans = _spans_by_article(passages)
        reused = [words_in_spans(article.body, spans.get(article.id, [])) for article in articles]
        # any partner counts, an article of the list or not; numbered in id order, so ties go to the lower id
        names = sorted({article.id for article in articles} | spans.keys())
        numbered = {name: n for n, name in enumerate(names)}
        left = np.array([numbered[p.left_id] for p in passages], dtype=np.int64)
        right = np.array([numbered[p.right_id] for p in passages], dtype=np.int64)
        passage_words = np.array([p.words for p in passages], dtype=np.int64)
        everyone = top_partners(len(names), left, right, passage_words)
        tops = [everyone[numbered[article.id]] for article in articles]
    return tuple(
        DocumentSummary(
            doc_id=article.id,
            source=article.source,
            outlet=article.metadata.outlet,
            title=article.metadata.title,
            date=article.metadata.date,
            words=words[number] if words is not None else count_words(article.body),
            reused_words=reused[number],
            top_partner=names[tops[number]] if tops[number] >= 0 else None,
        )
        for number, article in enumerate(articles)
    )


def summarise_pairs(
    articles: Sequence[CleanArticle], passages: Sequence[Passage], rows: PassageRows | None = None
) -> tuple[PairSummary, ...]:
    """Every pair of articles sharing a passage, ranked by the words they share (most first).

    With ``rows`` (the passages' numbers, in the same order) each side's words inside the pair's
    passages come from their token ranges, as ``reused_words``'s do, and the sums are taken over
    arrays. Without, each body is scanned for its words (at 40k articles that was most of the
    time of a CSV report).
    """
    if rows is not None and len(rows.words):
        return _pairs_of_rows(articles, passages, rows)
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, passage in enumerate(passages):
        by_pair[tuple(sorted((passage.left_id, passage.right_id)))].append(index)  # type: ignore[index]
    words_inside = _pair_words_from_bodies(articles, passages, by_pair)
    pairs = [_pair_summary(left, right, indexes, passages, *words_inside[left, right]) for (left, right), indexes in by_pair.items()]
    pairs.sort(key=lambda pair: (-pair.words, -pair.reporting_words, pair.left_id, pair.right_id))
    return tuple(pairs)


def _pairs_of_rows(articles: Sequence[CleanArticle], passages: Sequence[Passage], rows: PassageRows) -> tuple[PairSummary, ...]:
    """``summarise_pairs`` from the passages' numbers: the rows come grouped by pair (sorted by
    left, then right document), left < right, documents numbered in id order."""
    docs = rows.docs
    starts = np.flatnonzero(first_of_runs(docs[:, 0] * len(articles) + docs[:, 1]))
    ends = np.append(starts[1:], len(docs))
    words = np.add.reduceat(rows.words, starts)
    kinds = np.array([passage.kind for passage in passages])
    reporting = np.add.reduceat(np.where(kinds == "reporting", rows.words, 0), starts)
    quotes = np.add.reduceat(np.where(kinds == "quote", rows.words, 0), starts)
    # A pair's passages never overlap when found, but joining two consecutive ones can cover a third
    # that crosses them: each side's ranges are merged before they are counted.
    pair_of_row = np.repeat(np.arange(len(starts)), ends - starts)
    pair, doc, start, end = merged_stretches(np.repeat(pair_of_row, 2), *rows.sides("tokens"))
    side = (doc == docs[starts[pair], 1]).astype(np.int64)  # 0 left, 1 right
    inside = np.bincount(2 * pair + side, weights=end - start, minlength=2 * len(starts)).astype(np.int64).reshape(-1, 2)
    # most shared words first, then most reporting words, then by ids (document numbers are in id order)
    order = np.lexsort((docs[starts, 1], docs[starts, 0], -reporting, -words))
    weighted = [passage.similarity * passage.words for passage in passages]
    ids = [article.id for article in articles]
    found = []
    for first, last, left, right, total, left_words, right_words, report, quote in zip(
        starts[order].tolist(), ends[order].tolist(), docs[starts[order], 0].tolist(),
        docs[starts[order], 1].tolist(), words[order].tolist(), *inside[order].T.tolist(),
        reporting[order].tolist(), quotes[order].tolist(),
    ):
        similarity = round(sum(weighted[first:last]) / max(1, total), 4)  # (summed in passage order, as _pair_summary does)
        found.append(PairSummary(ids[left], ids[right], tuple(range(first, last)), total, left_words, right_words, report, quote, similarity))
    return tuple(found)


def _pair_words_from_bodies(
    articles: Sequence[CleanArticle], passages: Sequence[Passage], by_pair: Mapping[tuple[str, str], list[int]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(left, right) -> each side's words inside the passages of the pair, each body scanned once
    (however many partners it has) and one at a time (their offsets all at once would be hundreds of MB)."""
    sides: dict[str, list[tuple[str, list[tuple[int, int]]]]] = defaultdict(list)
    for (left, right), indexes in by_pair.items():
        sides[left].append((right, [side_of(passages[i], left) for i in indexes]))
        sides[right].append((left, [side_of(passages[i], right) for i in indexes]))
    bodies = {article.id: article.body for article in articles}
    counted = {}
    for doc_id, partners in sides.items():
        words = words_in_each(*word_bounds(bodies.get(doc_id, "")), [spans for _, spans in partners])
        counted.update(((doc_id, partner), count) for (partner, _), count in zip(partners, words))
    return {(left, right): (counted[left, right], counted[right, left]) for left, right in by_pair}


def _pair_summary(
    left: str, right: str, indexes: Sequence[int], passages: Sequence[Passage], left_words: int, right_words: int
) -> PairSummary:
    chosen = [passages[i] for i in indexes]
    words = sum(p.words for p in chosen)
    return PairSummary(
        left_id=left,
        right_id=right,
        passages=tuple(indexes),
        words=words,
        left_words=left_words,
        right_words=right_words,
        reporting_words=sum(p.words for p in chosen if p.kind == "reporting"),
        quote_words=sum(p.words for p in chosen if p.kind == "quote"),
        similarity=round(sum(p.similarity * p.words for p in chosen) / max(1, words), 4),
    )
