"""Browse as a table app, with Pilot: search, sort, filters, no row cap, failed inputs, the status line, help.

A hand-built corpus (real sentences from the seeds' story, passages placed by hand) keeps the pictures
about the screen rather than the tuning of the day; the row-cap test builds 4,005 pairs the same way.
"""

from __future__ import annotations

import asyncio

from srccompare.model import Attribution, Credit, LoadError, ReuseResult
from srccompare.reuse.summary import summarise, summarise_pairs
from srccompare.tui.browse_app import BrowseApp
from srccompare.tui.screens.browse import Processed
from tui_harness import FLAGS, QUOTE, STORY, article, article_ids, loaded, passage, rendered, shown_pairs


def newsroom() -> Processed:
    """Six articles of four outlets (one without metadata), an AFP wire, and one input that failed."""
    wire = article("a-wire", "AFP", "Belarus protesters demand Lukashenko quit", (STORY, QUOTE, FLAGS),
                   (Credit("AFP", "byline", "By AFP"),))
    daily = article("b-daily", "The Daily", "Minsk marchers defy crackdown", ("Our reporter adds context.", STORY, FLAGS))
    weekly = article("c-weekly", "Weekly", "A teacher's march", (QUOTE, "Something only the weekly wrote about the march."))
    tribune = article("d-tribune", "The Tribune", "Opposition flags fill Minsk", (FLAGS, "The Tribune's own closing line."))
    bare = article("e-5365bef", None, None, ("A plain text file with no metadata.", QUOTE))
    daily2 = article("f-daily", "The Daily", "Lukashenko claims victory again", ("A different story entirely, told at length.",))
    articles = (wire, daily, weekly, tribune, bare, daily2)
    passages = (
        passage(daily, wire, STORY, "reporting"), passage(daily, wire, FLAGS, "reporting"),
        passage(weekly, wire, QUOTE, "quote"), passage(tribune, wire, FLAGS, "reporting"),
        passage(daily, tribune, FLAGS, "reporting"), passage(bare, wire, QUOTE, "quote"),
        passage(weekly, bare, QUOTE, "quote"),
    )
    ordered = sorted(articles, key=lambda a: a.id)
    attributions = (
        Attribution("a-wire", "AFP", "explicit", 1.0, credits=wire.metadata.credits),
        Attribution("b-daily", "AFP", "inferred", 0.62),
        Attribution("d-tribune", "AFP", "inferred", 0.55),
    )
    result = ReuseResult(summarise(ordered, list(passages)), passages, (), attributions,
                         summarise_pairs(ordered, list(passages)))
    return Processed(tuple(ordered), result, (LoadError("corpus/broken.html", "no article found in the page"),))


def plain(static) -> str:
    """What a Static holding a Rich renderable shows, as text."""
    return rendered(static.content)


def app_of(corpus: Processed, settings) -> BrowseApp:
    return BrowseApp(lambda progress: corpus, settings)


def test_names_fill_the_tables_title_else_file_name(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(160, 40)) as pilot:
            screen = await loaded(pilot)
            rows = [screen.tables()[0].row_text(i) for i in range(screen.tables()[0].row_count)]
            assert any("Minsk marchers defy crackdown" in row and row.startswith("The Daily") for row in rows)
            assert any(row.startswith("-") and "e-5365bef.txt" in row for row in rows)  # no metadata: the file's name
            pair_rows = [screen.tables()[1].row_text(i) for i in range(screen.tables()[1].row_count)]
            assert any("AFP: Belarus protesters demand Lukashenko quit" in row for row in pair_rows)

    asyncio.run(run())


