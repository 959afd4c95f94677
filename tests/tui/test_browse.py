"""`srccompare browse` with Pilot: real seeds through the real pipeline, and one snapshot."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest
from textual.worker import WorkerFailed

from conftest import SEEDS
from srccompare.cli.browse import find_in
from srccompare.ingest.corpus import load_corpus
from srccompare.model import Attribution, Credit, Evidence, ReuseResult
from srccompare.reuse.summary import summarise, summarise_pairs
from srccompare.tui.browse_app import BrowseApp
from srccompare.tui.screens.browse import BrowseScreen, Processed
from srccompare.tui.widgets.record_table import RecordTable
from tui_harness import QUOTE, STORY, article, article_ids, loaded, passage, shown_pairs


@pytest.fixture(scope="module")
def seeds_corpus(settings) -> Processed:
    """The seeds read and cleaned (as the CLI does before the TUI) and searched (the TUI's job), once."""
    return find_in(load_corpus([str(SEEDS)], [], settings), settings, 1, lambda step, done, total: None)


@pytest.fixture
def seeds_app(seeds_corpus, settings) -> BrowseApp:
    return BrowseApp(lambda progress: seeds_corpus, settings)


def test_articles_are_sorted_by_reuse_and_pairs_by_shared_words(seeds_app):
    async def run() -> None:
        async with seeds_app.run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            documents = {d.doc_id: d for d in screen.data.corpus.result.documents}
            ids = article_ids(screen)
            assert sorted(ids) == sorted(documents) and len(ids) == 5
            shares = [documents[i].reused_words / documents[i].words for i in ids]
            assert shares == sorted(shares, reverse=True)
            words = [screen.data.pairs[k].words for k in range(len(shown_pairs(screen)))]
            assert words == sorted(words, reverse=True) and words
            assert not screen.query_one("#browse-progress").display

    asyncio.run(run())


def test_agency_filter_keeps_articles_of_that_agency_and_their_pairs(seeds_app):
    async def run() -> None:
        async with seeds_app.run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            assert "AFP" in screen.data.agencies
            while screen.filters.agency != "AFP":
                await pilot.press("a")
            afp = {a.doc_id for a in screen.data.corpus.result.attributions if a.agency == "AFP"}
            assert set(article_ids(screen)) == afp
            assert all(left in afp or right in afp for left, right in shown_pairs(screen))
            for _ in screen.data.agencies:
                await pilot.press("a")
            assert screen.filters.agency is None and len(article_ids(screen)) == 5

    asyncio.run(run())


def test_enter_on_an_article_shows_its_pairs_and_escape_all(seeds_app):
    async def run() -> None:
        async with seeds_app.run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            everything = shown_pairs(screen)
            first = article_ids(screen)[0]
            await pilot.press("enter")
            assert screen.filters.article == first and screen.tables()[1].has_focus
            mine = shown_pairs(screen)
            assert mine and all(first in pair for pair in mine)
            assert mine == [pair for pair in everything if first in pair]
            await pilot.press("escape")
            assert screen.filters.article is None and shown_pairs(screen) == everything

    asyncio.run(run())


def test_palette_command_sets_the_agency_filter(seeds_app):
    async def run() -> None:
        async with seeds_app.run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"Agency: AFP")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert screen.filters.agency == "AFP"

    asyncio.run(run())


def test_a_failing_job_is_reported_not_raised(settings):
    def job(progress):
        progress("clean", 1, 2)
        raise ValueError("no article could be read (x.txt: no such file or directory)")

    async def run() -> None:
        async with BrowseApp(job, settings).run_test(size=(100, 30)) as pilot:
            try:  # (the harness raises it when the worker is still running here; it need not be, progress
                await pilot.app.workers.wait_for_complete()  # being posted without waiting for the screen)
            except WorkerFailed:
                pass
            for _ in range(100):
                await pilot.pause()
                if pilot.app.failure is not None:
                    break
            assert pilot.app.is_running and isinstance(pilot.app.screen, BrowseScreen)
            label = pilot.app.screen.query_one("#browse-step")
            assert "no article could be read" in str(label.render())
            assert "no article could be read" in pilot.app.failure  # the CLI prints it after the TUI closes

    asyncio.run(run())


# --- the look ------------------------------------------------------------------------------------

def fixed_corpus() -> Processed:
    """Three articles and a hand-built result, so the snapshot shows the screen, not the tuning of the day."""
    wire = article("wire-afp", "AFP [wire]", None, (STORY, QUOTE), (Credit("AFP", "byline", "By AFP"),), folder="")
    daily = article("daily-1", "The [bold]Daily[/bold]", None, ("Our reporter adds context here.", STORY, QUOTE), folder="")
    weekly = article("weekly-7", "Weekly", None, (QUOTE, "Something only the weekly wrote about the march."), folder="")
    passages = (
        passage(daily, wire, STORY, "reporting"),
        passage(daily, wire, QUOTE, "quote"),
        passage(weekly, wire, QUOTE, "quote"),
    )
    articles = (daily, weekly, wire)
    attributions = (
        Attribution("daily-1", "AFP", "inferred", 0.6, evidence=(Evidence("wire-afp", (0, 1), 37),)),
        Attribution("wire-afp", "AFP", "explicit", 1.0, credits=wire.metadata.credits),
    )
    return Processed(articles, ReuseResult(summarise(articles, passages), passages, (), attributions, summarise_pairs(articles, passages)))


def test_snapshot_of_the_browse_screen(snap_compare, settings):
    app = BrowseApp(lambda progress: fixed_corpus(), settings)

    async def settle(pilot) -> None:
        await loaded(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=settle)


def test_enter_on_a_pair_opens_the_diff_screen_and_q_comes_back(settings):
    """The real job (find reuse in the worker thread, on the seeds as the CLI read them), then Enter on the second pair."""
    from srccompare.tui.screens.diff import DiffScreen

    async def run() -> None:
        corpus = load_corpus([str(SEEDS)], [], settings)
        async with BrowseApp(partial(find_in, corpus, settings, 1), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            pairs = shown_pairs(screen)
            await pilot.press("tab", "down", "enter")
            await pilot.pause()
            diff = pilot.app.screen
            assert isinstance(diff, DiffScreen)
            assert (diff.left.id, diff.right.id) == pairs[1]
            await pilot.press("q")
            await pilot.pause()
            assert pilot.app.screen is screen

    asyncio.run(run())


def test_detail_line_explains_the_highlighted_article_and_pair(settings):
    async def run() -> None:
        async with BrowseApp(lambda progress: fixed_corpus(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            detail = screen.query_one("#browse-detail")
            while article_ids(screen)[screen.tables()[0].cursor] != "daily-1":
                await pilot.press("down")
            assert "AFP inferred, 60% of its words, shared with AFP [wire]: wire-afp.txt (37 words, 2 passages)" in str(
                detail.render())
            await pilot.press("tab")
            text = str(detail.render())
            assert text.startswith("35 shared words (reporting) in 2 passages; the largest (reporting, 19 words")
            assert "Thousands of protesters" in text

    asyncio.run(run())
