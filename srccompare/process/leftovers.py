"""What runs killed with SIGKILL leave behind (a report's temporary file, a spill directory), found
by the next run: each is named for the process that made it, and is left alone while that lives."""

from __future__ import annotations

import os
import re
from contextlib import suppress


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (one of another user's counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OverflowError:
        return False
    return True


def left_behind(folder: str, pattern: re.Pattern[str], directories: bool) -> list[str]:
    """The paths in ``folder`` whose names match ``pattern`` in full, its first group the id of a
    process that no longer exists: this user's, files or (if ``directories``) directories, not links."""
    found = []
    with suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            owner = pattern.fullmatch(entry.name)
            if owner is None or process_alive(int(owner.group(1))):
                continue
            with suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                kind_ok = entry.is_dir(follow_symlinks=False) if directories else entry.is_file(follow_symlinks=False)
                if kind_ok and info.st_uid == os.getuid():
                    found.append(entry.path)
    return found
