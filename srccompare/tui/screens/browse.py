"""The corpus in the TUI: articles by reuse with their agencies, pairs by what they share.

The corpus is read, cleaned and searched for reuse in a worker thread (a
progress bar shows each step); the screen then shows two tables. ``a``
cycles the agency filter, Enter on an article shows only its pairs, Enter on
a pair opens the side-by-side diff screen. Everything is also in the command
palette.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from srccompare.model import Attribution, CleanArticle, LoadError, PairSummary, ReuseResult
from srccompare.report.reuse_views import agencies_of, attributions_by_doc, documents_by_reuse
from srccompare.settings import Settings
from srccompare.tui.messages import CorpusFailed
from srccompare.tui.widgets.article_table import ArticleTable
from srccompare.tui.widgets.pair_table import PairTable
from srccompare.visible import visible

# The tables hold at most this many rows each (most reused first); filters
# reach the rest. A DataTable of 100k rows takes seconds to fill.
ROWS_SHOWN = 2000
# progress(step, done, total), as srccompare.reuse.pipeline and srccompare.ingest.corpus report it.
Progress = Callable[[str, int, int], None]
STEP_NAMES = {"clean": "Cleaning", "sketch": "Sketching", "candidates": "Finding candidates",
              "align": "Aligning pairs", "group": "Grouping", "attribute": "Attributing", "pairs": "Ranking pairs"}


@dataclass(frozen=True, eq=False)
class Processed:
    """What the job hands the screen: the cleaned articles, their reuse, and inputs that failed."""

    articles: tuple[CleanArticle, ...]
    result: ReuseResult
    errors: tuple[LoadError, ...] = ()


@dataclass(frozen=True, eq=False)
class BrowseData:
    """The corpus with the views the tables show, computed once (in the worker)."""

    corpus: Processed
    pairs: tuple[PairSummary, ...]
    attributions: dict[str, tuple[Attribution, ...]]
    agencies: tuple[str, ...]
    labels: dict[str, str]  # doc id -> short label (outlet and id)
    by_id: dict[str, CleanArticle]

    @classmethod
    def build(cls, corpus: Processed) -> BrowseData:
        labels = {d.doc_id: short_label(d.outlet, d.doc_id) for d in corpus.result.documents}
        return cls(corpus, corpus.result.pairs, attributions_by_doc(corpus.result),
                   agencies_of(corpus.result), labels, {article.id: article for article in corpus.articles})

    def has_agency(self, doc_id: str, agency: str | None) -> bool:
        return agency is None or any(a.agency == agency for a in self.attributions.get(doc_id, ()))


def short_label(outlet: str | None, doc_id: str, id_chars: int = 10) -> str:
    """"TRT World · 001_c8de6…": the outlet where known and the start of the id."""
    short = doc_id if len(doc_id) <= id_chars else doc_id[: id_chars - 1] + "…"
    return f"{outlet} · {short}" if outlet else short


class BrowseCommands(Provider):
    """Palette commands of the browse screen: filters and the diff of the highlighted pair."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, BrowseScreen):
            return []
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Agency: all", "Show every article and pair", partial(screen.set_agency, None)),
            ("Open side by side", "Diff the highlighted pair", screen.action_open_pair),
            ("Pairs of all articles", "Clear the article filter", screen.action_clear_article),
        ]
        for agency in screen.data.agencies if screen.data else ():
            commands.append((f"Agency: {agency}", f"Only articles attributed to {agency}, and their pairs",
                             partial(screen.set_agency, agency)))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class BrowseScreen(Screen):
    """Articles (top) and pairs (bottom) of a corpus, processed by ``job`` in a worker thread."""

    CSS_PATH = "../browse.tcss"
    COMMANDS = {BrowseCommands}
    BINDINGS = [
        Binding("a", "cycle_agency", "Agency filter"),
        Binding("escape", "clear_article", "All pairs"),
        Binding("d", "open_pair", "Diff pair", show=False),
        Binding("q", "app.quit", "Quit"),
    ]

    agency: reactive[str | None] = reactive(None, init=False)
    article: reactive[str | None] = reactive(None, init=False)

    def __init__(self, job: Callable[[Progress], Processed], settings: Settings) -> None:
        super().__init__()
        self.job = job
        self.settings = settings
        self.data: BrowseData | None = None
        self._reported: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse-progress"):
            yield Label("Processing the corpus", id="browse-step")
            yield ProgressBar(total=None, show_eta=False, id="browse-bar")
        yield Static(id="browse-status")
        yield Static(id="browse-detail")
        yield ArticleTable(id="browse-articles")
        yield PairTable(id="browse-pairs")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "srccompare browse"
        self.query_one("#browse-status", Static).display = False
        self.run_worker(self._process, thread=True, exclusive=True, name="browse-corpus", exit_on_error=False)

    # --- the worker ------------------------------------------------------------------

    def _process(self) -> BrowseData:
        """Runs in a thread: the job, then the pair ranking; progress goes to the UI thread."""
        corpus = self.job(self._progress_from_thread)
        self._progress_from_thread("pairs", 0, 1)
        return BrowseData.build(corpus)

    def _progress_from_thread(self, step: str, done: int, total: int) -> None:
        if get_current_worker().is_cancelled:
            raise InterruptedError("browse cancelled")
        percent = done * 100 // max(1, total)
        if (step, percent) != self._reported:  # at most ~100 updates a step cross threads
            self._reported = (step, percent)
            self.app.call_from_thread(self._show_progress, step, done, total)

    def _show_progress(self, step: str, done: int, total: int) -> None:
        self.query_one("#browse-step", Label).update(Text(STEP_NAMES.get(step, step)))
        self.query_one("#browse-bar", ProgressBar).update(total=total, progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "browse-corpus":
            return
        if event.state == WorkerState.SUCCESS:
            self._loaded(event.worker.result)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.query_one("#browse-step", Label).update(Text(f"Failed: {error}"))
            self.notify(visible(str(error)), title="Cannot process the corpus", severity="error", timeout=30, markup=False)
            self.app.post_message(CorpusFailed(f"{type(error).__name__}: {error}"))

    def _loaded(self, data: BrowseData) -> None:
        self.data = data
        self.query_one("#browse-progress").display = False
        self.query_one("#browse-status", Static).display = True
        for error in data.corpus.errors[:5]:
            self.notify(visible(f"{error.source}: {error.problem}"), title="Input skipped", severity="warning", markup=False)
        if len(data.corpus.errors) > 5:
            self.notify(f"{len(data.corpus.errors) - 5} more inputs skipped", severity="warning")
        self.refill()
        self.query_one(ArticleTable).focus()

    # --- filters and tables --------------------------------------------------------------

    def refill(self) -> None:
        data = self.data
        if data is None:
            return
        documents = [d for d in documents_by_reuse(data.corpus.result) if data.has_agency(d.doc_id, self.agency)]
        pairs = self.visible_pairs()
        self.query_one(ArticleTable).show(documents[:ROWS_SHOWN], data.attributions, data.labels)
        self.query_one(PairTable).show(pairs[:ROWS_SHOWN], data.labels)
        self.query_one("#browse-status", Static).update(self.status_line(len(documents), len(pairs)))

    def visible_pairs(self) -> list[tuple[int, PairSummary]]:
        """(rank, pair) of the pairs passing the filters, in rank order."""
        data = self.data
        if data is None:
            return []
        shown = []
        for rank, pair in enumerate(data.pairs):
            if self.article is not None and self.article not in (pair.left_id, pair.right_id):
                continue
            if self.agency is not None and not (data.has_agency(pair.left_id, self.agency)
                                                or data.has_agency(pair.right_id, self.agency)):
                continue
            shown.append((rank, pair))
        return shown

    def status_line(self, articles: int, pairs: int) -> Text:
        """"4 of 5 articles · 9 pairs sharing text · agency: AFP" (and what the tables leave out)."""
        data = self.data
        total = len(data.corpus.result.documents) if data else 0
        text = Text(f"{articles} of {total} articles · {pairs} pairs sharing text")
        if max(articles, pairs) > ROWS_SHOWN:
            text.append(f" (tables show the first {ROWS_SHOWN:,}: filter to see more)", style="italic")
        text.append(f" · agency: {self.agency or 'all'}", style="bold" if self.agency else "")
        if self.article:
            text.append(" · pairs of ")
            text.append(data.labels.get(self.article, self.article) if data else self.article, style="bold")
        return text

    def watch_agency(self) -> None:
        self.refill()

    def watch_article(self) -> None:
        self.refill()

    def set_agency(self, agency: str | None) -> None:
        self.agency = agency

    def action_cycle_agency(self) -> None:
        """All agencies, then each agency in turn."""
        choices: Sequence[str | None] = (None, *(self.data.agencies if self.data else ()))
        position = choices.index(self.agency) if self.agency in choices else 0
        self.agency = choices[(position + 1) % len(choices)]

    def action_clear_article(self) -> None:
        self.article = None

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:
            self.show_detail()

    def on_descendant_focus(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The detail line follows the focused table's highlighted row."""
        focused, detail = self.focused, self.query_one("#browse-detail", Static)
        if self.data is None:
            return
        if isinstance(focused, ArticleTable) and focused.current_id is not None:
            detail.update(article_detail(self.data, focused.current_id))
        elif isinstance(focused, PairTable) and focused.current_rank is not None:
            detail.update(pair_detail(self.data, focused.current_rank))

    @on(DataTable.RowSelected, "#browse-articles")
    def _article_chosen(self, event: DataTable.RowSelected) -> None:
        self.article = event.row_key.value
        self.query_one(PairTable).focus()

    @on(DataTable.RowSelected, "#browse-pairs")
    def _pair_chosen(self, event: DataTable.RowSelected) -> None:
        self.open_pair(int(event.row_key.value))

    def action_open_pair(self) -> None:
        rank = self.query_one(PairTable).current_rank
        if rank is not None:
            self.open_pair(rank)

    def open_pair(self, rank: int) -> None:
        """Push the side-by-side diff of the pair with this rank."""
        from srccompare.tui.screens.diff import DiffScreen

        if self.data is None:
            return
        pair = self.data.pairs[rank]
        self.app.push_screen(DiffScreen(self.data.by_id[pair.left_id], self.data.by_id[pair.right_id], self.settings))


# --- the detail line ---------------------------------------------------------------------

EXCERPT_CHARS = 160


def article_detail(data: BrowseData, doc_id: str) -> Text:
    """Why an article has its agencies: the credit's words, or the articles its copy is shared with."""
    text = Text(data.labels.get(doc_id, doc_id), style="bold")
    attributions = data.attributions.get(doc_id, ())
    if not attributions:
        text.append(": no agency credited or inferred")
    for attribution in attributions:
        text.append("  ")
        text.append(attribution.agency, style="bold")
        if attribution.how == "explicit":
            credit = attribution.credits[0].text if attribution.credits else "credited"
            text.append(f" credited: “{credit}”")
            continue
        via = ", ".join(f"{data.labels.get(e.via_id, e.via_id)} ({e.words} words, {len(e.passages)} passages)"
                        for e in attribution.evidence[:2])
        text.append(f" inferred, {attribution.share:.0%} of its words, shared with {via}")
    return text


def pair_detail(data: BrowseData, rank: int) -> Text:
    """The pair's largest shared passage: kind, size, similarity and its opening words."""
    pair = data.pairs[rank]
    passages = data.corpus.result.passages
    largest = max((passages[i] for i in pair.passages), key=lambda p: (p.words, -p.left_start))
    body = data.by_id[largest.left_id].body
    excerpt = " ".join(body[largest.left_start:largest.left_end].split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    text = Text(f"Largest of {len(pair.passages)} shared passages", style="bold")
    text.append(f" ({largest.kind}, {largest.words} words, similarity {largest.similarity:.2f}): ")
    text.append(f"“{excerpt}”", style="italic")
    return text
