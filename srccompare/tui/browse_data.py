"""What the browse screen shows, computed off the UI thread: records, filters, cells and sort keys.

Articles and pairs are numbered records (a document's place in the result,
a pair's rank); the tables hold lists of those numbers. Filters and the
search give the numbers that pass; cells are made only for the rows painted.
No Textual here: the screen and its tables are in ``screens/browse.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rich.text import Text

from srccompare.model import Attribution, CleanArticle, Corpus, DocumentSummary, LoadError, PairSummary, ReuseResult
from srccompare.display.names import article_name, source_name
from srccompare.tui.widgets.record_table import Column

if TYPE_CHECKING:  # numpy is imported in the worker, after the first paint
    import numpy as np

PAIR_KINDS = ("reporting", "quote", "mixed")


@dataclass(frozen=True, eq=False)
class Processed:
    """What the job hands the screen: the cleaned articles, their reuse, and inputs that failed."""

    articles: tuple[CleanArticle, ...]
    result: ReuseResult
    errors: tuple[LoadError, ...] = ()
    inputs: int = 0  # inputs read, failed ones included (0: not counted)


@dataclass(frozen=True)
class BrowseJob:
    """The browse screen's work in two steps, so the articles show while their reuse is found:
    ``read`` gives the read and cleaned corpus, ``find`` its reuse (both run in the worker thread,
    progress(step, done, total) as they go); ``shown``, what can wait until the tables are painted
    (browse keeps the result in its cache then, so that storing it does not hold the painting up)."""

    read: Callable[[Callable[[str, int, int], None]], Corpus]
    find: Callable[[Corpus, Callable[[str, int, int], None]], Processed]
    shown: Callable[[], object] | None = None  # called once the tables show what ``find`` gave


class NothingToBrowse(Exception):
    """No input could be read; ``errors`` say why, one an input."""

    def __init__(self, errors: tuple[LoadError, ...]) -> None:
        super().__init__(f"no article could be read ({len(errors)} inputs failed)")
        self.errors = errors


@dataclass(frozen=True)
class Filters:
    """What the tables are narrowed to (None: everything)."""

    agency: str | None = None
    outlet: str | None = None
    kind: str | None = None  # a pair's kind: the kind of most of its shared words
    article: str | None = None  # only this article's pairs
    query: str = ""  # words to find in names and text (case-insensitive)

    def set(self, **values: Any) -> Filters:
        return replace(self, **values)


@dataclass(frozen=True, eq=False)
class BrowseData:
    """The corpus with what the tables need, computed once (in the worker)."""

    corpus: Processed
    documents: tuple[DocumentSummary, ...]
    pairs: tuple[PairSummary, ...]
    attributions: dict[str, tuple[Attribution, ...]]
    agencies: tuple[str, ...]
    outlets: tuple[tuple[str, int], ...]  # (outlet, articles), most articles first
    names: dict[str, str]  # doc id -> title, else file name
    number: dict[str, int]  # doc id -> its place in documents
    by_id: dict[str, CleanArticle]
    pair_left: np.ndarray  # by pair rank: the left article's document number
    pair_right: np.ndarray
    pair_kinds: np.ndarray  # by pair rank: its kind's index in PAIR_KINDS
    haystacks: list[str] = field(default_factory=list, repr=False)  # what search looks in, made on the first search
    pending: bool = False  # the articles only: their reuse is still being found

    @classmethod
    def reading(cls, corpus: Corpus) -> BrowseData:
        """The articles of a corpus whose reuse is not found yet: names and outlets, no pairs
        (documents in id order, as the reuse will number them)."""
        articles = tuple(sorted(corpus.articles, key=lambda article: article.id))
        documents = tuple(DocumentSummary(a.id, a.source, a.metadata.outlet, a.metadata.title, a.metadata.date, 0, 0, None)
                          for a in articles)
        import numpy as np  # (not reuse_views, which brings numba: the articles show before it is loaded)

        processed = Processed(articles, ReuseResult(documents, (), (), (), ()), corpus.errors, corpus.inputs)
        none = np.zeros(0, np.int64)
        return cls(processed, documents, (), {}, (), _outlet_counts(documents),
                   {d.doc_id: article_name(d.title, d.source, d.doc_id) for d in documents},
                   {d.doc_id: n for n, d in enumerate(documents)}, {a.id: a for a in articles}, none, none, none,
                   pending=True)

    @classmethod
    def build(cls, corpus: Processed) -> BrowseData:
        # imported here, in the worker: reuse_views brings numba (a second before the first paint otherwise)
        import numpy as np

        from srccompare.report.reuse_views import agencies_of, attributions_by_doc

        result = corpus.result
        documents = result.documents
        number = {d.doc_id: n for n, d in enumerate(documents)}
        return cls(
            corpus, documents, result.pairs, attributions_by_doc(result), agencies_of(result), _outlet_counts(documents),
            {d.doc_id: article_name(d.title, d.source, d.doc_id) for d in documents}, number,
            {article.id: article for article in corpus.articles},
            np.fromiter((number[p.left_id] for p in result.pairs), np.int64, len(result.pairs)),
            np.fromiter((number[p.right_id] for p in result.pairs), np.int64, len(result.pairs)),
            np.fromiter((PAIR_KINDS.index(pair_kind(p)) for p in result.pairs), np.int64, len(result.pairs)),
        )

    def label(self, doc_id: str) -> str:
        """"Outlet: name", for one-line mentions (the detail line, the status line)."""
        document = self.documents[self.number[doc_id]] if doc_id in self.number else None
        name = self.names.get(doc_id, doc_id)
        return f"{document.outlet}: {name}" if document is not None and document.outlet else name

    # --- filtering -------------------------------------------------------------------

    def matching_documents(self, query: str) -> set[int] | None:
        """Numbers of the articles whose name, outlet, source or text holds ``query`` (None: no query)."""
        needle = query.casefold().strip()
        if not needle:
            return None
        return {n for n, haystack in enumerate(self._haystacks()) if needle in haystack}

    def _haystacks(self) -> list[str]:
        """Each article's names and text, case-folded (made on the first search, then kept)."""
        if not self.haystacks and self.documents:
            for document in self.documents:
                article = self.by_id.get(document.doc_id)
                body = article.body if article is not None else ""
                self.haystacks.append(
                    f"{self.names[document.doc_id]}\n{document.outlet or ''}\n{document.source}\n{body}".casefold())
        return self.haystacks

    def article_passes(self, n: int, filters: Filters, found: set[int] | None) -> bool:
        document = self.documents[n]
        return ((filters.outlet is None or document.outlet == filters.outlet)
                and self.has_agency(document.doc_id, filters.agency)
                and (found is None or n in found))

    def has_agency(self, doc_id: str, agency: str | None) -> bool:
        return agency is None or any(a.agency == agency for a in self.attributions.get(doc_id, ()))

    def visible(self, filters: Filters) -> tuple[list[int], list[int]]:
        """(article numbers, pair ranks) passing the filters: a pair passes when either article
        passes the article filters, and it is of the kind (and has the article) asked for."""
        import numpy as np

        found = self.matching_documents(filters.query)
        passes = np.fromiter((self.article_passes(n, filters, found) for n in range(len(self.documents))), bool,
                             len(self.documents))
        keep = passes[self.pair_left] | passes[self.pair_right]
        if filters.article is not None:
            only = self.number.get(filters.article, -1)
            keep &= (self.pair_left == only) | (self.pair_right == only)
        if filters.kind is not None:
            keep &= self.pair_kinds == PAIR_KINDS.index(filters.kind)
        return np.flatnonzero(passes).tolist(), np.flatnonzero(keep).tolist()


