"""Agency attributions: explicit from credits, inferred from shared reporting.

Explicit: an article whose text credits an agency (byline, credit line,
source line, dateline; photo credits never count), and wire copy given by the
user (``--wire AGENCY=PATH``, credit ``how="wire"``), is that agency's; the
credit covers the whole article, so its ``share`` is 1.0.

Inferred: an article that shares *reporting* passages with articles of an
agency (explicitly credited ones, or wire copy) carries that agency's copy.
Each backing passage weighs its words times a factor that falls with its
quote share (two outlets quoting one speech is weak evidence of copy; shared
reporting prose is strong). The article gets the agency when the weighted
words and the share of its own words inside backing passages both pass the
thresholds of ``[reuse.attribute]``. The evidence says which passages, through which
articles. Inference does not chain: an article attributed by inference is not
itself a source (one wrong step would spread).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np

from srccompare.model import Attribution, CleanArticle, Credit, Evidence, Passage
from srccompare.reuse.tokens import TOKEN_PATTERN, code_points, scan_words
from srccompare.settings import AttributeParameters

# "and agencies" names no agency: it is kept as an explicit attribution but
# cannot make another article any particular agency's.
UNNAMED_AGENCY = "agencies"


def explicit_attributions(articles: Sequence[CleanArticle], wire: Mapping[str, str]) -> list[Attribution]:
    """One attribution per (article, credited agency); wire copy is its agency's."""
    found = []
    for article in articles:
        credits = list(article.metadata.credits)
        if article.id in wire:
            credits.append(Credit(agency=wire[article.id], how="wire", text=f"--wire {wire[article.id]}"))
        by_agency: dict[str, list[Credit]] = defaultdict(list)
        for credit in credits:
            if credit.how != "photo":
                by_agency[credit.agency].append(credit)
        for agency, agency_credits in by_agency.items():
            found.append(Attribution(article.id, agency, "explicit", 1.0, credits=tuple(agency_credits)))
    return found


def inferred_attributions(
    articles: Sequence[CleanArticle],
    passages: Sequence[Passage],
    explicit: Sequence[Attribution],
    params: AttributeParameters,
) -> list[Attribution]:
    """Agencies an article's shared reporting points to, with the evidence."""
    sources = _sources(explicit)
    if not sources:
        return []
    credited = {(a.doc_id, a.agency) for a in explicit}
    by_id = {article.id: article for article in articles}  # bodies only of the articles judged
    backing: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, passage in enumerate(passages):
        if passage.words < params.min_passage_words:
            continue
        for doc_id, other in ((passage.left_id, passage.right_id), (passage.right_id, passage.left_id)):
            for agency in sources.get(other, ()):
                if (doc_id, agency) not in credited:
                    backing[(doc_id, agency)][other].append(index)
    found = []
    for (doc_id, agency), via in sorted(backing.items()):
        attribution = _judge(doc_id, agency, via, passages, by_id[doc_id].body, params)
        if attribution is not None:
            found.append(attribution)
    return found


def _sources(explicit: Sequence[Attribution]) -> dict[str, list[str]]:
    sources: dict[str, list[str]] = defaultdict(list)
    for attribution in explicit:
        if attribution.agency != UNNAMED_AGENCY:
            sources[attribution.doc_id].append(attribution.agency)
    return sources


def _judge(
    doc_id: str,
    agency: str,
    via: Mapping[str, list[int]],
    passages: Sequence[Passage],
    body: str,
    params: AttributeParameters,
) -> Attribution | None:
    indexes = sorted({i for found in via.values() for i in found})
    weighted = sum(passage_weight(passages[i], params.quote_weight) for i in indexes)
    spans = [side_of(passages[i], doc_id) for i in indexes]
    inside, words = word_counts(body, spans)
    share = inside / max(1, words)
    if weighted < params.min_words or share < params.min_share:
        return None
    evidence = tuple(
        Evidence(via_id=other, passages=tuple(found), words=sum(passages[i].words for i in found))
        for other, found in sorted(via.items(), key=lambda item: (-sum(passages[i].words for i in item[1]), item[0]))
    )
    return Attribution(doc_id, agency, "inferred", round(share, 4), evidence=evidence)


def passage_weight(passage: Passage, quote_weight: float) -> float:
    """Words of a passage weighed by how much of it is reporting rather than quotation."""
    return passage.words * (1.0 - passage.quote_share * (1.0 - quote_weight))


def side_of(passage: Passage, doc_id: str) -> tuple[int, int]:
    """The (start, end) of a passage in one of its two articles."""
    if passage.left_id == doc_id:
        return (passage.left_start, passage.left_end)
    return (passage.right_start, passage.right_end)


def count_words(text: str) -> int:
    return len(TOKEN_PATTERN.findall(text))


def words_in_spans(body: str, spans: Sequence[tuple[int, int]]) -> int:
    """Words of ``body`` inside the union of character spans (a word cut by a span's edge counts, as
    ``count_words`` of the span's text would count it)."""
    return word_counts(body, spans)[0] if spans else 0


def word_counts(body: str, spans: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """``words_in_spans`` and ``count_words`` of ``body``, from one scan of it."""
    starts, ends = word_bounds(body)
    return words_in_each(starts, ends, [spans])[0], len(starts)


def word_bounds(body: str) -> tuple[np.ndarray, np.ndarray]:
    """The [start, end) character offsets of ``body``'s words (what ``count_words`` counts)."""
    starts, ends, _ = scan_words(code_points(body))
    return starts, ends


def words_in_each(starts: np.ndarray, ends: np.ndarray, span_lists: Sequence[Sequence[tuple[int, int]]]) -> list[int]:
    """``words_in_spans`` of one body for each list of spans, given the body's ``word_bounds``
    (one scan of a body however many questions are asked of it, and two searches for them all)."""
    pieces = [list(disjoint_pieces(spans)) for spans in span_lists]
    flat = np.array([piece for found in pieces for piece in found], dtype=np.int64).reshape(-1, 2)
    # per piece: words beginning before its end, less those ending at or before its start
    inside = np.searchsorted(starts, flat[:, 1]) - np.searchsorted(ends, flat[:, 0], side="right")
    totals = np.concatenate(([0], np.cumsum(inside))).tolist()
    firsts = np.cumsum([0] + [len(found) for found in pieces]).tolist()
    return [totals[b] - totals[a] for a, b in zip(firsts, firsts[1:])]


def disjoint_pieces(spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The union of [start, end) spans (offsets from 0) as ascending disjoint pieces: each span, in
    order, less what the ones before it covered."""
    reach = 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            yield start, end
            reach = end


def attribute(
    articles: Sequence[CleanArticle],
    passages: Sequence[Passage],
    wire: Mapping[str, str],
    params: AttributeParameters,
) -> tuple[Attribution, ...]:
    """Explicit then inferred attributions, ordered by article id, then explicit first, then agency."""
    explicit = explicit_attributions(articles, wire)
    inferred = inferred_attributions(articles, passages, explicit, params)
    return tuple(sorted(explicit + inferred, key=lambda a: (a.doc_id, a.how != "explicit", a.agency)))
