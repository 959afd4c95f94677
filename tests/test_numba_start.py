"""numba's first kernel load imports neither scipy.linalg nor cffi (reuse.numba_cache), and those
libraries still import normally afterwards."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
import numpy as np
from srccompare.reuse.numba_cache import hide_unused_checks
hide_unused_checks()  # as the console script does
from srccompare.reuse.align.prepare import stable_sort
items = np.array([2, 0, 1])
stable_sort(items, np.array([3, 1, 2]))  # compiled (or loaded from numba's cache)
loaded = sorted(m for m in sys.modules if m.startswith(("scipy.linalg", "scipy.sparse", "cffi", "pycparser")))
import scipy.linalg
print(items.tolist(), loaded, "scipy.linalg.cython_blas" in sys.modules, float(scipy.linalg.det(np.eye(2))))
"""


def test_first_kernel_load_imports_no_scipy_linalg_nor_cffi():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[1,", "2,", "0]", "[]", "True", "1.0"]


LIBRARY = """
import sys
from srccompare.reuse.align.prepare import stable_sort
import numba.np.arraymath
print("scipy.linalg.cython_blas" in sys.modules)
"""


def test_srccompare_imported_as_a_library_leaves_numbas_checks_alone():
    """Other numba code in a library user's process keeps np.dot: only srccompare's own processes hide the checks."""
    done = subprocess.run([sys.executable, "-c", LIBRARY], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"]