def _outlet_counts(documents: Sequence[DocumentSummary]) -> tuple[tuple[str, int], ...]:
    """(outlet, articles), most articles first."""
    counts: dict[str, int] = {}
    for document in documents:
        if document.outlet:
            counts[document.outlet] = counts.get(document.outlet, 0) + 1
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def pair_kind(pair: PairSummary) -> str:
    """"reporting", "quote" or "mixed": the kind of most of the pair's shared words."""
    mixed = pair.words - pair.reporting_words - pair.quote_words
    return max((("reporting", pair.reporting_words), ("quote", pair.quote_words), ("mixed", mixed)), key=lambda k: k[1])[0]


# --- the articles table ------------------------------------------------------------------

ARTICLE_COLUMNS = (
    Column("outlet", "outlet", ratio=1, least=8),
    Column("article", "article", ratio=3, least=16),
    Column("words", "words", width=7, justify="right", descending_first=True),
    Column("reused", "reused", width=8, justify="right", descending_first=True),
    Column("agencies", "agencies", ratio=1, least=10),
    Column("partner", "top partner", ratio=2, least=12),
)


def article_cells(data: BrowseData) -> Callable[[int], Sequence[Text]]:
    def cells(n: int) -> Sequence[Text]:
        document = data.documents[n]
        partner = document.top_partner
        if data.pending:  # what the reuse will tell is not known yet
            return Text(document.outlet or "-"), Text(data.names[document.doc_id]), *(Text("…") for _ in range(4))
        # here, not above: reuse_views brings numba, which the articles do not wait for
        from srccompare.report.reuse_views import reused_share

        return (
            Text(document.outlet or "-"),
            Text(data.names[document.doc_id]),
            Text(str(document.words)),
            Text(f"{reused_share(document):.0%}"),
            agencies_cell(data.attributions.get(document.doc_id, ())),
            Text(data.label(partner) if partner else "-"),
        )

    return cells


