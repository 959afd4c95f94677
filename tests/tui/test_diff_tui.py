from __future__ import annotations

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Static

from srccompare.model import CleanArticle, LoadError, Metadata
from srccompare.settings import load_settings
from srccompare.tui.app import DiffApp
from srccompare.tui.screens.diff import DiffScreen
from srccompare.tui.widgets.header import DiffHeader
from srccompare.tui.widgets.rows import AlignedRows
from tui_harness import aligned, rendered

SETTINGS = load_settings()
pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def pair(seeds: dict[str, CleanArticle]) -> tuple[CleanArticle, CleanArticle]:
    """A seed and an edited copy: one paragraph moved, one dropped, a word changed, a name respelled."""
    left = seeds["mt_afp"]
    paragraphs = [
        p.replace("Tikhanovskaya", "Tsikhanouskaya").replace("Lithuanian lawmakers", "Polish lawmakers")
        for p in left.paragraphs
    ]
    paragraphs.append(paragraphs.pop(3))
    del paragraphs[19]
    right = CleanArticle("edited", "<edited>", "text", Metadata(outlet="Edited Daily", title="A copy"), tuple(paragraphs))
    return left, right


def status_under_cursor(rows: AlignedRows) -> str:
    return rows.result.rows[rows.cursor_row].status


async def test_n_and_shift_n_walk_the_changes(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        assert status_under_cursor(rows) == "same"
        seen = []
        for _ in range(4):
            await pilot.press("n")
            seen.append((rows.cursor_row, status_under_cursor(rows)))
        assert [row for row, _ in seen] == sorted(row for row, _ in seen)
        assert {status for _, status in seen} >= {"moved", "changed", "only_left"}
        await pilot.press("N")
        assert rows.cursor_row == seen[-2][0]


async def test_p_jumps_between_moved_partners(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        await pilot.press("n")
        start = rows.cursor_row
        assert status_under_cursor(rows) == "moved" and rows.result.rows[start].left_paragraphs == (3,)
        await pilot.press("p")
        assert rows.cursor_row == rows.result.rows[start].partner and rows.cursor_row > start
        assert rows.scroll_y > 0  # the partner is far below: the view followed
        await pilot.press("p")
        assert rows.cursor_row == start


async def test_toggles_change_what_is_shown(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        moved = next(i for i, item in enumerate(rows.items) if rows.result.rows[item.row].status == "moved")
        assert "moved to ¶" in " ".join(rows.item_lines(moved))
        await pilot.press("m")
        assert "moved to ¶" not in " ".join(rows.item_lines(moved))
        minor = next(i for i, item in enumerate(rows.items) if rows.result.rows[item.row].minor)
        assert rows.item_lines(minor)[0].startswith("≈")
        await pilot.press("d")
        assert not rows.item_lines(minor)[0].startswith("≈")
        count = len(rows.items)
        await pilot.press("f")
        assert len(rows.items) < count and any(item.kind == "fold" for item in rows.items)
        await pilot.press("f", "b")
        removed = [i for i, item in enumerate(rows.items) if item.kind == "removed"]
        assert len(removed) == len(pair[0].removals)
        assert any("removed (" in line for i in removed for line in rows.item_lines(i))


async def test_swap_exchanges_the_sides(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        only_left = sum(row.status == "only_left" for row in rows.result.rows)
        await pilot.press("s")
        assert rows.left is pair[1] and app.screen.query_one(DiffHeader).left is pair[1]
        assert sum(row.status == "only_right" for row in rows.result.rows) == only_left


async def test_search_moves_to_the_match(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        await pilot.press("slash", *"kolesnikova", "enter")
        row = rows.result.rows[rows.cursor_row]
        assert "Kolesnikova" in pair[0].body[row.left_start : row.left_end]
        await pilot.press("escape")
        assert rows.has_focus and rows.query == ""


async def test_command_palette_offers_the_keys(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(app, pilot)
        await pilot.press("ctrl+p", *"fold identical", "enter")
        await pilot.pause(0.3)
        assert app.screen.fold_same


async def test_article_text_is_never_markup() -> None:
    hostile = "Say [bold]x[/bold] and [link=http://evil.example]y[/link] then \x1b[31mred\x1b[0m here."
    left = CleanArticle("l", "<l>", "text", Metadata(title="[red]T[/red]"), (hostile, "Shared closing line of text."))
    right = CleanArticle("r", "<r>", "text", Metadata(), (hostile.replace("then", "now"), "Shared closing line of text."))
    app = DiffApp(left, right, SETTINGS)
    async with app.run_test(size=(160, 20)) as pilot:
        rows = await aligned(app, pilot)
        text = "".join(rows.item_lines(0))
        assert "[bold]x[/bold]" in text and "[link=http://evil.example]y[/link]" in text
        assert "\u241b[31mred\u241b[0m" in text and "\x1b" not in text
        assert "[red]T[/red]" in rendered(app.screen.query_one(DiffHeader).render(), width=160)


class Browser(App[None]):
    """Stands in for a corpus browser that pushes the diff screen."""

    def __init__(self, left: CleanArticle, right: CleanArticle) -> None:
        super().__init__()
        self.pair = (left, right)

    def compose(self):
        yield Static("corpus")

    def on_mount(self) -> None:
        self.push_screen(DiffScreen(*self.pair, SETTINGS))


async def test_diff_screen_can_be_pushed_and_popped(pair) -> None:
    app = Browser(*pair)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await aligned(app, pilot)
        assert rows.result is not None and len(rows.items) > 10
        await pilot.press("q")
        assert not isinstance(app.screen, DiffScreen) and isinstance(app.screen, Screen)
        assert app.is_running


async def test_q_quits_the_diff_app(pair) -> None:
    app = DiffApp(*pair, SETTINGS)
    async with app.run_test(size=(80, 24)) as pilot:
        await aligned(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_loading_screen_hands_over_to_the_diff(pair) -> None:
    app = DiffApp.loading(lambda: pair, SETTINGS, ("a.txt", "b.txt"))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = await aligned(app, pilot)
        assert isinstance(app.screen, DiffScreen) and rows.left is pair[0]


async def test_loading_failure_exits_with_the_problems() -> None:
    problems = [LoadError("missing.txt", "no such file or directory")]
    app = DiffApp.loading(lambda: problems, SETTINGS, ("missing.txt", "b.txt"))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 3 and app.load_problems == ["missing.txt: no such file or directory"]


async def test_header_shows_both_urls(pair) -> None:
    left, right = pair
    fetched = CleanArticle("web", "https://example.org/news/copy", "html", Metadata(outlet="Example"), right.paragraphs)
    app = DiffApp(left, fetched, SETTINGS)
    async with app.run_test(size=(200, 30)) as pilot:
        await aligned(app, pilot)
        shown = rendered(app.screen.query_one(DiffHeader).render())
    assert "https://www.themoscowtimes.com/2020/08/18/eu-chief-michel" in shown
    assert "https://example.org/news/copy" in shown
