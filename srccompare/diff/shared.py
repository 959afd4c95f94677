"""The words two articles share, counted in one place (the reuse core's pair summary) for every view.

``reuse`` (every format) and ``browse`` show ``PairSummary.words``; the diff
views show the same number, taken from the corpus's result when there is one
(browse) and otherwise from the reuse core run on the two articles alone
(``srccompare diff A B``). The diff's own word operations say where the text
differs; how much is shared is this module's number, never a second count.
"""

from __future__ import annotations

import dataclasses

from srccompare.model import CleanArticle, DiffResult, PairSummary, ReuseResult, SharedWords
from srccompare.settings import Settings

def of_pair(result: ReuseResult, left_id: str, right_id: str, pair: PairSummary | None = None) -> SharedWords:
    """What ``left_id`` shares with ``right_id`` in a corpus's result, seen from ``left_id``
    (``pair``: their PairSummary when the caller has it, else it is looked up)."""
    low, high = sorted((left_id, right_id))
    if pair is None:
        pair = next((p for p in result.pairs if p.left_id == low and p.right_id == high), None)
    totals = {d.doc_id: d.words for d in result.documents if d.doc_id in (low, high)}
    if pair is None:
        shared = SharedWords(0, 0, 0, totals.get(low, 0), totals.get(high, 0))
    else:
        passages = sorted((result.passages[i] for i in pair.passages), key=lambda p: (p.left_start, p.right_start))
        shared = SharedWords(pair.words, pair.left_words, pair.right_words, totals[low], totals[high], tuple(passages))
    return shared if left_id == low else shared.swapped()


def between(left: CleanArticle, right: CleanArticle, settings: Settings) -> SharedWords:
    """What two articles share, by the reuse core run on them alone (one worker, in this process)."""
    from srccompare.reuse import find_reuse

    # Ids chosen so that the left article is the pair's left side (and an article diffed
    # against itself still makes two distinct ids).
    sides = (dataclasses.replace(left, id="0-left"), dataclasses.replace(right, id="1-right"))
    shared = of_pair(find_reuse(sides, settings, workers=1), "0-left", "1-right")
    passages = tuple(dataclasses.replace(p, left_id=left.id, right_id=right.id) for p in shared.passages)
    return dataclasses.replace(shared, passages=passages)


def compare(left: CleanArticle, right: CleanArticle, settings: Settings, shared: SharedWords | None = None) -> DiffResult:
    """The diff of two articles with what they share attached (computed here unless given)."""
    from srccompare.diff import diff_articles

    result = diff_articles(left, right, settings.diff)
    return dataclasses.replace(result, shared=shared if shared is not None else between(left, right, settings))


def swapped(result: DiffResult) -> DiffResult:
    """``diff.swap_sides`` keeping what the pair shares, seen from the other side."""
    from srccompare.diff.align import swap_sides

    flipped = swap_sides(result)
    return dataclasses.replace(flipped, shared=result.shared.swapped() if result.shared else None)
