"""Tokens with character offsets, blake3 token hashes and numpy shingle hashes.

A document is tokenised once into word tokens (``\\w+`` runs) that keep their
offsets into the cleaned body. Each distinct token is normalised (casefolded;
optionally names folded for transliteration variants) and hashed with blake3
to 64 bits, through a per-run cache, so that hashes are the same in every
process and on every machine (Python's ``hash()`` is salted per process).
Windows of ``n`` token hashes are combined into 64-bit shingle hashes with
numpy arithmetic (wrapping uint64), never by hashing shingle strings.

The work per character (finding the words and keying them, sentence ends,
quotation marks) and the lookup of known words run in numba kernels: on a
document of a few thousand characters numpy's passes cost more in per-call
overhead than in work.

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

import srccompare.reuse.numba_cache  # noqa: F401 (before numba: a writable cache for its kernels)
import numba
import numpy as np
from blake3 import blake3

from srccompare.model import PARAGRAPH_SEPARATOR, TOKEN_PATTERN
from srccompare.reuse.arrays import distinct
from srccompare.reuse.interpreted import kernel_to_call

# Character classes as bit flags in one lookup table over code points, so that
# the kernel classifies a character with one load (codes beyond the table are
# looked up in its last entry, which is always 0).
_TABLE_SIZE = 0x2030
# A sentence ends at . ! ? or … followed by white space (closing quotes or brackets
# in between allowed), and at every paragraph break.
SENTENCE_ENDER = 1
SENTENCE_CLOSER = 2
SPACE = 4
# Quotation marks: straight double quotes toggle, curly and guillemets open or close;
# a line break closes any quote left open (news quotes often run on unclosed).
OPENS_QUOTE = 8
CLOSES_QUOTE = 16
NEWLINE = ord("\n")
_SPACE_CODE = ord(" ")  # what the text is taken to go on with after its end


def _char_classes() -> np.ndarray:
    table = np.zeros(_TABLE_SIZE, dtype=np.uint8)
    for flag, chars in (
        (SENTENCE_ENDER, ".!?…"),
        (SENTENCE_CLOSER, "'\"”’»)]"),
        (SPACE, " \t\n\r\u00a0"),
        (OPENS_QUOTE, '"“„«'),
        (CLOSES_QUOTE, '"”»\n'),
    ):
        table[[ord(ch) for ch in chars]] |= flag
    return table


CHAR_CLASSES = _char_classes()

# Odd 64-bit constants (splitmix64 and a golden-ratio multiplier) for mixing shingles.
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_SHIFT_1, _SHIFT_2, _SHIFT_3 = np.uint64(30), np.uint64(27), np.uint64(31)


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
    (``hash_spans``) a hash table of raw-token keys (see ``scan_words``), so
    that a document whose words have all been seen is hashed in one compiled
    pass, without making a Python string of each word.
    """

    def __init__(self, *, fold_names: bool = True) -> None:
        self.fold_names = fold_names
        self._cache = _HashCache(fold_names)
        # Raw-token key -> token hash, open addressing: (keys, values, used) of a
        # power-of-two size, at most half full. Kernels hold the GIL, so a thread
        # never sees an insertion half done; a grown table replaces the attribute whole.
        self._known = _empty_table(1024)
        self._known_count = 0

    def hash_tokens(self, raw_tokens: list[str]) -> np.ndarray:
        # One C-level pass: known tokens are plain dict hits, a new one goes
        # through _HashCache.__missing__ (twice as fast as finding the new
        # tokens first with a set difference).
        signed = np.fromiter(map(self._cache.__getitem__, raw_tokens), dtype=np.int64, count=len(raw_tokens))
        return signed.view(np.uint64)

    def hash_spans(self, text: str, starts: np.ndarray, ends: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Token hashes of the words at [starts, ends) of ``text``, whose raw-token keys are ``keys``."""
        hashes, trusted, untrusted = kernel_to_call(_look_up)(keys, starts, ends, *self._known)
        # New keys: one string a distinct key (a huge text repeats its words),
        # hashed and remembered; unkeyed (long) tokens one by one, by their string.
        if len(trusted) > FEW_NEW_TOKENS:
            new_keys, first, inverse = np.unique(keys[trusted], return_index=True, return_inverse=True)
            firsts = trusted[first]
            new_hashes = self.hash_tokens(_strings(text, starts[firsts], ends[firsts]))
            hashes[trusted] = new_hashes[inverse]
            self._remember(new_keys, new_hashes)
        elif len(trusted):
            self._hash_few(text, starts, ends, keys, trusted, hashes)
        if len(untrusted):
            hashes[untrusted] = self.hash_tokens(_strings(text, starts[untrusted], ends[untrusted]))
        return hashes

    def _hash_few(self, text: str, starts: np.ndarray, ends: np.ndarray, keys: np.ndarray, new: np.ndarray, hashes: np.ndarray) -> None:
        """``hash_spans``'s new keys when there are few (a document of a corpus whose vocabulary is
        mostly known): the same as its numpy path, each distinct key hashed from its first
        occurrence's string, without that path's dozen array calls (~100 us a document)."""
        found: dict[int, int] = {}
        signed = []
        for key, start, end in zip(keys[new].tolist(), starts[new].tolist(), ends[new].tolist()):
            value = found.get(key)
            if value is None:
                value = found[key] = self._cache[text[start:end]]
            signed.append(value)
        hashes[new] = np.array(signed, dtype=np.int64).view(np.uint64)
        self._remember(np.array(list(found), dtype=np.uint64), np.array(list(found.values()), dtype=np.int64).view(np.uint64))

    def _remember(self, keys: np.ndarray, hashes: np.ndarray) -> None:
        """Add new (distinct, not yet known) keys to the table, doubling it while it would be over half full."""
        table = self._known
        size = len(table[0])
        while 2 * (self._known_count + len(keys)) > size:
            size *= 2
        if size != len(table[0]):
            grown = _empty_table(size)
            used = table[2]
            kernel_to_call(_insert)(*grown, table[0][used], table[1][used])
            table = grown
        kernel_to_call(_insert)(*table, keys, hashes)
        self._known, self._known_count = table, self._known_count + len(keys)


def _empty_table(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.zeros(size, dtype=np.uint64), np.zeros(size, dtype=np.uint64), np.zeros(size, dtype=bool)


@numba.njit(cache=True)
def _insert(table_keys, table_values, used, keys, values):
    """Put each key (absent from the table) with its value in the first free slot from its home slot."""
    mask = len(table_keys) - 1
    for k in range(len(keys)):
        slot = np.int64(mix64(keys[k]) & np.uint64(mask))
        while used[slot]:
            slot = (slot + 1) & mask
        table_keys[slot] = keys[k]
        table_values[slot] = values[k]
        used[slot] = True


@numba.njit(cache=True)
def _look_up(keys, starts, ends, table_keys, table_values, used):
    """(hashes, new, unkeyed): the value of each key found in the table, the
    indices of the keys not found and those of the tokens too long to be
    keyed; the hashes of both are left 0.
    """
    hashes = np.zeros(len(keys), dtype=np.uint64)
    mask = len(table_keys) - 1
    new_count = unkeyed_count = 0
    status = np.zeros(len(keys), dtype=np.int8)  # 0 found, 1 new, 2 unkeyed
    for token in range(len(keys)):
        if ends[token] - starts[token] > KEYED_TOKEN_CHARS:
            status[token] = 2
            unkeyed_count += 1
            continue
        slot = np.int64(mix64(keys[token]) & np.uint64(mask))
        while used[slot] and table_keys[slot] != keys[token]:
            slot = (slot + 1) & mask
        if used[slot]:
            hashes[token] = table_values[slot]
        else:
            status[token] = 1
            new_count += 1
    # (loops rather than np.flatnonzero, which takes seconds more to compile)
    new = np.empty(new_count, dtype=np.int64)
    unkeyed = np.empty(unkeyed_count, dtype=np.int64)
    next_new = next_unkeyed = 0
    for token in range(len(keys)):
        if status[token] == 1:
            new[next_new] = token
            next_new += 1
        elif status[token] == 2:
            unkeyed[next_unkeyed] = token
            next_unkeyed += 1
    return hashes, new, unkeyed


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
    Milder than the diff's ``normal.fold_key`` (a consonant skeleton) on
    purpose: this runs on every capitalised token (sentence starts too, with
    no view of which words are names), where a skeleton would merge ordinary
    words (These / Those) into shared shingles; and the index stores hashes
    made with it.
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
    starts, ends, keys = scan_words(codes)
    return hasher.hash_spans(text, starts, ends, keys)


def alignment_tokens(doc_id: str, text: str, hasher: TokenHasher) -> Tokens:
    """Tokens of ``text`` with offsets, hashes, sentence numbers and quote flags."""
    codes = code_points(text)
    starts, ends, keys = scan_words(codes)
    hashes = hasher.hash_spans(text, starts, ends, keys)
    starts32, ends32, sentences, quoted = kernel_to_call(_token_context)(codes, starts, ends)
    return Tokens(doc_id=doc_id, hashes=hashes, starts=starts32, ends=ends32, sentences=sentences, quoted=quoted)


def code_points(text: str) -> np.ndarray:
    """The text as an array of code points (one per Python character, lone surrogates included)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def scan_words(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """[start, end) offsets of the ``\\w+`` runs of a text given its code points
    (what TOKEN_PATTERN finds), and the raw-token key of each run.

    A compiled scan of the code points with a lookup table of the Basic
    Multilingual Plane, no string per token; the few distinct characters
    beyond it (emoji, rare scripts) are asked of ``re`` one by one.
    """
    complete, starts, ends, keys = kernel_to_call(_scan_words)(codes, _word_chars(), _NO_CODES, _NO_WORDS)
    if not complete:  # characters beyond the BMP: ask re about each distinct one, and scan again
        beyond = distinct(codes[codes >= _BMP])
        is_word = np.fromiter((TOKEN_PATTERN.match(chr(v)) is not None for v in beyond.tolist()), dtype=bool, count=len(beyond))
        complete, starts, ends, keys = kernel_to_call(_scan_words)(codes, _word_chars(), beyond, is_word)
    return starts, ends, keys


_BMP = 0x10000
_NO_CODES = np.zeros(0, dtype=np.uint32)
_NO_WORDS = np.zeros(0, dtype=bool)


@functools.lru_cache(maxsize=1)
def _word_chars() -> np.ndarray:
    """Which BMP code points ``\\w`` matches, asked of ``re`` itself so that both tokenisers agree."""
    plane = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, _BMP)))
    table = np.zeros(_BMP, dtype=bool)
    table[code_points("".join(re.findall(r"\w", plane)))] = True
    return table