def article_sort_key(data: BrowseData) -> Callable[[str], Callable[[int], Any]]:
    def key(column: str) -> Callable[[int], Any]:
        documents = data.documents
        if column == "reused":
            from srccompare.report.reuse_views import reused_share  # (numba: only when asked, see above)

            return lambda n: (reused_share(documents[n]), documents[n].reused_words)
        keys: dict[str, Callable[[int], Any]] = {
            "outlet": lambda n: (documents[n].outlet or "\uffff").casefold(),
            "article": lambda n: data.names[documents[n].doc_id].casefold(),
            "words": lambda n: documents[n].words,
            "agencies": lambda n: ", ".join(a.agency for a in data.attributions.get(documents[n].doc_id, ())) or "\uffff",
            "partner": lambda n: data.label(documents[n].top_partner).casefold() if documents[n].top_partner else "\uffff",
        }
        return keys[column]

    return key


def agencies_cell(attributions: Sequence[Attribution]) -> Text:
    """"AFP, Reuters~5%": credited agencies in bold, inferred ones with ~ and their share."""
    text = Text()
    for number, attribution in enumerate(attributions):
        if number:
            text.append(", ")
        if attribution.how == "explicit":
            text.append(attribution.agency, style="bold")
        else:
            text.append(f"{attribution.agency}~{attribution.share:.0%}", style="italic")
    return text if attributions else Text("-")


# --- the pairs table ---------------------------------------------------------------------

PAIR_COLUMNS = (
    Column("left", "left article", ratio=1, least=14),
    Column("right", "right article", ratio=1, least=14),
    Column("words", "shared words", width=14, justify="right", descending_first=True),
    Column("passages", "passages", width=10, justify="right", descending_first=True),
    Column("kind", "kind", width=9),
    Column("similarity", "sim.", width=6, justify="right", descending_first=True),
)


def pair_cells(data: BrowseData) -> Callable[[int], Sequence[Text]]:
    def cells(rank: int) -> Sequence[Text]:
        pair = data.pairs[rank]
        return (
            Text(data.label(pair.left_id)),
            Text(data.label(pair.right_id)),
            Text(str(pair.words)),
            Text(str(len(pair.passages))),
            Text(pair_kind(pair)),
            Text(f"{pair.similarity:.2f}"),
        )

    return cells


def pair_sort_key(data: BrowseData) -> Callable[[str], Callable[[int], Any]]:
    def key(column: str) -> Callable[[int], Any]:
        pairs = data.pairs
        keys: dict[str, Callable[[int], Any]] = {
            "left": lambda r: data.label(pairs[r].left_id).casefold(),
            "right": lambda r: data.label(pairs[r].right_id).casefold(),
            "words": lambda r: (pairs[r].words, -r),
            "passages": lambda r: len(pairs[r].passages),
            "kind": lambda r: pair_kind(pairs[r]),
            "similarity": lambda r: pairs[r].similarity,
        }
        return keys[column]

    return key


def failure_line(error: LoadError) -> str:
    return f"{source_name(error.source)}: {error.problem}"
