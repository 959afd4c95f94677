"""The corpus in the TUI: articles by reuse with their agencies, pairs by what they share.

The corpus is searched for reuse in a worker thread (a progress bar shows
each step); the screen then shows two tables that paint only the rows in
view, so every article and every pair is there. ``/`` searches names and
text, ``a``, ``o`` and ``k`` filter by agency, outlet and kind, ``s`` sorts
the focused table (or click a column's title), Enter on an article shows
only its pairs, Enter on a pair opens the side-by-side diff screen, ``?``
explains every key and symbol. Everything is also in the command palette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider, SimpleCommand
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from srccompare.display.names import fitted
from srccompare.settings import Settings
from srccompare.tui.browse_data import (ARTICLE_COLUMNS, PAIR_COLUMNS, PAIR_KINDS, BrowseData, BrowseJob, Filters,
                                        NothingToBrowse, Processed, article_cells, article_sort_key, pair_cells,
                                        pair_sort_key)
from srccompare.tui.messages import CorpusFailed, CorpusProgress
from srccompare.tui.screens.browse_text import LEGEND, article_detail, pair_detail, status_line
from srccompare.tui.widgets.record_table import RecordTable
from srccompare.display.visible import visible

__all__ = ["BrowseScreen", "Processed", "Progress"]

# progress(step, done, total), as srccompare.reuse and srccompare.ingest.corpus report it.
Progress = Callable[[str, int, int], None]
STEP_NAMES = {"clean": "Cleaning", "sketch": "Sketching", "candidates": "Finding candidates",
              "align": "Aligning pairs", "group": "Grouping", "attribute": "Attributing", "pairs": "Ranking pairs"}
SEARCH_DELAY = 0.2  # seconds of no typing before the tables follow the search box


class BrowseCommands(Provider):
    """Palette commands of the browse screen: filters, sorting and the diff of the highlighted pair."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, BrowseScreen) or screen.data is None:
            return []
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Agency: all", "Show every agency's articles and pairs", partial(screen.set_filter, agency=None)),
            ("Outlet: all", "Show every outlet's articles and pairs", partial(screen.set_filter, outlet=None)),
            ("Kind: all", "Pairs of every kind", partial(screen.set_filter, kind=None)),
            ("Open side by side", "Diff the highlighted pair", screen.action_open_pair),
            ("Pairs of all articles", "Clear the article filter", partial(screen.set_filter, article=None)),
        ]
        commands += [(f"Agency: {agency}", f"Only articles attributed to {agency}, and their pairs",
                      partial(screen.set_filter, agency=agency)) for agency in screen.data.agencies]
        commands += [(f"Outlet: {outlet}", f"Only {count} articles of {outlet}, and their pairs",
                      partial(screen.set_filter, outlet=outlet)) for outlet, count in screen.data.outlets]
        commands += [(f"Kind: {kind}", f"Only pairs sharing mostly {kind} words", partial(screen.set_filter, kind=kind))
                     for kind in PAIR_KINDS]
        for table_id, name, columns in (("#browse-articles", "articles", ARTICLE_COLUMNS), ("#browse-pairs", "pairs", PAIR_COLUMNS)):
            table = screen.query_one(table_id, RecordTable)
            commands += [(f"Sort {name} by {column.title}", f"Sort the {name} table (again: the other way round)",
                          partial(table.sort_by, column.key)) for column in columns]
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
    """Articles (top) and pairs (bottom) of a corpus, processed by ``job`` in a worker thread: a BrowseJob
    shows the articles once read, while their reuse is found; a plain callable shows all at once."""

    CSS_PATH = "../browse.tcss"
    COMMANDS = {BrowseCommands}
    BINDINGS = [
        Binding("slash", "search", "search", tooltip="Search names and text (Esc clears)"),
        Binding("a", "cycle_agency", "agency:all", tooltip="Next agency filter (articles credited or inferred)"),
        Binding("o", "choose_outlet", "outlet:all", tooltip="Choose the outlet filter"),
        Binding("k", "cycle_kind", "kind:all", tooltip="Next kind filter: pairs sharing mostly reporting, quotes or mixed"),
        Binding("s", "sort", "sort", tooltip="Sort the focused table by its next column (or click a column's title)"),
        Binding("r", "reverse", "reverse", show=False, tooltip="Reverse the focused table's order"),
        Binding("e", "toggle_failed", "failed", tooltip="Show or hide the inputs that could not be read"),
        Binding("d", "open_pair", "diff", show=False, tooltip="Open the highlighted pair side by side"),
        Binding("question_mark", "help", "help", tooltip="Keys and the legend of every symbol"),
        Binding("escape", "escape", "back", show=False,
                tooltip="Close the open panel, else clear the search, else show all articles' pairs"),
        Binding("q", "app.quit", "quit", tooltip="Quit"),
    ]

    filters: reactive[Filters] = reactive(Filters, init=False)

    def __init__(self, job: Callable[[Progress], Processed] | BrowseJob, settings: Settings) -> None:
        super().__init__()
        self.job = job
        self.settings = settings
        self.data: BrowseData | None = None
        self._reported: tuple[str, int] | None = None
        self._step_shown = ""  # what #browse-step says after a progress update
        self._search_timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="browse-progress"):
            yield Label("Processing the corpus", id="browse-step")
            yield ProgressBar(total=None, show_eta=False, id="browse-bar")
        yield Static(id="browse-status")
        yield Input(placeholder="search names and text (Enter: to the tables, Esc: clear)", id="browse-search")
        yield RecordTable(ARTICLE_COLUMNS, lambda n: (), lambda c: lambda n: n, id="browse-articles")
        yield RecordTable(PAIR_COLUMNS, lambda n: (), lambda c: lambda n: n, id="browse-pairs")
        yield Static(id="browse-detail")
        with VerticalScroll(id="browse-failed"):
            yield Static(id="browse-failed-list")
        yield Footer(compact=True)  # the filters' states fit at 100 columns

    def on_mount(self) -> None:
        self.title = "srccompare browse"
        for name in ("#browse-status", "#browse-search", "#browse-failed"):
            self.query_one(name).display = False
        self.run_worker(self._process, thread=True, exclusive=True, name="browse-corpus", exit_on_error=False)

    # --- the worker ------------------------------------------------------------------

    def _process(self) -> BrowseData:
        """Runs in a thread: the job, then the tables' data; progress goes to the UI thread."""
        job = self.job
        if isinstance(job, BrowseJob):
            corpus = job.read(self._progress_from_thread)
            early = BrowseData.reading(corpus)
            if get_current_worker().is_cancelled:
                raise InterruptedError("browse cancelled")
            self.app.call_from_thread(self._articles_read, early)
            processed = job.find(corpus, self._progress_from_thread)
        else:
            processed = job(self._progress_from_thread)
        self._progress_from_thread("pairs", 0, 1)
        return BrowseData.build(processed)

    def _progress_from_thread(self, step: str, done: int, total: int) -> None:
        if get_current_worker().is_cancelled:
            raise InterruptedError("browse cancelled")
        percent = done * 100 // max(1, total)
        if (step, percent) != self._reported:  # at most ~100 updates a step cross threads
            self._reported = (step, percent)
            # posted, not called: waiting for the UI thread at each update cost the worker ~10 ms a time
            # on a loaded machine (the screen's messages keep their order: the result comes after)
            self.post_message(CorpusProgress(step, done, total))

    def on_corpus_progress(self, message: CorpusProgress) -> None:
        self._show_progress(message.step, message.done, message.total)

    def _show_progress(self, step: str, done: int, total: int) -> None:
        name = STEP_NAMES.get(step, step)
        shown = f"Computing shared passages: {name}" if self.data else name
        if shown != self._step_shown:  # a new step: one line in a label of fixed width, no layout needed (a layout
            self._step_shown = shown   # of the screen at every update cost the worker a third of a second)
            self.query_one("#browse-step", Label).update(Text(shown), layout=False)
        self.query_one("#browse-bar", ProgressBar).update(total=total, progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "browse-corpus":
            return
        if event.state == WorkerState.SUCCESS:
            self._loaded(event.worker.result)
        elif event.state == WorkerState.ERROR and isinstance(event.worker.error, NothingToBrowse):
            self.app.unreadable = event.worker.error.errors  # type: ignore[attr-defined]
            self.app.exit(return_code=3)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.query_one("#browse-step", Label).update(Text(f"Failed: {error}"))
            self.notify(visible(str(error)), title="Cannot process the corpus", severity="error", timeout=30, markup=False)
            self.app.post_message(CorpusFailed(f"{type(error).__name__}: {error}"))

    def _articles_read(self, data: BrowseData) -> None:
        """The articles, by name, while their reuse is found (the progress bar stays)."""
        self.data = data
        self.app.processed = data.corpus  # type: ignore[attr-defined]
        self.query_one("#browse-step", Label).update(Text("Computing shared passages"))
        self.query_one("#browse-status", Static).display = True
        articles, pairs = self.tables()
        articles.set_source(article_cells(data), article_sort_key(data), "article")
        pairs.set_source(pair_cells(data), pair_sort_key(data))
        self._show_failures()
        self.refill()
        articles.focus()

    def _loaded(self, data: BrowseData) -> None:
        early = self.data
        self.data = data
        self.app.processed = data.corpus  # type: ignore[attr-defined]
        self.query_one("#browse-progress").display = False
        self.query_one("#browse-status", Static).display = True
        articles, pairs = self.tables()
        # most reused first, unless a sort was chosen while the reuse was being found
        chosen = early is not None and (articles.sort_column, articles.descending) != ("article", False)
        order = (articles.sort_column, articles.descending) if chosen else ("reused", True)
        articles.set_source(article_cells(data), article_sort_key(data), *order)
        pairs.set_source(pair_cells(data), pair_sort_key(data), "words", descending=True)
        self._show_failures()
        self.refill()
        if early is None or self.focused is None:
            articles.focus()
        if isinstance(self.job, BrowseJob) and self.job.shown is not None:
            self.call_after_refresh(self.job.shown)

    def _show_failures(self) -> None:
        errors = self.data.corpus.errors if self.data else ()
        panel = self.query_one("#browse-failed")
        panel.display = bool(errors)
        text = Text(f"{len(errors)} input{'s' if len(errors) != 1 else ''} could not be read (e hides this list):",
                    style="bold")
        for error in errors:
            text.append("\n  " + visible(f"{error.source}: {error.problem}"))
        self.query_one("#browse-failed-list", Static).update(text)

    # --- filters and tables --------------------------------------------------------------

    def tables(self) -> tuple[RecordTable, RecordTable]:
        return self.query_one("#browse-articles", RecordTable), self.query_one("#browse-pairs", RecordTable)

    def refill(self) -> None:
        data = self.data
        if data is None:
            return
        articles, pairs = data.visible(self.filters)
        article_table, pair_table = self.tables()
        article_table.show(articles)
        pair_table.show(pairs)
        self.query_one("#browse-status", Static).update(
            status_line(data, self.filters, len(articles), len(pairs), self.size.width - 2))
        self._footer_states()
        self.show_detail()

    def _footer_states(self) -> None:
        """The filter keys' footer entries say what each filter is set to."""
        states = {"a": ("agency", self.filters.agency), "o": ("outlet", self.filters.outlet),
                  "k": ("kind", self.filters.kind)}
        bindings = self._bindings.key_to_bindings
        for key, (name, value) in states.items():
            shown = fitted(value, 14) if value else "all"
            bindings[key] = [replace(binding, description=f"{name}:{shown}") for binding in bindings[key]]
        self.refresh_bindings()

    def watch_filters(self) -> None:
        self.refill()

    def set_filter(self, **values: object) -> None:
        self.filters = self.filters.set(**values)

    def action_cycle_agency(self) -> None:
        """All agencies, then each agency in turn."""
        choices = (None, *(self.data.agencies if self.data else ()))
        position = choices.index(self.filters.agency) if self.filters.agency in choices else 0
        self.set_filter(agency=choices[(position + 1) % len(choices)])

    def action_cycle_kind(self) -> None:
        choices = (None, *PAIR_KINDS)
        self.set_filter(kind=choices[(choices.index(self.filters.kind) + 1) % len(choices)])

    def action_choose_outlet(self) -> None:
        """A searchable list of the outlets (most articles first)."""
        if self.data is None:
            return
        commands = [SimpleCommand("All outlets", partial(self.set_filter, outlet=None), "Clear the outlet filter")]
        commands += [SimpleCommand(outlet, partial(self.set_filter, outlet=outlet),
                                   f"{count} article{'s' if count != 1 else ''}") for outlet, count in self.data.outlets]
        self.app.search_commands(commands, placeholder="Outlet to show…")

    def action_sort(self) -> None:
        table = self._focused_table()
        keys = [column.key for column in table.columns]
        position = keys.index(table.sort_column) if table.sort_column in keys else -1
        table.sort_by(keys[(position + 1) % len(keys)])

    def action_reverse(self) -> None:
        table = self._focused_table()
        if table.sort_column is not None:
            table.sort_by(table.sort_column, not table.descending)

    def _focused_table(self) -> RecordTable:
        focused = self.focused
        return focused if isinstance(focused, RecordTable) else self.tables()[0]

    def action_toggle_failed(self) -> None:
        panel = self.query_one("#browse-failed")
        if self.data is not None and self.data.corpus.errors:
            panel.display = not panel.display
        else:
            self.notify("Every input was read.", timeout=2)

    def action_help(self) -> None:
        from srccompare.tui.screens.help import HelpScreen

        extra = (("↑ ↓, PgUp PgDn, Home End", "Move in the focused table"), ("tab", "The other table"),
                 ("enter", "On an article: only its pairs; on a pair: the two side by side"),
                 ("ctrl+p", "Every command: filters, sorting by any column"))
        self.app.push_screen(HelpScreen(self, "srccompare browse: the reuse in a corpus", LEGEND, extra))

    # --- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#browse-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#browse-search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, partial(self.set_filter, query=event.value))

    @on(Input.Submitted, "#browse-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.set_filter(query=event.value)
        self.tables()[0].focus()

    def action_escape(self) -> None:
        """Esc closes what is open, else undoes the narrowest filter: keys panel, search, article."""
        search = self.query_one("#browse-search", Input)
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
        elif search.display or self.filters.query:
            search.value = ""
            search.display = False
            self.set_filter(query="")
            self.tables()[0].focus()
        elif self.filters.article is not None:
            self.set_filter(article=None)

    # --- tables' events --------------------------------------------------------------------

    @on(RecordTable.Highlighted)
    def _row_highlighted(self, event: RecordTable.Highlighted) -> None:
        if event.table.has_focus:
            self.show_detail()

    def on_descendant_focus(self) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The detail line follows the focused table's highlighted row."""
        focused, detail = self.focused, self.query_one("#browse-detail", Static)
        if self.data is None or not isinstance(focused, RecordTable) or focused.current is None:
            return
        if focused.id == "browse-articles":
            detail.update(article_detail(self.data, self.data.documents[focused.current].doc_id))
        else:
            detail.update(pair_detail(self.data, focused.current))

    @on(RecordTable.Selected, "#browse-articles")
    def _article_chosen(self, event: RecordTable.Selected) -> None:
        if self.data is not None:
            self.set_filter(article=self.data.documents[event.record].doc_id)
            self.tables()[1].focus()

    @on(RecordTable.Selected, "#browse-pairs")
    def _pair_chosen(self, event: RecordTable.Selected) -> None:
        self.open_pair(event.record)

    def action_open_pair(self) -> None:
        rank = self.tables()[1].current
        if rank is not None:
            self.open_pair(rank)

    def open_pair(self, rank: int) -> None:
        """Push the side-by-side diff of the pair with this rank, with what it shares in this corpus."""
        from srccompare.diff.shared import of_pair
        from srccompare.tui.screens.diff import DiffScreen

        if self.data is None:
            return
        pair = self.data.pairs[rank]
        shared = of_pair(self.data.corpus.result, pair.left_id, pair.right_id, pair)
        self.app.push_screen(DiffScreen(self.data.by_id[pair.left_id], self.data.by_id[pair.right_id], self.settings,
                                        shared=shared))