# Raw-token keys: a polynomial hash of the code points modulo 2**64 (the sum
# of code * base**k over the token's k-th code point), times an odd multiplier,
# plus the length. Such hashes can be made to collide by strings of a thousand
# characters or more, so tokens longer than KEYED_TOKEN_CHARS are not keyed
# (they are looked up by their string).
KEYED_TOKEN_CHARS = 64
# Up to this many new keys in a text, hash_spans finds the distinct ones with a dict rather than
# np.unique: on bench/reuse_speed.py's corpora most documents bring one to ten new words.
FEW_NEW_TOKENS = 64
_KEY_BASE = np.uint64(0x100000001B3)


@numba.njit(cache=True)
def _scan_words(codes, word_chars, beyond, beyond_words):
    """(complete, starts, ends, keys) of the word runs, or (False, empty arrays)
    if a code point beyond the BMP is not among ``beyond`` (sorted).

    Two passes, counting the runs and then filling their arrays, so that a huge
    text needs no temporaries besides the output.
    """
    runs = 0
    previous = np.int8(0)
    for position in range(len(codes)):
        code = codes[position]
        # (the lookup written out: a call passing arrays costs their reference counts, per character)
        word = np.int8(word_chars[code]) if code < _BMP else _beyond_word(code, beyond, beyond_words)
        if word < 0:
            return False, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
        runs += word > previous
        previous = word
    starts = np.empty(runs, dtype=np.int64)
    ends = np.empty(runs, dtype=np.int64)
    keys = np.empty(runs, dtype=np.uint64)
    run = -1
    polynomial = power = np.uint64(0)
    inside = False
    for position in range(len(codes)):
        code = codes[position]
        is_word = word_chars[code] if code < _BMP else _beyond_word(code, beyond, beyond_words) > 0
        if is_word:
            if not inside:
                run += 1
                starts[run] = position
                polynomial, power = np.uint64(0), np.uint64(1)
                inside = True
            polynomial += np.uint64(code) * power
            power *= _KEY_BASE
        elif inside:
            ends[run] = position
            keys[run] = polynomial * _MULTIPLIER + np.uint64(position - starts[run])
            inside = False
    if inside:  # a run to the end of the text
        ends[run] = len(codes)
        keys[run] = polynomial * _MULTIPLIER + np.uint64(len(codes) - starts[run])
    return True, starts, ends, keys


