"""The ``srccompare`` command: parse arguments, build Settings, dispatch.

Subcommands live one a module in this package and are imported only when
called, so ``srccompare clean`` never pays for Textual or numpy.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NoReturn

import click

from srccompare.cli.common import EXIT_INTERRUPTED, EXIT_OK, run_guarded

# name -> "module:attribute"; each module holds one click command.
COMMANDS: dict[str, str] = {
    "cache": "srccompare.cli.cache:cache",
    "clean": "srccompare.cli.clean:clean",
    "diff": "srccompare.cli.diff:diff",
    "index": "srccompare.cli.index:index",
    "browse": "srccompare.cli.browse:browse",
    "reuse": "srccompare.cli.reuse:reuse",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="srccompare")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file (TOML) over the defaults; default ~/.config/srccompare/config.toml.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line messages.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Refuse input files larger than this (default 50 MB; limits.max_bytes).")
@click.option("--max-files", type=click.IntRange(min=1), default=None,
              help="Refuse directories with more files than this (limits.max_files).")
@click.option("--max-words", type=click.IntRange(min=1), default=None,
              help="diff, reuse, browse, index: refuse cleaned articles longer than this (limits.max_words).")
@click.option("--outlet-folder", type=click.IntRange(min=0), default=None,
              help="Plain files: the outlet is the folder this many levels above each file (1: its own folder).")
@click.option("--name-pattern", default=None,
              help="Plain files: outlet, id, title, date or url from file names, e.g. '{id}__{outlet}.txt'.")
@click.option("--sidecar", type=click.Path(dir_okay=False), default=None,
              help="Plain files: a CSV or JSON file mapping file names to outlet, title, date and url.")
@click.pass_context
def main(ctx: click.Context, config: str | None, debug: bool, max_bytes: int | None, max_files: int | None,
         max_words: int | None, outlet_folder: int | None, name_pattern: str | None, sidecar: str | None) -> None:
    """Compare news articles: clean them, diff them, find reused wire copy."""
    limits = {k: v for k, v in (("max_bytes", max_bytes), ("max_files", max_files), ("max_words", max_words))
              if v is not None}
    sources = {k: v for k, v in (("outlet_folder", outlet_folder), ("name_pattern", name_pattern), ("sidecar", sidecar))
               if v is not None}
    ctx.obj = {"config": config, "debug": debug, "limits": limits, "sources": sources}


def console() -> NoReturn:
    """The installed ``srccompare`` script (and ``python -m srccompare``): ``entry_point``, then out
    without tearing the interpreter down.

    By then the command is done: its output written, its files closed, its workers joined.
    Python's finalisation would only free what the process holds, numba's compiled kernels
    above all: 0.6-1 s of every ``srccompare reuse`` (2.6 s on the seeds, 1.7 s without it).
    """
    try:
        entry_point()
        status = EXIT_OK
    except SystemExit as done:
        status = _status_of(done.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, a stream closed: nothing left to say
            pass
    os._exit(status)


def _status_of(code: object) -> int:
    """The exit status Python gives ``sys.exit(code)``: 0 for None, the number, else 1 with the message."""
    if code is None:
        return EXIT_OK
    if isinstance(code, int):
        return code
    print(f"srccompare: {code}", file=sys.stderr)
    return 1


def entry_point(argv: list[str] | None = None) -> Any:
    """Console-script entry: Ctrl-C exits 130 without a traceback; see ``run_guarded``."""
    args = sys.argv[1:] if argv is None else argv
    run_guarded(
        lambda: main.main(args=args, prog_name="srccompare", standalone_mode=False),
        debug="--debug" in args,
    )


__all__ = ["main", "console", "entry_point", "EXIT_INTERRUPTED"]
