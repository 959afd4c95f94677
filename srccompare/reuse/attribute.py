"""Agency attributions: explicit from credits, inferred from agency-specific evidence.

Explicit: an article whose text credits an agency (byline, credit line,
source line, dateline, copyright; photo credits never count, nor credits that
name no agency), and wire copy given by the user (``--wire AGENCY=PATH``,
credit ``how="wire"``), is that agency's; the credit covers the whole
article, so its ``share`` is 1.0.

Inferred: an article that carries text *specific to* agency A. Texts are the
families (reuse/group.py: copies of one text). A family is common-source for
A, and never evidence, when

- articles credited to another agency carry it too (two agencies quoting one
  speech, one statement, one tweet), or
- most of the articles carrying it are independent of A: at least
  ``common_min_carriers`` articles that are neither credited to A nor A's copy,
  and at least ``common_ratio`` times as many as those that are. "A's copy"
  here is an uncredited article with at least ``strong_share`` of its words
  in A's credited articles' non-common text: the masked copies of a story
  carry its quotes along with it, the independent coverage carries only the
  quotes.

Each passage an article shares with an A-credited article, in a family that
is not common-source for A, backs A; its words weigh less the more of them
are in quotation marks (``quote_weight``). The article is A's when the backing
passages cover at least ``min_score`` weighted words (``score``) and
``min_share`` of its words. Confidence (written down in README.md):

- ``high``: score at least ``high_score`` and backed through at least two
  credited articles: a stretch of A's copy that several of A's clients ran;
- ``medium``: above the thresholds otherwise (one credited article, or a
  short stretch).

Digest pages (reuse/group.py) are neither sources nor judged: a page of
many stories credited to one agency for one of them would otherwise lend that
agency to every story it carries. Inference does not chain: an article
attributed by inference is not itself a source (one wrong step would spread).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from srccompare.model import Attribution, CleanArticle, Credit, Evidence, Family, Passage
from srccompare.reuse.tokens import TOKEN_PATTERN, code_points, scan_words
from srccompare.settings import AttributeParameters

# Main recorded "and agencies" as an agency of this name; kept for readers of old output.
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
            if credit.how != "photo" and credit.agency and credit.agency != UNNAMED_AGENCY:
                by_agency[credit.agency].append(credit)
        for agency, agency_credits in by_agency.items():
            found.append(Attribution(article.id, agency, "explicit", 1.0, credits=tuple(agency_credits)))
    return found


@dataclass(frozen=True)
class _Corpus:
    """What judging needs: passages, each passage's family and the family's articles, the sources."""

    passages: Sequence[Passage]
    family_of: Sequence[int]  # per passage: its family (-1: none)
    carriers: Sequence[frozenset[str]]  # per family: the articles carrying it
    sources: Mapping[str, frozenset[str]]  # article -> the agencies it is credited to (digests left out)
    bodies: Mapping[str, str]


def inferred_attributions(
    articles: Sequence[CleanArticle],
    passages: Sequence[Passage],
    explicit: Sequence[Attribution],
    params: AttributeParameters,
    families: Sequence[Family],
    digests: Collection[str] = (),
) -> list[Attribution]:
    """Agencies an article's agency-specific shared text points to, with the evidence."""
    sources: dict[str, set[str]] = defaultdict(set)
    for attribution in explicit:
        if attribution.doc_id not in digests:
            sources[attribution.doc_id].add(attribution.agency)
    if not sources:
        return []
    family_of = [-1] * len(passages)
    for number, family in enumerate(families):
        for index in family.passages:
            family_of[index] = number
    corpus = _Corpus(passages, family_of, [frozenset(s.doc_id for s in f.spans) for f in families],
                     {doc: frozenset(found) for doc, found in sources.items()}, {a.id: a.body for a in articles})
    credited = {(a.doc_id, a.agency) for a in explicit}
    backing = _backing(corpus, credited, digests, params)
    copies = _agency_copies(corpus, backing, _common_for(corpus, None, params), params)
    common = _common_for(corpus, copies, params)
    found = []
    for (doc_id, agency), via in sorted(backing.items()):
        attribution = _judge(doc_id, agency, via, corpus, common, params)
        if attribution is not None:
            found.append(attribution)
    return found


def _backing(corpus: _Corpus, credited: set[tuple[str, str]], digests: Collection[str],
             params: AttributeParameters) -> dict[tuple[str, str], dict[str, list[int]]]:
    """(article, agency) -> {credited article: passages shared with it}, for articles not credited to it."""
    backing: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, passage in enumerate(corpus.passages):
        if passage.words < params.min_passage_words:
            continue
        for doc_id, other in ((passage.left_id, passage.right_id), (passage.right_id, passage.left_id)):
            if doc_id in digests:
                continue
            for agency in sorted(corpus.sources.get(other, ())):
                if (doc_id, agency) not in credited:
                    backing[(doc_id, agency)][other].append(index)
    return backing


