"""The public Python API, as a notebook user meets it."""

from __future__ import annotations

import srccompare
from conftest import seed_text


def test_every_exported_name_resolves():
    for name in srccompare.__all__:
        assert getattr(srccompare, name) is not None


def test_clean_diff_and_reuse_from_the_top_level():
    settings = srccompare.load_settings()
    left = srccompare.clean_text(seed_text("mt_afp"), settings, id="003")
    right = srccompare.clean_text(seed_text("mt"), settings, id="004")
    rows = srccompare.diff_articles(left, right, settings.diff).rows
    assert any(row.status in ("changed", "same", "moved") for row in rows)
    result = srccompare.find_reuse([left, right], settings)
    assert isinstance(result, srccompare.ReuseResult)
    assert ("004", "AFP", "inferred") in {(a.doc_id, a.agency, a.how) for a in result.attributions}
