"""A writable place for numba's compiled kernels, chosen before numba is imported; and numba's
first kernel load in a process kept from importing what srccompare's kernels never use.

numba caches a ``cache=True`` kernel beside its source (``__pycache__``), else in
``NUMBA_CACHE_DIR``, else in the user's cache directory; when none of them can be written
(an installation owned by root, run by a user whose home is not writable) it refuses to
compile at all. Then ``NUMBA_CACHE_DIR`` is pointed at a folder of this user's in the
temporary directory, which worker processes inherit.
"""

from __future__ import annotations

import importlib.util
import os
import stat
import sys
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


# numba's first kernel load in a process imports its array and typing extensions, and two of them
# import a library only to see whether it is there: the BLAS check imports scipy.linalg
# (with scipy's array API layer and numpy.f2py: ~0.2 s of CPU), the cffi support cffi and
# pycparser (~0.02 s). srccompare's kernels use neither (no np.dot or linear algebra, no cffi
# functions): while those two modules run, the libraries are hidden, so numba finds no BLAS and
# no cffi; scipy imported later for other uses works as ever. numba code of other libraries in the
# same process would find no np.dot or cffi either, so only srccompare's own console script (and the
# bench that times it) asks for this; importing srccompare as a library leaves numba as it is.
HIDDEN_WHILE_LOADING = {"numba.np.arraymath": "scipy.linalg.cython_blas", "numba.core.typing.cffi_utils": "cffi"}


class WithoutUnusedChecks:
    """An import finder that loads the modules of HIDDEN_WHILE_LOADING with their library hidden."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> object:
        hidden = HIDDEN_WHILE_LOADING.get(name)
        if hidden is None or hidden in sys.modules:
            return None
        sys.meta_path.remove(self)  # the module's own spec, from the finders after this one
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module: object) -> None:
            sys.modules[hidden] = None  # type: ignore[assignment]  (an import of it raises ImportError)
            try:
                run(module)
            finally:
                if hidden in sys.modules and sys.modules[hidden] is None:
                    del sys.modules[hidden]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def hide_unused_checks() -> None:
    """Load numba's extensions without their BLAS and cffi checks (a process of srccompare's own)."""
    if not any(isinstance(finder, WithoutUnusedChecks) for finder in sys.meta_path):
        sys.meta_path.insert(0, WithoutUnusedChecks())


ensure_numba_cache()
