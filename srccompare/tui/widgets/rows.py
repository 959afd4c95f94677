"""One scrolling list of aligned rows: gutter | left | right.

A line-API widget: every row is laid out as a whole (both sides wrapped to
their column, the shorter side padded), so the two sides of a row always
start on the same line and can never drift apart, however they wrap. Only
the visible lines are painted, so long articles scroll as fast as short ones.

Article text only ever enters Rich ``Text`` objects (never markup strings),
after control characters are made visible, so "[bold]" or an escape sequence
in an article shows literally.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click, Resize
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from srccompare.model import CleanArticle, DiffResult, Removal, Row
from srccompare.report.diff_segments import (ArticleText, move_note, paragraph_label, passage_rows, passage_spans,
                                             side_paragraphs)
from srccompare.report.diff_text import side_text
from srccompare.tui.messages import CursorMoved
from srccompare.display.visible import visible_lines

GUTTER_WIDTH = 2
SEPARATOR = " │ "
MARKS = {"same": " ", "changed": "≠", "moved": "↕", "only_left": "◀", "only_right": "▶"}
CHANGES = ("changed", "moved", "only_left", "only_right")


@dataclass(frozen=True)
class Item:
    """One entry of the list: a row, a run of folded identical rows, or removed boilerplate."""

    kind: Literal["row", "fold", "removed"]
    row: int  # the row shown, the first row folded, or the row the removal stands before
    count: int = 1
    side: str = ""
    removal: Removal | None = None


class AlignedRows(ScrollView, can_focus=True):
    """The aligned rows of a DiffResult, with a row cursor."""

    COMPONENT_CLASSES = {
        "aligned-rows--changed-left",
        "aligned-rows--changed-right",
        "aligned-rows--minor",
        "aligned-rows--label",
        "aligned-rows--one-sided",
        "aligned-rows--moved-note",
        "aligned-rows--removed",
        "aligned-rows--fold",
        "aligned-rows--gutter",
        "aligned-rows--cursor",
        "aligned-rows--match",
        "aligned-rows--separator",
        "aligned-rows--passage",
    }

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "Top", show=False),
        Binding("end", "edge(1)", "Bottom", show=False),
    ]

    show_moves: reactive[bool] = reactive(True)
    show_minor: reactive[bool] = reactive(True)
    show_removed: reactive[bool] = reactive(False)
    fold_same: reactive[bool] = reactive(False)
    query: reactive[str] = reactive("")
    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.left: CleanArticle | None = None
        self.right: CleanArticle | None = None
        self.result: DiffResult | None = None
        self._items: list[Item] = []
        self._strips: list[list[Strip] | None] = []  # None: not rendered yet (its height is an estimate)
        self._heights: list[int] = []
        self._starts: list[int] = []
        self._width = 0
        self._cache: dict[tuple[object, ...], list[Strip]] = {}  # rendered items, for the current width
        self._layout_key: tuple[object, ...] = ()
        self._first_row = 0  # where the cursor goes once the first layout is done
        self._texts: dict[str, ArticleText] = {}
        self._passages: dict[str, tuple[tuple[int, int], ...]] = {}
        self.passage_rows: tuple[int, ...] = ()  # rows where a shared passage starts, in order
        self._scroll_pending = False  # scroll the cursor to the top once the first layout is done

    # --- data in -----------------------------------------------------------

    def show(self, left: CleanArticle, right: CleanArticle, result: DiffResult, row: int = 0) -> None:
        """Display ``result`` (of ``left`` against ``right``) with the cursor on ``row``."""
        self.left, self.right, self.result = left, right, result
        self._texts = {"left": ArticleText.of(left), "right": ArticleText.of(right)}
        self._passages = {side: passage_spans(result, side) for side in ("left", "right")}
        self.passage_rows = passage_rows(result)
        self._first_row = row
        self._cache.clear()
        self._relayout()
        self.cursor = self._item_of_row(row)
        self._scroll_pending = True
        if self._items:
            self._scroll_to_cursor(top=True)
            self._scroll_pending = False

    def _watch_flags(self) -> None:
        if self.result is not None and self._state() != self._layout_key:
            row = self.cursor_row
            self._relayout()
            self.cursor = self._item_of_row(row if row is not None else 0)

    def _state(self) -> tuple[object, ...]:
        """Everything the layout depends on but the cursor."""
        return (
            self.scrollable_content_region.width,
            id(self.result),
            self.show_moves,
            self.show_minor,
            self.show_removed,
            self.fold_same,
            self.query,
        )

    watch_show_moves = watch_show_minor = watch_show_removed = watch_fold_same = watch_query = _watch_flags

    # --- queries -----------------------------------------------------------

    @property
    def cursor_row(self) -> int | None:
        """The row index under the cursor (the first folded row on a fold)."""
        if not self._items or self.result is None or not self.result.rows:
            return None
        return min(self._items[min(self.cursor, len(self._items) - 1)].row, len(self.result.rows) - 1)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(self._items)

    def item_lines(self, index: int) -> list[str]:
        """The plain text of an item's lines (for tests and search)."""
        return [strip.text for strip in self._materialize(index)]

    # --- moving ------------------------------------------------------------

    def next_change(self, step: int) -> bool:
        """Move to the next (step 1) or previous (-1) row that is not the same on both sides."""
        return self._move_to(self._is_change_start, step)

    def _is_change_start(self, item: Item) -> bool:
        """A paired row that differs, or the first of a run of one-sided rows of one side."""
        if item.kind != "row":
            return False
        status = self._row(item).status
        if status in ("changed", "moved"):
            return True
        assert self.result is not None
        previous = self.result.rows[item.row - 1].status if item.row > 0 else None
        return status in CHANGES and previous != status

    def next_passage(self, step: int) -> bool:
        """Move to the next (step 1) or previous (-1) row where a shared passage starts."""
        wanted = set(self.passage_rows)
        return self._move_to(lambda item: item.kind != "removed"
                             and any(row in wanted for row in range(item.row, item.row + item.count)), step)

    def next_match(self, query: str, step: int = 1) -> bool:
        """Move to the next row whose text contains ``query`` (case-insensitive)."""
        if self.fold_same:
            self.fold_same = False
        self.query = query
        needle = query.casefold()
        return bool(needle) and self._move_to(lambda item: item.kind == "row" and needle in self._row_text(item), step)

    def jump_to_partner(self) -> bool:
        """From a moved row, move to the row holding the other side of its pair."""
        row = self.cursor_row
        if self.result is None or row is None or self._items[self.cursor].kind != "row":
            return False
        partner = self.result.rows[row].partner
        if partner is None:
            return False
        self.cursor = self._item_of_row(partner)
        self._scroll_to_cursor(top=True)
        return True

    def _move_to(self, wanted: Callable[[Item], bool], step: int) -> bool:
        index = self.cursor + step
        while 0 <= index < len(self._items):
            if wanted(self._items[index]):
                self.cursor = index
                self._scroll_to_cursor(top=True)
                return True
            index += step
        return False

    def action_cursor(self, step: int) -> None:
        index = self.cursor + step
        while 0 <= index < len(self._items) and self._items[index].kind == "removed":
            index += step
        if 0 <= index < len(self._items):
            self.cursor = index
            self._scroll_to_cursor(top=False)

    def action_page(self, step: int) -> None:
        self.scroll_to(y=self.scroll_y + step * self.scrollable_content_region.height, animate=False)
        self.cursor = self._first_visible_item()

    def action_edge(self, end: int) -> None:
        self.cursor = len(self._items) - 1 if end else 0
        self._scroll_to_cursor(top=not end)

    def on_click(self, event: Click) -> None:
        line = int(self.scroll_y) + event.y
        if self._starts and 0 <= line < self.virtual_size.height:
            index = bisect_right(self._starts, line) - 1
            if self._items[index].kind != "removed":
                self.cursor = index

    def watch_cursor(self, old: int, new: int) -> None:
        for index in {old, new}:
            if 0 <= index < min(len(self._items), len(self._strips)) and self._strips[index] is not None:
                self._strips[index] = self._cached_item(index)
        self.refresh()
        row = self.cursor_row
        if row is not None:
            self.post_message(CursorMoved(row))

    def _scroll_to_cursor(self, top: bool) -> None:
        if not self._starts:
            return
        self._materialize(self.cursor)
        start = self._starts[self.cursor]
        if top:
            self.scroll_to(y=max(0, start - 1), animate=False)
        else:
            height = self._heights[self.cursor]
            self.scroll_to_region(Region(0, start, 1, height), animate=False)

    def _first_visible_item(self) -> int:
        index = max(0, bisect_right(self._starts, int(self.scroll_y)) - 1)
        return index if self._items[index].kind != "removed" or index + 1 >= len(self._items) else index + 1

    def _item_of_row(self, row: int) -> int:
        for index, item in enumerate(self._items):
            if item.kind != "removed" and item.row <= row < item.row + item.count:
                return index
        return 0

    # --- layout ------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        if self.result is not None and self.scrollable_content_region.width != self._width:
            row = self.cursor_row if self._items else self._first_row
            self._cache.clear()
            self._relayout()
            self.cursor = self._item_of_row(row or 0)
            if self._scroll_pending:
                self._scroll_pending = False
                self._scroll_to_cursor(top=True)

    def _relayout(self) -> None:
        """Rebuild the item list and render every item at the current width
        (not before the widget has a width: on_resize lays it out then)."""
        if self.scrollable_content_region.width <= 0:
            return
        self._layout_key = self._state()
        self._width = max(self.scrollable_content_region.width, 20)
        self._items = self._build_items()
        self.set_reactive(AlignedRows.cursor, min(self.cursor, max(len(self._items) - 1, 0)))
        self._strips = [None] * len(self._items)
        self._heights = [self._estimate(item) for item in self._items]
        self._place()
        self.refresh()

    def _place(self) -> None:
        """Item start lines from their heights, and the scrollable size."""
        self._starts = []
        total = 0
        for height in self._heights:
            self._starts.append(total)
            total += height
        self.virtual_size = Size(self._width, total)

    def _materialize(self, index: int) -> list[Strip]:
        """Render item ``index`` now; if its height was misjudged, move what follows."""
        strips = self._strips[index]
        if strips is None:
            strips = self._strips[index] = self._cached_item(index)
            if len(strips) != self._heights[index]:
                self._heights[index] = len(strips)
                self._place()
        return strips

    def render_lines(self, crop: Region) -> list[Strip]:
        """Render the items in view first (only those: long articles open fast), then paint."""
        if self._starts:
            top = int(self.scroll_y)
            index = max(0, bisect_right(self._starts, top) - 1)
            while index < len(self._items) and self._starts[index] < top + self.size.height:
                self._materialize(index)
                index += 1
        return super().render_lines(crop)

    def _estimate(self, item: Item) -> int:
        """Lines an item will take, judged from its length (exact once rendered)."""
        if item.kind == "fold":
            return 2
        column = max((self._width - GUTTER_WIDTH - len(SEPARATOR)) // 2 - 2, 8)
        if item.kind == "removed":
            return -(-(len(item.removal.text) + 30) // column) + 1
        row = self._row(item)
        lines = [
            sum(-(-(end - start + 6) // column) for start, end in self._paragraph_spans(row, side)) + 2 * (len(spans) - 1)
            for side in ("left", "right")
            for spans in [self._paragraph_spans(row, side)]
        ]
        return max(max(lines), 1) + 1

    def _build_items(self) -> list[Item]:
        assert self.result is not None
        items: list[Item] = []
        rows = self.result.rows
        index = 0
        while index < len(rows):
            items.extend(self._removals_before(rows[index], index))
            run = self._same_run(index)
            if self.fold_same and run > 1:
                items.append(Item("fold", index, run))
                index += run
            else:
                items.append(Item("row", index))
                index += 1
        items.extend(self._removals_before(None, len(rows)))
        return items

    def _same_run(self, start: int) -> int:
        assert self.result is not None
        end = start
        while end < len(self.result.rows) and self.result.rows[end].status == "same":
            end += 1
        return end - start

    def _removals_before(self, row: Row | None, index: int) -> list[Item]:
        """Removed boilerplate that stood before a paragraph of ``row`` (None: after the last one)."""
        if not self.show_removed:
            return []
        found = []
        for side, article in (("left", self.left), ("right", self.right)):
            assert article is not None
            places = (row.left_paragraphs if side == "left" else row.right_paragraphs) if row else (len(article.paragraphs),)
            found += [Item("removed", index, side=side, removal=r) for r in article.removals if r.before_paragraph in places]
        return found

    # --- rendering ---------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.size.width
        if not self._starts or line >= self.virtual_size.height:
            return Strip.blank(width, self.rich_style)
        index = bisect_right(self._starts, line) - 1
        strips = self._materialize(index)
        offset = line - self._starts[index]
        if offset >= len(strips):
            return Strip.blank(width, self.rich_style)
        strip = strips[offset]
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _cached_item(self, index: int) -> list[Strip]:
        """An item's strips, rendered again only when something it shows has changed."""
        item = self._items[index]
        key = (item, index == self.cursor, self._width, *self._flags_for(item))
        if key not in self._cache:
            self._cache[key] = self._render_item(index)
        return self._cache[key]

    def _flags_for(self, item: Item) -> tuple[object, ...]:
        """The display flags that change how ``item`` looks (so toggles re-render only those)."""
        if item.kind != "row":
            return ()
        row = self._row(item)
        return (
            self.show_moves if row.status == "moved" else None,
            self.show_minor if row.minor else None,
            self.query if self.query and self.query.casefold() in self._row_text(item) else None,
        )

    def _render_item(self, index: int) -> list[Strip]:
        item = self._items[index]
        if item.kind == "row":
            return self._row_strips(item, index == self.cursor)
        if item.kind == "fold":
            label = Text(f"⋯ {item.count} identical paragraphs folded (f shows them)", style=self._style("fold"))
            return self._join(self._gutter("┄", index == self.cursor), self._lines(label, self._width - GUTTER_WIDTH))
        text = Text(f"✂ removed ({item.removal.rule}): ", style=self._style("removed"))
        text.append(visible_lines(item.removal.text), style=self._style("removed"))
        return self._pair_strips(self._gutter(" ", False), text if item.side == "left" else Text(""), text if item.side == "right" else Text(""))

    def _row_strips(self, item: Item, selected: bool) -> list[Strip]:
        assert self.result is not None
        row = self.result.rows[item.row]
        mark = MARKS[row.status] if (row.status != "moved" or self.show_moves) else MARKS["only_left" if row.left_paragraphs else "only_right"]
        if row.status == "same" and row.minor and self.show_minor:
            mark = "≈"
        return self._pair_strips(self._gutter(mark, selected), self._side(row, "left"), self._side(row, "right"))

    def _pair_strips(self, gutter: list[Segment], left: Text, right: Text) -> list[Strip]:
        left_width = (self._width - GUTTER_WIDTH - len(SEPARATOR)) // 2
        right_width = self._width - GUTTER_WIDTH - len(SEPARATOR) - left_width
        left_lines, right_lines = self._lines(left, left_width), self._lines(right, right_width)
        height = max(len(left_lines), len(right_lines))
        left_lines += [[Segment(" " * left_width, self.rich_style)]] * (height - len(left_lines))
        right_lines += [[Segment(" " * right_width, self.rich_style)]] * (height - len(right_lines))
        separator = Segment(SEPARATOR, self._style("separator"))
        return self._join(gutter, [l + [separator] + r for l, r in zip(left_lines, right_lines)])

    def _join(self, gutter: list[Segment], lines: list[list[Segment]]) -> list[Strip]:
        strips = [Strip([gutter[min(n, len(gutter) - 1)]] + line, self._width) for n, line in enumerate(lines)]
        strips.append(Strip.blank(self._width, self.rich_style))
        return strips

    def _gutter(self, mark: str, selected: bool) -> list[Segment]:
        style = self._style("cursor") if selected else self._style("gutter")
        first = Segment(("▌" if selected and mark == " " else mark).ljust(GUTTER_WIDTH), style)
        rest = Segment(("▌" if selected else " ").ljust(GUTTER_WIDTH), style)
        return [first, rest]

    def _lines(self, text: Text, width: int) -> list[list[Segment]]:
        console = self.app.console
        options = console.options.update(width=width, highlight=False, markup=False, no_wrap=False)
        return console.render_lines(text, options, style=self.rich_style, pad=True)

    def _side(self, row: Row, side: str) -> Text:
        article = self.left if side == "left" else self.right
        assert article is not None and self.result is not None
        paragraphs = side_paragraphs(row, side, self._texts[side], self._passages.get(side, ()))
        if not paragraphs:
            if row.status == "moved" and self.show_moves:
                return Text(f"↳ {move_note(self.result, row)} (p jumps there)", style=self._style("moved-note"))
            return Text("")
        text = side_text(paragraphs, paragraph_label(row, side), styles=self._styles(row, side),
                         passage_style=self._style("passage"))
        if row.status in ("only_left", "only_right") or (row.status == "moved" and not self.show_moves):
            text.stylize(self._style("one-sided"))
        if self.query:
            text.highlight_regex(re.compile(re.escape(self.query), re.IGNORECASE), self._style("match"))
        return text

    def _styles(self, row: Row, side: str) -> dict[str, Style]:
        styles: dict[str, Style] = {"changed": self._style(f"changed-{side}")}
        if self.show_minor:
            styles["minor"] = self._style("minor")
        if row.status == "moved" and not self.show_moves:
            styles = {}
        return styles

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"aligned-rows--{name}", partial=True)

    def component_style(self, name: str) -> Style:
        """The style of ``aligned-rows--{name}`` over the widget's own (for the help's legend)."""
        return self.rich_style + self._style(name)

    def _row(self, item: Item) -> Row:
        assert self.result is not None
        return self.result.rows[item.row]

    def _paragraph_spans(self, row: Row, side: str) -> list[tuple[int, int]]:
        indexes = row.left_paragraphs if side == "left" else row.right_paragraphs
        spans = self._texts[side].spans
        return [spans[i] for i in indexes]

    def _row_text(self, item: Item) -> str:
        row = self._row(item)
        assert self.left is not None and self.right is not None
        parts = []
        if row.left_start is not None:
            parts.append(self._texts["left"].body[row.left_start : row.left_end])
        if row.right_start is not None:
            parts.append(self._texts["right"].body[row.right_start : row.right_end])
        return "\n".join(parts).casefold()
