"""The rules' screen (srccompare/rules/screen.py) never changes what the cleaner finds.

It may only leave out a rule whose regex cannot match; and it never lets a
rule try that the rule's own prefilter and first-character index would not.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from srccompare.clean import clean_article
from srccompare.ingest.decode import article_from_text
from srccompare.ingest.load import load_inputs
from srccompare.model import Article
from srccompare.rules import Rules, load_rules, load_screened_rules
from srccompare.rules.prefilter import fold
from tests.reuse_text import filler
from tests.test_rules_prefilter import FRAGMENTS, LINES, seed_paragraphs

ROOT = Path(__file__).resolve().parent.parent
PLAIN, SCREENED = load_rules(), load_screened_rules()
# Non-ASCII text: caseless symbols the rules hold, letters matching ASCII only ignoring case, several bytes a character.
SPECIAL = ["© Reuters", "– AFP", "• Share", "İnstagram", "ſhare this", "\u212aontakt", "Фото: ТАСС", "写真：ロイター", "😀 read more", ""]


class AlwaysMatches:
    """A pattern that matches anything: Prefilter.search(AlwaysMatches(), ...) says whether the prefilter lets its regex run."""

    def search(self, text: str) -> bool:
        return True

    match = search


def screened_agrees(rules: Rules, screened: Rules, text: str) -> None:
    folded = fold(text)
    lines, credits, blocks = screened.screen.candidates(folded)  # type: ignore[union-attr]
    kinds = [
        (lines, rules.lines, [r.pattern for r in rules.lines], [r.cheap for r in rules.lines], rules.lines_for(folded)),
        (credits, rules.credits, [r.pattern for r in rules.credits], [r.cheap for r in rules.credits], rules.credits_for(folded)),
        (blocks, rules.blocks, [r.start for r in rules.blocks], [r.cheap_start for r in rules.blocks], range(len(rules.blocks))),
    ]
    for kept, rule_list, patterns, prefilters, indexed in kinds:
        assert list(kept) == sorted(kept)
        for position, rule in enumerate(rule_list):
            if patterns[position].search(text):
                assert position in kept, (rule.id, text)  # never leaves out a rule that matches
            if position in kept:  # and never lets one try that its own tests would refuse
                assert position in indexed and prefilters[position].search(AlwaysMatches(), text, folded), (rule.id, text)


def test_the_screen_agrees_with_every_rule_on_the_seeds_and_boilerplate_lines():
    texts = seed_paragraphs() + LINES + [line.upper() for line in LINES] + [f"x {line}" for line in LINES] + SPECIAL
    for text in texts:
        screened_agrees(PLAIN, SCREENED, text)
    matched = sum(bool(rule.pattern.search(text)) for text in LINES for rule in PLAIN.lines + PLAIN.credits)
    assert matched > 20  # the lines do trip rules, so the check checks something


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS + SPECIAL), max_size=12).map(" ".join))
def test_the_screen_agrees_with_every_rule_on_shuffled_fragments(text):
    screened_agrees(PLAIN, SCREENED, text)


def test_answers_for_many_texts_at_once_are_those_for_each_alone():
    texts = LINES + SPECIAL + ["", "Reuters", "x" * 5000]
    SCREENED.screen.answers.clear()  # type: ignore[union-attr]
    SCREENED.screen.prefetch(texts)  # type: ignore[union-attr]
    together = [SCREENED.screen.candidates(text) for text in texts]  # type: ignore[union-attr]
    SCREENED.screen.answers.clear()  # type: ignore[union-attr]
    assert [SCREENED.screen.candidates(text) for text in texts] == together  # type: ignore[union-attr]
    assert any(any(kind) for kind in together) and not all(any(kind) for kind in together)


def same_cleaning(articles: list[Article], plain: Rules, screened: Rules, settings) -> int:
    removed = 0
    for article in articles:
        expected = clean_article(article, settings, plain)
        assert clean_article(article, settings, screened) == expected, article.source
        removed += len(getattr(expected, "removals", ()))
    return removed


def test_cleaning_with_the_screen_finds_the_same_on_seeds_pages_and_made_up_articles(settings):
    pages = sorted(path for folder in ("scrapinghub", "web") for path in (ROOT / "fixtures" / folder).glob("*.html"))
    articles = [item for item in load_inputs([str(p) for p in sorted((ROOT / "seeds").glob("*.txt")) + pages], settings)
                if isinstance(item, Article)]
    # Boilerplate lines at the edges and inside a made-up article, as pages carry them.
    for number, line in enumerate(LINES):
        body = "\n\n".join([line, filler(60, seed=number), LINES[-number], filler(40, seed=number + 99), line.upper()])
        articles.append(article_from_text(body, source=f"made-up-{number}", id=f"made-up-{number}"))
    assert len(articles) > 40
    assert same_cleaning(articles, PLAIN, SCREENED, settings) > 50  # much was removed, the same way


def test_a_users_rule_file_is_screened_too(tmp_path, settings):
    rules_file = tmp_path / "mine.toml"
    rules_file.write_text(
        '[[rule]]\nid = "werbung"\nkind = "promo"\npattern = \'\'\'^(?:anzeige|werbung)\\s*[–:]\'\'\'\n\n'
        '[[rule]]\nid = "fotos"\nkind = "caption"\npattern = \'\'\'\\bfoto:\\s*\\w+$\'\'\'\n',
        encoding="utf-8",
    )
    plain, screened = load_rules((str(rules_file),)), load_screened_rules((str(rules_file),))
    texts = ["Anzeige – Jetzt kaufen", "Werbung: hier", "Die Demonstranten in Minsk. Foto: Reuters", "Anzeigen gab es viele."]
    for text in texts + LINES:
        screened_agrees(plain, screened, text)
    article = article_from_text("\n\n".join([texts[0], filler(80, seed=3), texts[2]]), source="mine", id="mine")
    assert same_cleaning([article], plain, screened, settings) == 2


@pytest.mark.parametrize("text", ["", "a", "©", "İ", "\ud800 lone surrogate"])
def test_odd_texts_get_an_answer(text):
    lines, credits, blocks = SCREENED.screen.candidates(fold(text))  # type: ignore[union-attr]
    assert all(0 <= p < len(SCREENED.lines) for p in lines) and all(0 <= p < len(SCREENED.credits) for p in credits)
    assert all(0 <= p < len(SCREENED.blocks) for p in blocks)
