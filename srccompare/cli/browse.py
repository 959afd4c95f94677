"""``srccompare browse``: the corpus in the TUI, articles by reuse, pairs by what they share."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from srccompare.cli.common import fail, report_error, settings_from, wire_inputs
from srccompare.cli.web import WebOptions, web_options
from srccompare.corpus import WireInput
from srccompare.settings import Settings

if TYPE_CHECKING:  # Textual is imported only when the TUI starts
    from srccompare.corpus import Progress
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
    for error in web_errors:
        report_error(error)
    inputs = tuple(expanded)
    wire = wire_inputs(wire_values)
    for name in [*inputs, *(entry.path for entry in wire)]:
        if name == "-":
            fail("-: browse reads files and directories, not stdin (the terminal is the TUI's)")
        if "://" not in name and not Path(name).exists():
            fail(f"{name}: no such file or directory")
    from srccompare.tui.browse_app import BrowseApp

    BrowseApp(partial(process, inputs, wire, settings, workers or os.cpu_count() or 1), settings).run()
    return 0


def process(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings, workers: int,
            progress: Progress) -> Processed:
    """The browse screen's job (run in its worker thread): read, clean, find reuse."""
    from srccompare.corpus import load_corpus
    from srccompare.reuse import find_reuse
    from srccompare.tui.screens.browse import Processed

    corpus = load_corpus(inputs, wire, settings, progress)
    if not corpus.articles:
        first = corpus.errors[0] if corpus.errors else None
        raise ValueError(f"no article could be read ({first.source}: {first.problem})" if first else "no article given")
    result = find_reuse(corpus.articles, settings, wire=corpus.wire, workers=workers, progress=progress)
    return Processed(corpus.articles, result, corpus.errors)
