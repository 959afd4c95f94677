"""``srccompare index``: a persistent index to add articles to over time and ask about new ones.

``index add PATH...`` cleans and indexes articles (a batch a transaction);
``index query ARTICLE`` reports who in the index shares passages with an
article, in the formats of ``reuse``; ``index stats`` says what is in it.
The database is --db, else $SRCCOMPARE_DB, else ./srccompare.sqlite.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from srccompare.cli.common import (
    EXIT_ALL_FAILED,
    EXIT_USAGE,
    fail,
    one_line,
    open_store,
    report_error,
    settings_from,
    summarise_failures,
    wire_inputs,
)
from srccompare.index import default_db_path
from srccompare.process.interrupts import Interrupted
from srccompare.model import CleanArticle, LoadError
from srccompare.report.output import emit
from srccompare.report.reuse_report import FORMATS
from srccompare.settings import Settings
from srccompare.display.visible import visible

if TYPE_CHECKING:  # the loader and cleaner (trafilatura) are imported when used
    from srccompare.ingest.corpus import WireInput

# Articles per transaction. Postings land at random keys of large B-trees, so
# a commit rewrites about one page per posting until batches are large enough
# to share pages: adding 1,600 articles to a 10k-article index wrote 1.14 MB an
# article with batches of 200 and 0.24 MB with 800 (76 against 48 articles/s,
# bench/index_query.py's corpus). Larger batches lose more work to an
# interruption (re-added on the next run: adding is idempotent).
DEFAULT_BATCH = 1000
DB_HELP = "Index file (default: $SRCCOMPARE_DB, else ./srccompare.sqlite)."


@click.group()
def index() -> None:
    """A persistent index: add articles over time, ask which indexed articles share passages with a new one."""


@dataclass
class AddCounts:
    read: int = 0
    added: int = 0
    failed: list[LoadError] = field(default_factory=list)


@index.command("add")
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP)
@click.option("--wire", "wire_values", multiple=True, metavar="AGENCY=PATH",
              help="Index these files as an agency's copy, e.g. --wire Reuters=wire/reuters/ (repeatable).")
@click.option("--batch", type=click.IntRange(min=1), default=DEFAULT_BATCH, show_default=True,
              help="Articles per transaction (an interruption loses at most one batch).")
@click.pass_context
def add(ctx: click.Context, paths: tuple[str, ...], db: Path | None, wire_values: tuple[str, ...], batch: int) -> int:
    """Clean and index articles (files, directories, JSON Lines, - for stdin); adding one twice does nothing."""
    from srccompare.index.build import Indexer, add_articles
    from srccompare.reuse.sketch import index_parameters

    settings = settings_from(ctx)
    wire = wire_inputs(wire_values)
    db = db or default_db_path()
    counts = AddCounts()
    with open_store(db, settings, create=True) as store, add_progress(db) as progress:
        def report(done: int, added: int) -> None:
            counts.added = added
            if progress is not None:
                progress(done, added)

        try:
            outcome = add_articles(store, cleaned(paths, wire, settings, counts), Indexer(index_parameters(settings.reuse)),
                                   batch_size=batch, progress=report)
        except Interrupted as stop:
            stop.note = f"{one_line(str(db))}: the {counts.added} articles added before are kept"
            raise
    added = len(outcome.added)
    click.echo(f"srccompare: {one_line(str(db))}: {added} article{'' if added == 1 else 's'} added, "
               f"{len(outcome.duplicates)} already there", err=True)
    return summarise_failures(len(counts.failed), counts.read) if counts.failed else 0


def cleaned(paths: Sequence[str], wire: Sequence[WireInput], settings: Settings,
            counts: AddCounts) -> Iterator[tuple[CleanArticle, str | None]]:
    """Each input read and cleaned on its own, with its wire agency; failures reported as they come."""
    from srccompare.ingest.corpus import clean_loaded
    from srccompare.ingest.load import load_inputs
    from srccompare.rules import load_rules

    rules = load_rules()
    sources = [(list(paths), None)] + [([entry.path], entry.agency) for entry in wire]
    for inputs, agency in sources:
        for item in load_inputs(inputs, settings):
            counts.read += 1
            result = clean_loaded(item, settings, rules)
            if isinstance(result, LoadError):
                counts.failed.append(result)
                report_error(result)
            else:
                yield result, agency


@contextmanager
def add_progress(db: Path) -> Iterator[Callable[[int, int], None] | None]:
    """A spinner with the counts on stderr when it is a terminal; else nothing."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"indexing into {db}")

        def update(done: int, added: int) -> None:
            bar.update(task, description=f"indexing into {db}: {done} read, {added} added")

        yield update


@index.command("query")
@click.argument("article")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="As for reuse: table (default on a terminal), json (default otherwise), jsonl, csv, html.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file (atomically) instead of stdout.")
@click.pass_context
def query(ctx: click.Context, article: str, db: Path | None, fmt: str | None, output: Path | None) -> int:
    """Which indexed articles share passages with ARTICLE (a file, a URL or - for stdin), and whose copy it is."""
    from srccompare.index.query import query_index
    from srccompare.report.reuse_report import default_format, write_report

    settings = settings_from(ctx)
    with open_store(db or default_db_path(), settings, read_only=True) as store:
        answer = query_index(store, _one_article(article, settings), settings)
    if answer.known_as is not None:
        click.echo(f"srccompare: {one_line(article)}: already in the index as {one_line(answer.known_as)}", err=True)
    write_report(answer.result, answer.articles, fmt or default_format(output), output)
    return 0


def _one_article(name: str, settings: Settings) -> CleanArticle:
    from srccompare.ingest.corpus import clean_loaded
    from srccompare.ingest.load import load_inputs
    from srccompare.rules import load_rules

    items = list(load_inputs([name], settings))
    if len(items) != 1:
        fail(f"{name}: holds {len(items)} articles; give one article to query", EXIT_USAGE)
    item = items[0]
    result = clean_loaded(item, settings, load_rules())
    if isinstance(result, LoadError):
        report_error(result)
        sys.exit(EXIT_ALL_FAILED)
    return result


@index.command("stats")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None, help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.pass_context
def stats(ctx: click.Context, db: Path | None, fmt: str) -> int:
    """What the index holds: articles, words, postings, outlets, agencies, size."""
    from srccompare.model import to_dict

    settings = settings_from(ctx)
    with open_store(db or default_db_path(), settings, read_only=True) as store:
        found = store.stats()
    if fmt == "json":
        emit([json.dumps(to_dict(found), indent=2, ensure_ascii=False), "\n"])
        return 0
    lines = [
        f"index        {visible(str(found.path))} (schema {found.schema_version}, {visible(str(found.created_by))})",
        f"articles     {found.articles} ({found.wire_articles} wire copy), {found.words} words",
        f"postings     {found.shingle_postings} shingles, {found.band_postings} band keys, "
        f"{found.distinct_tokens} distinct tokens",
        f"size         {found.file_bytes / 1e6:.1f} MB",
        # (names are stored visible; an index written before they were is shown so too)
        "outlets      " + (", ".join(f"{visible(name)} {count}" for name, count in found.outlets) or "-"),
        "agencies     " + (", ".join(f"{visible(name)} {count}" for name, count in found.agencies) or "-"),
    ]
    emit(["\n".join(lines), "\n"])
    return 0
