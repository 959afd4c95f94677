"""Where a report goes: to ``-o/--output FILE`` atomically where that is safe and through where it is
not, or to stdout, a closed pipe ending quietly.

A regular file (or a new path) is written to a temporary file beside it and renamed over it, so a
reader never sees half a report. Anything else is written through as it is: a character device
(/dev/null, /dev/full, a terminal), a FIFO, /dev/stdout; renaming over those would replace the
device node or the pipe with a regular file; so is /dev/stdout when it is a file (the shell
opened it). A symbolic link is followed: its target is replaced
atomically if it is a regular file (the link stays a link), written through if it is not.

The temporary file's name carries this process's id (``.NAME.PID.RANDOM.tmp``), so the next write
into the same folder can remove those that a killed run left, and only those whose process is gone.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from srccompare.process.leftovers import left_behind
from srccompare.display.visible import visible


class OutputError(Exception):
    """The result could not be written; the message names the file and why."""


def write_report_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: atomically for a regular file or a new path, through for the rest."""
    try:
        found = os.stat(path)  # (follows a link: what matters is what it points at)
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise OutputError(f"{visible(str(path))}: cannot write ({error.strerror or error})") from None
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise OutputError(f"{visible(str(path))}: is a directory")
    if found is not None and (not stat.S_ISREG(found.st_mode) or _names_a_descriptor(path)):
        write_through(path, text)
        return
    write_atomically(Path(os.path.realpath(path)) if os.path.islink(path) else path, text)


def _names_a_descriptor(path: Path) -> bool:
    """/dev/stdout, /dev/fd/3, /proc/self/fd/1: an open file of this process's, written into as it is
    even when it is a regular file (``-o /dev/stdout > out.json`` writes out.json as ``>`` opened it)."""
    absolute = os.path.abspath(path)
    return absolute.startswith(("/dev/", "/proc/"))


def write_through(path: Path, text: str) -> None:
    """Write into what is already at ``path`` (a device, a FIFO), as ``>`` in a shell would."""
    try:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
    except OSError as error:  # ENOSPC from /dev/full comes at the write or at the close
        raise OutputError(f"{visible(str(path))}: cannot write ({error.strerror or error})") from None


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never a half-written file."""
    directory = path.parent if str(path.parent) else Path(".")
    remove_stale_temporaries(directory, path.name)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(f"{visible(str(directory))}: cannot write there ({error.strerror or error})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        # mkstemp makes the file private (0600); give it the mode any new file would get.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"{visible(str(path))}: cannot write ({error.strerror or error})") from None
        raise


def remove_stale_temporaries(directory: Path, name: str) -> list[str]:
    """Remove the temporary files of ``name`` that killed runs left in ``directory``: those whose
    process no longer exists. Returns their paths."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)\.\w+\.tmp")
    removed = []
    for path in left_behind(str(directory), pattern, directories=False):
        with suppress(OSError):  # (another run removed it first)
            os.unlink(path)
            removed.append(path)
    return removed


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def emit(chunks: Iterable[str]) -> None:
    """Write the result to stdout; a closed pipe (``| head``) ends quietly (exit status 0)."""
    try:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python flushes stdout again at exit; point it at devnull so that is quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