@numba.njit(cache=True)
def _beyond_word(code, beyond, beyond_words):
    """1 if ``\\w`` matches the code point (beyond the BMP), 0 if not, -1 if it is not among ``beyond``."""
    where = np.searchsorted(beyond, code)
    if where < len(beyond) and beyond[where] == code:
        return np.int8(beyond_words[where])
    return np.int8(-1)


@numba.njit(cache=True)
def _token_context(codes, starts, ends):
    """(starts, ends, sentences, quoted): each token's offsets as int32, its
    sentence number and whether it stands inside quotation marks.

    A token's sentence number counts the sentence ends before it. A quote opens
    just after its opening mark and closes at its closing mark (or line break);
    one left open runs to the end of the text. No mark is a word character, so
    only the characters between tokens are looked at.
    """
    count = len(starts)
    starts32 = np.empty(count, dtype=np.int32)
    ends32 = np.empty(count, dtype=np.int32)
    sentences = np.empty(count, dtype=np.int32)
    quoted = np.empty(count, dtype=np.bool_)
    size = len(codes)
    sentence = 0
    inside = False
    gap = 0  # where the characters since the last token begin
    for token in range(count):
        for position in range(gap, starts[token]):
            code = codes[position]
            flags = CHAR_CLASSES[min(code, _TABLE_SIZE - 1)]
            if (flags & (SENTENCE_ENDER | OPENS_QUOTE | CLOSES_QUOTE)) == 0:
                continue  # most characters: nothing to do
            if inside:
                inside = (flags & CLOSES_QUOTE) == 0
            else:
                inside = (flags & OPENS_QUOTE) != 0
            following = codes[position + 1] if position + 1 < size else _SPACE_CODE
            after = codes[position + 2] if position + 2 < size else _SPACE_CODE
            following_flags = CHAR_CLASSES[min(following, _TABLE_SIZE - 1)]
            spaced = (following_flags & SPACE) != 0 or (
                (following_flags & SENTENCE_CLOSER) != 0 and (CHAR_CLASSES[min(after, _TABLE_SIZE - 1)] & SPACE) != 0
            )
            if ((flags & SENTENCE_ENDER) != 0 and spaced) or (code == NEWLINE and following == NEWLINE):
                sentence += 1
        starts32[token] = starts[token]
        ends32[token] = ends[token]
        sentences[token] = sentence
        quoted[token] = inside
        gap = ends[token]
    return starts32, ends32, sentences, quoted


