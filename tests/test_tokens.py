import re
import subprocess
import sys

import numpy as np
from hypothesis import example, given, settings as hsettings
from hypothesis import strategies as st

from srccompare.reuse.arrays import distinct
from srccompare.reuse.tokens import (
    CHAR_CLASSES,
    FEW_NEW_TOKENS,
    KEYED_TOKEN_CHARS,
    TokenHasher,
    _empty_table,
    _insert,
    _look_up,
    _word_chars,
    code_points,
    fold_transliteration,
    normalise,
    scan_words,
    shingle_hashes,
    token_hash,
    token_hashes,
    alignment_tokens,
)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
@hsettings(max_examples=200, deadline=None)
def test_offsets_point_at_the_tokens(text):
    tokens = alignment_tokens("doc", text, TokenHasher())
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
        "from srccompare.reuse.tokens import TokenHasher, token_hashes, shingle_hashes;"
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
    tokens = alignment_tokens("doc", text, TokenHasher())
    quoted = {text[s:e] for s, e, q in zip(tokens.starts, tokens.ends, tokens.quoted) if q}
    assert quoted == {"we", "will", "win", "they", "lost", "nous", "Open", "quote", "runs", "on"}


def test_sentences_split_on_end_marks_and_paragraphs():
    text = 'One two three. Four five? "Six seven." Eight\n\nNine'
    tokens = alignment_tokens("doc", text, TokenHasher())
    words = {text[s:e]: int(n) for s, e, n in zip(tokens.starts, tokens.ends, tokens.sentences)}
    assert words["One"] == words["three"] < words["Four"] < words["Six"] == words["seven"] < words["Eight"] < words["Nine"]


@given(st.lists(st.integers(0, 2**64 - 1), max_size=60))
def test_distinct_is_what_np_unique_gives(values):
    array = np.array(values, dtype=np.uint64)
    assert np.array_equal(distinct(array), np.unique(array))


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


def test_few_and_many_new_words_hash_alike():
    # up to FEW_NEW_TOKENS new tokens in a text take hash_spans's dict path, more its numpy path
    hasher = TokenHasher()
    for count in (1, FEW_NEW_TOKENS // 2, FEW_NEW_TOKENS // 2 + 1, FEW_NEW_TOKENS, 2 * FEW_NEW_TOKENS):
        words = [f"n{count}x{i}" for i in range(count)]
        text = " ".join(words + ["Known"] + words[::-1])  # each new word twice, hashed once
        expected = [token_hash(normalise(word)) for word in text.split()]
        assert token_hashes(text, hasher).tolist() == expected
        assert token_hashes(text, hasher).tolist() == expected  # the second time from the table
        assert hasher._known_count == len(hasher._cache)  # each distinct key remembered once


def test_cached_keys_stay_right_as_the_cache_grows():
    hasher = TokenHasher()
    long_word = "x" * 70 + "y"  # longer than a keyed token: looked up by its string
    texts = [" ".join(f"w{i}" for i in range(start, start + 400)) + f" {long_word} Ab ab" for start in range(0, 2000, 300)]
    for text in texts + texts[::-1]:
        words = text.split()
        assert token_hashes(text, hasher).tolist() == [token_hash(normalise(word)) for word in words]


@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=200))
@example("a \ud800 b\udfffc 😀x𝔘𝔫 \U0002070e.")
@example("")
@hsettings(max_examples=200, deadline=None)
def test_scan_words_finds_what_the_pattern_finds(text):
    # any text: lone surrogates and characters beyond the BMP (word characters or not) included
    starts, ends, _ = scan_words(code_points(text))
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in re.finditer(r"\w+", text)]


KEY_BASE, KEY_MULTIPLIER = 0x100000001B3, 0x9E3779B97F4A7C15


@given(st.text(alphabet=st.sampled_from("ab é.\n😀𝔘ЖѦ"), max_size=200))
def test_raw_keys_are_polynomials_of_the_code_points(text):
    starts, ends, keys = scan_words(code_points(text))
    words = [text[a:b] for a, b in zip(starts.tolist(), ends.tolist())]
    for word, key in zip(words, keys.tolist()):
        polynomial = sum(ord(ch) * KEY_BASE**k for k, ch in enumerate(word))
        assert key == (polynomial * KEY_MULTIPLIER + len(word)) % 2**64
    # equal words, equal keys wherever they stand; different (short) words, different keys
    by_word = dict(zip(words, keys.tolist()))
    assert len(set(by_word.values())) == len(by_word)


