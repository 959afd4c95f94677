"""The diff screen: two articles side by side, aligned by content.

Reusable: any app can ``push_screen(DiffScreen(left, right, settings))``; it
brings its own styles and command-palette entries, and ``q`` pops it (or
quits when it is the only screen). The alignment runs in a worker thread;
the flags (move marks, minor differences, boilerplate, folding) live here
as reactives and flow down to the rows widget.
"""

from __future__ import annotations

from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from srccompare.model import CleanArticle, DiffResult
from srccompare.settings import Settings
from srccompare.tui.messages import AlignmentReady, CursorMoved, SearchClosed, SearchSubmitted
from srccompare.tui.widgets.header import DiffHeader
from srccompare.tui.widgets.rows import AlignedRows
from srccompare.tui.widgets.search import SearchBar


class DiffCommands(Provider):
    """The diff screen's keys, offered in the command palette too."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            (binding.description, binding.tooltip or binding.description, binding.action)
            for binding in DiffScreen.BINDINGS
            if isinstance(binding, Binding)
        ]

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = matcher.match(f"{name} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.screen.run_action, action), help=help_text)


class DiffScreen(Screen[None]):
    """Aligned rows of two cleaned articles, with a header and the keys in the footer."""

    CSS_PATH = "../srccompare.tcss"
    COMMANDS = {DiffCommands}
    BINDINGS = [
        Binding("n", "next_change(1)", "Next", tooltip="Next change"),
        Binding("N", "next_change(-1)", "Prev", tooltip="Previous change"),
        Binding("p", "partner", "Jump", tooltip="Jump to a moved paragraph's partner"),
        Binding("m", "toggle('show_moves')", "Moves", tooltip="Toggle move marks"),
        Binding("d", "toggle('show_minor')", "Minor", tooltip="Toggle minor differences"),
        Binding("b", "toggle('show_removed')", "Cut", tooltip="Show removed boilerplate in place"),
        Binding("f", "toggle('fold_same')", "Fold", tooltip="Fold identical rows"),
        Binding("s", "swap", "Swap", tooltip="Swap sides"),
        Binding("slash", "search", "Find", tooltip="Search both articles"),
        Binding("q", "close", "Quit", tooltip="Quit (or go back)"),
    ]

    show_moves: reactive[bool] = reactive(True)
    show_minor: reactive[bool] = reactive(True)
    show_removed: reactive[bool] = reactive(False)
    fold_same: reactive[bool] = reactive(False)

    def __init__(
        self,
        left: CleanArticle,
        right: CleanArticle,
        settings: Settings,
        result: DiffResult | None = None,
        *,
        close_quits: bool = False,
        name: str | None = None,
    ) -> None:
        """``close_quits``: q ends the app (as in ``srccompare diff``) rather than going back."""
        super().__init__(name=name)
        self.left, self.right, self.settings = left, right, settings
        self.close_quits = close_quits
        self.result = result
        self.swapped = False
        self.last_query = ""

    def compose(self) -> ComposeResult:
        yield DiffHeader(self.left, self.right, id="diff-header")
        yield AlignedRows(id="rows").data_bind(
            DiffScreen.show_moves, DiffScreen.show_minor, DiffScreen.show_removed, DiffScreen.fold_same
        )
        yield SearchBar(id="search")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p still opens it; 80 columns fit every key

    def on_mount(self) -> None:
        self.query_one(AlignedRows).focus()
        if self.result is not None:
            self._display(self.result)
        else:
            self.run_worker(self._align, thread=True, exclusive=True, group="align")

    def _align(self) -> None:
        """In a worker thread: align the articles and post the result to the screen."""
        from srccompare.diff.align import diff_articles

        self.post_message(AlignmentReady(diff_articles(self.left, self.right, self.settings.diff)))

    def on_alignment_ready(self, message: AlignmentReady) -> None:
        self.result = message.result
        self._display(message.result)

    def _display(self, result: DiffResult, row: int = 0) -> None:
        left, right = (self.right, self.left) if self.swapped else (self.left, self.right)
        self.query_one(DiffHeader).show(left, right, result)
        self.query_one(AlignedRows).show(left, right, result, row)

    def on_cursor_moved(self, message: CursorMoved) -> None:
        rows = self.query_one(AlignedRows)
        if rows.result is not None:
            self.query_one(DiffHeader).describe(rows.result.rows[message.row], message.row)

    # --- actions -------------------------------------------------------------

    def action_next_change(self, step: int) -> None:
        if not self.query_one(AlignedRows).next_change(step):
            self.notify("No more changes that way.", timeout=2)

    def action_partner(self) -> None:
        if not self.query_one(AlignedRows).jump_to_partner():
            self.notify("This row was not moved.", timeout=2)

    def action_toggle(self, flag: str) -> None:
        setattr(self, flag, not getattr(self, flag))

    def action_swap(self) -> None:
        from srccompare.diff.align import swap_sides

        if self.result is None:
            return
        rows = self.query_one(AlignedRows)
        self.swapped = not self.swapped
        self.result = swap_sides(self.result)
        self._display(self.result, rows.cursor_row or 0)

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.add_class("-open")
        bar.value = self.last_query
        bar.focus()

    def on_search_submitted(self, message: SearchSubmitted) -> None:
        self.last_query = message.query
        rows = self.query_one(AlignedRows)
        if message.query and not rows.next_match(message.query):
            self.notify(f"No more matches for {message.query!r} below.", timeout=2, markup=False)

    def on_search_closed(self, message: SearchClosed) -> None:
        self.query_one(SearchBar).remove_class("-open")
        rows = self.query_one(AlignedRows)
        rows.query = ""
        rows.focus()

    def action_close(self) -> None:
        if self.close_quits or len(self.app.screen_stack) < 2:
            self.app.exit()
        else:
            self.app.pop_screen()
