"""How the diff screen looks, at fixed sizes, on a seed pair (Textual pinned in pyproject's test extra).

Update after a deliberate change of looks with ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from srccompare.diff.shared import compare
from srccompare.model import CleanArticle
from srccompare.settings import load_settings
from srccompare.tui.app import DiffApp

SETTINGS = load_settings()


@pytest.fixture(scope="module")
def app_factory(seeds: dict[str, CleanArticle]):
    # sources relative, so the pictures do not depend on where the repository lives
    left, right = (dataclasses.replace(seeds[key], source=Path(seeds[key].source).name) for key in ("trt", "unknown"))
    result = compare(left, right, SETTINGS)  # given, so no worker timing enters the picture
    return lambda: DiffApp(left, right, SETTINGS, result)


def test_seed_pair_at_80x24(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(80, 24))


def test_seed_pair_at_160x40_on_the_reworded_paragraph(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(160, 40), press=["home"] + ["n"] * 6)


def test_seed_pair_at_80x24_folded_with_boilerplate(snap_compare, app_factory) -> None:
    assert snap_compare(app_factory(), terminal_size=(80, 24), press=["b", "f"])
