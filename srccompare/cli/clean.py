"""``srccompare clean``: strip boilerplate, keep metadata apart, say what was removed."""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.console import Console

from srccompare.ingest.corpus import load_and_clean
from srccompare.cli.web import WebOptions, web_options
from srccompare.cli.common import report_error, settings_from, summarise_failures, fail, EXIT_ALL_FAILED
from srccompare.report.output import emit, write_atomically
from srccompare.model import CleanArticle
from srccompare.report import clean_out
from srccompare.rules import RulesError, load_rules

SAFE_NAME = re.compile(r"[^\w.-]+")


@click.command()
@click.argument("inputs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text: the cleaned body alone; json: metadata, paragraphs, removals; jsonl: one line per input.")
@click.option("--explain", is_flag=True, help="Show each article with removed parts struck through and labelled.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one cleaned file per input into this directory instead of stdout.")
@click.option("--recall", is_flag=True, help="HTML: keep more of the page (trafilatura favor_recall).")
@click.option("--rules", "rule_files", multiple=True, type=click.Path(dir_okay=False),
              help="Extra boilerplate/agency rules (TOML, same shape as srccompare/rules/*.toml).")
@web_options
@click.pass_context
def clean(ctx: click.Context, inputs: tuple[str, ...], fmt: str, explain: bool, output_dir: Path | None,
          recall: bool, rule_files: tuple[str, ...], web: WebOptions) -> int:
    """Clean articles (HTML, Markdown, text, JSON Lines; files, directories, - for stdin, or URLs)."""
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
    if articles:
        _write(articles, fmt, explain, output_dir)
    return summarise_failures(len(errors), len(errors) + len(articles)) if errors else 0


def _write(articles: list[CleanArticle], fmt: str, explain: bool, output_dir: Path | None) -> None:
    if explain:
        console = Console(highlight=False, markup=False, emoji=False)
        for article in articles:
            console.print(clean_out.explain(article))
        return
    if output_dir is not None:
        _write_files(articles, fmt, output_dir)
        return
    writer = {"text": clean_out.as_texts, "json": clean_out.as_json, "jsonl": clean_out.as_jsonl}[fmt]
    emit([writer(articles)])


def _write_files(articles: list[CleanArticle], fmt: str, output_dir: Path) -> None:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{output_dir}: cannot create the output directory ({error.strerror or error})", EXIT_ALL_FAILED)
    suffix = {"text": ".txt", "json": ".json", "jsonl": ".jsonl"}[fmt]
    used: set[str] = set()
    for article in articles:
        name = SAFE_NAME.sub("_", article.id).strip("._") or "article"
        while name in used:
            name += "_"
        used.add(name)
        content = clean_out.as_text(article) if fmt == "text" else (
            clean_out.as_json([article]) if fmt == "json" else clean_out.as_jsonl([article]))
        write_atomically(output_dir / f"{name}{suffix}", content)
