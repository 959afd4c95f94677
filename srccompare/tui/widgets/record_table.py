"""A table of many records that paints only the rows in view (Textual's line API).

The screen owns the records; the table holds a list of record numbers (the
rows passing the screen's filters) in the order of the sort column, and asks
for a row's cells only when the row is painted. Filling it with 100,000
rows is a list assignment and a sort, not 100,000 widgets or cell objects,
so there is no row cap. The header line stays in place while the rows
scroll; clicking a column's title sorts by it (again: the other way round).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from srccompare.report.diff_segments import visible

GAP = 1  # blank columns between cells
ROWS_KEPT = 2000  # rows whose laid-out cells are kept (a few screens' worth, both ways)


@dataclass(frozen=True)
class Column:
    """``width``: fixed; None: a share (``ratio``) of what the fixed columns leave, at least ``least``."""

    key: str
    title: str
    width: int | None = None
    ratio: int = 1
    least: int = 8
    justify: Literal["left", "right"] = "left"
    descending_first: bool = False  # numbers sort largest first on the first click


Cells = Callable[[int], Sequence[Text]]  # record number -> its cells, in column order
SortKey = Callable[[str], Callable[[int], Any]]  # column key -> record number -> sort value


class RecordTable(ScrollView, can_focus=True):
    """Rows of records with a row cursor; Enter selects."""

    COMPONENT_CLASSES = {"record-table--header", "record-table--cursor", "record-table--odd", "record-table--sorted"}
    DEFAULT_CSS = """
    RecordTable { scrollbar-size-vertical: 1; overflow-x: hidden; }
    RecordTable > .record-table--header { text-style: bold; background: $panel; }
    RecordTable > .record-table--sorted { text-style: bold underline; background: $panel; }
    RecordTable > .record-table--odd { background: $surface-lighten-1 40%; }
    RecordTable > .record-table--cursor { background: $block-cursor-blurred-background; }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    """
    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First row", show=False),
        Binding("end", "edge(1)", "Last row", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Highlighted(Message):
        table: RecordTable
        record: int | None

        @property
        def control(self) -> RecordTable:
            return self.table

    @dataclass
    class Selected(Message):
        table: RecordTable
        record: int

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(self, columns: Sequence[Column], cells: Cells, sort_key: SortKey, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.cells, self.sort_key = cells, sort_key
        self.records: list[int] = []  # record numbers shown, in order
        self.sort_column: str | None = None
        self.descending = False
        self._widths: list[int] = []
        self._painted: dict[tuple[int, tuple[int, ...]], list[Segment]] = {}

    # --- data in -------------------------------------------------------------

    def set_source(self, cells: Cells, sort_key: SortKey, sort_column: str | None = None, descending: bool = False) -> None:
        """Where rows' cells and sort values come from, and the order to start in (rows follow with ``show``)."""
        self.cells, self.sort_key = cells, sort_key
        self.sort_column, self.descending = sort_column, descending
        self._painted.clear()

    def show(self, records: Sequence[int]) -> None:
        """Show these records (sorted by the sort column, else in the order given), keeping the
        cursor on the same record where it is still shown."""
        current = self.current
        self.records = list(records)
        self._sort()
        self._place_cursor(current)

    def sort_by(self, key: str, descending: bool | None = None) -> None:
        """Sort by column ``key``; by default the other way round when it is already the sort column."""
        column = next(c for c in self.columns if c.key == key)
        if descending is None:
            descending = not self.descending if key == self.sort_column else column.descending_first
        current = self.current
        self.sort_column, self.descending = key, descending
        self._sort()
        self._place_cursor(current)

    def _sort(self) -> None:
        if self.sort_column is not None:
            value = self.sort_key(self.sort_column)
            self.records.sort(key=value, reverse=self.descending)  # stable: ties keep the given order
        self.virtual_size = Size(self.size.width, len(self.records) + 1)
        self.refresh()

    def _place_cursor(self, record: int | None) -> None:
        position = self.records.index(record) if record is not None and record in self.records else 0
        self.cursor = min(position, max(len(self.records) - 1, 0))
        self._scroll_to_cursor()

    # --- queries -------------------------------------------------------------

    @property
    def current(self) -> int | None:
        """The record under the cursor."""
        return self.records[self.cursor] if 0 <= self.cursor < len(self.records) else None

    @property
    def row_count(self) -> int:
        return len(self.records)

    def row_text(self, position: int) -> str:
        """The plain text of a shown row, as painted (for tests)."""
        return "".join(segment.text for segment in self._row_segments(position)).rstrip()

    def header_text(self) -> str:
        return "".join(segment.text for segment in self._header_segments()).rstrip()

    # --- moving --------------------------------------------------------------

    def watch_cursor(self) -> None:
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def action_cursor(self, step: int) -> None:
        if self.records:
            self.cursor = max(0, min(len(self.records) - 1, self.cursor + step))
            self._scroll_to_cursor()

    def action_page(self, step: int) -> None:
        self.action_cursor(step * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self.action_cursor(len(self.records) if end else -len(self.records))

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    def move_to(self, record: int) -> bool:
        """Put the cursor on ``record`` if it is shown."""
        if record not in self.records:
            return False
        self.cursor = self.records.index(record)
        self._scroll_to_cursor()
        return True

    def _scroll_to_cursor(self) -> None:
        # rows start on line 1 (line 0 is the header); keep the cursor row inside the view below it
        self.scroll_to_region(Region(0, self.cursor, 1, 2), animate=False, force=True)

    def on_click(self, event: Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x)
            if key is not None:
                self.sort_by(key)
            return
        position = int(self.scroll_y) + event.y - 1
        if 0 <= position < len(self.records):
            if position == self.cursor and event.chain > 1:
                self.action_select()
            self.cursor = position

    def _column_at(self, x: int) -> str | None:
        left = 0
        for column, width in zip(self.columns, self._widths):
            if left <= x < left + width + GAP:
                return column.key
            left += width + GAP
        return None

    # --- painting --------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._widths = column_widths(self.columns, self.scrollable_content_region.width)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.records) + 1)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self._widths:
            self._widths = column_widths(self.columns, width)
        base = self.rich_style
        if y == 0:
            return Strip(self._header_segments()).crop_extend(0, width, None).apply_style(base + self._style("header"))
        position = int(self.scroll_y) + y - 1
        if position >= len(self.records):
            return Strip.blank(width, base)
        if position == self.cursor:
            base += self._style("cursor")
        elif position % 2:
            base += self._style("odd")
        # cells carry only their own styles (bold, italic); the row's background and colour go under them all
        return Strip(self._row_segments(position)).crop_extend(0, width, None).apply_style(base)

    def _header_segments(self) -> list[Segment]:
        cells = []
        for column in self.columns:
            title = column.title
            if column.key == self.sort_column:
                title += " ▼" if self.descending else " ▲"
            style = "sorted" if column.key == self.sort_column else "header"
            cells.append(Text(title, style=self._style("sorted") if style == "sorted" else "", justify=column.justify))
        return self._join(cells)

    def _row_segments(self, position: int) -> list[Segment]:
        """A row's cells laid out, kept for the current widths (scrolling back paints them again)."""
        key = (self.records[position], tuple(self._widths))
        if key not in self._painted:
            if len(self._painted) > ROWS_KEPT:
                self._painted.clear()
            self._painted[key] = self._join(list(self.cells(self.records[position])))
        return self._painted[key]

    def _join(self, cells: list[Text]) -> list[Segment]:
        segments: list[Segment] = []
        for number, (cell, width) in enumerate(zip(cells, self._widths or column_widths(self.columns, 80))):
            if number:
                segments.append(Segment(" " * GAP))
            cell = cell.copy()
            cell.truncate(width, overflow="ellipsis", pad=True)
            if self.columns[number].justify == "right":
                cell.rstrip()
                cell.pad_left(width - cell.cell_len)
            segments.extend(cell.render(self.app.console))
        # article data is never a terminal's instruction: control characters shown as pictures, one line
        return [Segment(visible(segment.text).replace("\n", " ").replace("\t", " "), segment.style)
                for segment in segments]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"record-table--{name}", partial=True)


def column_widths(columns: Sequence[Column], width: int) -> list[int]:
    """Fixed columns as given; the others share what is left by ratio, each at least its ``least``."""
    fixed = sum(c.width for c in columns if c.width is not None) + GAP * (len(columns) - 1)
    flexible = [c for c in columns if c.width is None]
    room = max(0, width - fixed)
    ratios = sum(c.ratio for c in flexible) or 1
    widths = []
    for column in columns:
        if column.width is not None:
            widths.append(column.width)
        else:
            widths.append(max(column.least, room * column.ratio // ratios))
    return widths
