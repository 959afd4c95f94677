"""Views of a ReuseResult shared by the reuse writers and the browse screen.

Pure functions over model objects: article pairs with what they share, each
article's agencies, the passages of one article merged into highlighted
segments. Nothing here prints or imports Textual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from srccompare.attribute import side_of, word_bounds, words_in_each
from srccompare.model import Attribution, CleanArticle, DocumentSummary, Passage, ReuseResult


@dataclass(frozen=True)
class PairSummary:
    """Two articles and everything they share, with ``left_id < right_id``."""

    left_id: str
    right_id: str
    passages: tuple[int, ...]  # indexes into ReuseResult.passages
    words: int  # sum of the passages' words (each counted on its shorter side)
    left_words: int  # words of the left article inside the shared passages
    right_words: int
    reporting_words: int  # words of passages of kind "reporting"
    quote_words: int  # words of passages of kind "quote"
    similarity: float  # passages' similarity weighted by their words


@dataclass(frozen=True)
class Segment:
    """A stretch of one article's body, shared with ``partners`` (empty: not shared)."""

    start: int
    end: int
    partners: tuple[str, ...]
    kind: str | None  # "reporting", "quote" or "mixed" (the strongest among its passages)


KIND_STRENGTH = {"reporting": 3, "mixed": 2, "quote": 1}


def pair_summaries(result: ReuseResult, articles: Sequence[CleanArticle]) -> tuple[PairSummary, ...]:
    """Every pair of articles sharing a passage, ranked by the words they share (most first)."""
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, passage in enumerate(result.passages):
        by_pair[tuple(sorted((passage.left_id, passage.right_id)))].append(index)  # type: ignore[index]
    words_inside = _words_inside(by_pair, result.passages, articles)
    pairs = [
        _pair(left, right, indexes, result.passages, words_inside[left, right], words_inside[right, left])
        for (left, right), indexes in by_pair.items()
    ]
    pairs.sort(key=lambda pair: (-pair.words, -pair.reporting_words, pair.left_id, pair.right_id))
    return tuple(pairs)


def _words_inside(
    by_pair: Mapping[tuple[str, str], list[int]], passages: Sequence[Passage], articles: Sequence[CleanArticle]
) -> dict[tuple[str, str], int]:
    """(article, partner) -> the article's words inside the passages it shares with the partner.
    Each body is scanned for its words once, however many partners it has (scanning it once a
    pair was most of the time of a report at 40k articles), and one at a time (their offsets
    all at once would be hundreds of MB)."""
    sides: dict[str, list[tuple[str, list[tuple[int, int]]]]] = defaultdict(list)
    for (left, right), indexes in by_pair.items():
        sides[left].append((right, [side_of(passages[i], left) for i in indexes]))
        sides[right].append((left, [side_of(passages[i], right) for i in indexes]))
    bodies = {article.id: article.body for article in articles}
    counted = {}
    for doc_id, partners in sides.items():
        words = words_in_each(*word_bounds(bodies.get(doc_id, "")), [spans for _, spans in partners])
        counted.update(((doc_id, partner), count) for (partner, _), count in zip(partners, words))
    return counted


def _pair(left: str, right: str, indexes: list[int], passages: Sequence[Passage], left_words: int, right_words: int) -> PairSummary:
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


def other_side(passage: Passage, doc_id: str) -> str:
    return passage.right_id if passage.left_id == doc_id else passage.left_id


def attributions_by_doc(result: ReuseResult) -> dict[str, tuple[Attribution, ...]]:
    """Each article's attributions: explicit first, then inferred, each by agency."""
    found: dict[str, list[Attribution]] = defaultdict(list)
    for attribution in result.attributions:
        found[attribution.doc_id].append(attribution)
    return {doc: tuple(sorted(items, key=lambda a: (a.how != "explicit", a.agency))) for doc, items in found.items()}


def agencies_of(result: ReuseResult) -> tuple[str, ...]:
    """Every agency attributed to some article, sorted."""
    return tuple(sorted({a.agency for a in result.attributions}))


def reused_share(document: DocumentSummary) -> float:
    return document.reused_words / document.words if document.words else 0.0


def documents_by_reuse(result: ReuseResult) -> tuple[DocumentSummary, ...]:
    """Articles with the largest share of reused words first (then by id)."""
    return tuple(sorted(result.documents, key=lambda d: (-reused_share(d), -d.reused_words, d.doc_id)))


def segments(body: str, doc_id: str, passages: Sequence[Passage]) -> tuple[Segment, ...]:
    """The body cut where shared passages start and end; each piece names who shares it."""
    cuts = {0, len(body)}
    sides = []
    for passage in passages:
        if doc_id in (passage.left_id, passage.right_id):
            start, end = side_of(passage, doc_id)
            sides.append((start, end, other_side(passage, doc_id), passage.kind))
            cuts.update((start, end))
    bounds = sorted(cut for cut in cuts if 0 <= cut <= len(body))
    pieces = []
    for start, end in zip(bounds, bounds[1:]):
        covering = [side for side in sides if side[0] <= start and end <= side[1]]
        partners = tuple(sorted({side[2] for side in covering}))
        kind = max((side[3] for side in covering), key=lambda k: KIND_STRENGTH.get(k, 0), default=None)
        pieces.append(Segment(start, end, partners, kind))
    return tuple(pieces)


def passages_by_doc(passages: Sequence[Passage]) -> dict[str, list[Passage]]:
    """Each article's passages (a passage is listed under both its articles)."""
    found: dict[str, list[Passage]] = defaultdict(list)
    for passage in passages:
        found[passage.left_id].append(passage)
        if passage.right_id != passage.left_id:
            found[passage.right_id].append(passage)
    return found
