"""The articles of a corpus, most reused first, with their agencies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from srccompare.model import Attribution, DocumentSummary
from srccompare.report.reuse_views import reused_share


class ArticleTable(DataTable):
    """One row an article (keyed by its id); cells are Text, so article data is never markup."""

    BINDINGS = [Binding("enter", "select_cursor", "Its pairs")]

    COLUMNS = ("outlet", "article", "words", "reused", "agencies", "top partner")
    WIDTHS = {"outlet": 16, "article": 14, "agencies": 22, "top partner": 22}

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for name in self.COLUMNS:
            self.add_column(Text(name), key=name, width=self.WIDTHS.get(name))

    def show(self, documents: Sequence[DocumentSummary], attributions: Mapping[str, Sequence[Attribution]],
             labels: Mapping[str, str]) -> None:
        """Replace the rows, keeping the cursor on the same article where it is still shown."""
        current = self.current_id
        self.clear()
        for document in documents:
            self.add_row(
                Text(document.outlet or "-"),
                Text(document.doc_id),
                Text(str(document.words), justify="right"),
                Text(f"{reused_share(document):.0%}", justify="right"),
                agencies_cell(attributions.get(document.doc_id, ())),
                Text(labels.get(document.top_partner, "-") if document.top_partner else "-"),
                key=document.doc_id,
            )
        if current is not None and current in self.rows:
            self.move_cursor(row=self.get_row_index(current))

    @property
    def current_id(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value


def agencies_cell(attributions: Sequence[Attribution]) -> Text:
    """"AFP, Reuters~5%": credited agencies in bold, inferred ones with ~ and their share."""
    text = Text()
    for number, attribution in enumerate(attributions):
        if number:
            text.append(", ")
        if attribution.how == "explicit":
            text.append(attribution.agency, style="bold")
        else:
            text.append(f"{attribution.agency}~{attribution.share:.0%}", style="italic")
    return text if attributions else Text("-")
