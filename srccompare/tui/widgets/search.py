"""The search bar: an Input that says what to find, and goes away with Escape."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

from srccompare.tui.messages import SearchClosed, SearchSubmitted


class SearchBar(Input):
    """Type a word, Enter finds its next occurrence (again and again); Escape closes."""

    BINDINGS = [Binding("escape", "close", "Close search", show=True)]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="find in both articles (Enter: next, Esc: close)", id=id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(SearchSubmitted(event.value))

    def action_close(self) -> None:
        self.post_message(SearchClosed())