def shingle_hashes(hashes: np.ndarray, size: int) -> np.ndarray:
    """64-bit hashes of every run of ``size`` consecutive tokens (length n - size + 1).

    Order-sensitive polynomial combination in wrapping uint64 arithmetic,
    then a splitmix64 finaliser so that the bits are well spread.
    """
    return kernel_to_call(_shingle_hashes)(np.ascontiguousarray(hashes, dtype=np.uint64), size)


@numba.njit(cache=True)
def _shingle_hashes(hashes, size):
    count = max(0, len(hashes) - size + 1)
    shingles = np.empty(count, np.uint64)
    for first in range(count):
        shingles[first] = mix64(shingle_at(hashes, first, size))
    return shingles


@numba.njit(cache=True)
def shingle_at(hashes, first, size):
    """The polynomial combination of hashes[first : first + size] (before mixing)."""
    combined = hashes[first]
    for offset in range(1, size):
        combined = combined * _MULTIPLIER + hashes[first + offset]
    return combined


@numba.njit(cache=True)
def mix64(value):
    """splitmix64's finaliser of one uint64: a bijection that spreads bits (shift amounts are uint64
    too: numba would turn uint64 >> int64 into float arithmetic)."""
    value ^= value >> _SHIFT_1
    value *= _MIX_1
    value ^= value >> _SHIFT_2
    value *= _MIX_2
    return value ^ (value >> _SHIFT_3)


# A body, or its paragraphs (what CleanArticle.body joins): sketch tasks carry paragraphs and the
# workers join them, rather than the main process joining every article's before it hands out a task.
Text = str | tuple[str, ...]


def body_of(text: Text) -> str:
    return text if isinstance(text, str) else PARAGRAPH_SEPARATOR.join(text)
