"""``srccompare diff A B``: two articles side by side, in the TUI or as text, JSON or HTML."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from srccompare.cli.common import (
    EXIT_ALL_FAILED,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    fail,
    one_line,
    report_error,
    settings_from,
)
from srccompare.report.output import emit, write_report_file
from srccompare.model import CleanArticle, LoadError
from srccompare.settings import Settings

FORMATS = ("tui", "text", "json", "html")
SUFFIXES = {".html": "html", ".htm": "html", ".json": "json"}
# Widest text output: a million columns made 69 MB of spaces out of two short articles.
MAX_WIDTH = 1_000


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
@click.option("--width", type=click.IntRange(min=40, max=MAX_WIDTH), default=None,
              help=f"Text width, 40 to {MAX_WIDTH:,} (default: the terminal's, else 100).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (atomically) instead of stdout; the format follows its suffix unless given.",
)
@click.pass_context
def diff(ctx: click.Context, left: str, right: str, fmt: str | None, width: int | None, output: Path | None) -> int:
    """Align two articles (files, or - for stdin) paragraph by paragraph and word by word."""
    settings = settings_from(ctx)
    fmt = _choose_format(fmt, output)
    if fmt == "tui":
        return _run_tui(left, right, settings)
    loaded, skipped = load_pair_and_skipped(left, right, settings)
    if loaded is None:
        _fail_loading([f"{error.source}: {error.problem}" for error in skipped])
    left_article, right_article = loaded
    from srccompare.diff.shared import compare

    result = compare(left_article, right_article, settings)
    text = _render(fmt, left_article, right_article, result, width or _default_width())
    if output is not None:
        write_report_file(output, text)
    else:
        emit([text])
    return _report_skipped(skipped)


def _report_skipped(skipped: list[LoadError]) -> int:
    """Records of an input that failed beside the one article it held: said, and exit 1."""
    for error in skipped:
        report_error(error)
    return EXIT_SOME_FAILED if skipped else 0


def _run_tui(left: str, right: str, settings: Settings) -> int:
    """The app paints first and loads in a worker; what could not be read is reported after it exits."""
    from srccompare.tui.app import DiffApp

    skipped: list[LoadError] = []

    def load() -> tuple[CleanArticle, CleanArticle] | list[LoadError]:
        pair, problems = load_pair_and_skipped(left, right, settings)
        skipped.extend(problems if pair is not None else ())
        return pair if pair is not None else problems

    app = DiffApp.loading(load, settings, (left, right))
    app.run()
    if app.load_problems:
        _fail_loading(app.load_problems)
    return _report_skipped(skipped)


def _fail_loading(problems: list[str]) -> None:
    for problem in problems:
        click.echo(f"srccompare: {one_line(problem)}", err=True)
    sys.exit(EXIT_ALL_FAILED)


def _choose_format(fmt: str | None, output: Path | None) -> str:
    if fmt == "tui" and output is not None:
        fail("--output cannot be used with --format tui", EXIT_USAGE)
    if fmt is not None:
        return fmt
    if output is not None:
        return SUFFIXES.get(output.suffix.lower(), "text")
    return "tui" if sys.stdout.isatty() and sys.stdin.isatty() else "text"


def load_pair_and_skipped(left: str, right: str, settings: Settings) -> tuple[tuple[CleanArticle, CleanArticle] | None, list[LoadError]]:
    """Both articles and the records skipped beside them (a JSON Lines file of one good record and
    bad ones), or None and what went wrong."""
    loaded = [_load_one(source, settings) for source in (left, right)]
    problems = [error for _, errors in loaded for error in errors]
    if loaded[0][0] is None or loaded[1][0] is None:
        return None, problems
    return (loaded[0][0], loaded[1][0]), problems


def _load_one(source: str, settings: Settings) -> tuple[CleanArticle | None, list[LoadError]]:
    """Load and clean one input on its own (cleaning both together would drop the lines
    two versions of one outlet's story share, as that outlet's boilerplate)."""
    from srccompare.ingest.corpus import load_and_clean, within_word_limit

    loaded, errors = load_and_clean([source], settings)
    checked = [within_word_limit(article, settings) for article in loaded]
    articles = [item for item in checked if isinstance(item, CleanArticle)]
    errors += [item for item in checked if isinstance(item, LoadError)]
    if errors and not articles:
        return None, errors
    if len(articles) != 1:
        count = f"{len(articles)} articles" if articles else "no article"
        return None, errors + [LoadError(source, f"holds {count}; diff takes one article a side")]
    return articles[0], errors


def _default_width() -> int:
    if sys.stdout.isatty():
        return min(shutil.get_terminal_size((100, 24)).columns, MAX_WIDTH)
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
