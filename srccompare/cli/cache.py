"""``srccompare cache stats|clear``: look at or empty the page cache of fetched web pages."""

from __future__ import annotations

from pathlib import Path

import click

from srccompare.ingest.cache import CacheError, PageCache, cache_path
from srccompare.cli.common import EXIT_OK, fail, settings_from

SQLITE_HEADER = b"SQLite format 3\x00"
CACHE_OPTION = click.option(
    "--cache", "cache_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
    help="Page cache file (SQLite); default web.cache_file, else ~/.cache/srccompare/pages.sqlite.",
)


@click.group()
def cache() -> None:
    """The page cache: web pages kept so that re-runs do not fetch them again."""


@cache.command()
@CACHE_OPTION
@click.pass_context
def stats(ctx: click.Context, cache_file: str | None) -> int:
    """How many pages the cache holds, from how many sites, how big, how old."""
    path = _path(ctx, cache_file)
    if not path.exists():
        click.echo(f"{path}: no page cache yet (0 pages)")
        return EXIT_OK
    try:
        with PageCache(path) as store:
            found = store.stats()
    except CacheError as error:
        fail(str(error))
    click.echo(f"cache:   {found.path}")
    click.echo(f"pages:   {found.pages:,} from {found.hosts:,} site{'s' if found.hosts != 1 else ''}")
    click.echo(f"size:    {found.body_bytes:,} bytes of pages, {found.file_bytes:,} bytes on disk")
    if found.oldest:
        click.echo(f"fetched: {found.oldest} to {found.newest} (UTC)")
    return EXIT_OK


@cache.command()
@CACHE_OPTION
@click.pass_context
def clear(ctx: click.Context, cache_file: str | None) -> int:
    """Remove every cached page (the next run fetches them again)."""
    path = _path(ctx, cache_file)
    if not path.exists():
        click.echo(f"{path}: no page cache, nothing to clear")
        return EXIT_OK
    try:
        with PageCache(path) as store:
            removed = store.clear()
    except CacheError as error:
        fail(str(error))
    click.echo(f"{path}: removed {removed:,} page{'s' if removed != 1 else ''}")
    return EXIT_OK


def _path(ctx: click.Context, cache_file: str | None) -> Path:
    """The cache file; one line and exit 2 if something other than a page cache is there
    (SQLite would turn an empty file, or any file, into a database of its own)."""
    path = cache_path(cache_file) if cache_file else cache_path(settings_from(ctx).web.cache_file)
    try:
        with path.open("rb") as stream:
            head = stream.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return path
    except OSError as error:
        fail(f"{path}: cannot read the page cache ({error.strerror or error})")
    if head != SQLITE_HEADER:
        fail(f"{path}: not a page cache (not an SQLite database); left as it is")
    return path
