"""``srccompare browse``: the corpus in the TUI, articles by reuse, pairs by what they share.

The inputs are read and cleaned before the TUI starts (a progress bar on
stderr, as ``reuse`` shows it), so bad inputs meet the same rules as in every
command: when none can be read, one line each and exit 3 with no TUI; when
some can, the TUI shows the others (and notes the skipped ones), and after it
closes each failure gets its line on stderr and the status is 1. Finding the
reuse, the slow part, runs in the TUI's worker thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

import click

from srccompare.cli.common import (EXIT_ALL_FAILED, EXIT_INTERNAL, fail, report_error, settings_from, summarise_failures,
                                   wire_inputs)
from srccompare.cli.web import WebOptions, web_options
from srccompare.corpus import Corpus, WireInput
from srccompare.model import LoadError
from srccompare.settings import Settings

if TYPE_CHECKING:  # Textual is imported only when the TUI starts
    from srccompare.corpus import Progress
    from srccompare.tui.browse_app import BrowseApp
    from srccompare.tui.screens.browse import Processed


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--wire", "wire_values", multiple=True, metavar="AGENCY=PATH",
              help="Agency copy to attribute against, e.g. --wire Reuters=wire/reuters/ (repeatable).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes for the heavy steps (default: the number of CPUs).")
@web_options
@click.pass_context
def browse(ctx: click.Context, inputs: tuple[str, ...], wire_values: tuple[str, ...], workers: int | None,
           web: WebOptions) -> int:
    """Browse the reuse in a corpus (files, directories, JSON Lines, URLs): Enter on a pair shows it side by side."""
    settings = settings_from(ctx, web.overrides())
    expanded, web_errors = web.expand(inputs, settings)
    wire = wire_inputs(wire_values)
    if "-" in expanded or any(entry.path == "-" for entry in wire):
        fail("-: browse reads files and directories, not stdin (the terminal is the TUI's)")
    return browse_corpus(expanded, wire, settings, workers or os.cpu_count() or 1, tuple(web_errors))


def browse_corpus(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings, workers: int,
                  earlier_errors: tuple[LoadError, ...] = (), run_app: Callable[[BrowseApp], object] | None = None) -> int:
    """Read and clean the inputs, show them in the TUI (``run_app``, default ``App.run``), return the exit status."""
    from srccompare.cli.reuse import progress_reporter
    from srccompare.corpus import load_corpus

    with progress_reporter() as progress:
        corpus = load_corpus(inputs, wire, settings, progress, workers)
    errors = (*earlier_errors, *corpus.errors)
    if not corpus.articles:
        for error in errors:
            report_error(error)
        fail("no article could be read; nothing to browse", EXIT_ALL_FAILED)
    from srccompare.tui.browse_app import BrowseApp

    app = BrowseApp(partial(find_in, corpus, settings, workers, earlier_errors=tuple(earlier_errors)), settings)
    (run_app or BrowseApp.run)(app)
    for error in errors:
        report_error(error)
    if app.failure is not None:
        report_error(LoadError("browse", f"cannot process the corpus ({app.failure})"))
        return EXIT_INTERNAL
    return summarise_failures(len(errors), corpus.inputs + len(earlier_errors))


def find_in(corpus: Corpus, settings: Settings, workers: int, progress: Progress,
            earlier_errors: tuple[LoadError, ...] = ()) -> Processed:
    """The browse screen's job (run in its worker thread): find the reuse in a read and cleaned corpus
    (``earlier_errors``: inputs that failed before it was read, listed with its own failures)."""
    from srccompare.reuse import find_reuse
    from srccompare.tui.screens.browse import Processed

    result = find_reuse(corpus.articles, settings, wire=corpus.wire, workers=workers, progress=progress)
    return Processed(corpus.articles, result, (*earlier_errors, *corpus.errors))
