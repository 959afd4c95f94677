"""Agency attributions: explicit from credits, inferred from agency-specific evidence.

Explicit: an article whose text credits an agency (byline, credit line,
source line, dateline, copyright; photo credits never count, nor credits that
name no agency), and wire copy given by the user (``--wire AGENCY=PATH``,
credit ``how="wire"``), is that agency's; the credit covers the whole
article, so its ``share`` is 1.0.

Inferred: an article that carries text *specific to* agency A. A passage
shared with an article S credited to A is a stretch of S's text; the
articles carrying that text are those whose passages with S cover at least
half of it. The text is common-source for A, and never
evidence, when

- an article credited to another agency carries it (two agencies quoting one
  speech, one statement, one tweet), or
- most of it is carried by coverage independent of A: half of its words or
  more are in passages of at least ``common_min_carriers`` articles neither
  credited to A nor A's copy, and of at least ``common_ratio`` times as many
  as the articles credited to A or A's copies that carry it (two remarks that
  happen to stand together in one story and in one independent article are
  each carried by many others). "A's copy" here is an uncredited article
  with at least ``strong_share`` of its words in text of A's articles that no
  other agency's carry: the masked copies of a story carry its quotes along
  with it, the independent coverage carries only the quotes.

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
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from srccompare.model import Attribution, CleanArticle, Credit, Evidence, Passage
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
    """What judging needs: the passages, the sources, who carries each source's text, the bodies."""

    passages: Sequence[Passage]
    sources: Mapping[str, frozenset[str]]  # article -> the agencies it is credited to (digests left out)
    carriers: Mapping[tuple[int, str], _Text]  # (passage, its credited side) -> who carries that text
    digests: Collection[str]
    bodies: Mapping[str, str]
    # (credited article, agency) -> whether each of its sides' other article is independent coverage
    independent: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)


def inferred_attributions(
    articles: Sequence[CleanArticle],
    passages: Sequence[Passage],
    explicit: Sequence[Attribution],
    params: AttributeParameters,
    digests: Collection[str] = (),
) -> list[Attribution]:
    """Agencies an article's agency-specific shared text points to, with the evidence."""
    sources: dict[str, set[str]] = defaultdict(set)
    for attribution in explicit:
        if attribution.doc_id not in digests:
            sources[attribution.doc_id].add(attribution.agency)
    if not sources:
        return []
    corpus = _Corpus(passages, {doc: frozenset(found) for doc, found in sources.items()},
                     _carriers(passages, sources), digests, {a.id: a.body for a in articles})
    credited = {(a.doc_id, a.agency) for a in explicit}
    backing = _backing(corpus, credited, params)
    copies = _agency_copies(corpus, backing, params)
    found = []
    for (doc_id, agency), via in sorted(backing.items()):
        attribution = _judge(doc_id, agency, via, corpus, copies.get(agency, set()), params)
        if attribution is not None:
            found.append(attribution)
    return found


@dataclass(frozen=True, eq=False)
class _Sides:
    """The passage sides in one credited article (``doc_id``): their (start, end), and the article on
    each one's other side (``others``, numbered in ``other``)."""

    doc_id: str
    sources: Mapping[str, Iterable[str]]  # article -> the agencies it is credited to
    start: np.ndarray
    end: np.ndarray
    others: np.ndarray  # (of str)
    other: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "other", np.unique(self.others, return_inverse=True)[1])

    def outside(self, *groups: Collection[str]) -> np.ndarray:
        """Whether each side's other article is in none of ``groups``."""
        return np.array([all(doc not in group for group in groups) for doc in self.others], dtype=bool)


@dataclass(frozen=True, eq=False)
class _Text:
    """A passage's side in a credited article: who carries it, and who carries pieces of it."""

    length: int
    sides: _Sides  # the credited article's, this one at ``row``
    row: int
    near: np.ndarray  # the sides covering half of it or more (it too)

    @cached_property
    def carriers(self) -> frozenset[str]:
        """The articles whose passages with the credited one cover half of it or more (it too)."""
        return frozenset(self.sides.others[self.near].tolist()) | {self.sides.doc_id}

    @cached_property
    def agencies(self) -> frozenset[str]:
        """The agencies the carriers are credited to."""
        sources = self.sides.sources
        return frozenset().union(*(sources[doc] for doc in self.carriers & sources.keys()))

    def covered(self, independent: np.ndarray, needed: float) -> int:
        """Characters of it covered by the sides (clipped to it) of at least ``needed`` different
        articles among those ``independent`` marks."""
        sides, row = self.sides, self.row
        low, high = np.maximum(sides.start[row], sides.start), np.minimum(sides.end[row], sides.end)
        pieces = (high > low) & independent
        low, high, other = low[pieces], high[pieces], sides.other[pieces]
        articles, other = np.unique(other, return_inverse=True)
        if len(articles) < needed:
            return 0
        bounds = np.unique(np.concatenate((low, high)))
        inside = (low[:, None] <= bounds[None, :-1]) & (bounds[None, 1:] <= high[:, None])  # piece x stretch
        by_article = np.zeros((len(articles), len(bounds) - 1), dtype=bool)
        np.logical_or.at(by_article, other, inside)
        return int(np.diff(bounds)[by_article.sum(axis=0) >= needed].sum())


