"""What the Spark engine runs inside its tasks: batches of rows in, batches of rows out.

Each function here takes pandas DataFrames (a batch from ``mapInPandas``, or
one group from ``applyInPandas``), rebuilds srccompare's model objects, calls
the same core functions as the local engine (loader, cleaner, sketcher,
aligner, grouping and attribution) and returns a pandas DataFrame. Nothing
here imports pyspark, so the functions run (and can be tested) without it;
``srccompare.engines.spark`` wires them into a Spark plan.

Token, shingle and band hashes are uint64 in the core; Spark has no unsigned
64-bit type, so they travel as int64 with the same bits (``view``), which
keeps equality and grouping intact. Nested results (families, attributions,
summaries) travel as JSON of ``to_dict`` and are typed by the engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from srccompare.reuse.align import Weights
from srccompare.reuse.group import _family, overlapping_spans
from srccompare.model import CleanArticle, Credit, LoadError, Metadata, Passage, Span, to_dict
from srccompare.reuse.align.stage import AlignTask, align_documents
from srccompare.reuse.sketch import IndexParameters, SketchTask, sketch_documents
from srccompare.reuse.summary import summarise
from srccompare.settings import AlignParameters, Settings

Batches = Iterator[pd.DataFrame]

__all__ = ["Weights"]  # re-exported for the engine

# Cleaned documents keep their paragraphs until the outlet step; the engine then joins them into ``body``.
DOC_COLUMNS = ["id", "source", "kind", "metadata", "paragraphs", "wire", "problem"]
PASSAGE_FIELDS = ["left_id", "left_start", "left_end", "right_id", "right_start", "right_end",
                  "similarity", "words", "quote_share", "kind"]


# --- rows <-> model objects ------------------------------------------------------


def metadata_from_json(text: str) -> Metadata:
    values = json.loads(text)
    values["credits"] = tuple(Credit(**credit) for credit in values.get("credits", ()))
    values["photo_credits"] = tuple(Credit(**credit) for credit in values.get("photo_credits", ()))
    return Metadata(**values)


def article_from_row(row: pd.Series) -> CleanArticle:
    """A cleaned article from a document row (its body as one paragraph: ``body`` is the same)."""
    return CleanArticle(row["id"], row["source"], row["kind"], metadata_from_json(row["metadata"]), (row["body"],))


def article_from_cleaned_row(row: pd.Series) -> CleanArticle:
    """A cleaned article from a row of the cleaning steps (``paragraphs``, before they are joined)."""
    return CleanArticle(row["id"], row["source"], row["kind"], metadata_from_json(row["metadata"]), tuple(row["paragraphs"]))


def passage_from_row(row: pd.Series | dict) -> Passage:
    return Passage(
        row["left_id"], int(row["left_start"]), int(row["left_end"]),
        row["right_id"], int(row["right_start"]), int(row["right_end"]),
        float(row["similarity"]), int(row["words"]), float(row["quote_share"]), row["kind"],
    )


def _as_int64(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.uint64).view(np.int64)


def _as_uint64(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).view(np.uint64)


# --- read and clean -----------------------------------------------------------------


def clean_batches(batches: Batches, settings: Settings) -> Batches:
    """Records (``line``: one JSON object, ``file``, ``wire``) -> cleaned documents or problems."""
    from srccompare.rules import load_rules  # the cleaner's imports only where it runs

    rules = load_rules()
    for batch in batches:
        rows = [_clean_record(line, file, wire, settings, rules)
                for line, file, wire in zip(batch["line"], batch["file"], batch["wire"])]
        yield pd.DataFrame([row for row in rows if row is not None], columns=DOC_COLUMNS)


def _clean_record(line: str, file: str, wire: str | None, settings: Settings, rules) -> list | None:
    from srccompare.ingest.corpus import clean_loaded
    from srccompare.ingest.decode import content_id
    from srccompare.ingest.load import jsonl_record

    if not line or not line.strip():
        return None
    fallback = content_id(line)
    record = clean_loaded(jsonl_record(line, f"{file}#{fallback}", fallback), settings, rules, word_limit=False)
    if isinstance(record, LoadError):
        return [None, record.source, None, None, None, wire, record.problem]
    return _document_row(record, wire)


def _document_row(article: CleanArticle, wire: str | None) -> list:
    metadata = json.dumps(to_dict(article.metadata), ensure_ascii=False)
    return [article.id, article.source, article.kind, metadata, list(article.paragraphs), wire, None]


def outlet_repeats_group(group: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """One outlet's documents less the lines repeated across them (the cleaner's corpus step)."""
    from srccompare.clean import drop_outlet_repeats

    articles = [article_from_cleaned_row(row) for _, row in group.iterrows()]
    kept = drop_outlet_repeats(list(articles), settings.clean)
    rows = [_document_row(article, wire) for article, wire in zip(kept, group["wire"])]  # type: ignore[arg-type]
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def furniture_line_batches(batches: Batches, max_words: int) -> Batches:
    """Documents (``id``, ``source``: the outlet, or the id for none, ``paragraphs``) -> one row (``id``,
    ``source``, ``line``: its index, ``key``) a line that may be shared furniture (the cleaner's
    cross-outlet step)."""
    from srccompare.clean.shared_lines import furniture_lines

    for batch in batches:
        rows = [(doc_id, source, index, key) for doc_id, source, paragraphs in zip(batch["id"], batch["source"], batch["paragraphs"])
                for index, key in furniture_lines(list(paragraphs), max_words)]
        yield pd.DataFrame(rows, columns=["id", "source", "line", "key"])


def shared_furniture_batches(batches: Batches) -> Batches:
    """Documents with ``shared`` (the indexes of their lines that articles of enough sources carry,
    or null) -> the documents less those lines, as ``clean.drop_shared_furniture`` leaves them."""
    from srccompare.clean import without_shared_furniture

    for batch in batches:
        rows = []
        for _, row in batch.iterrows():
            shared = row["shared"]
            if shared is None or isinstance(shared, float) or len(shared) == 0:  # (null arrives as None or NaN)
                rows.append([row[column] for column in DOC_COLUMNS])
                continue
            article = article_from_cleaned_row(row)
            rows.append(_document_row(without_shared_furniture(article, {int(line) for line in shared}), row["wire"]))
        yield pd.DataFrame(rows, columns=DOC_COLUMNS)


# --- sketch ---------------------------------------------------------------------------


def sketch_batches(batches: Batches, params: IndexParameters) -> Batches:
    """Per document its sampled shingles and band keys; per batch one row (id null) of token frequencies."""
    for batch in batches:
        chunk = sketch_documents(SketchTask(list(batch["body"]), params))
        documents = pd.DataFrame({
            "id": batch["id"],
            "shingles": [_as_int64(keys) for keys in chunk.keys_of("shingles")],
            "bands": [_as_int64(keys) for keys in chunk.keys_of("bands")],
            "vocabulary": [np.zeros(0, np.int64)] * len(batch),
            "frequency": [np.zeros(0, np.int64)] * len(batch),
        })
        frequencies = pd.DataFrame({
            "id": [None], "shingles": [np.zeros(0, np.int64)], "bands": [np.zeros(0, np.int64)],
            "vocabulary": [_as_int64(chunk.vocabulary)], "frequency": [chunk.document_frequency.astype(np.int64)],
        })
        yield pd.concat([documents, frequencies], ignore_index=True)


def weights_from_frequencies(vocabulary: np.ndarray, frequency: np.ndarray, documents: int) -> Weights:
    """The corpus idf from (token hash as int64, document count) rows, as ``reuse.sketch.corpus_weights`` makes it."""
    hashes = _as_uint64(vocabulary)
    order = np.argsort(hashes)
    return Weights.from_frequencies(hashes[order], np.asarray(frequency, np.float64)[order], documents)


# --- align ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AlignSetup:
    weights: Weights
    fold_names: bool
    params: AlignParameters
    chunk_pairs: int


def align_batches(batches: Batches, setup: AlignSetup) -> Batches:
    """Candidate pairs with both bodies -> their passages, through ``reuse.align.stage.align_documents``."""
    for batch in batches:
        for start in range(0, len(batch), max(1, setup.chunk_pairs)):
            yield _align_chunk(batch.iloc[start : start + setup.chunk_pairs], setup)


def _align_chunk(chunk: pd.DataFrame, setup: AlignSetup) -> pd.DataFrame:
    numbers: dict[str, int] = {}
    texts: dict[int, tuple[str, str]] = {}
    pairs = []
    for left_id, left_body, right_id, right_body in zip(
        chunk["left_id"], chunk["left_body"], chunk["right_id"], chunk["right_body"]
    ):
        for doc_id, body in ((left_id, left_body), (right_id, right_body)):
            if doc_id not in numbers:
                numbers[doc_id] = len(numbers)
                texts[numbers[doc_id]] = (doc_id, body)
        pairs.append((numbers[left_id], numbers[right_id]))
    task = AlignTask(tuple(pairs), texts, setup.weights, setup.fold_names, setup.params)
    passages = align_documents(task)
    return pd.DataFrame([[getattr(p, name) for name in PASSAGE_FIELDS] for p in passages], columns=PASSAGE_FIELDS)


# --- group ----------------------------------------------------------------------------


def overlap_edges_batches(batches: Batches, min_overlap: float) -> Batches:
    """Documents with their spans (JSON: ``node``, ``start``, ``end``) -> edges between overlapping spans."""
    for batch in batches:
        sources: list[int] = []
        targets: list[int] = []
        for doc_id, found in zip(batch["doc_id"], batch["spans"]):
            rows = [json.loads(item) for item in found]
            spans = [Span(doc_id, row["start"], row["end"]) for row in rows]
            for one, other in overlapping_spans(spans, min_overlap):
                sources.append(rows[one]["node"])
                targets.append(rows[other]["node"])
        yield pd.DataFrame({"src": sources, "dst": targets}, dtype=np.int64)


def family_batches(batches: Batches) -> Batches:
    """Components with their spans (JSON: ``node``, ``doc_id``, ``start``, ``end``) -> families
    (without their id) and the keys families are ordered by."""
    for batch in batches:
        rows = [_family_row([json.loads(item) for item in found]) for found in batch["spans"]]
        yield pd.DataFrame(rows, columns=["span_count", "span_chars", "first_doc", "first_start", "family"])


def _family_row(found: list[dict]) -> list:
    spans = {row["node"]: Span(row["doc_id"], row["start"], row["end"]) for row in found}
    family = _family(spans, sorted(spans))
    first = family.spans[0]
    chars = sum(span.end - span.start for span in family.spans)
    return [len(family.spans), chars, first.doc_id, first.start, json.dumps(to_dict(family), ensure_ascii=False)]


# --- attribute and summarise -------------------------------------------------------------


def summary_batches(batches: Batches) -> Batches:
    """Documents with the passages they take part in (JSON) -> their summaries (``reuse.summary.summarise``)."""
    for batch in batches:
        summaries = []
        for _, row in batch.iterrows():
            article = CleanArticle(row["doc_id"], row["source"], row["kind"], metadata_from_json(row["metadata"]),
                                   (row["body"],))
            found = [json.loads(item) for item in row["passages"]] if row["passages"] is not None else []
            passages = [passage_from_row(item) for item in sorted(found, key=lambda item: item["index"])]
            summaries += summarise([article], passages)
        yield pd.DataFrame({"doc_id": [summary.doc_id for summary in summaries],
                            "summary": [json.dumps(to_dict(summary), ensure_ascii=False) for summary in summaries]})
