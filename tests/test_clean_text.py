"""The fast text steps give what the plain regex versions give: normalise and word_count."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings as hypothesis_settings, strategies as st

from srccompare.clean.text import (
    CONTROL,
    ESCAPE_SEQUENCE,
    ESCAPE_STARTS,
    SPACES,
    TRANSLATED,
    TRANSLATION,
    WORD,
    normalise,
    run_count,
    word_classes,
    word_count,
)

# Characters each step treats specially, mixed with ordinary ones, so that examples hit every path.
TRICKY = "ab Z_1.-'’\n\t\r\x0b\x0c\x1b[]\x9b\x90\x07\x85\xa0\u2028\u2029\u202e\u200b\ufeff\ud800é\u0301İıſK　,()"
EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=60)
any_text = st.one_of(tricky_text, st.text(max_size=60))


def reference_normalise(text: str) -> str:
    """normalise as it was before its fast paths: every step on every text."""
    text = ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n"))
    text = unicodedata.normalize("NFC", text)
    text = SPACES.sub(" ", CONTROL.sub("", text.translate(TRANSLATION)))
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


@hypothesis_settings(max_examples=400, deadline=None)
@given(any_text)
def test_normalise_gives_what_every_step_gives(text):
    assert normalise(text) == reference_normalise(text)


@hypothesis_settings(max_examples=400, deadline=None)
@given(any_text)
def test_word_count_counts_the_word_regex_matches(text):
    assert word_count(text) == len(WORD.findall(text))


@hypothesis_settings(max_examples=400, deadline=None)
@given(any_text)
def test_run_count_counts_the_runs_of_word_characters(text):
    assert run_count(text) == len(re.findall(r"\w+", text))


def test_run_count_of_a_known_sentence():
    assert run_count("The U.S. well-known don’t 1,000 (AP) — ok") == 11  # The U S well known don t 1 000 AP ok


def test_word_count_classes_every_character_as_the_regex_does():
    """The class of each code point (word, joiner, other) is what WORD's parts say it is."""
    classes = word_classes(EVERY_CHARACTER).decode("ascii")
    expected = re.sub(r"[^\w'’.-]", " ", EVERY_CHARACTER)
    expected = re.sub(r"['’.-]", "j", re.sub(r"\w", "a", expected))
    assert classes == expected


def test_printable_text_holds_nothing_the_character_steps_change():
    """normalise skips translation, control removal and escapes for printable text: check that is safe."""
    printable = "".join(char for char in EVERY_CHARACTER if char.isprintable())
    assert not TRANSLATED.search(printable) and not CONTROL.search(printable)
    assert not re.search(r"[^\S ]", printable)  # the only space is the ASCII one
    others = "".join(char + "[0m]P\x07" for char in EVERY_CHARACTER if char not in ESCAPE_STARTS)
    assert ESCAPE_SEQUENCE.sub("", others) == others  # no escape sequence starts anywhere else


def test_word_counts_of_known_sentences():
    assert word_count("The U.S. well-known don’t 1,000 (AP) — ok") == 8
    assert word_count("a.-b 'quoted' ...") == 3
    assert word_count("Привет, мир! 你好") == 3
    assert word_count("") == 0
