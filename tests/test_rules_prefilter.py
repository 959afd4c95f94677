"""The rules' prefilters (srccompare/rules/prefilter.py) never change what a rule finds."""

from __future__ import annotations

import re
import string
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from srccompare.clean.text import normalise, split_paragraphs
from srccompare.rules import load_rules
from srccompare.rules.prefilter import FOLD_SPECIAL, Prefilter, first_char_index, fold, prefilter_of

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RULES = load_rules()
PATTERNS = (
    [rule.pattern for rule in RULES.lines]
    + [rule.pattern for rule in RULES.credits]
    + [pattern for rule in RULES.blocks for pattern in (rule.start, rule.end)]
)
# Lines that trip rules, from the rule tests' kinds of boilerplate, and their near misses.
LINES = [
    "Let our news meet your inbox. The news and stories that matters, delivered weekday mornings.",
    "Lukashenko chairs a meeting in Minsk. Andrei Stasevich / BelTA / Reuters",
    "Protesters in Minsk (AP Photo/Sergei Grits)",
    "Image copyright Getty Images",
    "Photo: Reuters",
    "A great line to share Click To Tweet",
    "If you can, please support us. Remind me later.",
    "Copyright 2020 The Associated Press. All rights reserved.",
    "(c) 2019 Reuters",
    "Reuters contributed to this report.",
    "MINSK (Reuters) - Police detained dozens of protesters.",
    "Original url: https://example.com/a",
    "https://www.example.com/2020/08/18/story",
    "Follow us on Twitter",
    "3 min read",
    "Tags: Belarus, Europe",
    "This site is protected by reCAPTCHA and the Google Privacy Policy and Terms of Service apply.",
    "Download the free Moscow Times app",
    "Sign up for our daily newsletter",
    "(Reporting by Andrew Osborn; Editing by Mark Heinrich)",
    "Source: TRTWorld and agencies",
    "By Tatiana Kalinovskaya for AFP",
    "A Message from The Moscow Times:",
    "Dear readers,",
    "Maybe later",
    "Available now on the App Store",
    "Alex on September 17, 2018 at 6:34 am said:",
    "CLİCK TO TWEET",  # the dotted capital I matches "i" without case
    "ſhare",  # the long s matches "s"
]
FRAGMENTS = sorted({word for line in LINES for word in re.findall(r"\S+", line)} | set("()/[]:©—-•@.,"))


def seed_paragraphs() -> list[str]:
    return [p for path in sorted(SEEDS.glob("*.txt")) for p in split_paragraphs(normalise(path.read_text("utf-8")))]


@lru_cache(maxsize=None)
def cheap(pattern: re.Pattern[str]) -> Prefilter:
    return prefilter_of(pattern)


def same_match(pattern: re.Pattern[str], text: str) -> None:
    expected = pattern.search(text)
    found = cheap(pattern).search(pattern, text, fold(text))
    assert (found and (found.span(), found.groupdict(), found.groups())) == (
        expected and (expected.span(), expected.groupdict(), expected.groups())
    ), (pattern.pattern, text)


def test_every_rule_finds_the_same_on_the_seeds_and_boilerplate_lines():
    texts = seed_paragraphs() + LINES + [line.upper() for line in LINES] + [f"x {line}" for line in LINES]
    hits = 0
    for pattern in PATTERNS:
        for text in texts:
            same_match(pattern, text)
            hits += bool(pattern.search(text))
    assert hits > 40  # the texts do trip the rules, so the check checks something


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map(" ".join), st.sampled_from(PATTERNS))
def test_every_rule_finds_the_same_on_shuffled_fragments(text, pattern):
    same_match(pattern, text)


MADE_UP = [
    r"^ab|cd$",
    r"(?=.*x)^a",
    r"\bfoo(?:bar|baz)+",
    r"(?-i:AP)|^reuters",
    r"(?:^a|^b)c|d",
    r"(?m)^ab",
    r"(?m:^a)b",
    r"^(?:x)?$",
    r"a(?<=ka)b",
    r"^[-•]\s*k",
    r"(ab)\1|^c",
    r"^(?!ab)\w+",
    r"x(?<!ka)b|(?=zz)",
    r"\Afoo|(?-i:Kx)",
    r"\b(?:ab|cd)\s*=|foo\s*\{|^x",  # alternatives needing two things each (Prefilter.alternatives)
]
PIECES = ["=", "{", "ab", "cd", "a", "b", "c", "x", "z", "foo", "bar", "baz", "AP", "reuters", "REUTERS", "ka", "K", "Kx",
          "•", "-", "\n", " ", "İ", "ı", "ſ", "\u212a"]


@hypothesis_settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), st.sampled_from(MADE_UP))
def test_made_up_patterns_find_the_same(text, source):
    same_match(re.compile(source, re.IGNORECASE), text)


def test_an_alternation_is_searched_only_where_some_alternative_has_all_it_needs():
    # (no opening common to the alternatives: the regex parser would take it out of the alternation)
    pattern = re.compile(r"(?:var|let)\s+\w+\s*=|function\s*\(", re.IGNORECASE)
    cheap = prefilter_of(pattern)
    prose = "Let the council decide (he said) on various letters."
    assert any(string in fold(prose) for string in cheap.required)  # its best strings alone would let it try
    assert cheap.search(re.compile(""), prose, fold(prose)) is None  # (a pattern matching anything: not tried)
    for code in ("var x = 1", "function (a) {"):
        assert cheap.search(pattern, code, fold(code))


def test_fold_maps_what_the_engine_matches_to_ascii_onto_it():
    """Every character that a case-insensitive ASCII literal matches folds to that literal (lower case)."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in string.ascii_lowercase:
        for char in re.findall(letter, everything, re.IGNORECASE):
            assert fold(char) == letter, f"U+{ord(char):04X}"
    outside = {char for char in re.findall("[a-z]", everything, re.IGNORECASE) if not char.isascii()}
    assert outside == set(FOLD_SPECIAL)  # the table lists exactly the characters the engine adds


@pytest.mark.parametrize("first", ["t", "(", "x", ""])
def test_first_character_index_keeps_every_rule_that_can_match(first):
    """Rules left out for a first character are anchored ones whose first characters exclude it."""
    index = first_char_index([rule.cheap for rule in RULES.lines])
    kept = index.candidates(first + "rest")
    for position, rule in enumerate(RULES.lines):
        if position not in kept:
            assert rule.cheap.first is not None and first not in rule.cheap.first, rule.id
    assert list(kept) == sorted(kept)


def test_caseless_characters_of_the_rules_match_only_themselves():
    """Punctuation and symbols outside ASCII (©, –, •) are taken as literals: the engine, ignoring case,
    must match each to itself alone."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    used = {char for pattern in PATTERNS for char in pattern.pattern if not char.isascii()}
    caseless = sorted(char for char in used if unicodedata.category(char)[0] in "PSZ")
    assert caseless  # the rules do hold some
    for char in caseless:
        assert re.findall(re.escape(char), everything, re.IGNORECASE) == [char], f"U+{ord(char):04X}"
