"""``srccompare diff`` on a terminal: an App that shows one DiffScreen."""

from __future__ import annotations

from textual.app import App

from srccompare.model import CleanArticle, DiffResult
from srccompare.settings import Settings
from srccompare.tui.screens.diff import DiffScreen


class DiffApp(App[None]):
    """Two articles side by side; ``q`` quits."""

    TITLE = "srccompare diff"
    CSS_PATH = "srccompare.tcss"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self, left: CleanArticle, right: CleanArticle, settings: Settings, result: DiffResult | None = None
    ) -> None:
        super().__init__()
        self.left, self.right, self.settings, self.result = left, right, settings, result

    def get_default_screen(self) -> DiffScreen:
        return DiffScreen(self.left, self.right, self.settings, self.result)
