"""Ask the index about one article: who shares passages with it, which, and whose copy it is.

``query_index`` runs these steps, inside one read snapshot of the store:

1. entry: the article's sampled shingles and band keys, computed as ``reuse``
   computes them (``srccompare.index.build``); an article whose cleaned text
   is stored already is that stored article;
2. candidates: stored articles sharing enough shingles or bands, keys carried
   by more than ``max_df`` documents (the query counted) left out and shingles
   weighed by the documents carrying them, exactly as ``srccompare.reuse.candidates``
   bounds and weighs them over a whole corpus;
3. weights: token idf over the index and the query (what ``find_reuse``
   would use over the same articles);
4. align: each candidate pair with ``srccompare.reuse.align.align_pair``, the
   article with the smaller id on the left, as ``find_reuse`` orders pairs;
5. group and attribute: families and agency attributions of the query and
   the partners, with the same functions as ``reuse``.

So a query gives the passages, offsets and attributions ``reuse`` would give
for that article over the index plus the article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from srccompare.reuse.align import Weights, align_pair
from srccompare.reuse.arrays import distinct
from srccompare.reuse.attribute import attribute
from srccompare.reuse.candidates import WEIGHT_UNIT, key_weights
from srccompare.reuse.group import group_passages
from srccompare.index.build import Indexer
from srccompare.index.store import IndexEntry, KeyPostings, StoredArticle, Store
from srccompare.model import CleanArticle, Corpus, Passage, ReuseResult, free_id
from srccompare.reuse.sketch import index_parameters
from srccompare.reuse.summary import summarise, summarise_pairs
from srccompare.settings import ReuseSettings, Settings
from srccompare.reuse.tokens import TokenHasher, Tokens, alignment_tokens


@dataclass(frozen=True)
class QueryResult:
    """The answer for one article, in the shape ``reuse``'s writers take."""

    query_id: str  # the article's id in the result
    known_as: str | None  # the stored id when the article's cleaned text is in the index already
    candidates: int  # stored articles the postings proposed (before alignment)
    dropped_keys: int  # query keys left out as too common (document-frequency bound)
    result: ReuseResult  # the query and the stored articles sharing passages with it
    articles: tuple[CleanArticle, ...]  # the same articles, in id order
    wire: dict[str, str]  # id -> agency for stored wire copy among them


@dataclass(frozen=True)
class Candidates:
    numbers: tuple[int, ...]
    dropped_keys: int


def query_index(store: Store, article: CleanArticle, settings: Settings, indexer: Indexer | None = None) -> QueryResult:
    """Which stored articles share passages with ``article``, the passages and the attributions."""
    reuse = settings.reuse
    indexer = indexer or Indexer(index_parameters(reuse))
    entry = indexer.entry(article)
    with store.snapshot():
        known = store.number_of(entry.content_hash)
        found = find_candidates(store, entry, reuse, known)
        partners = store.articles(found.numbers)
        query = store.articles([known])[0] if known is not None else StoredArticle(-1, article, None)
        query = _distinct_id(query, partners)
        tokens = _tokenise([query, *partners], indexer.hasher)
        weights = query_weights(store, tokens, query_stored=known is not None)
    passages = align_partners(tokens, query.article.id, [p.article.id for p in partners], weights, reuse)
    sharing = {p.left_id for p in passages} | {p.right_id for p in passages}
    chosen = sorted([query, *(p for p in partners if p.article.id in sharing)], key=lambda s: s.article.id)
    articles = tuple(stored.article for stored in chosen)
    wire = {stored.article.id: stored.wire for stored in chosen if stored.wire}
    result = ReuseResult(
        documents=summarise(articles, passages),
        passages=passages,
        families=group_passages(passages, min_overlap=reuse.group.min_overlap),
        attributions=attribute(articles, passages, wire, reuse.attribute),
        pairs=summarise_pairs(articles, passages),
    )
    known_as = query.article.id if known is not None else None
    return QueryResult(query.article.id, known_as, len(partners), found.dropped_keys, result, articles, wire)


