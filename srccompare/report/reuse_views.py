"""Views of a ReuseResult shared by the reuse writers and the browse screen.

Pure functions over model objects: each article's agencies, the passages of
one article merged into highlighted segments. Nothing here prints or imports
Textual.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from srccompare.model import Attribution, DocumentSummary, Passage, ReuseResult


@dataclass(frozen=True)
class Segment:
    """A stretch of one article's body, shared with ``partners`` (empty: not shared)."""

    start: int
    end: int
    partners: tuple[str, ...]
    kind: str | None  # "reporting", "quote" or "mixed" (the strongest among its passages)


KIND_STRENGTH = {"reporting": 3, "mixed": 2, "quote": 1}


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
    from srccompare.reuse.attribute import side_of  # here: its module brings numba, which browse's tables do not need

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
