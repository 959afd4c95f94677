"""Which index files passed SQLite's quick check as they are now, so that a reader checks an index
once after each change rather than on every open: the check reads the whole file (6-7 s for the
200 MB index of bench/reuse_speed.py's 10k articles, on a loaded 2-core machine), while a query
reads a few pages. A writer checks every time (see sqlite._check_intact).

The record is a small JSON file in srccompare's cache directory: index path -> the file's identity
(device, inode, size, modification time, and its write-ahead log's size and time when it holds
pages). Any change to the index changes the identity. Where the record cannot be read or written,
every open checks.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path

from srccompare.settings import cache_directory

RECORD = "index-checks.json"
KEPT = 64  # indexes remembered (the most recent)


def identity(path: Path) -> list[int]:
    found = os.stat(path)
    parts = [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns]
    with suppress(OSError):
        log = os.stat(f"{path}-wal")
        if log.st_size:  # (an empty log comes and goes with every connection)
            parts += [log.st_size, log.st_mtime_ns]
    return parts


def passed_before(path: Path, now: list[int]) -> bool:
    try:
        record = json.loads((cache_directory() / RECORD).read_text(encoding="utf-8"))
        return isinstance(record, dict) and record.get(str(path.resolve())) == now
    except (OSError, ValueError):
        return False


def remember(path: Path, now: list[int]) -> None:
    folder = cache_directory()
    with suppress(OSError, ValueError):
        try:
            record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            record = {}
        if not isinstance(record, dict):
            record = {}
        record.pop(str(path.resolve()), None)
        record[str(path.resolve())] = now
        kept = dict(list(record.items())[-KEPT:])
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{RECORD}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(kept, stream)
            os.replace(temporary, folder / RECORD)
        finally:
            with suppress(OSError):
                os.unlink(temporary)
