"""``?``: the keys of the screen below and a legend of every symbol and colour it uses.

A modal screen over the one it explains; Esc, ``?`` or ``q`` closes it. The
keys are read from that screen's bindings (so the list cannot drift from what
the keys do); the legend is given by the screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# (symbol or sample, its style, what it means)
Legend = Sequence[tuple[str, "str | Style", str]]


class HelpScreen(ModalScreen[None]):
    """Keys and legend of ``screen``, in a scrolling box."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close help")]

    def __init__(self, screen: Screen, title: str, legend: Legend, extra_keys: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__()
        self.explained, self.heading, self.legend, self.extra_keys = screen, title, legend, extra_keys

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(self.heading, style="bold"), id="help-title")
            yield Static(self._keys(), id="help-keys")
            yield Static(self._legend(), id="help-legend")
            yield Static(Text("Esc, ? or q closes this help.", style="dim"))

    def _keys(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text("Keys", style="underline"), "")
        for key, text in [*binding_rows(self.explained), *self.extra_keys]:
            table.add_row(Text(key), Text(text))
        return table

    def _legend(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column()
        table.add_row(Text("\nLegend", style="underline"), "")
        for sample, style, meaning in self.legend:
            table.add_row(Text(sample, style=style), Text(meaning))
        return table


def binding_rows(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for each of the screen's own bindings, the tooltip where there is one."""
    own = {binding.action for binding in Binding.make_bindings(type(screen).BINDINGS)}
    keys: dict[str, list[str]] = {}
    meaning: dict[str, str] = {}
    for _, binding in screen._bindings:  # one entry a key: "up,k" comes as two
        if binding.action not in own:
            continue
        keys.setdefault(binding.action, []).append(screen.app.get_key_display(binding))
        meaning.setdefault(binding.action, binding.tooltip or binding.description)
    return [(", ".join(dict.fromkeys(keys[action])), meaning[action]) for action in keys]
