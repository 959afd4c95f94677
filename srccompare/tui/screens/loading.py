"""What the diff app shows while its inputs are read and cleaned (in a worker thread).

Painting this first keeps the launch quick: reading and cleaning (and
importing the extractor) happen after the terminal already shows something.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from srccompare.model import CleanArticle, LoadError
from srccompare.report.diff_segments import visible
from srccompare.settings import Settings
from srccompare.tui.messages import ArticlesLoaded, LoadFailed

Loader = Callable[[], "tuple[CleanArticle, CleanArticle] | list[LoadError]"]


class LoadingScreen(Screen[None]):
    """Names the inputs, loads them off the UI thread, then hands over to the diff screen."""

    BINDINGS = [("q", "app.quit", "Quit")]

    def __init__(self, loader: Loader, settings: Settings, names: tuple[str, str]) -> None:
        super().__init__()
        self.loader, self.settings, self.names = loader, settings, names

    def compose(self) -> ComposeResult:
        text = Text("srccompare diff: reading and cleaning\n", style="bold")
        for name in self.names:
            text.append(f"  {visible(name)}\n")
        yield Static(text, id="loading")

    def on_mount(self) -> None:
        self.run_worker(self._load, thread=True, exclusive=True, group="load")

    def _load(self) -> None:
        """In a worker thread; the app (not this screen, which is about to go) gets the outcome."""
        loaded = self.loader()
        import srccompare.tui.screens.diff  # noqa: F401  (imported here, off the UI thread, for what comes next)
        if isinstance(loaded, list):
            self.app.post_message(LoadFailed([f"{error.source}: {error.problem}" for error in loaded]))
        else:
            self.app.post_message(ArticlesLoaded(*loaded))
