"""``srccompare clean``: strip boilerplate, keep metadata apart, say what was removed."""

from __future__ import annotations

import re
from pathlib import Path

import blake3
import click
from rich.console import Console

from srccompare.ingest.corpus import load_and_clean
from srccompare.cli.web import WebOptions, web_options
from srccompare.cli.common import EXIT_ALL_FAILED, fail, report_error, settings_from, summarise_failures
from srccompare.model import CleanArticle, LoadError
from srccompare.report.output import OutputError, emit, write_atomically, write_report_file
from srccompare.report import clean_out
from srccompare.rules import RulesError, load_rules

SAFE_NAME = re.compile(r"[^\w.-]+")
# Longest file name made from an id, in bytes: room left under 255 for a suffix and a temporary name's.
MAX_NAME_BYTES = 160


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text: the cleaned body alone; json: metadata, paragraphs, removals; jsonl: one line per input.")
@click.option("--explain", is_flag=True, help="Show each article with removed parts struck through and labelled.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one cleaned file per input into this directory instead of stdout.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the output to this file (atomically) instead of stdout.")
@click.option("--recall", is_flag=True, help="HTML: keep more of the page (trafilatura favor_recall).")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False),
              help="Extra boilerplate/agency rules (TOML, same shape as srccompare/rules/*.toml).")
@web_options
@click.pass_context
def clean(ctx: click.Context, inputs: tuple[str, ...], fmt: str, explain: bool, output_dir: Path | None,
          output: Path | None, recall: bool, rule_files: tuple[str, ...], web: WebOptions) -> int:
    """Clean articles (HTML, Markdown, text, JSON Lines; files, directories, - for stdin, or URLs)."""
    if output is not None and (output_dir is not None or explain):
        fail("--output cannot be used with --output-dir or --explain")
    overrides: dict[str, dict[str, object]] = {"clean": {"recall": True}} if recall else {}
    settings = settings_from(ctx, {**overrides, **web.overrides()})
    inputs, web_errors = web.expand(inputs, settings)
    try:
        rules = load_rules(tuple(rule_files))
    except RulesError as error:
        fail(str(error))
    articles, errors = load_and_clean(inputs, settings, rules)
    errors = [*web_errors, *errors]
    for error in errors:
        report_error(error)
    total = len(errors) + len(articles)
    if articles:
        errors += _write(articles, fmt, explain, output_dir, output)
    return summarise_failures(len(errors), total) if errors else 0


def _write(articles: list[CleanArticle], fmt: str, explain: bool, output_dir: Path | None, output: Path | None) -> list[LoadError]:
    """Write the cleaned articles; the ones that could not be written (to --output-dir) as errors."""
    if explain:
        console = Console(highlight=False, markup=False, emoji=False)
        for article in articles:
            console.print(clean_out.explain(article))
        return []
    if output_dir is not None:
        return _write_files(articles, fmt, output_dir)
    writer = {"text": clean_out.as_texts, "json": clean_out.as_json, "jsonl": clean_out.as_jsonl}[fmt]
    if output is not None:
        write_report_file(output, writer(articles))
    else:
        emit([writer(articles)])
    return []


def _write_files(articles: list[CleanArticle], fmt: str, output_dir: Path) -> list[LoadError]:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{output_dir}: cannot create the output directory ({error.strerror or error})", EXIT_ALL_FAILED)
    suffix = {"text": ".txt", "json": ".json", "jsonl": ".jsonl"}[fmt]
    used: set[str] = set()
    failed = []
    for article in articles:
        name = file_name(article.id)
        while name in used:
            name += "_"
        used.add(name)
        content = clean_out.as_text(article) if fmt == "text" else (
            clean_out.as_json([article]) if fmt == "json" else clean_out.as_jsonl([article]))
        try:
            write_atomically(output_dir / f"{name}{suffix}", content)
        except OutputError as error:  # one article not written; the others still are
            failed.append(LoadError(article.source, str(error)))
            report_error(failed[-1])
    return failed


def file_name(article_id: str) -> str:
    """A file name from an id: letters, digits, ``.``, ``-`` and ``_`` only; a long id cut, with a
    hash of the whole so that two long ids sharing a start stay apart (file systems take 255 bytes)."""
    name = SAFE_NAME.sub("_", article_id).strip("._") or "article"
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    digest = blake3.blake3(article_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return name.encode("utf-8")[:MAX_NAME_BYTES - 17].decode("utf-8", "ignore") + "_" + digest