def _carriers(passages: Sequence[Passage], sources: Mapping[str, Iterable[str]]) -> dict[tuple[int, str], _Text]:
    """For each passage side in a credited article, the articles carrying that text (see _Text)."""
    found_sides: dict[str, list[tuple[int, int, str, int]]] = defaultdict(list)
    for index, p in enumerate(passages):
        if p.left_id in sources:
            found_sides[p.left_id].append((p.left_start, p.left_end, p.right_id, index))
        if p.right_id in sources:
            found_sides[p.right_id].append((p.right_start, p.right_end, p.left_id, index))
    texts: dict[tuple[int, str], _Text] = {}
    for doc_id, found in found_sides.items():
        start = np.array([f[0] for f in found], dtype=np.int64)
        end = np.array([f[1] for f in found], dtype=np.int64)
        sides = _Sides(doc_id, sources, start, end, np.array([f[2] for f in found], dtype=object))
        for first in range(0, len(found), CARRIER_ROWS):  # rows at a time: k x k would be large for a hub
            rows = slice(first, first + CARRIER_ROWS)
            overlap = np.minimum(end[rows, None], end[None, :]) - np.maximum(start[rows, None], start[None, :])
            near = (overlap > 0) & (2 * overlap >= (end[rows] - start[rows])[:, None])
            by_row = np.split(np.nonzero(near)[1], np.cumsum(near.sum(axis=1))[:-1])
            for row, item in enumerate(found[rows]):
                texts[(item[3], doc_id)] = _Text(item[1] - item[0], sides, first + row, by_row[row])
    return texts


CARRIER_ROWS = 512


def _backing(corpus: _Corpus, credited: set[tuple[str, str]],
             params: AttributeParameters) -> dict[tuple[str, str], dict[str, list[int]]]:
    """(article, agency) -> {credited article: passages shared with it}, for articles not credited to it."""
    backing: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, passage in enumerate(corpus.passages):
        if passage.words < params.min_passage_words:
            continue
        for doc_id, other in ((passage.left_id, passage.right_id), (passage.right_id, passage.left_id)):
            if doc_id in corpus.digests:
                continue
            for agency in sorted(corpus.sources.get(other, ())):
                if (doc_id, agency) not in credited:
                    backing[(doc_id, agency)][other].append(index)
    return backing


def _common(corpus: _Corpus, index: int, source: str, agency: str, copies: set[str] | None,
            params: AttributeParameters) -> bool:
    """Whether the text of passage ``index`` in credited article ``source`` is common-source for
    ``agency`` (see the module's docstring). Without ``copies`` (the agency's uncredited copies not
    known yet), only what articles credited to other agencies carry is."""
    text = corpus.carriers[(index, source)]
    if text.agencies - {agency}:
        return True
    if copies is None:
        return False
    own = len(text.carriers & corpus.sources.keys()) + len(text.carriers.intersection(copies) - corpus.sources.keys())
    needed = max(params.common_min_carriers, params.common_ratio * own)
    independent = corpus.independent.get((source, agency))
    if independent is None:  # (copies are the same for every call with this agency)
        independent = corpus.independent[(source, agency)] = text.sides.outside(corpus.sources, copies, corpus.digests)
    return 2 * text.covered(independent, needed) >= text.length


def _kept(via: Mapping[str, list[int]], corpus: _Corpus, agency: str, copies: set[str] | None,
          params: AttributeParameters) -> list[int]:
    """The backing passages whose text is not common-source for the agency."""
    return sorted({i for source, found in via.items() for i in found if not _common(corpus, i, source, agency, copies, params)})


def _agency_copies(corpus: _Corpus, backing: Mapping[tuple[str, str], Mapping[str, list[int]]],
                   params: AttributeParameters) -> dict[str, set[str]]:
    """agency -> uncredited articles at least ``strong_share`` of whose words are text only its articles carry."""
    copies: dict[str, set[str]] = defaultdict(set)
    for (doc_id, agency), via in backing.items():
        if doc_id in corpus.sources:
            continue
        kept = _kept(via, corpus, agency, None, params)
        inside, words = word_counts(corpus.bodies[doc_id], [side_of(corpus.passages[i], doc_id) for i in kept])
        if kept and inside >= params.strong_share * max(1, words):
            copies[agency].add(doc_id)
    return copies


def _judge(
    doc_id: str,
    agency: str,
    via: Mapping[str, list[int]],
    corpus: _Corpus,
    copies: set[str],
    params: AttributeParameters,
) -> Attribution | None:
    kept = _kept(via, corpus, agency, copies, params)
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
    reason = (f"{inside} words ({score:.0f} weighted for quotation) in {len(kept)} passages whose text articles "
              f"credited to {agency} carry, no article credited to another agency does, and independent "
              f"coverage mostly does not; through {len(evidence)} credited articles"
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
    digests: Collection[str] = (),
) -> tuple[Attribution, ...]:
    """Explicit then inferred attributions, ordered by article id, then explicit first, then agency.

    ``digests``: digest pages (``group.find_digests``), neither sources nor judged."""
    explicit = explicit_attributions(articles, wire)
    return in_order(explicit + inferred_attributions(articles, passages, explicit, params, digests))


def in_order(attributions: Iterable[Attribution]) -> tuple[Attribution, ...]:
    """By article id, then explicit first, then agency."""
    return tuple(sorted(attributions, key=lambda a: (a.doc_id, a.how != "explicit", a.agency)))
