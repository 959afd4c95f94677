"""``srccompare diff A B``: two articles side by side, in the TUI or as text, JSON or HTML."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from srccompare.cli.common import (
    EXIT_ALL_FAILED,
    EXIT_USAGE,
    emit,
    fail,
    report_error,
    settings_from,
    write_atomically,
)
from srccompare.model import CleanArticle
from srccompare.settings import Settings

FORMATS = ("tui", "text", "json", "html")
SUFFIXES = {".html": "html", ".htm": "html", ".json": "json"}


@click.command()
@click.argument("left")
@click.argument("right")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="tui: the interactive view (default on a terminal); text: plain side by side "
    "(default otherwise); json: the aligned rows; html: one self-contained page.",
)
@click.option("--width", type=click.IntRange(min=40), default=None, help="Text width (default: the terminal's, else 100).")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of stdout; the format follows its suffix unless given.",
)
@click.pass_context
def diff(ctx: click.Context, left: str, right: str, fmt: str | None, width: int | None, output: Path | None) -> int:
    """Align two articles (files, or - for stdin) paragraph by paragraph and word by word."""
    settings = settings_from(ctx)
    fmt = _choose_format(fmt, output)
    articles = [_load_one(source, settings) for source in (left, right)]
    if any(article is None for article in articles):
        sys.exit(EXIT_ALL_FAILED)
    left_article, right_article = articles
    assert left_article is not None and right_article is not None
    if fmt == "tui":
        from srccompare.tui.app import DiffApp

        DiffApp(left_article, right_article, settings).run()
        return 0
    from srccompare.diff import diff_articles

    result = diff_articles(left_article, right_article, settings.diff)
    text = _render(fmt, left_article, right_article, result, width or _default_width())
    if output is not None:
        write_atomically(output, text)
    else:
        emit([text])
    return 0


def _choose_format(fmt: str | None, output: Path | None) -> str:
    if fmt == "tui" and output is not None:
        fail("--output cannot be used with --format tui", EXIT_USAGE)
    if fmt is not None:
        return fmt
    if output is not None:
        return SUFFIXES.get(output.suffix.lower(), "text")
    return "tui" if sys.stdout.isatty() and sys.stdin.isatty() else "text"


def _load_one(source: str, settings: Settings) -> CleanArticle | None:
    """Load and clean one input on its own (cleaning both together would drop the lines
    two versions of one outlet's story share, as that outlet's boilerplate)."""
    from srccompare.clean import load_and_clean

    articles, errors = load_and_clean([source], settings)
    for error in errors:
        report_error(error)
    if errors and not articles:
        return None
    if len(articles) != 1:
        count = f"{len(articles)} articles" if articles else "no article"
        click.echo(f"srccompare: {source}: holds {count}; diff takes one article a side", err=True)
        return None
    return articles[0]


def _default_width() -> int:
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return 100


def _render(fmt: str, left: CleanArticle, right: CleanArticle, result: object, width: int) -> str:
    if fmt == "json":
        from srccompare.report.diff_json import as_json

        return as_json(left, right, result)  # type: ignore[arg-type]
    if fmt == "html":
        from srccompare.report.diff_html import as_html

        return as_html(left, right, result)  # type: ignore[arg-type]
    from srccompare.report.diff_text import as_text

    return as_text(left, right, result, width)  # type: ignore[arg-type]