def _common_for(corpus: _Corpus, copies: Mapping[str, set[str]] | None, params: AttributeParameters) -> dict[str, set[int]]:
    """agency -> the families that are common-source for it (see the module's docstring). Without
    ``copies`` (the agencies' uncredited copies not known yet), only what other agencies carry is."""
    common: dict[str, set[int]] = defaultdict(set)
    agencies = {agency for found in corpus.sources.values() for agency in found}
    for number, carriers in enumerate(corpus.carriers):
        credited: dict[str, int] = defaultdict(int)
        for doc in carriers:
            for agency in corpus.sources.get(doc, ()):
                credited[agency] += 1
        for agency in agencies:
            if any(other != agency for other in credited):
                common[agency].add(number)
                continue
            if copies is None:
                continue
            own = credited.get(agency, 0) + len(carriers & copies.get(agency, set()))
            independent = sum(1 for doc in carriers if doc not in corpus.sources) - len(carriers & copies.get(agency, set()))
            if independent >= params.common_min_carriers and independent >= params.common_ratio * own:
                common[agency].add(number)
    return common


def _agency_copies(corpus: _Corpus, backing: Mapping[tuple[str, str], Mapping[str, list[int]]],
                   common: Mapping[str, set[int]], params: AttributeParameters) -> dict[str, set[str]]:
    """agency -> uncredited articles at least ``strong_share`` of whose words are in its non-common text."""
    copies: dict[str, set[str]] = defaultdict(set)
    for (doc_id, agency), via in backing.items():
        if doc_id in corpus.sources:
            continue
        kept = _kept(via, corpus, common.get(agency, set()))
        inside, words = word_counts(corpus.bodies[doc_id], [side_of(corpus.passages[i], doc_id) for i in kept])
        if kept and inside >= params.strong_share * max(1, words):
            copies[agency].add(doc_id)
    return copies


def _kept(via: Mapping[str, list[int]], corpus: _Corpus, common: set[int]) -> list[int]:
    return sorted({i for found in via.values() for i in found if corpus.family_of[i] not in common})


def _judge(
    doc_id: str,
    agency: str,
    via: Mapping[str, list[int]],
    corpus: _Corpus,
    common: Mapping[str, set[int]],
    params: AttributeParameters,
) -> Attribution | None:
    kept = _kept(via, corpus, common.get(agency, set()))
    if not kept:
        return None
    passages = corpus.passages
    inside, words = word_counts(corpus.bodies[doc_id], [side_of(passages[i], doc_id) for i in kept])
    quoted = sum(passages[i].quote_share * passages[i].words for i in kept) / max(1, sum(passages[i].words for i in kept))
    score = inside * (1.0 - quoted * (1.0 - params.quote_weight))
    share = inside / max(1, words)
    if score < params.min_score or share < params.min_share:
        return None
    kept_set = set(kept)
    evidence = tuple(
        Evidence(via_id=other, passages=tuple(found), words=sum(passages[i].words for i in found))
        for other, found in sorted(((o, [i for i in f if i in kept_set]) for o, f in via.items()),
                                   key=lambda item: (-sum(passages[i].words for i in item[1]), item[0]))
        if found
    )
    dropped = len({i for found in via.values() for i in found}) - len(kept)
    confidence = "high" if score >= params.high_score and len(evidence) >= 2 else "medium"
    reason = (f"{inside} words ({score:.0f} weighted for quotation) in {len(kept)} passages carried by articles "
              f"credited to {agency} and by no article credited to another agency, nor mostly by independent "
              f"coverage; through {len(evidence)} credited articles"
              + (f"; {dropped} shared passages left out as common-source" if dropped else ""))
    return Attribution(doc_id, agency, "inferred", round(share, 4), evidence=evidence, confidence=confidence,
                       score=round(score, 1), reason=reason)


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
    families: Sequence[Family] | None = None,
    digests: Collection[str] = (),
) -> tuple[Attribution, ...]:
    """Explicit then inferred attributions, ordered by article id, then explicit first, then agency.

    ``families``: the passages' families (``group.group_passages``; made here when not given)."""
    if families is None:
        from srccompare.reuse.group import group_passages

        families = group_passages(passages)
    explicit = explicit_attributions(articles, wire)
    inferred = inferred_attributions(articles, passages, explicit, params, families, digests)
    return tuple(sorted(explicit + inferred, key=lambda a: (a.doc_id, a.how != "explicit", a.agency)))
