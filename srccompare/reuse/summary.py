"""Summaries of a reuse result: per article its words, reused words and top partner; per pair of
articles the passages and words they share (from the passages' numbers when there are some)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from srccompare.model import CleanArticle, DocumentSummary, PairSummary, Passage
from srccompare.reuse.align.stage import PassageRows
from srccompare.reuse.arrays import first_of_runs
from srccompare.reuse.attribute import count_words, side_of, word_bounds, words_in_each, words_in_spans
from srccompare.reuse.group import merged_stretches

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
