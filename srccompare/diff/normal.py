"""The normal form two articles are matched on, and the fold key for names.

Matching looks through differences a reader would call cosmetic: case,
curly versus straight quotes, dash styles, punctuation, and the spelling of
transliterated names (Tsikhanouskaya / Tikhanovskaya, Sviatlana / Svetlana,
Zelensky / Zelenskyy). What differs only under this normal form is a
*minor* difference: shown muted, never hidden.

A text is cut into word tokens. Each token spans its word plus the
punctuation and space after it (the first token of a text also takes what
comes before it), so the tokens of a text cover it without gaps, and a
changed comma or quote mark belongs to a word and shows up as a minor
difference of that word.

Name folding: names are spelled differently by outlets that transliterate
from Russian, Belarusian or Ukrainian under different systems. Spelling
systems disagree mostly about vowels (Sviatlana / Svetlana, Lukashenko /
Lukashenka), about how one Cyrillic letter becomes several Latin ones (kh,
zh, shch, ts; German sch, tsch, w; Polish sz, cz) and about the
semivowels (Belarusian ў written u where Russian has v; й written y, i or j).
The fold key therefore rewrites those multi-letter spellings to one letter,
drops vowels and semivowels and collapses doubled letters, leaving a
consonant skeleton. Because a skeleton collides for ordinary words
(these / those), it is used only for names: words the same article
capitalises in mid-sentence and never writes in lower case, and only when the
skeleton is long enough to be telling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache, partial
from typing import NamedTuple

# Quote and dash variants, unified before anything else.
_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u02bc": "'", "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2033": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\u00ad": "",
    }
)

# A word: letters and digits, with inner apostrophes and hyphens (Lukashenko's, re-election).
# Apostrophes and hyphens of every style join, dashes do not (they are not in the set).
_WORD = re.compile("[^\\W_]+(?:['\\-\u2019\u02bc\u2018\u2010\u2011\u00ad`\u00b4][^\\W_]+)*")

# A word right after a word, a comma, a per cent sign or a closing bracket, and one space.
_MID_SENTENCE_WORD = re.compile(r"(?<=[\w,;%)] )" + _WORD.pattern)

# Cyrillic to Latin (one of many systems; the fold key below evens out the rest).
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e",
    "є": "ye", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)

# Spelling variants of one sound, rewritten to one letter, longest first.
_FOLD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"tsch|tch", "c"),  # ч in German and English spellings
        (r"shch|szcz|sch|sh|sz", "s"),  # ш щ; German sch; Polish sz
        (r"cz|ch", "c"),  # ч
        (r"dzh|dj|zh", "j"),  # ж, дж
        (r"kh", "h"),  # х
        (r"ts|tz|th", "t"),  # Belarusian ц where Russian has т (Tsikhanouskaya / Tikhanovskaya)
        (r"dz", "d"),  # Belarusian дз where Russian has д (Dzmitry / Dmitry)
        (r"ph", "f"),
        (r"ck|q", "k"),
        (r"x", "ks"),
        (r"w", "v"),
    )
)
_NOT_ALNUM = re.compile(r"[\W_]+")
_VOWELS_AND_SEMIVOWELS = re.compile(r"[aeiouyv]")
_DOUBLES = re.compile(r"(.)\1+")


class Token(NamedTuple):
    """A word of a text: the word is at ``[word_start, word_end)``; the token as
    a whole, with its trailing punctuation and space, is ``[start, end)``.
    ``key`` is what matching compares. (A NamedTuple: articles have tens of
    thousands of tokens, and tuples are the cheapest to build.)"""

    start: int
    end: int
    word_start: int
    word_end: int
    key: str


def unify(text: str) -> str:
    """Unicode compatibility form with quotes and dashes unified (length may change)."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """The normal form of one word: case-folded, unified, punctuation dropped."""
    return _NOT_ALNUM.sub("", unify(word).casefold())


def normal_form(text: str) -> str:
    """A text's normal form: its word keys joined by single spaces."""
    return " ".join(word_key(word) for word in _WORD.findall(text))


def latin(word: str) -> str:
    """Lower-case Latin letters only: accents stripped, Cyrillic transliterated."""
    lowered = word.casefold().translate(_CYRILLIC_TABLE)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


