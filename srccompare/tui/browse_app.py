"""The app ``srccompare browse`` runs: the browse screen first, the diff screen on demand."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from srccompare.model import LoadError
from srccompare.settings import Settings
from srccompare.tui.messages import CorpusFailed
from srccompare.tui.browse_data import BrowseJob, Processed
from srccompare.tui.screens.browse import BrowseScreen, Progress


class BrowseApp(App[None]):
    """The corpus screen; Enter on a pair pushes the diff screen, whose q comes back here.

    After ``run()``: ``processed`` is what the job gave (None if it did not finish), ``unreadable``
    the failures when no input could be read, ``failure`` why the corpus could not be processed.
    """

    TITLE = "srccompare browse"
    # Textual does not load the CSS_PATH of a default screen (get_default_screen), only of pushed ones.
    CSS_PATH = "browse.tcss"

    def __init__(self, job: Callable[[Progress], Processed] | BrowseJob, settings: Settings) -> None:
        super().__init__()
        self.job = job
        self.settings = settings
        self.failure: str | None = None
        self.processed: Processed | None = None
        self.unreadable: tuple[LoadError, ...] = ()

    def get_default_screen(self) -> BrowseScreen:
        return BrowseScreen(self.job, self.settings)

    def on_corpus_failed(self, message: CorpusFailed) -> None:
        self.failure = message.problem
