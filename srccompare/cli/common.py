"""What every subcommand shares: exit statuses, one-line errors, settings, safe output."""

from __future__ import annotations

import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from srccompare.model import LoadError
from srccompare.report.output import OutputError
from srccompare.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from srccompare.index import Store
    from srccompare.ingest.corpus import WireInput

# Exit statuses (listed in README.md).
EXIT_OK = 0
EXIT_SOME_FAILED = 1  # some inputs failed; the others were processed
EXIT_USAGE = 2  # bad arguments or settings (click uses 2 too)
EXIT_ALL_FAILED = 3  # no input could be processed; nothing was written
EXIT_OUTPUT = 4  # the result could not be written
EXIT_INTERNAL = 70  # a bug in srccompare (EX_SOFTWARE); please report it
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM


def fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    """Print one line on stderr and exit."""
    click.echo(f"srccompare: {one_line(message)}", err=True)
    sys.exit(status)


def one_line(text: str) -> str:
    """A message safe to print: one line, no control characters from file names."""
    return "".join(ch if ch.isprintable() else "?" for ch in " ".join(str(text).split()))


def report_error(error: LoadError) -> None:
    click.echo(f"srccompare: {one_line(error.source)}: {one_line(error.problem)}", err=True)


def summarise_failures(failed: int, total: int) -> int:
    """Print the closing count of failures and return the exit status for it."""
    if not failed:
        return EXIT_OK
    click.echo(f"srccompare: {failed} of {total} inputs failed", err=True)
    return EXIT_ALL_FAILED if failed == total else EXIT_SOME_FAILED


def settings_from(ctx: click.Context, overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
    root = ctx.find_root().obj or {}
    layered = dict(overrides or {})
    if root.get("limits"):
        layered["limits"] = {**layered.get("limits", {}), **root["limits"]}
    try:
        return load_settings(root.get("config"), layered)
    except SettingsError as error:
        fail(str(error))


def wire_inputs(values: Iterable[str]) -> list[WireInput]:
    """``--wire AGENCY=PATH`` values parsed, or one line and exit 2 for the first bad one."""
    from srccompare.ingest.corpus import parse_wire  # the cleaner's imports, only for commands that take --wire

    parsed = []
    for value in values:
        try:
            parsed.append(parse_wire(value))
        except ValueError as error:
            fail(str(error))
    return parsed


@contextmanager
def open_store(db: Path, settings: Settings, *, create: bool = False) -> Iterator[Store]:
    """The index at ``db``, with its problems (and SQLite's) as one-line messages."""
    from srccompare.index import IndexFileError, open_index

    try:
        store = open_index(db, settings, create=create)
    except IndexFileError as error:
        fail(str(error), EXIT_USAGE)
    try:
        with store:
            yield store
    except sqlite3.Error as error:
        fail(f"{db}: {error}", EXIT_OUTPUT)


def run_guarded(call: Callable[[], Any], debug: bool) -> NoReturn:
    """Run the CLI (click in non-standalone mode) and turn every ending into an exit status.

    Ctrl-C and SIGTERM exit 130; unexpected errors print one line, or a
    traceback with --debug.
    """
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        status = call()
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except OutputError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_OUTPUT)
    except (click.Abort, KeyboardInterrupt):
        click.echo("srccompare: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # the last line of defence: no tracebacks for users
        if debug:
            raise
        fail(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", EXIT_INTERNAL)
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
