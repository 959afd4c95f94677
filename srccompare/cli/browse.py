"""``srccompare browse``: the corpus in the TUI, articles by reuse, pairs by what they share.

On a terminal the TUI paints first and its worker thread reads and cleans the
inputs, shows the articles, then finds their reuse (the slow part); elsewhere
the inputs are read before the TUI starts (a progress bar on stderr, as
``reuse`` shows it). Bad inputs meet the same rules as in every command: when
none can be read, one line each and exit 3; when some can, the TUI shows the
others (and lists the skipped ones), and after it closes each failure gets its
line on stderr and the status is 1. What was read and found is kept in the
result cache (``ingest/cache.py``), so the same files browsed again show their
tables without reading or finding them again.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from srccompare.cli.common import (EXIT_ALL_FAILED, EXIT_INTERNAL, fail, report_error, settings_from, summarise_failures,
                                   wire_inputs)
from srccompare.cli.web import WebOptions, web_options
from srccompare.model import LoadError
from srccompare.settings import Settings

if TYPE_CHECKING:  # Textual is imported only when the TUI starts; the cleaner (and numba) in its worker
    from srccompare.ingest.corpus import Corpus, Progress, WireInput
    from srccompare.tui.browse_app import BrowseApp
    from srccompare.tui.browse_data import BrowseJob
    from srccompare.tui.screens.browse import Processed


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--wire", "wire_values", multiple=True, metavar="AGENCY=PATH",
              help="Agency copy to attribute against, e.g. --wire Reuters=wire/reuters/ (repeatable).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes for the heavy steps (default: the number of CPUs).")
@click.option("--fresh", is_flag=True,
              help="Find the reuse again, not from the result cache of an earlier browse (then cache it).")
@web_options
@click.pass_context
def browse(ctx: click.Context, inputs: tuple[str, ...], wire_values: tuple[str, ...], workers: int | None,
           fresh: bool, web: WebOptions) -> int:
    """Browse the reuse in a corpus (files, directories, JSON Lines, URLs): Enter on a pair shows it side by side."""
    settings = settings_from(ctx, web.overrides())
    expanded, web_errors = web.expand(inputs, settings)
    wire = wire_inputs(wire_values) if wire_values else []  # (parsing them imports the cleaner)
    if "-" in expanded or any(entry.path == "-" for entry in wire):
        fail("-: browse reads files and directories, not stdin (the terminal is the TUI's)")
    return browse_corpus(expanded, wire, settings, workers or os.cpu_count() or 1, tuple(web_errors), fresh=fresh)


def browse_corpus(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings, workers: int,
                  earlier_errors: tuple[LoadError, ...] = (), run_app: Callable[[BrowseApp], object] | None = None,
                  load_in_tui: bool | None = None, fresh: bool = False) -> int:
    """Read and clean the inputs, show them in the TUI (``run_app``, default ``App.run``), return the exit status.

    On a terminal (``load_in_tui``, by default when stdin and stdout are one and no ``run_app`` is
    given) the TUI paints first and reads in its worker, as ``diff`` does: when nothing can be read
    it closes with status 3 and the failures get their lines. Otherwise the inputs are read first,
    with progress on stderr, and nothing readable means status 3 without starting the TUI.
    """
    from srccompare.tui.browse_app import BrowseApp

    if load_in_tui is None:
        load_in_tui = run_app is None and sys.stdin.isatty() and sys.stdout.isatty()
    kept: list[tuple[str, object]] = []  # what the reading step found worth caching, stored after the finding
    if load_in_tui:
        read: Callable[[Progress], Corpus] = partial(read_inputs, inputs, wire, settings, workers, tuple(earlier_errors),
                                                     fresh=fresh, keep=kept)
    else:
        corpus = _with_errors(_load_before(inputs, wire, settings, workers, earlier_errors), tuple(earlier_errors))
        read = lambda progress: corpus  # noqa: E731
    app = BrowseApp(browse_job(read, settings, workers, fresh, kept), settings)
    (run_app or BrowseApp.run)(app)
    if app.unreadable:
        for error in app.unreadable:
            report_error(error)
        fail("no article could be read; nothing to browse", EXIT_ALL_FAILED)
    processed = app.processed
    errors = processed.errors if processed is not None else tuple(earlier_errors)
    for error in errors:
        report_error(error)
    if app.failure is not None:
        report_error(LoadError("browse", f"cannot process the corpus ({app.failure})"))
        return EXIT_INTERNAL
    return summarise_failures(len(errors), processed.inputs if processed is not None else len(errors))


def _load_before(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings, workers: int,
                 earlier_errors: tuple[LoadError, ...]) -> Corpus:
    """Read and clean before the TUI starts (progress on stderr); nothing readable: status 3."""
    from srccompare.cli.reuse import progress_reporter
    from srccompare.ingest.corpus import load_corpus

    with progress_reporter() as progress:
        corpus = load_corpus(inputs, wire, settings, progress, workers)
    if not corpus.articles:
        for error in (*earlier_errors, *corpus.errors):
            report_error(error)
        fail("no article could be read; nothing to browse", EXIT_ALL_FAILED)
    return corpus


def browse_job(read: Callable[[Progress], Corpus], settings: Settings, workers: int, fresh: bool = False,
               kept: Sequence[tuple[str, object]] = ()) -> BrowseJob:
    """Read (``read``), show the articles, then find their reuse (``find_in``), in the TUI's worker
    thread; once the tables show, keep what was found (and ``kept``) in the result cache."""
    from srccompare.tui.browse_data import BrowseJob

    later: list[tuple[str, object]] = []

    def find(corpus: Corpus, progress: Progress) -> Processed:
        return find_in(corpus, settings, workers, progress, fresh=fresh, also_keep=kept, keep_later=later)

    return BrowseJob(read, find, shown=lambda: _store_later(later) if later else None)


def read_inputs(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings, workers: int,
                earlier_errors: tuple[LoadError, ...], progress: Progress, fresh: bool = False,
                keep: list[tuple[str, object]] | None = None) -> Corpus:
    """The browse screen's first step when the TUI reads the inputs itself (in its worker thread): from
    the result cache when these files, unchanged, were browsed before with these settings (unless
    ``fresh``), else read, cleaned and kept there: at once, or (given ``keep``) noted there for the
    finding step to store when it is done, so that storing does not slow the finding down."""
    from srccompare.ingest.cache import inputs_key
    from srccompare.model import Corpus
    from srccompare.tui.browse_data import NothingToBrowse

    key = inputs_key(inputs, [(entry.agency, entry.path) for entry in wire], settings)
    corpus = None if fresh or key is None else _remembered(key, Corpus)
    if corpus is None:
        from srccompare.ingest.corpus import load_corpus

        corpus = load_corpus(inputs, wire, settings, progress, workers)
        if key is not None and keep is not None:
            keep.append((key, corpus))
        elif key is not None:
            _store_later([(key, corpus)])
    if not corpus.articles:
        raise NothingToBrowse((*earlier_errors, *corpus.errors))
    return _with_errors(corpus, earlier_errors)


def _with_errors(corpus: Corpus, earlier_errors: tuple[LoadError, ...]) -> Corpus:
    """The corpus with the inputs that failed before it was read listed first among its failures."""
    return replace(corpus, errors=(*earlier_errors, *corpus.errors), inputs=corpus.inputs + len(earlier_errors))


def find_in(corpus: Corpus, settings: Settings, workers: int, progress: Progress,
            earlier_errors: tuple[LoadError, ...] = (), fresh: bool = False,
            also_keep: Sequence[tuple[str, object]] = (),
            keep_later: list[tuple[str, object]] | None = None) -> Processed:
    """The browse screen's second step (run in its worker thread): the reuse in a read and cleaned corpus,
    from the result cache when this corpus was browsed before with these settings (unless ``fresh``),
    else found and then kept there, with ``also_keep``: at once, in a thread of its own, or (given
    ``keep_later``) noted there for the caller to store (``earlier_errors``: inputs that failed before
    it was read, listed with its own failures)."""
    from srccompare.ingest.cache import reuse_key
    from srccompare.model import ReuseResult
    from srccompare.tui.browse_data import Processed

    key = reuse_key(corpus.articles, corpus.wire, settings)
    result = None if fresh else _remembered(key, ReuseResult)
    if result is None:
        from srccompare.reuse import find_reuse

        workers = 1 if _characters(corpus, settings.reuse.engine.one_process_characters) else workers
        result = find_reuse(corpus.articles, settings, wire=corpus.wire, workers=workers, progress=progress)
        also_keep = [*also_keep, (key, result)]
    if keep_later is not None:
        keep_later.extend(also_keep)
    elif also_keep:
        _store_later(also_keep)
    return Processed(corpus.articles, result, (*earlier_errors, *corpus.errors), corpus.inputs + len(earlier_errors))


def _characters(corpus: Corpus, most: int) -> bool:
    """Whether the corpus's paragraphs hold at most ``most`` characters (see one_process_characters)."""
    total = 0
    for article in corpus.articles:
        total += sum(map(len, article.paragraphs))
        if total > most:
            return False
    return True


def _remembered(key: str, kind: type) -> Any:
    """The ``kind`` the result cache keeps under ``key``; None when it has none, or cannot be used
    (unwritable, damaged): the corpus is then read or its reuse found, as without a cache."""
    from srccompare.ingest.cache import CacheError, ResultCache, default_results_path

    try:
        with ResultCache(default_results_path()) as store:
            return store.get(key, kind)
    except CacheError:
        return None


def _store_later(items: Sequence[tuple[str, object]]) -> None:
    """Keep each (key, value) in the result cache, in a thread of its own while the tables show (the
    process waits for it before it ends); a cache that cannot be written is left alone."""
    from srccompare.ingest.cache import CacheError, ResultCache, default_results_path

    def store() -> None:
        try:
            with ResultCache(default_results_path()) as cache:
                for key, value in items:
                    cache.put(key, value)
        except CacheError:
            pass  # the next browse reads and finds it again

    threading.Thread(target=store, name="srccompare-store-result").start()
