"""The TUI tests' helpers (handed out as fixtures by ``conftest.py``; imported by modules whose
hand-built corpora are made outside any fixture)."""

from __future__ import annotations

import io

from rich.console import Console

from srccompare.model import CleanArticle, Credit, Metadata, Passage
from srccompare.reuse.attribute import count_words

STORY = ("Thousands of protesters marched through Minsk on Sunday demanding the resignation of "
         "President Alexander Lukashenko after a disputed election.")
QUOTE = '"We will not stop until there are new and fair elections," said one marcher, a teacher.'
FLAGS = ("Demonstrators waved the red-and-white flags of the opposition and called on Lukashenko to step down "
         "after he claimed a sixth term.")


def article(doc_id: str, outlet: str | None, title: str | None, paragraphs: tuple[str, ...],
            credits: tuple[Credit, ...] = (), folder: str = "corpus/") -> CleanArticle:
    """A plain-text article ``{folder}{doc_id}.txt`` with this outlet, title and credits."""
    return CleanArticle(doc_id, f"{folder}{doc_id}.txt", "text", Metadata(title=title, outlet=outlet, credits=credits),
                        paragraphs)


def passage(left: CleanArticle, right: CleanArticle, text: str, kind: str) -> Passage:
    """``text``, verbatim in both articles, as their shared passage (a quote's words all quoted)."""
    ls, rs = left.body.index(text), right.body.index(text)
    quote_share = 1.0 if kind == "quote" else 0.0
    return Passage(left.id, ls, ls + len(text), right.id, rs, rs + len(text), 1.0, count_words(text), quote_share, kind)


def rendered(renderable, width: int = 200) -> str:
    """What a Rich renderable shows, as text."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


async def loaded(pilot):
    """The browse screen once its tables are filled (the worker's SUCCESS reaches the screen as a
    message, a moment after it ends; a BrowseJob shows the articles first, pending)."""
    from srccompare.tui.screens.browse import BrowseScreen

    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    for _ in range(100):
        await pilot.pause()
        if screen.data is not None and not screen.data.pending:
            break
    assert isinstance(screen, BrowseScreen) and screen.data is not None and not screen.data.pending
    return screen


async def aligned(app, pilot):
    """The diff screen's rows once aligned and the shared words counted (they arrive as messages after the worker ends)."""
    from srccompare.tui.widgets.rows import AlignedRows

    await app.workers.wait_for_complete()
    for _ in range(400):  # up to 20 s: counting starts a moment after the rows show, and loads numba
        await pilot.pause(0.05)
        result = getattr(app.screen, "result", None)
        if result is not None and result.shared is not None:
            break
    # The count's landing relayouts and may scroll on the next layout: let that run too (a loaded
    # machine otherwise catches the cursor moved but the view not yet scrolled).
    await pilot.pause(0.1)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    return app.screen.query_one(AlignedRows)


def article_ids(screen) -> list[str]:
    """The browse screen's article table, as document ids in the order shown."""
    return [screen.data.documents[n].doc_id for n in screen.tables()[0].records]


def shown_pairs(screen) -> list[tuple[str, str]]:
    """The browse screen's pair table, as (left id, right id) in the order shown."""
    return [(screen.data.pairs[rank].left_id, screen.data.pairs[rank].right_id) for rank in screen.tables()[1].records]