def find_candidates(store: Store, entry: IndexEntry, reuse: ReuseSettings, known: int | None) -> Candidates:
    """Stored articles sharing at least min_shared_shingles shingles or min_shared_bands band keys."""
    # A key is kept when at most max_df documents carry it, the query among them.
    bound = reuse.candidates.max_df if known is not None else reuse.candidates.max_df - 1
    shingles = store.postings("shingles", entry.shingles, bound)
    bands = store.postings("bands", entry.bands, bound)
    # Shingles weighed by the documents carrying them, the query among them, as over a whole corpus.
    query_weight = 0 if known is not None else 1
    chosen = _sharing(shingles, reuse.candidates.min_shared_shingles * WEIGHT_UNIT, reuse.candidates.common_df, query_weight)
    chosen |= _sharing(bands, reuse.candidates.min_shared_bands)
    chosen.discard(known if known is not None else -1)
    return Candidates(tuple(sorted(chosen)), shingles.dropped + bands.dropped)


def _sharing(postings: KeyPostings, minimum: int, common_df: int | None = None, query: int = 0) -> set[int]:
    """Stored documents whose shared keys weigh at least ``minimum``: one each, or with ``common_df``
    ``key_weights`` of the documents carrying them (the stored ones, plus ``query``)."""
    docs, doc_of_row = np.unique(postings.docs, return_inverse=True)
    if common_df is None:
        weights = np.ones(len(postings.docs), np.int64)
    else:
        _, key_of_row, carried = np.unique(postings.keys, return_inverse=True, return_counts=True)
        weights = key_weights(carried + query, common_df)[key_of_row]
    totals = np.bincount(doc_of_row, weights=weights, minlength=len(docs))
    return set(docs[totals >= minimum].tolist())


def _distinct_id(query: StoredArticle, partners: Sequence[StoredArticle]) -> StoredArticle:
    """The query, renamed ``id#query`` if a stored partner has its id (only for a new article)."""
    taken = {p.article.id for p in partners}
    if query.number >= 0 or query.article.id not in taken:
        return query
    return replace(query, article=replace(query.article, id=f"{query.article.id}#query"))


def _tokenise(articles: Sequence[StoredArticle], hasher: TokenHasher) -> dict[str, Tokens]:
    return {s.article.id: alignment_tokens(s.article.id, s.article.body, hasher) for s in articles}


def query_weights(store: Store, tokens: dict[str, Tokens], *, query_stored: bool) -> Weights:
    """idf of the tokens at hand over the stored articles, plus the query when it is not stored.

    The query is the first entry of ``tokens``.
    """
    vocabularies = [distinct(t.hashes) for t in tokens.values()]
    vocabulary = distinct(np.concatenate(vocabularies)) if vocabularies else np.zeros(0, np.uint64)
    frequency = store.frequencies(vocabulary)
    documents = store.count()
    if not query_stored and vocabularies:
        frequency = frequency + np.isin(vocabulary, vocabularies[0])
        documents += 1
    return Weights.from_frequencies(vocabulary, frequency, documents)


def align_partners(
    tokens: dict[str, Tokens], query_id: str, partner_ids: Sequence[str], weights: Weights, reuse: ReuseSettings
) -> tuple[Passage, ...]:
    """Passages of every (query, partner) pair, pairs in id order, the smaller id on the left."""
    params = reuse.align
    pairs = sorted(tuple(sorted((query_id, other))) for other in partner_ids)
    passages: list[Passage] = []
    for left, right in pairs:
        passages.extend(align_pair(tokens[left], tokens[right], weights, params))
    return tuple(passages)


def whole_index(store: Store) -> tuple[list[CleanArticle], dict[str, str]]:
    """Every stored article and the wire agencies among them (for ``reuse --db``)."""
    articles: list[CleanArticle] = []
    wire: dict[str, str] = {}
    with store.snapshot():
        for stored in store.all_articles():
            articles.append(stored.article)
            if stored.wire:
                wire[stored.article.id] = stored.wire
    return articles, wire


def index_corpus(store: Store, extra: Callable[[], Corpus]) -> Corpus:
    """Every article of the index, then the articles ``extra`` reads (``reuse --db`` with INPUTS), read once the
    index was (a broken index fails before any input is read); an extra article whose id is taken gets ``#2``..."""
    stored, stored_wire = whole_index(store)
    more = extra()
    taken = {article.id for article in stored}
    renamed = {}
    articles = list(stored)
    for article in more.articles:
        new_id = free_id(article.id, taken.__contains__)
        taken.add(new_id)
        renamed[article.id] = new_id
        articles.append(article if new_id == article.id else replace(article, id=new_id))
    wire_ids = {**stored_wire, **{renamed[key]: agency for key, agency in more.wire.items()}}
    return Corpus(tuple(articles), wire_ids, more.errors, len(stored) + more.inputs)
