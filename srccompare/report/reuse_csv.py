"""``srccompare reuse --format csv``: one article pair a line, ranked by shared words.

Each side is named as the other reports name it (``left_name``: the title,
else the file name) beside its id, outlet and source.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from srccompare.model import CleanArticle, DocumentSummary, ReuseResult
from srccompare.display.names import article_name
from srccompare.display.visible import visible

COLUMNS = (
    "left_id", "left_name", "left_outlet", "left_source", "right_id", "right_name", "right_outlet", "right_source",
    "passages", "shared_words", "left_shared_words", "left_share", "right_shared_words", "right_share",
    "reporting_words", "quote_words", "similarity",
)


def as_csv(result: ReuseResult, articles: Sequence[CleanArticle]) -> str:
    documents = {document.doc_id: document for document in result.documents}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(COLUMNS)
    # Every text cell quoted (and, through ``inert``, without CR, LF or any other control left in it).
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    for pair in result.pairs:
        left, right = documents.get(pair.left_id), documents.get(pair.right_id)
        writer.writerow((
            inert(pair.left_id), _name(left), _field(left, "outlet"), _field(left, "source"),
            inert(pair.right_id), _name(right), _field(right, "outlet"), _field(right, "source"),
            len(pair.passages), pair.words,
            pair.left_words, _share(pair.left_words, left), pair.right_words, _share(pair.right_words, right),
            pair.reporting_words, pair.quote_words, pair.similarity,
        ))
    return buffer.getvalue()


def _name(document: DocumentSummary | None) -> str:
    """The article's title, else its file name (as the table and the HTML page call it)."""
    return inert(article_name(document.title, document.source, document.doc_id)) if document is not None else ""


def _field(document: object, name: str) -> str:
    value = getattr(document, name, None) if document is not None else None
    return "" if value is None else inert(str(value))


def inert(text: str) -> str:
    """Text a spreadsheet will not run as a formula, nor read as more than one cell: control
    characters made visible (CR, LF and tab too, srccompare/display/visible.py), and a quote put first when
    the first character that is not white space starts a formula (" =1+1" is one to some)."""
    text = visible(text)
    return "'" + text if text.lstrip()[:1] in FORMULA_STARTS else text


# Cells starting with these are formulas to Excel, LibreOffice and Google Sheets (OWASP "CSV
# injection"), the full-width forms included; tab and CR, also on OWASP's list, are made visible.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")


def _share(words: int, document: object) -> float:
    total = getattr(document, "words", 0) if document is not None else 0
    return round(words / total, 4) if total else 0.0