@lru_cache(maxsize=1 << 16)
def fold_key(word: str) -> str:
    """The consonant skeleton of a (name) word; see the module docstring. Bolder than the
    reuse tokens' ``tokens.fold_transliteration``: it is used only on words the article treats
    as names, with a skeleton of at least ``diff.name_min_skeleton`` letters."""
    folded = latin(word)
    for pattern, replacement in _FOLD_RULES:
        folded = pattern.sub(replacement, folded)
    skeleton = _VOWELS_AND_SEMIVOWELS.sub("", folded)
    return _DOUBLES.sub(r"\1", skeleton)


class Scan(NamedTuple):
    """A text's words found once, for both name finding and tokenizing."""

    text: str
    spans: list[tuple[int, int]]
    words: list[str]


def scan(text: str) -> Scan:
    matches = list(_WORD.finditer(text))
    return Scan(text, [m.span() for m in matches], [m.group() for m in matches])


def find_names(texts: Iterable[str]) -> frozenset[str]:
    """Word keys the texts treat as names: capitalised mid-sentence, never in lower case."""
    return names_in(scan(text) for text in texts)


def names_in(scans: Iterable[Scan]) -> frozenset[str]:
    """Names of scanned texts (see ``find_names``). Mid-sentence means right after
    a word, a comma or a closing bracket and one space: "met Angela Merkel"
    counts both names, "said. These" does not."""
    seen: set[str] = set()
    mid_sentence: set[str] = set()
    for text in scans:
        seen.update(text.words)
        mid_sentence.update(_MID_SENTENCE_WORD.findall(text.text))
    capitalised = {word_key(w) for w in mid_sentence if w[0].isupper()}
    return frozenset(capitalised - {word_key(w) for w in seen if w[0].islower()})


def diff_tokens(
    text: str,
    offset: int = 0,
    names: frozenset[str] = frozenset(),
    min_skeleton: int = 3,
    memo: dict[str, str] | None = None,
) -> list[Token]:
    """Word tokens of ``text`` covering it whole, offsets shifted by ``offset``.

    Words whose key is in ``names`` are keyed by their fold key when its
    skeleton has at least ``min_skeleton`` letters. A text with no word at all
    is one token keyed by its stripped, unified self. ``memo`` (word -> key)
    may be shared by the calls of one run with the same ``names``, to save time.
    """
    return tokens_of(scan(text), offset, names, min_skeleton, {} if memo is None else memo)


def tokens_of(text: Scan, offset: int, names: frozenset[str], min_skeleton: int, memo: dict[str, str]) -> list[Token]:
    """``diff_tokens`` for a text already scanned."""
    if not text.spans:
        if not text.text.strip():
            return []
        end = offset + len(text.text)
        return [Token(offset, end, offset, end, surface(unify(text.text)))]
    for word in set(text.words).difference(memo):
        memo[word] = _key(word, names, min_skeleton)
    keys = list(map(memo.__getitem__, text.words))
    word_starts, word_ends = (list(column) for column in zip(*text.spans))
    if offset:
        word_starts = list(map(offset.__add__, word_starts))
        word_ends = list(map(offset.__add__, word_ends))
    starts = [offset] + word_starts[1:]
    ends = word_starts[1:] + [offset + len(text.text)]
    return list(map(_make_token, zip(starts, ends, word_starts, word_ends, keys)))


_make_token = partial(tuple.__new__, Token)  # Token from a tuple without a Python-level call


def _key(word: str, names: frozenset[str], min_skeleton: int) -> str:
    key = word_key(word)
    if key in names:
        skeleton = fold_key(word)
        if len(skeleton) >= min_skeleton:
            return "~" + skeleton
    return key


def surface(text: str) -> str:
    """The exact characters, with runs of white space counted as one space."""
    return " ".join(text.split())


def same_surface(left: str, right: str) -> bool:
    """Equal characters, white space aside: what makes two matched words ``equal``, not ``minor``."""
    return left == right or left.split() == right.split()


def keys(tokens: Sequence[Token]) -> tuple[str, ...]:
    return tuple(token.key for token in tokens)
