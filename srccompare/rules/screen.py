"""Every rule's prefilter at once: which rules are worth trying on a paragraph, in one pass over it.

The cleaner's finders try each rule that a paragraph's first character allows
(``Rules.lines_for``), and each rule's prefilter (prefilter.py) scans the
paragraph for its strings: some thirty rules and a hundred scans a short
paragraph, most of the time of cleaning a corpus. A Screen puts every
prefilter string of every line, credit and block-start rule into one
Aho-Corasick automaton over UTF-8 bytes (a substring of the text's encoding is
the encoding of a substring of the text): one compiled pass over a folded
paragraph finds which strings it holds and which it starts with, and the
prefilters' own tests on those say, for all the rules at once, which are worth
their regex. A rule the screen leaves out is one that its prefilter (or the
first-character index) would have refused, so the finders find the same
(tests/test_rules_screen.py holds every rule to that).

Loading numba costs a process about a second: the batch commands (reuse,
browse, index), whose workers load it for sketching anyway, clean with a
screen (``Rules.screened``); ``clean`` and ``diff`` of a few files do not.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import accumulate
from dataclasses import dataclass, field
from typing import NamedTuple

import re

import srccompare.reuse.numba_cache  # noqa: F401 (before numba: a writable cache for its kernels, see there)
import numba
import numpy as np

from srccompare.rules.prefilter import Prefilter, prefilter_of

# Columns of the tables' ``has``: which of a prefilter's tests exist (the string tests' masks are in
# this order too), and whether every alternative is anchored (floating == ()).
FIRST, PREFIXES, REQUIRED, FLOATING, ANCHORED_ONLY = range(5)
MOST_STRINGS = 64  # per test of a rule (prefilter.py allows 12: each costs it a scan of the text)
CACHED_TEXTS = 4096  # the finders ask about the same paragraphs in turn; remember that many answers


class Automaton(NamedTuple):
    """The prefilters' strings as one byte automaton (``_automaton``), as the kernel takes it."""

    classes: np.ndarray  # per byte: its class
    steps: np.ndarray  # per (state row, class): the target's row shifted left, and whether strings end there
    width: np.int64  # classes (a state's row is state x width)
    out_starts: np.ndarray  # the strings ending in state s are out_strings[out_starts[s] : out_starts[s + 1]]
    out_strings: np.ndarray
    lengths: np.ndarray  # per string: its length in bytes


class RuleTests(NamedTuple):
    """Per check (two a rule): the tests its prefilter makes, as bit sets over the automaton's strings."""

    first_codes: np.ndarray  # the code points some check's match must start with, sorted
    first_ok: np.ndarray  # (checks, first codes): which of them each check allows
    masks: np.ndarray  # (checks, 3, words): the strings of its prefix, required and floating tests
    has: np.ndarray  # (checks, 5): which tests exist (columns FIRST ... ANCHORED_ONLY)
    anchored: np.ndarray  # per check: every alternative anchored at the start
    # Prefilter.alternatives: check k's are alternative_starts[k] .. alternative_starts[k + 1], alternative a's
    # sets of strings (bit sets, as masks) set_masks[set_starts[a] : set_starts[a + 1]]
    alternative_starts: np.ndarray
    set_starts: np.ndarray
    set_masks: np.ndarray  # (sets, words)


