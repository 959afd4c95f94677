"""Article pairs ranked by what they share; Enter opens the side-by-side view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from srccompare.model import PairSummary


class PairTable(DataTable):
    """One row a pair, keyed by the pair's rank in the full list (so filters keep keys stable)."""

    BINDINGS = [Binding("enter", "select_cursor", "Side by side")]

    COLUMNS = ("left", "right", "words", "passages", "reporting", "quotes", "sim.")
    WIDTHS = {"left": 26, "right": 26}

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for name in self.COLUMNS:
            self.add_column(Text(name), key=name, width=self.WIDTHS.get(name))

    def show(self, pairs: Sequence[tuple[int, PairSummary]], labels: Mapping[str, str]) -> None:
        """Replace the rows with ``(rank, pair)`` items, in the order given."""
        self.clear()
        for rank, pair in pairs:
            self.add_row(
                Text(labels.get(pair.left_id, pair.left_id)),
                Text(labels.get(pair.right_id, pair.right_id)),
                Text(str(pair.words), justify="right"),
                Text(str(len(pair.passages)), justify="right"),
                Text(str(pair.reporting_words), justify="right"),
                Text(str(pair.quote_words), justify="right"),
                Text(f"{pair.similarity:.2f}", justify="right"),
                key=str(rank),
            )

    @property
    def current_rank(self) -> int | None:
        """The rank (index into the full pair list) of the highlighted row."""
        if not self.row_count:
            return None
        return int(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
