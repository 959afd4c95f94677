"""What every subcommand shares: exit statuses, one-line errors, settings, safe output."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from srccompare.process.interrupts import EXIT_INTERRUPTED, Interrupted, catch_signals, say_and_exit
from srccompare.model import LoadError
from srccompare.report.output import OutputError
from srccompare.settings import Settings, SettingsError, load_settings
from srccompare.display.visible import visible
from srccompare.ingest.sources import SourcesError, check as check_sources

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


def fail(message: str, status: int = EXIT_USAGE) -> NoReturn:
    """Print one line on stderr and exit."""
    click.echo(f"srccompare: {one_line(message)}", err=True)
    sys.exit(status)


def one_line(text: str) -> str:
    """A message safe to print: one line (runs of white space one space), its control characters
    and escape sequences made visible and inert (srccompare/display/visible.py)."""
    return visible(" ".join(str(text).split()))


def report_error(error: LoadError) -> None:
    click.echo(f"srccompare: {visible(error.source)}: {one_line(error.problem)}", err=True)


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
    if root.get("sources"):
        layered["sources"] = {**layered.get("sources", {}), **root["sources"]}
    try:
        settings = load_settings(root.get("config"), layered)
        check_sources(settings.sources)
    except (SettingsError, SourcesError) as error:
        fail(str(error))
    return settings


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
def open_store(db: Path, settings: Settings, *, create: bool = False, read_only: bool = False) -> Iterator[Store]:
    """The index at ``db``, with its problems (and SQLite's) as one-line messages. A file made here
    is removed again if nothing was added to it (whatever ended the command)."""
    from srccompare.index import IndexFileError, open_index
    from srccompare.index.sqlite import remove_index_files

    try:
        store = open_index(db, settings, create=create, read_only=read_only)
    except IndexFileError as error:
        fail(str(error), EXIT_USAGE)
    made, empty = getattr(store, "made", False), False
    try:
        with store:
            try:
                yield store
            finally:
                empty = made and _holds_nothing(store)
    except sqlite3.Error as error:
        fail(f"{db}: {error}", EXIT_OUTPUT)
    finally:
        if empty:
            remove_index_files(db)


def _holds_nothing(store: Store) -> bool:
    try:
        return store.count() == 0
    except sqlite3.Error:  # made here and already unusable (a full disk): nothing worth keeping
        return True


def run_guarded(call: Callable[[], Any], debug: bool) -> NoReturn:
    """Run the CLI (click in non-standalone mode) and turn every ending into an exit status.

    Ctrl-C exits 130, SIGTERM 143 (the shell's 128 + signal); unexpected errors print one line, or a
    traceback with --debug.
    """
    catch_signals()
    try:
        status = call()
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.UsageError as error:  # one line with the one prefix, not click's usage block and "Error:"
        command = error.ctx.command_path if error.ctx is not None else "srccompare"
        click.echo(f"srccompare: {one_line(error.format_message()).rstrip('.')} (see '{command} --help')", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"srccompare: {one_line(error.format_message())}", err=True)
        sys.exit(error.exit_code)
    except OutputError as error:
        click.echo(f"srccompare: {one_line(str(error))}", err=True)
        sys.exit(EXIT_OUTPUT)
    except Interrupted as stop:
        say_and_exit(stop)
    except (click.Abort, KeyboardInterrupt):
        _say("srccompare: interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # the last line of defence: no tracebacks for users
        stop = interrupt_behind(error)
        if stop is not None:
            say_and_exit(stop)
        if debug:
            raise
        fail(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", EXIT_INTERNAL)
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def interrupt_behind(error: BaseException) -> Interrupted | None:
    """The interrupt an exception stands for, if any: a signal handled while a C extension ran comes
    back as a SystemError ("returned a result with an exception set") whose cause is the Interrupted."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, Interrupted):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _say(line: str) -> None:
    with suppress(OSError, ValueError):  # stderr closed or gone: the status still tells
        click.echo(line, err=True)
