"""Find the passages shared across a corpus and attribute agency copy.

``find_reuse`` runs the stages in order:

1. sketch (``sketch``): tokenise every article, keep sampled exact shingles
   and the LSH band keys of its windows, count token document frequencies
   (in workers, which leave the tokens in files for step 3 when they share
   this machine's);
2. candidates (``candidates``): pairs of articles sharing enough shingles or
   bands (numpy, the postings split by key into parts paired in workers);
3. align (``align.stage``, the kernels in ``align``): each candidate pair,
   seed and extend, exact offsets (in workers, the pairs in an order that
   keeps each document's pairs close together, ``schedule``);
4. group (``group``): passages into families;
5. attribute (``attribute``): explicit credits, then agencies inferred from
   shared reporting;
6. summarise (``summary``): per article its words, reused words and top
   partner; per pair of articles what they share.

Articles are taken in order of id, so the result does not depend on the
order of the input nor on the number of workers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from srccompare.engines.base import Engine, Progress, cycle_collection_paused, report_progress
from srccompare.engines.local import LocalEngine
from srccompare.model import CleanArticle, ReuseResult
from srccompare.reuse.align.stage import align_candidates, worker
from srccompare.reuse.candidates import find_candidates, key_parts
from srccompare.reuse.group import families_of_sides
from srccompare.reuse.stories import stories
from srccompare.reuse.interpreted import interpreting, within_characters
from srccompare.reuse.sketch import corpus_weights, sketch_corpus, token_places
from srccompare.reuse.spill import PAIR_CODE_SUFFIXES, POSTINGS_SUFFIXES, spill_directory
from srccompare.reuse.summary import summarise, summarise_pairs
from srccompare.settings import Settings


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
    interpret = _interpreted_here(ordered, reuse.engine.interpret_characters, engine)
    if interpret:
        engine = LocalEngine(1)  # a small corpus: no workers to start, nothing to compile
    with cycle_collection_paused(), interpreting(interpret):
        with engine or LocalEngine(workers) as running, spill_directory(running) as spill:
            path = spill.path if spill is not None else None
            sketches = sketch_corpus(ordered, reuse, running, progress, path)
            weights = corpus_weights(sketches, len(ordered))
            words = np.concatenate([chunk.words for chunk in sketches]) if sketches else np.zeros(0, np.int64)
            places = token_places(sketches)
            part_rows, least = reuse.engine.part_rows, running.parallelism
            shingles, bands = key_parts(sketches, "shingles", part_rows, least), key_parts(sketches, "bands", part_rows, least)
            del sketches  # the parts hold the keys now (or say where they are): half the memory at this point
            pairs = find_candidates(shingles, bands, reuse, running, len(ordered), path)
            del shingles, bands
            if spill is not None:
                spill.remove(POSTINGS_SUFFIXES + PAIR_CODE_SUFFIXES)  # while the workers align
            report_progress(progress, "candidates", 1, 1)
            passages, rows = align_candidates(ordered, pairs, weights, reuse, running, progress, places)
            if spill is not None:
                spill.remove()  # while this process groups and attributes
            worker.clear()  # aligning ran in this process when there is one worker: release what it kept
            families = families_of_sides([a.id for a in ordered], *rows.sides(), min_overlap=reuse.group.min_overlap)
            report_progress(progress, "group", 1, 1)
            found = stories(ordered, passages, families, wire or {}, reuse.group, reuse.attribute)
            report_progress(progress, "attribute", 1, 1)
            documents = summarise(ordered, passages, words.tolist(), rows)
            pairs = summarise_pairs(ordered, passages, rows)
            return ReuseResult(documents, passages, found.families, found.attributions, pairs, found.digests)


def _interpreted_here(articles: Sequence[CleanArticle], most_characters: int, engine: Engine | None) -> bool:
    """Whether a corpus is small enough to find its reuse in this process with the kernels interpreted
    (see ``reuse.interpreted``); never on an engine other than the local one (Spark)."""
    local = engine is None or isinstance(engine, LocalEngine)
    return local and within_characters((article.paragraphs for article in articles), most_characters)


def _check_unique_ids(articles: Sequence[CleanArticle]) -> None:
    for before, after in zip(articles, articles[1:]):
        if before.id == after.id:
            raise ValueError(f"two articles have the id {after.id!r}; ids must be unique")


