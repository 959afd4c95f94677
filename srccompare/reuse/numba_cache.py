"""A writable place for numba's compiled kernels, chosen before numba is imported.

numba caches a ``cache=True`` kernel beside its source (``__pycache__``), else in
``NUMBA_CACHE_DIR``, else in the user's cache directory; when none of them can be written
(an installation owned by root, run by a user whose home is not writable) it refuses to
compile at all. Then ``NUMBA_CACHE_DIR`` is pointed at a folder of this user's in the
temporary directory, which worker processes inherit.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


def writable(folder: Path) -> bool:
    """Whether a file can be made in ``folder`` (made if missing), as numba tries it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def fallback_cache_dir(candidates: Sequence[Path]) -> Path | None:
    """A folder in the temporary directory for numba's cache when none of ``candidates`` is
    writable (None when one is: numba finds it itself)."""
    if any(writable(folder) for folder in candidates):
        return None
    return own_folder(Path(tempfile.gettempdir()) / f"srccompare-numba-{os.getuid()}")


def own_folder(folder: Path) -> Path:
    """``folder``, made private to this user; a fresh private folder if someone else made it
    first. (numba's cache files are pickles: a cache another user can write is their code run
    as this one.)"""
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return Path(tempfile.mkdtemp(prefix="srccompare-numba-"))
    found = os.lstat(folder)
    if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o022:
        return folder
    return Path(tempfile.mkdtemp(prefix="srccompare-numba-"))


def numba_candidates() -> list[Path]:
    """Where numba would cache this package's kernels, in its order of preference."""
    given = os.environ.get("NUMBA_CACHE_DIR")
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return [*([Path(given)] if given else []), HERE / "__pycache__", Path(xdg) / "numba"]


def ensure_numba_cache() -> None:
    folder = fallback_cache_dir(numba_candidates())
    if folder is not None:
        os.environ["NUMBA_CACHE_DIR"] = str(folder)


ensure_numba_cache()
