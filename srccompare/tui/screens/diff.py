"""The diff screen: two articles side by side, aligned by content.

Reusable: any app can ``push_screen(DiffScreen(left, right, settings))``; it
brings its own styles and command-palette entries, and ``q`` pops it (or
quits when it is the only screen). The alignment runs in a worker thread;
the flags (move marks, minor differences, boilerplate, folding) live here
as reactives and flow down to the rows widget.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer

from srccompare.model import CleanArticle, DiffResult, SharedWords
from srccompare.report.diff_segments import passage_rows
from srccompare.settings import Settings
from srccompare.tui.messages import AlignmentReady, CursorMoved, SearchClosed, SearchSubmitted, SharedReady
from srccompare.tui.widgets.header import DiffHeader
from srccompare.tui.widgets.rows import AlignedRows
from srccompare.tui.widgets.search import SearchBar


class DiffCommands(Provider):
    """The diff screen's keys, offered in the command palette too (Quit only once: the
    palette's own "Quit the application" stands for q where q quits)."""

    def _commands(self) -> list[tuple[str, str, str]]:
        screen = self.screen
        quits = isinstance(screen, DiffScreen) and screen.quits
        return [
            (binding.tooltip or binding.description, binding.description, binding.action)
            for binding in DiffScreen.BINDINGS
            if isinstance(binding, Binding) and not (quits and binding.action == "close")
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


COUNT_DELAY = 0.3  # seconds after the rows are shown before the shared words are counted
CHANGE = Binding.Group("change")
SHARED = Binding.Group("shared")
# The toggles: flag -> (key, footer name, what it shows); the footer adds ":on" or ":off".
TOGGLES = {
    "show_moves": ("m", "moves", "Toggle move marks (↕ and the note on a moved paragraph's other side)"),
    "show_minor": ("d", "minor", "Toggle marking minor differences (case, quotes, punctuation, name spelling)"),
    "show_removed": ("b", "boilerplate", "Toggle showing the boilerplate the cleaner removed (✂, greyed, in place)"),
    "fold_same": ("f", "fold", "Toggle folding runs of identical paragraphs (⋯)"),
}
LEGEND = (
    ("≠", "bold", "changed: the paragraph is paired with one on the other side, and words differ"),
    ("↕", "bold", "moved: paired with a paragraph elsewhere on the other side (p jumps there)"),
    ("◀", "bold", "only in the left article"),
    ("▶", "bold", "only in the right article"),
    ("≈", "bold", "the same but for minor differences (case, quotes, punctuation, name spelling)"),
    ("▌", "bold", "the cursor row"),
    ("✂", "bold", "boilerplate the cleaner removed (b shows it)"),
    ("⋯", "bold", "identical paragraphs folded (f shows them)"),
    ("↳", "bold", "where a moved paragraph's other side stands"),
    # "rows:" styles are the rows widget's own (srccompare.tcss), so the legend shows what the screen does
    ("words", "rows:changed-left", "words only the left article has"),
    ("words", "rows:changed-right", "words only the right article has"),
    ("words", "rows:minor", "minor difference"),
    ("words", "rows:passage", "inside a shared passage: what the header's \"shared\" counts (as reuse and browse)"),
    ("¶3", "dim", "paragraph number in its own article"),
)


class DiffScreen(Screen[None]):
    """Aligned rows of two cleaned articles, with a header and the keys in the footer."""

    CSS_PATH = "../srccompare.tcss"
    COMMANDS = {DiffCommands}
    BINDINGS = [
        Binding("n", "next_change(1)", "next change", tooltip="Next change", group=CHANGE),
        Binding("N", "next_change(-1)", "previous change", tooltip="Previous change", group=CHANGE),
        Binding("right_square_bracket", "next_passage(1)", "next shared", tooltip="Next shared passage", group=SHARED),
        Binding("left_square_bracket", "next_passage(-1)", "previous shared", tooltip="Previous shared passage",
                group=SHARED),
        Binding("p", "partner", "jump", tooltip="Jump to a moved paragraph's partner"),
        *(Binding(key, f"toggle('{flag}')", f"{name}:on", tooltip=tip) for flag, (key, name, tip) in TOGGLES.items()),
        Binding("s", "swap", "swap", show=False, tooltip="Swap sides"),
        Binding("slash", "search", "find", show=False, tooltip="Search both articles"),
        Binding("question_mark", "help", "help", tooltip="Keys and the legend of every symbol"),
        Binding("escape", "escape", "close panel", show=False, tooltip="Close the open panel (keys, search)"),
        Binding("q", "close", "quit", tooltip="Quit (or back to the corpus)"),
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
        shared: SharedWords | None = None,
    ) -> None:
        """``close_quits``: q ends the app (as in ``srccompare diff``) rather than going back.
        ``shared``: what the pair shares in the corpus it came from (else counted on the two alone)."""
        super().__init__(name=name)
        self.left, self.right, self.settings = left, right, settings
        self.close_quits = close_quits
        self.result = result
        self.shared = shared if shared is not None else (result.shared if result is not None else None)
        self.swapped = False
        self.last_query = ""

    def compose(self) -> ComposeResult:
        yield DiffHeader(self.left, self.right, id="diff-header")
        yield AlignedRows(id="rows").data_bind(
            DiffScreen.show_moves, DiffScreen.show_minor, DiffScreen.show_removed, DiffScreen.fold_same
        )
        yield SearchBar(id="search")
        yield Footer(compact=True, show_command_palette=False)  # ctrl+p still opens it; 80 columns fit every key

    @property
    def quits(self) -> bool:
        """Does q end the app (rather than go back to the screen below)?"""
        return self.close_quits or len(self.app.screen_stack) < 2

    def on_mount(self) -> None:
        self.query_one(AlignedRows).focus()
        for flag in TOGGLES:
            self._show_state(flag, refresh=False)
        if not self.quits:  # opened from the corpus: q goes back to it
            bindings = self._bindings.key_to_bindings
            bindings["q"] = [replace(b, description="back") for b in bindings["q"]]
        self.refresh_bindings()
        if self.result is not None:  # given whole (tests, snapshots): shown as it is
            self.result = replace(self.result, shared=self.result.shared or self.shared)
            self._display(self.result, self._landing(self.result))
        else:
            self.run_worker(self._align, thread=True, exclusive=True, group="align")

    def _align(self) -> None:
        """In a worker thread: align the articles and post the rows."""
        from srccompare.diff import diff_articles

        result = diff_articles(self.left, self.right, self.settings.diff)
        self.post_message(AlignmentReady(replace(result, shared=self.shared)))

    def _count(self) -> None:
        """In a worker thread, once the rows are painted: what the two share, by the reuse core
        (loading it takes a second or more, cold; started earlier, it held the rows back)."""
        from srccompare.diff.shared import between

        self.post_message(SharedReady(between(self.left, self.right, self.settings)))

    def on_alignment_ready(self, message: AlignmentReady) -> None:
        self.result = message.result
        self._display(message.result, self._landing(message.result))
        if self.shared is None:
            # a moment later: loading the reuse core holds the GIL for long stretches, and the
            # driver's writer thread needs it to put the rows on the terminal
            self.set_timer(COUNT_DELAY, partial(self.run_worker, self._count, thread=True, exclusive=True, group="count"))

    def on_shared_ready(self, message: SharedReady) -> None:
        """The count arrived: show it, and go to the first shared passage unless the reader has moved."""
        if self.result is None:
            return
        self.shared = message.shared
        self.result = replace(self.result, shared=message.shared.swapped() if self.swapped else message.shared)
        rows = self.query_one(AlignedRows)
        untouched = not rows.cursor_row
        self._display(self.result, self._landing(self.result) if untouched else rows.cursor_row or 0)

    @staticmethod
    def _landing(result: DiffResult) -> int:
        """Where a pair opens: its first shared passage (the top when it has none)."""
        rows = passage_rows(result)
        return min(rows) if rows else 0

    def _display(self, result: DiffResult, row: int = 0) -> None:
        left, right = (self.right, self.left) if self.swapped else (self.left, self.right)
        self.query_one(DiffHeader).show(left, right, result)
        self.query_one(AlignedRows).show(left, right, result, row)

    def on_cursor_moved(self, message: CursorMoved) -> None:
        rows = self.query_one(AlignedRows)
        if rows.result is not None:
            self.query_one(DiffHeader).describe(rows.result.rows[message.row], message.row, rows.passage_rows)

    def _show_state(self, flag: str, refresh: bool = True) -> None:
        """The toggle's footer entry says whether it is on."""
        key, name, _ = TOGGLES[flag]
        bindings = self._bindings.key_to_bindings
        bindings[key] = [replace(b, description=f"{name}:{'on' if getattr(self, flag) else 'off'}") for b in bindings[key]]
        if refresh:
            self.refresh_bindings()

    # --- actions -------------------------------------------------------------

    def action_next_change(self, step: int) -> None:
        if not self.query_one(AlignedRows).next_change(step):
            self.notify("No more changes that way.", timeout=2)

    def action_partner(self) -> None:
        if not self.query_one(AlignedRows).jump_to_partner():
            self.notify("This row was not moved.", timeout=2)

    def action_next_passage(self, step: int) -> None:
        rows = self.query_one(AlignedRows)
        if not rows.passage_rows:
            self.notify("These articles share no passage.", timeout=2)
        elif not rows.next_passage(step):
            self.notify("No more shared passages that way.", timeout=2)

    def action_toggle(self, flag: str) -> None:
        setattr(self, flag, not getattr(self, flag))
        self._show_state(flag)

    def action_help(self) -> None:
        from srccompare.tui.screens.help import HelpScreen

        rows = self.query_one(AlignedRows)
        legend = [(sample, rows.component_style(style[5:]) if style.startswith("rows:") else style, meaning)
                  for sample, style, meaning in LEGEND]
        extra = (("↑ ↓ (j k), PgUp PgDn (space), Home End", "Move the cursor"), ("ctrl+p", "Every command"))
        self.app.push_screen(HelpScreen(self, "srccompare diff: two articles side by side", legend, extra))

    def action_escape(self) -> None:
        """Esc closes what is open: the keys panel, else the search bar."""
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
        elif self.query_one(SearchBar).has_class("-open"):
            self.on_search_closed(SearchClosed())

    def action_swap(self) -> None:
        from srccompare.diff.shared import swapped

        if self.result is None:
            return
        rows = self.query_one(AlignedRows)
        self.swapped = not self.swapped
        self.result = swapped(self.result)
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
        if self.quits:
            self.app.exit()
        else:
            self.app.pop_screen()
