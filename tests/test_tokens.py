import re
import subprocess
import sys
from unittest.mock import patch

import numpy as np
from hypothesis import example, given, settings as hsettings
from hypothesis import strategies as st

from srccompare.tokens import (
    TokenHasher,
    code_points,
    distinct,
    distinct_with_inverse,
    fold_transliteration,
    in_sorted,
    normalise,
    raw_keys,
    shingle_hashes,
    token_hash,
    token_hashes,
    tokenise,
    word_spans,
)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
@hsettings(max_examples=200, deadline=None)
def test_offsets_point_at_the_tokens(text):
    tokens = tokenise("doc", text, TokenHasher())
    hasher = TokenHasher()
    for start, end, value in zip(tokens.starts, tokens.ends, tokens.hashes):
        raw = text[start:end]
        assert re.fullmatch(r"\w+", raw)
        assert hasher.hash_tokens([raw])[0] == value
    assert np.array_equal(tokens.hashes, token_hashes(text, TokenHasher()))


def test_case_and_punctuation_do_not_matter():
    one = token_hashes("He denies rigging the election.", TokenHasher())
    two = token_hashes("he DENIES, rigging -- the 'election'", TokenHasher())
    assert np.array_equal(one, two)


def test_names_fold_transliteration_variants():
    assert normalise("Sergey") == normalise("Sergei")
    assert normalise("Tsikhanovskaya") == normalise("Tsihanovskaja")
    assert fold_transliteration("zoë") == "zoe"
    # ordinary lower-case words are not folded
    assert normalise("way") != normalise("wai")


def test_hashes_are_stable_across_processes():
    code = (
        "from srccompare.tokens import TokenHasher, token_hashes, shingle_hashes;"
        "print(shingle_hashes(token_hashes('denies rigging the election to secure a sixth term', TokenHasher()), 3).tolist())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], env={"PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    local = shingle_hashes(token_hashes("denies rigging the election to secure a sixth term", TokenHasher()), 3)
    assert outputs.pop().strip() == str(local.tolist())


def test_shingles_depend_on_window_content_and_order():
    hashes = token_hashes("a b c x a b c c b a", TokenHasher())
    grams = shingle_hashes(hashes, 3)
    assert len(grams) == 8
    assert grams[0] == grams[4]  # "a b c" twice
    assert grams[0] != grams[7]  # "c b a" is another shingle
    assert len(shingle_hashes(hashes[:2], 3)) == 0


def test_quote_flags_straight_curly_and_guillemets():
    text = 'He said "we will win" and then “they lost” and «nous» and after.\n\n"Open quote runs on\n\nnot here'
    tokens = tokenise("doc", text, TokenHasher())
    quoted = {text[s:e] for s, e, q in zip(tokens.starts, tokens.ends, tokens.quoted) if q}
    assert quoted == {"we", "will", "win", "they", "lost", "nous", "Open", "quote", "runs", "on"}


def test_sentences_split_on_end_marks_and_paragraphs():
    text = 'One two three. Four five? "Six seven." Eight\n\nNine'
    tokens = tokenise("doc", text, TokenHasher())
    words = {text[s:e]: int(n) for s, e, n in zip(tokens.starts, tokens.ends, tokens.sentences)}
    assert words["One"] == words["three"] < words["Four"] < words["Six"] == words["seven"] < words["Eight"] < words["Nine"]


@given(st.lists(st.integers(0, 50), max_size=30), st.lists(st.integers(0, 50), max_size=30))
def test_in_sorted_is_membership(values, wanted):
    sorted_values = np.unique(np.array(values, dtype=np.uint64))
    wanted_array = np.array(wanted, dtype=np.uint64)
    assert in_sorted(sorted_values, wanted_array).tolist() == np.isin(wanted_array, sorted_values).tolist()


@given(st.lists(st.integers(0, 2**64 - 1), max_size=60))
def test_distinct_is_what_np_unique_gives(values):
    array = np.array(values, dtype=np.uint64)
    unique, inverse = np.unique(array, return_inverse=True)
    assert np.array_equal(distinct(array), unique)
    found, found_inverse = distinct_with_inverse(array)
    assert np.array_equal(found, unique)
    assert np.array_equal(found_inverse, inverse)
    assert np.array_equal(found[found_inverse], array)


def test_hash_tokens_hashes_new_and_known_tokens_alike():
    hasher = TokenHasher()
    first = hasher.hash_tokens(["Sergei", "said", "Sergei"])
    again = hasher.hash_tokens(["said", "Sergey", "new"])
    assert first.dtype == np.uint64 and first[0] == first[2]
    assert again[0] == first[1] and again[1] == first[0]  # Sergey folds to Sergei's hash
    assert again[2] == TokenHasher().hash_tokens(["new"])[0]
    # full 64-bit values survive the signed round trip of the cache
    words = [f"w{i}" for i in range(64)]
    values = hasher.hash_tokens(words).tolist()
    assert values == [token_hash(normalise(word)) for word in words]
    assert any(value >= 2**63 for value in values)


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=()), max_size=120), max_size=8))
@example(["a \ud800 b\udfffc", "Minsk 😀 Мінск"])
@hsettings(max_examples=100, deadline=None)
def test_hashing_whole_texts_agrees_with_hashing_each_word(texts):
    # any text, lone surrogates and characters beyond the BMP included
    by_text, by_word = TokenHasher(), TokenHasher()
    for text in texts + texts:  # the second round finds the words cached
        assert token_hashes(text, by_text).tolist() == by_word.hash_tokens(re.findall(r"\w+", text)).tolist()


def test_cached_keys_stay_right_as_the_cache_grows():
    hasher = TokenHasher()
    long_word = "x" * 70 + "y"  # longer than a keyed token: looked up by its string
    texts = [" ".join(f"w{i}" for i in range(start, start + 400)) + f" {long_word} Ab ab" for start in range(0, 2000, 300)]
    for text in texts + texts[::-1]:
        words = text.split()
        assert token_hashes(text, hasher).tolist() == [token_hash(normalise(word)) for word in words]


@given(st.text(alphabet=st.sampled_from("ab é.\n"), max_size=200), st.integers(1, 40))
def test_raw_keys_do_not_depend_on_the_window(text, window):
    codes = code_points(text)
    starts, ends = word_spans(text, codes)
    whole = raw_keys(codes, starts, ends)
    with patch("srccompare.tokens.KEY_WINDOW", window):
        windowed = raw_keys(codes, starts, ends)
    assert np.array_equal(whole[0], windowed[0]) and np.array_equal(whole[1], windowed[1])
    # equal words, equal keys; different words (short ones here), different keys
    words = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    by_word = dict(zip(words, whole[0].tolist()))
    assert all(by_word[word] == key for word, key in zip(words, whole[0].tolist()))
    assert len(set(by_word.values())) == len(by_word)
