from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srccompare.diff.normal import find_names, fold_key, normal_form, diff_tokens, word_key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Tsikhanouskaya", "Tikhanovskaya"),
        ("Sviatlana", "Svetlana"),
        ("Lukashenko", "Lukashenka"),
        ("Zelensky", "Zelenskyy"),
        ("Gorbachev", "Gorbatschow"),
        ("Aleksandr", "Alexander"),
        ("Dzmitry", "Dmitry"),
        ("Тихановская", "Tikhanovskaya"),
        ("Tikhanovskaïa", "Tikhanovskaya"),
    ],
)
def test_transliterations_of_one_name_share_a_fold_key(first: str, second: str) -> None:
    assert fold_key(first) == fold_key(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [("Merkel", "Macron"), ("Putin", "Lavrov"), ("Michel", "Merkel"), ("Minsk", "Moscow"), ("Lukashenko", "Tikhanovsky")],
)
def test_different_names_keep_different_fold_keys(first: str, second: str) -> None:
    assert fold_key(first) != fold_key(second)


def test_normal_form_ignores_case_quotes_dashes_and_punctuation() -> None:
    assert normal_form("“Our message is clear—Violence has to stop,” he said.") == normal_form(
        '"our message is clear - violence has to stop" He said'
    )
    assert normal_form("re\u2010election of Lukashenko’s rival") == "reelection of lukashenkos rival"
    assert normal_form("free") != normal_form("fair")


def test_names_are_capitalised_mid_sentence_and_never_lower_case() -> None:
    text = (
        "These talks began. Officials met Tsikhanouskaya in Vilnius. "
        "The Council met; the council said so. These men met."
    )
    names = find_names([text])
    assert {"tsikhanouskaya", "vilnius"} <= names
    assert "these" not in names  # only capitalised at the start of a sentence
    assert "council" not in names  # also written in lower case


def test_tokenize_folds_only_names() -> None:
    names = frozenset({"tsikhanouskaya"})
    left = diff_tokens("Tsikhanouskaya said these", names=names)
    right = diff_tokens("Tikhanovskaya said those", names=frozenset({"tikhanovskaya"}))
    assert left[0].key == right[0].key
    assert left[2].key != right[2].key  # these / those: not names, not folded


def test_short_skeletons_are_not_folded() -> None:
    tokens = diff_tokens("Ivan", names=frozenset({"ivan"}), min_skeleton=3)
    assert tokens[0].key == "ivan"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80), st.integers(0, 500))
def test_tokens_cover_the_text_without_gaps(text: str, offset: int) -> None:
    tokens = diff_tokens(text, offset)
    if not text.strip():
        assert tokens == []
        return
    assert tokens[0].start == offset and tokens[-1].end == offset + len(text)
    for before, after in zip(tokens, tokens[1:]):
        assert before.end == after.start
    for token in tokens:
        assert token.start <= token.word_start < token.word_end <= token.end


def test_token_words_point_at_their_words() -> None:
    text = "“Violence—has to stop,” Michel wrote."
    tokens = diff_tokens(text, 10)
    words = [text[t.word_start - 10 : t.word_end - 10] for t in tokens]
    assert words == ["Violence", "has", "to", "stop", "Michel", "wrote"]
    assert [t.key for t in tokens] == [word_key(w) for w in words]
