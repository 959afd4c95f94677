"""``srccompare reuse``: which passages are shared across a corpus, between whom, whose copy."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from srccompare.cli.common import EXIT_ALL_FAILED, fail, open_store, report_error, settings_from, summarise_failures, wire_inputs
from srccompare.cli.web import WebOptions, web_options
from srccompare.ingest.corpus import load_corpus
from srccompare.engines.base import cycle_collection_paused
from srccompare.engines.local import LocalEngine
from srccompare.model import Corpus, LoadError
from srccompare.report.reuse_report import FORMATS, default_format, write_report

STEP_NAMES = {"clean": "cleaning", "sketch": "sketching", "candidates": "finding candidates",
              "align": "aligning pairs", "group": "grouping", "attribute": "attributing"}


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="table (default on a terminal), json (default otherwise, or from --output's suffix), "
                   "jsonl (one passage a line), csv (one article pair a line), html (one page: outlets by agency, "
                   "stories, an overlap matrix of every article, each pair side by side).")
@click.option("--output", "-o", type=click.Path(), default=None,
              help="Write the report to this file (atomically) instead of stdout; "
                   "with --engine spark, the directory for its tables (a local, hdfs:// or s3a:// path).")
@click.option("--texts", is_flag=True,
              help="html: add each article's full text with its shared passages highlighted (a larger page).")
@click.option("--wire", "wire_values", multiple=True, metavar="AGENCY=PATH",
              help="Agency copy to attribute against, e.g. --wire Reuters=wire/reuters/ (repeatable).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes for the heavy steps (default: the number of CPUs). Results do not depend on it.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Report over every article of this index (srccompare index add), and any INPUTS beside them.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local",
              help="local: worker processes on this machine; spark: Apache Spark (pip install 'srccompare[spark]').")
@click.option("--input", "spark_inputs", multiple=True, metavar="PATH",
              help="With --engine spark: the corpus, JSON Lines or Parquet (files or directories; repeatable).")
@click.option("--master", default=None, metavar="URL",
              help="With --engine spark: local[*], spark://HOST:7077, yarn... (default: spark-submit's).")
@web_options
@click.pass_context
def reuse(ctx: click.Context, inputs: tuple[str, ...], fmt: str | None, output: str | None, texts: bool,
          wire_values: tuple[str, ...], workers: int | None, db: Path | None, engine: str,
          spark_inputs: tuple[str, ...], master: str | None, web: WebOptions) -> int:
    """Find passages shared across articles (files, directories, JSON Lines, URLs, - for stdin) and attribute agency copy."""
    settings = settings_from(ctx, web.overrides())
    wire = wire_inputs(wire_values)
    workers = workers or os.cpu_count() or 1
    web_errors: list[LoadError] = []
    if inputs or web.url_files or web.feeds or web.sitemaps:
        expanded, web_errors = web.expand(inputs, settings)
        inputs = tuple(expanded)
    for error in web_errors:
        report_error(error)
    if engine == "spark":
        from srccompare.cli.reuse_spark import run_spark

        return run_spark(settings, [*inputs, *spark_inputs], output, wire, master)
    output_path = Path(output) if output is not None else None
    fmt = fmt or default_format(output_path)
    if not inputs and db is None:
        fail("give the articles to compare (INPUTS), or an index with --db FILE")
    # One set of worker processes cleans and then finds the reuse.
    with progress_reporter() as progress, LocalEngine(workers) as running:
        if db is not None:
            from srccompare.index.query import index_corpus

            def beside() -> Corpus:
                return load_corpus(inputs, wire, settings, progress) if inputs or wire else Corpus((), {}, (), 0)

            with open_store(db, settings, read_only=True) as store:
                corpus = index_corpus(store, beside)
        else:
            corpus = load_corpus(inputs, wire, settings, progress, engine=running)
        for error in corpus.errors:
            report_error(error)
        if not corpus.articles:
            fail("no article could be read; nothing was written", EXIT_ALL_FAILED)
        from srccompare.reuse.pipeline import find_reuse  # numpy and friends only when needed

        result = find_reuse(corpus.articles, settings, wire=corpus.wire, engine=running, progress=progress)
    with cycle_collection_paused():  # a report of 40k articles makes millions of acyclic objects: 2 s of collections
        write_report(result, corpus.articles, fmt, output_path, texts=texts)
    failed = len(corpus.errors) + len(web_errors)
    return summarise_failures(failed, corpus.inputs + len(web_errors)) if failed else 0


@contextmanager
def progress_reporter() -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr, one line a step, when stderr is a terminal; else nothing."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(STEP_NAMES.get(step, step), total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield update
