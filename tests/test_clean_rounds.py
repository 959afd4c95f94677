"""The line rules' memory of plain texts (find_line_boilerplate's ``plain``) changes no finding,
wherever the texts stand in a later round: checked on the seeds (real scraped articles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from srccompare.clean import normalise, split_paragraphs
from srccompare.clean.boilerplate import find_line_boilerplate
from srccompare.rules import load_rules
from srccompare.settings import load_settings

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))[:40]
RULES, SETTINGS = load_rules(), load_settings().clean


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_plain_texts_are_skipped_without_changing_what_is_found(seed):
    paragraphs = split_paragraphs(normalise(seed.read_text(encoding="utf-8")))
    plain: set[str] = set()
    assert find_line_boilerplate(paragraphs, RULES, SETTINGS, set(), plain) == find_line_boilerplate(paragraphs, RULES, SETTINGS, set())
    assert plain and plain <= set(paragraphs)
    matched = {paragraphs[m.index] for m in find_line_boilerplate(paragraphs, RULES, SETTINGS, set()) if m.rule != "caption-duplicate"}
    assert not plain & matched  # (a caption's bare copy matches no rule: its caption's mark takes it)
    # a later round: the texts in other places (the edges' rules see other paragraphs at the edges)
    moved = paragraphs[len(paragraphs) // 2 :] + paragraphs[: len(paragraphs) // 2]
    assert find_line_boilerplate(moved, RULES, SETTINGS, set(), set(plain)) == find_line_boilerplate(moved, RULES, SETTINGS, set())


def test_a_text_an_edge_rule_was_not_tried_on_is_not_remembered_as_plain():
    """The article's own URL at its foot (seeds/003) is removed there, not in the middle; a round in
    which it stood in the middle must not spare it the rule in a round where it stands at the foot."""
    paragraphs = split_paragraphs(normalise(SEEDS[3].read_text(encoding="utf-8")))
    url = paragraphs[-1]
    middle = paragraphs[:10] + [url] + paragraphs[10:-1]
    plain: set[str] = set()
    assert not any(middle[m.index] == url for m in find_line_boilerplate(middle, RULES, SETTINGS, set(), plain))
    assert url not in plain
    assert [m.rule for m in find_line_boilerplate(paragraphs, RULES, SETTINGS, set(), plain) if m.removed == url] == ["bare-url"]