def test_slash_searches_names_and_text_and_escape_clears(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            everything = (article_ids(screen), shown_pairs(screen))
            await pilot.press("slash", *"weekly wrote", "enter")  # words of one article's text only
            assert article_ids(screen) == ["c-weekly"]
            assert shown_pairs(screen) and all("c-weekly" in pair for pair in shown_pairs(screen))
            assert screen.tables()[0].has_focus
            await pilot.press("escape", "slash", *"TRIBUNE", "enter")  # a title, in another case
            assert article_ids(screen) == ["d-tribune"]
            await pilot.press("escape")
            assert (article_ids(screen), shown_pairs(screen)) == everything and screen.filters.query == ""

    asyncio.run(run())


def test_typing_in_the_search_box_narrows_the_tables_after_a_pause(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            await pilot.press("slash", *"5365bef")
            await pilot.pause(0.5)
            assert article_ids(screen) == ["e-5365bef"] and screen.query_one("#browse-search").has_focus

    asyncio.run(run())


def test_s_sorts_by_each_column_in_turn_and_r_reverses(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            articles = screen.tables()[0]
            words = {d.doc_id: d.words for d in screen.data.documents}
            while articles.sort_column != "words":
                await pilot.press("s")
            assert [words[i] for i in article_ids(screen)] == sorted(words.values(), reverse=True)
            assert "words ▼" in articles.header_text()
            await pilot.press("r")
            assert [words[i] for i in article_ids(screen)] == sorted(words.values())
            while articles.sort_column != "outlet":
                await pilot.press("s")
            outlets = [screen.data.documents[n].outlet for n in articles.records]
            assert outlets[-1] is None and outlets[:-1] == sorted(outlets[:-1], key=str.casefold)

    asyncio.run(run())


def test_clicking_a_column_title_sorts_the_pairs_by_it(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            table = screen.tables()[1]
            x = table.header_text().index("passages")
            await pilot.click("#browse-pairs", offset=(x + 1, 0))
            counts = [len(screen.data.pairs[r].passages) for r in table.records]
            assert table.sort_column == "passages" and counts == sorted(counts, reverse=True)
            await pilot.click("#browse-pairs", offset=(x + 1, 0))
            assert [len(screen.data.pairs[r].passages) for r in table.records] == sorted(counts)

    asyncio.run(run())


def test_outlet_agency_and_kind_filters(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            await pilot.press("o")
            await pilot.press(*"The Daily")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert screen.filters.outlet == "The Daily"
            assert sorted(article_ids(screen)) == ["b-daily", "f-daily"]
            assert shown_pairs(screen) and all("b-daily" in pair for pair in shown_pairs(screen))
            assert "outlet:The Daily" in [b.description for _, b in screen._bindings if b.key == "o"]
            await pilot.press("a")  # AFP: the only agency
            assert screen.filters.agency == "AFP" and article_ids(screen) == ["b-daily"]
            screen.set_filter(outlet=None, agency=None)
            await pilot.press("k")
            assert screen.filters.kind == "reporting"
            kinds = {pair: screen.data.pairs[r] for pair, r in zip(shown_pairs(screen), screen.tables()[1].records)}
            assert kinds and all(p.reporting_words > p.quote_words for p in kinds.values())
            await pilot.press("k")
            assert screen.filters.kind == "quote" and all(("a-wire" in p or "c-weekly" in p or "e-5365bef" in p)
                                                          for p in shown_pairs(screen))

    asyncio.run(run())


def test_failed_inputs_are_listed_until_e_hides_them(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            panel = screen.query_one("#browse-failed")
            assert panel.display and "corpus/broken.html: no article found" in str(
                screen.query_one("#browse-failed-list").render())
            assert "1 failed" in str(screen.query_one("#browse-status").render())
            await pilot.press("e")
            assert not panel.display

    asyncio.run(run())


def test_status_line_fits_100_columns_and_keeps_the_filters_in_view(settings):
    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            screen.set_filter(agency="AFP", outlet="The Tribune", kind="reporting",
                              query="a long search for the red-and-white flags", article="d-tribune")
            await pilot.pause()
            line = str(screen.query_one("#browse-status").render()).splitlines()[0]
            assert len(line) <= 100
            assert "agency AFP · outlet The Tribune · kind reporting" in line

    asyncio.run(run())


def many_pairs(count: int) -> Processed:
    """``count`` articles sharing one sentence: count * (count - 1) / 2 pairs."""
    articles = tuple(article(f"n{n:03}", f"Outlet {n % 7}", f"Story {n}", (f"Opening {n}.", STORY)) for n in range(count))
    passages = [passage(a, b, STORY, "reporting") for i, a in enumerate(articles) for b in articles[i + 1:]]
    result = ReuseResult(summarise(articles, passages), tuple(passages), (), (), summarise_pairs(articles, passages))
    return Processed(articles, result)


def test_no_row_cap_every_pair_is_in_the_table(settings):
    async def run() -> None:
        async with app_of(many_pairs(90), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            table = screen.tables()[1]
            assert table.row_count == 90 * 89 // 2 == len(screen.data.pairs)
            table.focus()
            await pilot.press("end")
            last = screen.data.pairs[table.records[-1]]
            assert table.cursor == table.row_count - 1 and f"Story {int(last.right_id[1:])}" in table.row_text(table.cursor)
            assert "4,005/4,005 pairs" in str(screen.query_one("#browse-status").render())

    asyncio.run(run())


def test_question_mark_explains_keys_and_symbols_and_escape_closes(settings):
    from srccompare.tui.screens.help import HelpScreen

    async def run() -> None:
        async with app_of(newsroom(), settings).run_test(size=(100, 30)) as pilot:
            screen = await loaded(pilot)
            await pilot.press("question_mark")
            help_screen = pilot.app.screen
            assert isinstance(help_screen, HelpScreen)
            keys, legend = plain(help_screen.query_one("#help-keys")), plain(help_screen.query_one("#help-legend"))
            assert "Choose the outlet filter" in keys and "Search names and text" in keys
            assert "AFP~9%" in legend and "inferred" in legend
            await pilot.press("escape")
            assert pilot.app.screen is screen

    asyncio.run(run())


# --- the look --------------------------------------------------------------------------------------

async def settle(pilot) -> None:
    await loaded(pilot)


def test_snapshot_browse_names_and_failed_inputs(snap_compare, settings):
    assert snap_compare(app_of(newsroom(), settings), terminal_size=(100, 30), run_before=settle)


def test_snapshot_browse_searched(snap_compare, settings):
    assert snap_compare(app_of(newsroom(), settings), terminal_size=(100, 30), run_before=settle,
                        press=["slash", *"flags", "enter"])


def test_snapshot_browse_sorted_by_outlet(snap_compare, settings):
    assert snap_compare(app_of(newsroom(), settings), terminal_size=(100, 30), run_before=settle, press=["s", "s", "s"])


def test_snapshot_browse_filtered_by_agency_and_kind(snap_compare, settings):
    assert snap_compare(app_of(newsroom(), settings), terminal_size=(100, 30), run_before=settle,
                        press=["a", "k", "tab"])


def test_snapshot_browse_help(snap_compare, settings):
    assert snap_compare(app_of(newsroom(), settings), terminal_size=(100, 30), run_before=settle,
                        press=["question_mark"])
