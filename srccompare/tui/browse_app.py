"""The app ``srccompare browse`` runs: the browse screen first, the diff screen on demand."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from srccompare.settings import Settings
from srccompare.tui.screens.browse import BrowseScreen, Processed, Progress


class BrowseApp(App):
    TITLE = "srccompare browse"

    def __init__(self, job: Callable[[Progress], Processed], settings: Settings) -> None:
        super().__init__()
        self.job = job
        self.settings = settings

    def on_mount(self) -> None:
        self.push_screen(BrowseScreen(self.job, self.settings))
