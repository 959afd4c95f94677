"""Tokens with character offsets, blake3 token hashes and numpy shingle hashes.

A document is tokenised once into word tokens (``\\w+`` runs) that keep their
offsets into the cleaned body. Each distinct token is normalised (casefolded;
optionally names folded for transliteration variants) and hashed with blake3
to 64 bits, through a per-run cache, so that hashes are the same in every
process and on every machine (Python's ``hash()`` is salted per process).
Windows of ``n`` token hashes are combined into 64-bit shingle hashes with
numpy arithmetic (wrapping uint64), never by hashing shingle strings.

Besides hashes, a tokenised document carries for every token its sentence
number and whether it stands inside quotation marks (straight, curly or
guillemets): the aligner uses sentences for fuzzy seeds and the quote flags to
tell quoted speech from reporting prose.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from blake3 import blake3

TOKEN_PATTERN = re.compile(r"\w+")
# Character classes as lookup tables over code points (codes beyond the table
# are looked up in its last entry, which is always False).
_TABLE_SIZE = 0x2030


def _char_table(chars: str) -> np.ndarray:
    table = np.zeros(_TABLE_SIZE, dtype=bool)
    table[[ord(ch) for ch in chars]] = True
    return table


# A sentence ends at . ! ? or … followed by white space (closing quotes or brackets
# in between allowed), and at every paragraph break.
SENTENCE_ENDERS = _char_table(".!?…")
SENTENCE_CLOSERS = _char_table("'\"”’»)]")
SPACES = _char_table(" \t\n\r\u00a0")
NEWLINE = ord("\n")
# Quotation marks: straight double quotes toggle, curly and guillemets open or close;
# a line break closes any quote left open (news quotes often run on unclosed).
STRAIGHT_QUOTE = ord('"')
OPENING_QUOTES = frozenset(ord(ch) for ch in "“„«")
CLOSING_QUOTES = frozenset(ord(ch) for ch in "”»")
QUOTE_EVENTS = _char_table('"“”„«»\n')

# Odd 64-bit constants (splitmix64 and a golden-ratio multiplier) for mixing shingles.
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


@dataclass(frozen=True, eq=False)
class Tokens:
    """One document's tokens, as parallel numpy arrays of equal length.

    ``hashes`` are 64-bit token hashes; ``starts``/``ends`` character offsets
    into the body; ``sentences`` the sentence number of each token; ``quoted``
    whether the token stands inside quotation marks.
    """

    doc_id: str
    hashes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    sentences: np.ndarray
    quoted: np.ndarray

    def __len__(self) -> int:
        return len(self.hashes)


class TokenHasher:
    """Normalises and hashes tokens, caching each distinct raw token once.

    One hasher serves one run (or one worker's share of it); the cache is what
    makes hashing cheap, since a corpus has far fewer distinct tokens than
    tokens. ``fold_names`` folds capitalised tokens (names) so that common
    transliteration variants (Sergey/Sergei, diacritics, kh/h) hash alike.

    Two caches: raw token strings (``hash_tokens``), and for whole texts
    (``hash_spans``) a sorted array of raw-token keys computed from code points
    with numpy, so that a document whose words have all been seen is hashed
    without making a Python string of each word.
    """

    def __init__(self, *, fold_names: bool = True) -> None:
        self.fold_names = fold_names
        self._cache = _HashCache(fold_names)
        # (sorted raw-token keys, the token hash of each): one attribute, swapped
        # whole, so that a thread never sees the keys of one merge with the values of another
        self._known = (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64))
        self._new: list[tuple[np.ndarray, np.ndarray]] = []  # keys met since the last merge
        self._new_count = 0

    def hash_tokens(self, raw_tokens: list[str]) -> np.ndarray:
        # One C-level pass: known tokens are plain dict hits, a new one goes
        # through _HashCache.__missing__ (twice as fast as finding the new
        # tokens first with a set difference).
        signed = np.fromiter(map(self._cache.__getitem__, raw_tokens), dtype=np.int64, count=len(raw_tokens))
        return signed.view(np.uint64)

    def hash_spans(self, text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Token hashes of the words at [starts, ends) of ``text`` (``codes``: its code points)."""
        keys, keyed = raw_keys(codes, starts, ends)
        known, values = self._known
        if len(known):
            where = np.minimum(np.searchsorted(known, keys), len(known) - 1)
            hashes = values[where]
            missing = np.flatnonzero((known[where] != keys) | ~keyed)
        else:
            hashes = np.zeros(len(keys), dtype=np.uint64)
            missing = np.arange(len(keys))
        if len(missing) == 0:
            return hashes
        # New keys: one string a distinct key (a huge text repeats its words),
        # hashed and remembered; unkeyed (long) tokens one by one, by their string.
        trusted, untrusted = missing[keyed[missing]], missing[~keyed[missing]]
        if len(trusted):
            new_keys, first, inverse = np.unique(keys[trusted], return_index=True, return_inverse=True)
            firsts = trusted[first]
            new_hashes = self.hash_tokens(_strings(text, starts[firsts], ends[firsts]))
            hashes[trusted] = new_hashes[inverse]
            self._remember(new_keys, new_hashes)
        if len(untrusted):
            hashes[untrusted] = self.hash_tokens(_strings(text, starts[untrusted], ends[untrusted]))
        return hashes

    def _remember(self, keys: np.ndarray, hashes: np.ndarray) -> None:
        """Add new (distinct) keys to the sorted array, in batches: a merge costs a sort of the whole array."""
        self._new.append((keys, hashes))
        self._new_count += len(keys)
        known, values = self._known
        if self._new_count < 256 + len(known) // 4:
            return
        new, self._new, self._new_count = self._new, [], 0
        keys = np.concatenate([known, *(k for k, _ in new)])
        values = np.concatenate([values, *(v for _, v in new)])
        order = np.argsort(keys, kind="stable")
        keys, values = keys[order], values[order]
        first = _first_of_runs(keys)
        self._known = (keys[first], values[first])


def _strings(text: str, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    return [text[start:end] for start, end in zip(starts.tolist(), ends.tolist())]


class _HashCache(dict):
    """raw token -> its hash as a signed 64-bit int (what np.fromiter takes), computed when first asked for."""

    def __init__(self, fold_names: bool) -> None:
        super().__init__()
        self.fold_names = fold_names

    def __missing__(self, token: str) -> int:
        value = token_hash(normalise(token, fold_names=self.fold_names))
        signed = value - (1 << 64) if value >= 1 << 63 else value
        self[token] = signed
        return signed


@functools.lru_cache(maxsize=2)
def process_hasher(fold_names: bool) -> TokenHasher:
    """One hasher per worker process (and setting), reused by every task it runs.

    Hashing is a pure function of the token, so sharing the cache between tasks
    changes no result; it saves re-hashing the corpus vocabulary for each task.
    """
    return TokenHasher(fold_names=fold_names)


def normalise(token: str, *, fold_names: bool = True) -> str:
    """The form a raw token is compared by: casefolded, names folded if asked."""
    folded = token.casefold()
    if fold_names and token[:1].isupper():
        folded = fold_transliteration(folded)
    return folded


def fold_transliteration(word: str) -> str:
    """A crude skeleton of a name that merges common transliteration variants.

    Diacritics go, y/j become i, w becomes v, kh becomes h and doubled letters
    are single: Tsikhanovskaya and Tsihanovskaja, Sergey and Sergei fold alike.
    """
    decomposed = unicodedata.normalize("NFKD", word)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("kh", "h").translate(_FOLD_TABLE)
    return re.sub(r"(.)\1+", r"\1", stripped)


_FOLD_TABLE = str.maketrans({"y": "i", "j": "i", "w": "v"})


def token_hash(normalised: str) -> int:
    """A stable 64-bit hash of a normalised token (first 8 bytes of blake3)."""
    return int.from_bytes(blake3(normalised.encode("utf-8")).digest(8), "little")


def token_hashes(text: str, hasher: TokenHasher) -> np.ndarray:
    """Only the token hashes of ``text`` (what sketches and the index need)."""
    codes = code_points(text)
    starts, ends = word_spans(text, codes)
    return hasher.hash_spans(text, codes, starts, ends)


def tokenise(doc_id: str, text: str, hasher: TokenHasher) -> Tokens:
    """Tokens of ``text`` with offsets, hashes, sentence numbers and quote flags."""
    codes = code_points(text)
    starts, ends = word_spans(text, codes)
    return Tokens(
        doc_id=doc_id,
        hashes=hasher.hash_spans(text, codes, starts, ends),
        starts=starts.astype(np.int32),
        ends=ends.astype(np.int32),
        sentences=sentence_numbers(codes, starts),
        quoted=quote_flags(codes, starts),
    )


def word_spans(text: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) offsets of the ``\\w+`` runs of ``text``: what TOKEN_PATTERN finds.

    From a lookup table over the code points (a few numpy passes, no string
    per token); the few distinct characters beyond the Basic Multilingual
    Plane (emoji, rare scripts) are asked of ``re`` one by one.
    """
    word = np.zeros(len(codes) + 2, dtype=np.int8)
    if len(codes) and int(codes.max()) >= _BMP:
        beyond = codes >= _BMP
        word[1:-1] = _word_chars()[np.where(beyond, 0, codes)]
        values = distinct(codes[beyond])
        is_word = np.fromiter((TOKEN_PATTERN.match(chr(v)) is not None for v in values.tolist()), dtype=bool, count=len(values))
        word[1:-1][beyond] = is_word[np.searchsorted(values, codes[beyond])]
    else:
        word[1:-1] = _word_chars()[codes]
    edges = np.flatnonzero(word[1:] != word[:-1])  # alternately a word's start and its end
    return edges[0::2], edges[1::2]


_BMP = 0x10000


@functools.lru_cache(maxsize=1)
def _word_chars() -> np.ndarray:
    """Which BMP code points ``\\w`` matches, asked of ``re`` itself so that both tokenisers agree."""
    plane = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, _BMP)))
    table = np.zeros(_BMP, dtype=bool)
    table[code_points("".join(re.findall(r"\w", plane)))] = True
    return table


# Raw-token keys: a polynomial hash of the code points modulo 2**64, with the
# length mixed in. Such hashes can be made to collide by strings of a thousand
# characters or more, so tokens longer than KEYED_TOKEN_CHARS are not keyed
# (they are looked up by their string).
KEYED_TOKEN_CHARS = 64
_KEY_BASE = np.uint64(0x100000001B3)
_KEY_BASE_INVERSE = np.uint64(pow(0x100000001B3, -1, 1 << 64))


def raw_keys(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit key of each raw token (code points in [start, end)), and whether it may be trusted.

    The key does not depend on where the token stands, so a long text is keyed
    a window of KEY_WINDOW code points at a time: its temporaries (five uint64
    arrays the size of the text) stay ~40 MB however long the text is.
    """
    keys = np.empty(len(starts), dtype=np.uint64)
    # Token index ranges of the windows (tokens do not overlap: ends ascend as starts do).
    firsts = np.searchsorted(starts, np.arange(0, len(codes) + KEY_WINDOW, KEY_WINDOW)).tolist()
    for first, last in zip(firsts, firsts[1:]):
        if first < last:
            low, high = int(starts[first]), int(ends[last - 1])
            keys[first:last] = _polynomials(codes[low:high], starts[first:last] - low, ends[first:last] - low)
    lengths = (ends - starts).astype(np.uint64)
    return keys * _MULTIPLIER + lengths, lengths <= KEYED_TOKEN_CHARS


KEY_WINDOW = 1 << 20


def _polynomials(codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Sum of code * base**k over each token's k-th code point, modulo 2**64."""
    size = len(codes)
    powers = np.cumprod(np.full(size, _KEY_BASE, dtype=np.uint64))  # base**(i+1), wrapping
    inverses = np.cumprod(np.full(size, _KEY_BASE_INVERSE, dtype=np.uint64))
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(codes.astype(np.uint64) * powers, out=prefix[1:])
    # (prefix[end] - prefix[start]) / base**(start+1): the token's sum as if it began the text.
    return (prefix[ends] - prefix[starts]) * inverses[starts]


def code_points(text: str) -> np.ndarray:
    """The text as an array of code points (one per Python character, lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def sentence_numbers(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sentence number of each token, given the text's code points and token starts."""
    return np.searchsorted(sentence_ends(codes), starts, side="right").astype(np.int32)


def sentence_ends(codes: np.ndarray) -> np.ndarray:
    """Offsets just after each sentence end mark or paragraph break (sorted)."""
    if len(codes) < 2:
        return np.zeros(0, dtype=np.int64)
    clipped = np.minimum(codes, _TABLE_SIZE - 1)
    following = np.append(clipped[1:], ord(" "))
    after_next = np.append(following[1:], ord(" "))
    spaced = SPACES[following] | (SENTENCE_CLOSERS[following] & SPACES[after_next])
    breaks = (clipped == NEWLINE) & (following == NEWLINE)
    return np.flatnonzero((SENTENCE_ENDERS[clipped] & spaced) | breaks) + 1


def quote_flags(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Whether each token (by start offset) stands inside quotation marks."""
    inside = quoted_intervals(codes)
    if not inside:
        return np.zeros(len(starts), dtype=bool)
    bounds = np.asarray(inside, dtype=np.int64).ravel()
    # In the flattened (open, close, open, close...) list, an odd count below means inside.
    return np.searchsorted(bounds, starts, side="right") % 2 == 1


def quoted_intervals(codes: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) offsets of quoted text, in order and not overlapping."""
    positions = np.flatnonzero(QUOTE_EVENTS[np.minimum(codes, _TABLE_SIZE - 1)])
    intervals: list[tuple[int, int]] = []
    opened: int | None = None
    for position, mark in zip(positions.tolist(), codes[positions].tolist()):
        if opened is None:
            if mark == STRAIGHT_QUOTE or mark in OPENING_QUOTES:
                opened = position + 1
        elif mark in (STRAIGHT_QUOTE, NEWLINE) or mark in CLOSING_QUOTES:
            intervals.append((opened, position))
            opened = None
    if opened is not None:
        intervals.append((opened, len(codes)))
    return intervals


def shingle_hashes(hashes: np.ndarray, size: int) -> np.ndarray:
    """64-bit hashes of every run of ``size`` consecutive tokens (length n - size + 1).

    Order-sensitive polynomial combination in wrapping uint64 arithmetic,
    then a splitmix64 finaliser so that the bits are well spread.
    """
    count = len(hashes) - size + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        combined = hashes[:count].copy()
        for offset in range(1, size):
            np.multiply(combined, _MULTIPLIER, out=combined)
            np.add(combined, hashes[offset : offset + count], out=combined)
        return mix64(combined)


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser over a uint64 array: a bijection that spreads bits."""
    mixed = values ^ (values >> np.uint64(30))  # a new array: the rest works in place on it
    with np.errstate(over="ignore"):
        np.multiply(mixed, _MIX_1, out=mixed)
        np.bitwise_xor(mixed, mixed >> np.uint64(27), out=mixed)
        np.multiply(mixed, _MIX_2, out=mixed)
        np.bitwise_xor(mixed, mixed >> np.uint64(31), out=mixed)
    return mixed


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a document-sized array (what ``np.unique`` gives).

    numpy 2's ``np.unique`` (without return_* arguments) goes through a hash
    table: on a 600-word document's hashes it takes ~60 us where sorting and
    dropping repeats takes ~15 us, and on the millions of postings of a 40k
    corpus 25 to 40 times longer (1.2 s against 0.05 s for a million keys);
    that cost, growing faster than the corpus, was what made 40k articles take
    over 5 times as long as 10k.
    """
    ordered = np.sort(values)
    return ordered[_first_of_runs(ordered)]


def distinct_with_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``distinct(values)`` and the index into it of each value (``np.unique(..., return_inverse=True)``,
    which takes ~55 us on a 600-word document's hashes against ~25 us here)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = _first_of_runs(ordered)
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _first_of_runs(ordered: np.ndarray) -> np.ndarray:
    """Whether each value of a sorted array differs from the one before it."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def in_sorted(sorted_values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Whether each of ``wanted`` occurs in ``sorted_values`` (ascending): one binary search each."""
    if len(sorted_values) == 0:
        return np.zeros(len(wanted), dtype=bool)
    where = np.minimum(np.searchsorted(sorted_values, wanted), len(sorted_values) - 1)
    return sorted_values[where] == wanted
