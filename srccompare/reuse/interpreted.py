"""The kernels run by the interpreter on a small corpus, so that its first run compiles nothing.

numba compiles srccompare's kernels on their first call (then caches them beside
the code): ~28 s of CPU on a fresh install, 95% of its first ``reuse`` of the
seeds. The kernels are plain loops over numpy arrays and scalars, which Python
runs as written, giving the same results: uint64 arithmetic wraps on numpy
scalars as in numba (numpy's overflow warnings are silenced here), and the
float arithmetic names its types (float32 products, np.float64 conversions),
which numpy's scalars keep as numba does (tests/test_interpreted.py holds the
interpreted kernels to the compiled ones on random corpora and extreme hashes). Interpreted, a kernel is
some hundred times slower: worth it only while the corpus is small, up to
``reuse.engine.interpret_characters`` (see defaults.toml).

Inside ``interpreting()``, ``kernel_to_call(f)`` is the Python function of the kernel
``f``, whose calls to other kernels are to their Python functions too; outside,
``f`` itself. The state is a context variable: a browse session's other threads
keep the compiled kernels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from types import FunctionType
from typing import Any, TypeVar

import numpy as np
from numba.core.dispatcher import Dispatcher

Kernel = TypeVar("Kernel", bound=Callable[..., Any])

_INTERPRETING: ContextVar[bool] = ContextVar("srccompare_interpreting", default=False)
_PYTHON: dict[Dispatcher, FunctionType] = {}


def kernel_to_call(compiled: Kernel) -> Kernel:
    """The kernel to call here: its Python function inside ``interpreting()``, else the compiled one."""
    return python_kernel(compiled) if _INTERPRETING.get() else compiled  # type: ignore[return-value]


@contextmanager
def interpreting(on: bool = True) -> Iterator[None]:
    """``kernel_to_call`` gives the Python functions within (when ``on``)."""
    if not on:
        yield
        return
    token = _INTERPRETING.set(True)
    try:
        with np.errstate(over="ignore"):  # the hashes wrap by design, as they do compiled
            yield
    finally:
        _INTERPRETING.reset(token)


def python_kernel(compiled: Any) -> FunctionType:
    """``compiled``'s Python function, its calls to other kernels going to their Python functions.

    A copy of the function over a copy of its module's names in which every
    kernel is replaced by its own such copy (the module itself is left alone,
    so the compiled kernels still see each other).
    """
    found = _PYTHON.get(compiled)
    if found is not None:
        return found
    function = compiled.py_func
    names = dict(function.__globals__)
    copy = FunctionType(function.__code__, names, function.__name__, function.__defaults__, function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__doc__, copy.__qualname__, copy.__module__ = function.__doc__, function.__qualname__, function.__module__
    _PYTHON[compiled] = copy  # before the names: kernels that call each other end here
    for name, value in function.__globals__.items():
        if isinstance(value, Dispatcher):
            names[name] = python_kernel(value)
    return copy


def within_characters(paragraph_lists: Iterable[Sequence[str]], most: int) -> bool:
    """Whether a corpus's paragraphs hold at most ``most`` characters (``reuse.engine.interpret_characters``);
    it stops counting beyond."""
    total = 0
    for paragraphs in paragraph_lists:
        total += sum(map(len, paragraphs))
        if total > most:
            return False
    return True
