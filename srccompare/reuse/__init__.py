"""Reuse: a corpus of cleaned articles -> shared passages, families, attributions.

Stages in the order the data flows, one module each: ``tokens`` -> ``sketch``
-> ``candidates`` -> ``align/`` -> ``group`` -> ``attribute`` -> ``summary``;
``schedule`` and ``spill`` hold the work order and the files the workers hand
each other; ``pipeline`` runs the stages in order.

``find_reuse`` is imported on first use, so importing one stage (the diff
imports ``arrays``) does not load the whole pipeline.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from srccompare.reuse.pipeline import find_reuse

__all__ = ["find_reuse"]


def __getattr__(name: str) -> Any:
    if name == "find_reuse":
        return importlib.import_module("srccompare.reuse.pipeline").find_reuse
    raise AttributeError(f"module 'srccompare.reuse' has no attribute {name!r}")
