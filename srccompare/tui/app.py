"""``srccompare diff`` on a terminal: an App that shows one DiffScreen."""

from __future__ import annotations

from textual.app import App

from srccompare.model import CleanArticle, DiffResult
from srccompare.settings import Settings
from srccompare.tui.messages import ArticlesLoaded, LoadFailed
from srccompare.tui.screens.loading import Loader, LoadingScreen


class DiffApp(App[None]):
    """Two articles side by side; ``q`` quits.

    Give it the two cleaned articles, or (``DiffApp.loading``) a loader that
    reads and cleans them: the app then paints at once and loads in a worker.
    After ``run()``, ``load_problems`` lists what could not be read (one line each).
    """

    TITLE = "srccompare diff"
    CSS_PATH = "srccompare.tcss"

    def __init__(
        self,
        left: CleanArticle | None,
        right: CleanArticle | None,
        settings: Settings,
        result: DiffResult | None = None,
        *,
        loader: Loader | None = None,
        names: tuple[str, str] = ("", ""),
    ) -> None:
        super().__init__()
        self.left, self.right, self.settings, self.result = left, right, settings, result
        self.loader, self.names = loader, names
        self.load_problems: list[str] = []

    @classmethod
    def loading(cls, loader: Loader, settings: Settings, names: tuple[str, str]) -> DiffApp:
        return cls(None, None, settings, loader=loader, names=names)

    def on_mount(self) -> None:
        if self.loader is not None:
            self.push_screen(LoadingScreen(self.loader, self.settings, self.names))
            return
        from srccompare.tui.screens.diff import DiffScreen  # imported once there is something to show

        assert self.left is not None and self.right is not None
        self.push_screen(DiffScreen(self.left, self.right, self.settings, self.result, close_quits=True))

    def on_articles_loaded(self, message: ArticlesLoaded) -> None:
        from srccompare.tui.screens.diff import DiffScreen

        self.switch_screen(DiffScreen(message.left, message.right, self.settings, close_quits=True))

    def on_load_failed(self, message: LoadFailed) -> None:
        self.load_problems = message.problems
        self.exit(return_code=3)