@dataclass(frozen=True, eq=False)
class Screen:
    """Which of ``lines`` line rules, ``credits`` credit rules and the block rules after them can match."""

    lines: int
    credits: int
    automaton: Automaton
    tests: RuleTests
    answers: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = field(default_factory=dict)

    def candidates(self, folded: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """Positions (ascending) of the line, credit and block rules that a paragraph whose fold is
        ``folded`` can match; a superset of those that do, as ``Rules.lines_for`` is."""
        answer = self.answers.get(folded)
        if answer is None:  # (a paragraph a finder changed): answered alone, kept without evicting the others
            self._answer([folded])
            answer = self.answers[folded]
        return answer

    def prefetch(self, folded_texts: Sequence[str]) -> None:
        """Answer for several texts in one compiled call (the finders then ask about each in turn)."""
        new = [text for text in dict.fromkeys(folded_texts) if text not in self.answers]
        if new and len(self.answers) + len(new) > CACHED_TEXTS:
            self.answers.clear()  # the texts asked for now stay, however many (an article's paragraphs)
        self._answer(new)

    def _answer(self, new: list[str]) -> None:
        """Answer ``new`` (texts not asked about yet) in one compiled call, and remember the answers."""
        if not new:
            return
        sizes = [len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass")) for text in new]
        data = np.frombuffer("".join(new).encode("utf-8", "surrogatepass"), dtype=np.uint8)
        offsets = np.fromiter(accumulate(sizes, initial=0), dtype=np.int64, count=len(sizes) + 1)
        positions, ends = _passing(data, offsets, self.lines, self.credits, self.automaton, self.tests)
        positions, start = positions.tolist(), 0
        for text, (lines_end, credits_end, end) in zip(new, ends.tolist()):
            self.answers[text] = (
                tuple(positions[start:lines_end]), tuple(positions[lines_end:credits_end]), tuple(positions[credits_end:end])
            )
            start = end


def build_screen(
    lines: Sequence[tuple[re.Pattern[str], Prefilter]],
    credits: Sequence[tuple[re.Pattern[str], Prefilter]],
    blocks: Sequence[tuple[re.Pattern[str], Prefilter]],
) -> Screen:
    """The screen of the line rules', credit rules' and block rules' start patterns, each with its own prefilter."""
    # Two prefilters a rule, both of which must let it try: its own, and one allowed many more
    # strings (a string costs the automaton next to nothing), which passes fewer paragraphs
    # where the rule's own had to give up on a long alternation, but may choose other strings.
    rules = (*lines, *credits, *blocks)
    checks = [own for _, own in rules] + [prefilter_of(pattern, MOST_STRINGS, MOST_STRINGS) for pattern, _ in rules]
    strings = sorted(
        {s for c in checks for group in (c.prefixes, c.required, c.floating) if group for s in group}
        | {s for c in checks for alternative in c.alternatives or () for group in alternative for s in group}
    )
    number = {string: k for k, string in enumerate(strings)}
    words = max(1, -(-len(strings) // 64))
    # Per rule, its string tests as bit sets over the strings (has: whether the test exists at all).
    masks = np.zeros((len(checks), 3, words), dtype=np.uint64)
    has = np.zeros((len(checks), 5), dtype=np.bool_)
    # The characters some rule's match must start with, as sorted code points; per rule, which it allows.
    first_chars = sorted(set().union(*(c.first for c in checks if c.first is not None)))
    first_ok = np.zeros((len(checks), max(1, len(first_chars))), dtype=np.bool_)
    for c, check in enumerate(checks):
        if check.first is not None:
            has[c, FIRST] = True
            first_ok[c, [first_chars.index(char) for char in check.first]] = True
        has[c, ANCHORED_ONLY] = check.floating == ()
        for kind, group in ((PREFIXES, check.prefixes), (REQUIRED, check.required), (FLOATING, check.floating)):
            if group is not None:
                has[c, kind] = True
                for string in group:
                    masks[c, kind - 1, number[string] // 64] |= np.uint64(1 << (number[string] % 64))
    anchored = np.array([check.anchored for check in checks], dtype=np.bool_)
    first_codes = np.array([ord(char) for char in first_chars], dtype=np.int64)
    automaton = _automaton([string.encode("utf-8", "surrogatepass") for string in strings])
    tests = RuleTests(first_codes, first_ok, masks, has, anchored, *_alternative_tests(checks, number, words))
    return Screen(len(lines), len(credits), automaton, tests)


def _alternative_tests(checks: Sequence[Prefilter], number: dict[str, int], words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RuleTests' alternative_starts, set_starts and set_masks (see there) for ``checks``."""
    alternatives = [check.alternatives or () for check in checks]
    sets = [group for found in alternatives for alternative in found for group in alternative]
    set_masks = np.zeros((len(sets), words), dtype=np.uint64)
    for row, group in enumerate(sets):
        for string in group:
            set_masks[row, number[string] // 64] |= np.uint64(1 << (number[string] % 64))
    alternative_starts = np.fromiter(accumulate(map(len, alternatives), initial=0), np.int64, len(checks) + 1)
    set_starts = np.fromiter(accumulate((len(a) for found in alternatives for a in found), initial=0), np.int64)
    return alternative_starts, set_starts, set_masks


def _automaton(strings: list[bytes]) -> Automaton:
    """Aho-Corasick over bytes: (byte classes, transitions, their width, the strings ending at
    each state as starts and numbers, the strings' lengths). Bytes in no string share class 0."""
    classes = np.zeros(256, dtype=np.int32)
    for k, byte in enumerate(sorted({b for s in strings for b in s})):
        classes[byte] = k + 1
    children: list[dict[int, int]] = [{}]
    ends: list[list[int]] = [[]]
    for string_number, string in enumerate(strings):
        state = 0
        for byte in string:
            following = children[state].get(int(classes[byte]))
            if following is None:
                following = len(children)
                children[state][int(classes[byte])] = following
                children.append({})
                ends.append([])
            state = following
        ends[state].append(string_number)
    # States renumbered breadth first: the shallow ones, where a scan spends nearly all its
    # time, share a few cache lines instead of being spread over the table.
    order = [0]
    for state in order:  # (the list grows as it is walked)
        order.extend(children[state].values())
    renumber = {old: new for new, old in enumerate(order)}
    children = [{cls: renumber[child] for cls, child in children[old].items()} for old in order]
    ends = [ends[old] for old in order]
    # int32: the table of a few thousand states stays in the cache that int64 would overflow.
    delta = np.zeros((len(children), int(classes.max()) + 1), dtype=np.int32)
    fail = [0] * len(children)
    queue = deque(children[0].values())
    for cls, child in children[0].items():
        delta[0, cls] = child
    while queue:  # breadth first: a state's fallback is shallower, so complete before it
        state = queue.popleft()
        ends[state] = ends[state] + ends[fail[state]]
        for cls, child in children[state].items():
            fail[child] = int(delta[fail[state], cls])
            queue.append(child)
        delta[state] = delta[fail[state]]
        for cls, child in children[state].items():
            delta[state, cls] = child
    # Flat, a transition holds the target's row (state x width) shifted left, and in its low bit
    # whether strings end there: the scan adds a byte's class and looks for ends only then.
    width = delta.shape[1]
    steps = ((delta.astype(np.int64) * width << 1) | np.array([bool(e) for e in ends])[delta]).ravel().astype(np.int32)
    out_starts = np.cumsum([0] + [len(e) for e in ends]).astype(np.int64)
    out_strings = np.array([s for e in ends for s in e], dtype=np.int64)
    lengths = np.array([len(s) for s in strings], dtype=np.int64)
    return Automaton(classes, steps, np.int64(width), out_starts, out_strings, lengths)


@numba.njit(cache=True)
def _passing(text, offsets, lines, credits, automaton, tests):
    """For each text text[offsets[k] : offsets[k + 1]] (a folded paragraph's UTF-8 bytes), the
    rules whose first-character set and prefilter let them try their regex: Prefilter.search's
    tests on what one pass over the text found. Returns the rules' positions, numbered within their
    kind (lines, credits, blocks: rules 0 .., lines .., lines + credits ..), and per text the ends of
    its line, credit and block positions."""
    classes, steps, width = automaton.classes, automaton.steps, automaton.width
    out_starts, out_strings, lengths = automaton.out_starts, automaton.out_strings, automaton.lengths
    first_codes, first_ok, masks, has, anchored = tests.first_codes, tests.first_ok, tests.masks, tests.has, tests.anchored
    rules, words = masks.shape[0] // 2, masks.shape[2]  # checks c and c + rules are rule c's two prefilters
    texts = len(offsets) - 1
    positions = np.empty(rules * texts, np.int64)
    ends = np.empty((texts, 3), np.int64)
    found = np.empty(words, np.uint64)  # bit sets over the strings: held anywhere,
    at_start = np.empty(words, np.uint64)  # and held at the start
    one = np.uint64(1)
    count = 0
    for k in range(texts):
        found[:] = 0
        at_start[:] = 0
        row, start = 0, offsets[k]
        for i in range(start, offsets[k + 1]):
            step = steps[row + classes[text[i]]]
            row = step >> 1
            if step & 1:  # strings end here
                state = row // width
                for out in range(out_starts[state], out_starts[state + 1]):
                    string = out_strings[out]
                    bit = one << np.uint64(string & 63)
                    found[string >> 6] |= bit
                    if i + 1 - start == lengths[string]:
                        at_start[string >> 6] |= bit
        first = _first_char(text, start, offsets[k + 1], first_codes)
        ends[k, :] = count
        for c in range(rules):
            allowed = True
            for check in (c, c + rules):  # (written out here: a call passing the arrays costs more than the tests)
                if has[check, FIRST] and (first < 0 or not first_ok[check, first]):
                    allowed = False  # a character no match starts with
                    break
                prefixed = required = floating = False
                for w in range(words):  # masks[check, kind - 1] holds the strings of test kind
                    prefixed |= (at_start[w] & masks[check, PREFIXES - 1, w]) != 0
                    required |= (found[w] & masks[check, REQUIRED - 1, w]) != 0
                    floating |= (found[w] & masks[check, FLOATING - 1, w]) != 0
                if has[check, PREFIXES] and has[check, ANCHORED_ONLY] and not prefixed:
                    allowed = False  # every alternative anchored, and the text starts with none of the prefixes
                elif has[check, REQUIRED] and not required:
                    allowed = False
                elif has[check, FLOATING] and not floating and (not anchored[check] or has[check, PREFIXES] and not prefixed):
                    allowed = False
                if not allowed:
                    break
                if tests.alternative_starts[check] < tests.alternative_starts[check + 1] and not _holds_alternative(found, check, tests):
                    allowed = False  # no alternative of the pattern has all it needs
                    break
            if allowed:
                kind = 0 if c < lines else 1 if c < lines + credits else 2
                positions[count] = c - (0 if kind == 0 else lines if kind == 1 else lines + credits)
                count += 1
                ends[k, kind:] += 1
    return positions[:count], ends


@numba.njit(cache=True)
def _holds_alternative(found, check, tests):
    """Whether the strings ``found`` (a bit set) hold, for one of check's alternatives, one string of each of its sets."""
    set_masks = tests.set_masks
    for alternative in range(tests.alternative_starts[check], tests.alternative_starts[check + 1]):
        every = True
        for row in range(tests.set_starts[alternative], tests.set_starts[alternative + 1]):
            held = False
            for w in range(set_masks.shape[1]):
                held |= (found[w] & set_masks[row, w]) != 0
            if not held:
                every = False
                break
        if every:
            return True
    return False


@numba.njit(cache=True)
def _first_char(text, start, end, first_codes):
    """The index in first_codes of the code point text[start:end] starts with (UTF-8), or -1."""
    if start == end:
        return -1
    lead = np.int64(text[start])
    size = 1 if lead < 0x80 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    code = lead if size == 1 else lead & (0xFF >> (size + 1))
    for i in range(start + 1, min(start + size, end)):
        code = (code << 6) | (np.int64(text[i]) & 0x3F)
    for index in range(len(first_codes)):
        if first_codes[index] == code:
            return index
    return -1
