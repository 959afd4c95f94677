"""A reuse result to its report: the format from the user's choice or the output's suffix, then the writer of
that format (``reuse`` and ``index query`` report alike)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from srccompare.model import CleanArticle, ReuseResult
from srccompare.report.output import emit, write_report_file

FORMATS = ("table", "json", "jsonl", "csv", "html")
SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".html": "html", ".htm": "html", ".txt": "table"}


def default_format(output: Path | None) -> str:
    """From --output's suffix; else table on a terminal, json in a pipe."""
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "json")
    return "table" if sys.stdout.isatty() else "json"


def render(result: ReuseResult, articles: Sequence[CleanArticle], fmt: str, texts: bool = False) -> str:
    from srccompare.report import reuse_csv, reuse_html, reuse_json, reuse_jsonl, reuse_table

    writers: dict[str, Callable[[ReuseResult, Sequence[CleanArticle]], str]] = {
        "table": reuse_table.as_text, "json": reuse_json.as_json, "jsonl": reuse_jsonl.as_jsonl,
        "csv": reuse_csv.as_csv, "html": partial(reuse_html.as_html, texts=texts),
    }
    return writers[fmt](result, articles)


def write_report(result: ReuseResult, articles: Sequence[CleanArticle], fmt: str, output: Path | None,
                 texts: bool = False) -> None:
    """A rich table on a terminal, else the chosen format to stdout or (atomically) to ``output``."""
    if output is not None:
        write_report_file(output, render(result, articles, fmt, texts))
    elif fmt == "table" and sys.stdout.isatty():
        from rich.console import Console

        from srccompare.report import reuse_table

        Console(highlight=False, markup=False, emoji=False).print(reuse_table.as_renderable(result, articles))
    else:
        emit([render(result, articles, fmt, texts)])
