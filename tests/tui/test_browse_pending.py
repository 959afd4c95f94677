"""Browse shows the articles while their reuse is found: names and outlets at once, "computing shared
passages…" until the pairs come, then the tables as ever (Pilot and a snapshot of the waiting screen)."""

from __future__ import annotations

import asyncio
import threading

from srccompare.model import Corpus
from srccompare.tui.browse_app import BrowseApp
from srccompare.tui.browse_data import BrowseJob
from test_browse_table import newsroom
from tui_harness import loaded, rendered

WAIT = 30  # seconds a test's find step waits to be let go (it is let go at the end of every test)


def waiting_job(released: threading.Event) -> BrowseJob:
    """The newsroom corpus read at once; its reuse found (handed over) only once ``released`` is set."""
    done = newsroom()
    corpus = Corpus(done.articles, {}, done.errors, len(done.articles) + len(done.errors))

    def find(read: Corpus, progress) -> object:
        progress("align", 1, 2)
        released.wait(WAIT)
        return done

    return BrowseJob(lambda progress: corpus, find)


async def pending(pilot):
    """The browse screen once it shows the articles and waits for their reuse."""
    screen = pilot.app.screen
    for _ in range(1000):  # up to 20 s: a loaded machine (CI, helpers) can take seconds to show them
        await pilot.pause(0.02)
        step = str(screen.query_one("#browse-step").render())
        if screen.data is not None and screen.data.pending and "Aligning" in step and screen.tables()[0].row_count:
            break
    assert screen.data is not None and screen.data.pending
    return screen


def test_articles_show_by_name_while_the_shared_passages_are_computed(settings):
    released = threading.Event()

    async def run() -> None:
        async with BrowseApp(waiting_job(released), settings).run_test(size=(160, 40)) as pilot:
            screen = await pending(pilot)
            articles, pairs = screen.tables()
            rows = [articles.row_text(i) for i in range(articles.row_count)]
            assert len(rows) == 6 and pairs.row_count == 0
            assert any(row.startswith("The Daily") and "Minsk marchers defy crackdown" in row and "…" in row
                       for row in rows)
            assert [screen.data.names[screen.data.documents[n].doc_id] for n in articles.records] == sorted(
                screen.data.names.values(), key=str.casefold)  # by name until the reuse is known
            status = rendered(screen.query_one("#browse-status").content)
            assert "6/6 articles · computing shared passages…" in status and "1 failed" in status
            assert screen.query_one("#browse-progress").display
            assert "Computing shared passages" in str(screen.query_one("#browse-step").render())
            assert "come with the shared passages" in rendered(screen.query_one("#browse-detail").content)
            await pilot.press("slash", *"weekly", "enter")  # search works on the names already
            await pilot.pause(0.3)
            assert [screen.data.documents[n].doc_id for n in articles.records] == ["c-weekly"]
            await pilot.press("escape")
            released.set()
            screen = await loaded(pilot)
            assert not screen.query_one("#browse-progress").display
            assert articles.sort_column == "reused" and pairs.sort_column == "words"
            assert pairs.row_count == len(screen.data.pairs) == 6
            assert "computing" not in rendered(screen.query_one("#browse-status").content)

    try:
        asyncio.run(run())
    finally:
        released.set()


def test_a_sort_chosen_while_waiting_is_kept(settings):
    released = threading.Event()

    async def run() -> None:
        async with BrowseApp(waiting_job(released), settings).run_test(size=(160, 40)) as pilot:
            screen = await pending(pilot)
            screen.tables()[0].sort_by("outlet")
            released.set()
            screen = await loaded(pilot)
            assert screen.tables()[0].sort_column == "outlet"

    try:
        asyncio.run(run())
    finally:
        released.set()


def test_snapshot_browse_computing_shared_passages(snap_compare, settings):
    released = threading.Event()
    try:
        assert snap_compare(BrowseApp(waiting_job(released), settings), terminal_size=(100, 30), run_before=pending)
    finally:
        released.set()