@given(
    st.lists(st.integers(0, 2**64 - 1), unique=True, max_size=120),
    st.lists(st.tuples(st.integers(0, 2**64 - 1), st.booleans(), st.integers(1, 2 * KEYED_TOKEN_CHARS)), max_size=80),
)
@example([], [(5, False, 1)])
@example([0, 2**64 - 1], [(0, True, 1), (2**64 - 1, True, 64), (2**64 - 1, True, 65), (7, False, 3)])
def test_look_up_finds_the_known_keys_of_keyed_tokens(known_list, wanted):
    # wanted: (key, or one of the known keys if any, token length)
    known = np.array(known_list, dtype=np.uint64)
    values = known ^ np.uint64(0xABCDEF)
    table = _empty_table(8)  # small, so that probes wrap around and collide
    while 2 * len(known) > len(table[0]):
        table = _empty_table(2 * len(table[0]))
    _insert(*table, known, values)
    keys = [known_list[key % len(known_list)] if pick and known_list else key for key, pick, _ in wanted]
    lengths = [length for _, _, length in wanted]
    ends = np.cumsum(np.array(lengths, dtype=np.int64) + 1)
    starts = ends - np.array(lengths, dtype=np.int64)
    hashes, new, unkeyed = _look_up(np.array(keys, dtype=np.uint64), starts, ends, *table)
    value_of = dict(zip(known.tolist(), values.tolist()))
    found = [key in value_of and length <= KEYED_TOKEN_CHARS for key, length in zip(keys, lengths)]
    assert hashes.tolist() == [value_of[key] if hit else 0 for key, hit in zip(keys, found)]
    assert new.tolist() == [i for i, (hit, n) in enumerate(zip(found, lengths)) if not hit and n <= KEYED_TOKEN_CHARS]
    assert unkeyed.tolist() == [i for i, n in enumerate(lengths) if n > KEYED_TOKEN_CHARS]


def sentences_and_quotes(text, starts):
    """What alignment_tokens should give as sentence numbers and quote flags, character by character."""
    sentence, inside = 0, False
    sentence_at, inside_at = [], []  # before the character at each offset
    for i, ch in enumerate(text):
        sentence_at.append(sentence)
        inside_at.append(inside)
        following = text[i + 1] if i + 1 < len(text) else " "
        after = text[i + 2] if i + 2 < len(text) else " "
        spaced = following in " \t\n\r\u00a0" or (following in "'\"”’»)]" and after in " \t\n\r\u00a0")
        if (ch in ".!?…" and spaced) or (ch == "\n" and following == "\n"):
            sentence += 1
        if inside:
            inside = ch not in '"”»\n'
        else:
            inside = ch in '"“„«'
    return [sentence_at[s] for s in starts], [inside_at[s] for s in starts]


@given(st.text(alphabet=st.sampled_from('ab Я1_.!?…\'"”’»)]“„«\n\t\r\u00a0😀𝔘\u202f,'), max_size=200))
@example('He said "no." Then: «oui» „ja“ “yes”\n\nx. "Open\nclosed')
@hsettings(max_examples=300)
def test_sentence_numbers_and_quote_flags(text):
    tokens = alignment_tokens("doc", text, TokenHasher())
    sentences, quoted = sentences_and_quotes(text, tokens.starts.tolist())
    assert tokens.sentences.dtype == np.int32 and tokens.sentences.tolist() == sentences
    assert tokens.quoted.dtype == bool and tokens.quoted.tolist() == quoted
    assert tokens.starts.dtype == tokens.ends.dtype == np.int32


def test_no_mark_is_a_word_character():
    # the kernel looks for sentence and quote marks only between tokens
    assert not _word_chars()[np.flatnonzero(CHAR_CLASSES)].any()
    # and looks code points beyond the table up in its last entry
    assert CHAR_CLASSES[-1] == 0


def _python_shingles(hashes: list[int], size: int) -> list[int]:
    """shingle_hashes in plain Python integers: polynomial over the window, then splitmix64's finaliser, mod 2**64."""
    mask, shingles = (1 << 64) - 1, []
    for first in range(len(hashes) - size + 1):
        value = hashes[first]
        for offset in range(1, size):
            value = (value * 0x9E3779B97F4A7C15 + hashes[first + offset]) & mask
        value ^= value >> 30
        value = (value * 0xBF58476D1CE4E5B9) & mask
        value ^= value >> 27
        value = (value * 0x94D049BB133111EB) & mask
        shingles.append(value ^ (value >> 31))
    return shingles


@given(st.lists(st.integers(0, 2**64 - 1), max_size=40), st.integers(1, 6))
@hsettings(max_examples=150, deadline=None)
def test_shingle_hashes_are_the_polynomial_then_splitmix(hashes, size):
    found = shingle_hashes(np.array(hashes, dtype=np.uint64), size)
    assert found.dtype == np.uint64
    assert found.tolist() == _python_shingles(hashes, size)
