"""The diff view's header: both articles (outlet, title, date), what they share, the cursor row."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from srccompare.model import CleanArticle, DiffResult, Row
from srccompare.report.diff_segments import article_heading, paragraph_label, share_line, visible

STATUS_WORDS = {
    "same": "same",
    "changed": "changed",
    "moved": "moved",
    "only_left": "left only",
    "only_right": "right only",
}


class DiffHeader(Widget):
    """Two headings side by side over a line saying what the articles share."""

    DEFAULT_CSS = """
    DiffHeader { height: auto; }
    """

    status: reactive[str] = reactive("")

    def __init__(self, left: CleanArticle, right: CleanArticle, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.left = left
        self.right = right
        self.result: DiffResult | None = None

    def show(self, left: CleanArticle, right: CleanArticle, result: DiffResult) -> None:
        self.left, self.right, self.result = left, right, result
        self.status = ""
        self.refresh(layout=True)

    def describe(self, row: Row, index: int, passage_rows: tuple[int, ...] = ()) -> None:
        """Put the cursor row's status, paragraphs and similarity (and which shared passage
        starts there) on the status line."""
        if self.result is None:
            return
        where = " / ".join(
            label for label in (paragraph_label(row, "left"), paragraph_label(row, "right")) if label
        )
        detail = f"row {index + 1}/{len(self.result.rows)} · {STATUS_WORDS[row.status]} {where}"
        if row.status in ("changed", "moved"):
            detail += f" · similarity {row.similarity:.0%}"
        if row.minor:
            detail += " · minor differences"
        if index in passage_rows:
            detail += f" · shared passage {passage_rows.index(index) + 1} of {len(passage_rows)} starts here"
        self.status = detail

    def render(self) -> Group:
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
        grid.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
        grid.add_row(self._heading("◀ ", self.left), self._heading("▶ ", self.right))
        grid.add_row(Text(self._where(self.left), style="dim"), Text(self._where(self.right), style="dim"))
        lines = [grid, Text(self._shared(), style="dim", no_wrap=True, overflow="ellipsis")]
        lines.append(Text(visible(self.status), style="dim", no_wrap=True, overflow="ellipsis"))
        return Group(*lines)

    def _shared(self) -> str:
        return "aligning..." if self.result is None else share_line(self.result)

    @staticmethod
    def _where(article: CleanArticle) -> str:
        """Where the article came from: its URL (its own, else the one it was fetched from), else its file."""
        url = article.metadata.url or (article.source if "://" in article.source else "")
        return "  " + visible(url or article.source)

    def _heading(self, mark: str, article: CleanArticle) -> Text:
        text = Text(mark, style="bold")
        text.append(article_heading(article), style="bold")
        return text
