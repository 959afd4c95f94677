"""The diff screen's navigation, with Pilot on seeds 003/004 (the pair the issue quotes): it opens on the
first shared passage, ] and [ walk the passages, ? explains every symbol, the toggles show their state,
Esc closes panels, and the palette lists Quit once."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from srccompare.model import CleanArticle
from srccompare.report.diff_segments import passage_rows, side_paragraphs
from srccompare.settings import load_settings
from srccompare.diff.shared import compare
from srccompare.tui.app import DiffApp
from srccompare.tui.screens.help import HelpScreen
from srccompare.tui.widgets.header import DiffHeader
from tui_harness import aligned, rendered

SETTINGS = load_settings()
FLAGS = "waving the red-and-white flags of the opposition and calling on Lukashenko to"


@pytest.fixture(scope="module")
def moscow(seeds: dict[str, CleanArticle]):
    # sources relative, so the pictures do not depend on where the repository lives
    left, right = (dataclasses.replace(seeds[key], source=Path(seeds[key].source).name) for key in ("mt_afp", "mt"))
    return left, right, compare(left, right, SETTINGS)


def header_text(app) -> str:
    return rendered(app.screen.query_one(DiffHeader).render())


@pytest.mark.asyncio
async def test_a_pair_opens_on_its_first_shared_passage(moscow) -> None:
    left, right, result = moscow
    app = DiffApp(left, right, SETTINGS)  # aligned and counted in the worker, as srccompare diff does
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        first = min(passage_rows(rows.result))
        assert first > 0 and rows.cursor_row == first  # not row 1
        row = rows.result.rows[first]
        assert FLAGS in left.body[row.left_start:row.left_end]
        assert "shared passage 1 of 4 starts here" in header_text(app)
        top = rows.scroll_y
        assert rows._starts[rows.cursor] - top <= 1  # the passage's row is at the top of the view


@pytest.mark.asyncio
async def test_brackets_walk_the_shared_passages(moscow) -> None:
    app = DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2])
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await aligned(app, pilot)
        targets = sorted(set(passage_rows(rows.result)))
        seen = [rows.cursor_row]
        for _ in range(len(targets) + 1):
            await pilot.press("right_square_bracket")
            seen.append(rows.cursor_row)
        assert seen[: len(targets)] == targets and seen[-1] == targets[-1]  # stops at the last
        await pilot.press("left_square_bracket")
        assert rows.cursor_row == targets[-2]


@pytest.mark.asyncio
async def test_shared_runs_inside_a_changed_paragraph_are_marked_shared(moscow) -> None:
    left, right, result = moscow
    [row] = [r for r in result.rows if r.status == "changed" and FLAGS in left.body[r.left_start:r.left_end]]
    spans = [(p.left_start, p.left_end) for p in result.shared.passages]
    pieces = [piece for _, paragraph in side_paragraphs(row, "left", left, sorted(spans)) for piece in paragraph]
    flags = [piece for piece in pieces if FLAGS in piece.text]
    assert flags and all(piece.kind == "equal" and piece.passage for piece in flags)
    assert any(piece.kind == "changed" for piece in pieces)  # the rest of the rewrite is still marked


@pytest.mark.asyncio
async def test_toggles_show_their_state_in_the_footer(moscow) -> None:
    app = DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(app, pilot)

        def described(key: str) -> str:
            return next(b.description for _, b in app.screen._bindings if b.key == key)

        assert [described(k) for k in "mdbf"] == ["moves:on", "minor:on", "boilerplate:off", "fold:off"]
        await pilot.press("b", "m")
        assert [described(k) for k in "mdbf"] == ["moves:off", "minor:on", "boilerplate:on", "fold:off"]
        assert app.screen.show_removed and not app.screen.show_moves


@pytest.mark.asyncio
async def test_question_mark_shows_every_symbol_and_escape_closes(moscow) -> None:
    app = DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(app, pilot)
        diff_screen = app.screen
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "".join(rendered(app.screen.query_one(part).content) for part in ("#help-keys", "#help-legend"))
        for symbol in ("◀", "▶", "≠", "↕", "▌", "✂", "≈", "⋯", "↳", "Next shared passage", "removed"):
            assert symbol in text, symbol
        await pilot.press("escape")
        assert app.screen is diff_screen


@pytest.mark.asyncio
async def test_escape_closes_the_keys_panel(moscow) -> None:
    app = DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(app, pilot)
        app.action_show_help_panel()
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


@pytest.mark.asyncio
async def test_the_palette_lists_quit_once(moscow) -> None:
    app = DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2])
    async with app.run_test(size=(100, 30)) as pilot:
        await aligned(app, pilot)
        await pilot.press("ctrl+p", *"quit")
        await pilot.pause(0.5)
        from textual.command import CommandList

        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert sum("quit" in prompt.lower() for prompt in prompts) == 1, prompts


# --- the look --------------------------------------------------------------------------------------

def test_snapshot_diff_lands_on_the_first_shared_passage(snap_compare, moscow) -> None:
    assert snap_compare(DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2]), terminal_size=(100, 30))


def test_snapshot_diff_help_and_legend(snap_compare, moscow) -> None:
    assert snap_compare(DiffApp(moscow[0], moscow[1], SETTINGS, moscow[2]), terminal_size=(100, 40), press=["question_mark"])
