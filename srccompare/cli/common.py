"""What every subcommand shares: exit statuses, one-line errors, settings, safe output."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from srccompare.interrupts import EXIT_INTERRUPTED, Interrupted, catch_signals, say_and_exit
from srccompare.model import LoadError
from srccompare.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from srccompare.ingest.corpus import WireInput

# Exit statuses (listed in README.md).
EXIT_OK = 0
EXIT_SOME_FAILED = 1  # some inputs failed; the others were processed
EXIT_USAGE = 2  # bad arguments or settings (click uses 2 too)
EXIT_ALL_FAILED = 3  # no input could be processed; nothing was written
EXIT_OUTPUT = 4  # the result could not be written
EXIT_INTERNAL = 70  # a bug in srccompare (EX_SOFTWARE); please report it


class OutputError(click.ClickException):
    exit_code = EXIT_OUTPUT


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


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a half-written file."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(f"{directory}: cannot write there ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        # mkstemp makes the file private (0600); give it the mode any new file would get.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"{path}: cannot write ({error.strerror or error})") from None
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def emit(chunks: Iterable[str]) -> None:
    """Write the result to stdout; a closed pipe (``| head``) ends quietly."""
    try:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at devnull so that is quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)


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
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except Interrupted as stop:
        say_and_exit(stop)
    except (click.Abort, KeyboardInterrupt):
        _say("srccompare: interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except Exception as error:  # the last line of defence: no tracebacks for users
        if debug:
            raise
        fail(f"internal error: {type(error).__name__}: {error} (run with --debug for details)", EXIT_INTERNAL)
    sys.exit(status if isinstance(status, int) else EXIT_OK)


def _say(line: str) -> None:
    with suppress(OSError, ValueError):  # stderr closed or gone: the status still tells
        click.echo(line, err=True)
