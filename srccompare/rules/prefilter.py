"""Cheap tests that spare a rule's regex on text it cannot match, derived from the regex itself.

Most boilerplate rules cannot match most paragraphs, and an unanchored,
case-insensitive regex costs tens of microseconds a paragraph to say so.
From a pattern's parse tree this module derives a ``Prefilter``:

- ``required``: strings of which every match holds at least one (what the
  match must contain, lookaheads included), folded to lower case;
- ``floating``: the same for the alternatives not anchored at the start
  (``^`` or ``\\A``); ``None`` when one of them has none;
- ``anchored``: whether some top-level alternative is anchored at the start;
- ``first``: for a pattern all of whose alternatives are anchored, the
  characters (folded) a match can start with; ``None`` when unknown.

When the folded paragraph holds no ``required`` string there is no match.
When it holds no ``floating`` string, no unanchored alternative can match
anywhere, so ``pattern.match`` (one attempt, at the start) finds exactly the
match ``pattern.search`` would. A ``FirstCharIndex`` lists, for a paragraph's
first character, the rules of a list that can match it (in their order).
Only ASCII literals are used, compared with
``fold``, which maps every character the regex engine matches to an ASCII
letter without case onto that letter (tests/test_rules.py checks the table
against the engine). A pattern the analysis cannot follow (multiline ``^``,
say) gets no prefilter and is always searched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

# A literal set larger than this costs more to test than the regex it would spare.
MAX_STRINGS = 12
# Non-ASCII characters that the regex engine, ignoring case, matches to an ASCII letter,
# and the one whose lower case is two characters (U+0130).
FOLD_SPECIAL = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
FOLD_TABLE = str.maketrans(FOLD_SPECIAL)
STARTS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))

Strings = frozenset[str]


@dataclass(frozen=True)
class Prefilter:
    required: tuple[str, ...] | None
    floating: tuple[str, ...] | None
    anchored: bool
    first: frozenset[str] | None = None

    def search(self, pattern: re.Pattern[str], text: str, folded: str) -> re.Match[str] | None:
        """``pattern.search(text)``, sparing the regex where the literals prove it useless;
        ``folded`` is ``fold(text)``."""
        if self.required is not None and not _holds_any(folded, self.required):
            return None
        if self.floating is not None and not _holds_any(folded, self.floating):
            return pattern.match(text) if self.anchored else None
        return pattern.search(text)


def _holds_any(folded: str, strings: tuple[str, ...]) -> bool:
    for string in strings:  # a loop, not any(): this runs for every rule and paragraph
        if string in folded:
            return True
    return False


NO_PREFILTER = Prefilter(None, None, False)


@dataclass(frozen=True)
class FirstCharIndex:
    """Which of a list of patterns can match a text, by the text's first folded character."""

    by_char: Mapping[str, tuple[int, ...]]
    others: tuple[int, ...]  # for any other first character: the patterns of unknown first characters

    def candidates(self, folded: str) -> tuple[int, ...]:
        """Positions in the list (ascending) of the patterns that can match a text whose fold is ``folded``."""
        return self.by_char.get(folded[:1], self.others)


def first_char_index(prefilters: Sequence[Prefilter]) -> FirstCharIndex:
    chars = set().union(*(p.first for p in prefilters if p.first is not None))
    by_char = {c: tuple(i for i, p in enumerate(prefilters) if p.first is None or c in p.first) for c in sorted(chars)}
    return FirstCharIndex(by_char, tuple(i for i, p in enumerate(prefilters) if p.first is None))


def fold(text: str) -> str:
    """Lower case, with the characters that match an ASCII letter only under IGNORECASE made that letter."""
    if not text.isascii() and any(char in text for char in FOLD_SPECIAL):
        text = text.translate(FOLD_TABLE)
    return text.lower()


def prefilter(pattern: re.Pattern[str]) -> Prefilter:
    """The cheap tests for one compiled pattern (see the module docstring)."""
    if pattern.flags & re.MULTILINE:
        return NO_PREFILTER
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    if _has_multiline_group(tree):
        return NO_PREFILTER
    items = list(tree)
    alternatives = items[0][1][1] if len(items) == 1 and items[0][0] is sre.BRANCH else [items]
    anchored = [_anchored(list(alternative)) for alternative in alternatives]
    needs = [_required(list(alternative)) for alternative in alternatives]
    if not any(anchored):
        return Prefilter(_usable(_union(needs)), None, False)  # the floating test would repeat the required one
    floating = [need for need, start in zip(needs, anchored) if not start]
    return Prefilter(
        required=_usable(_union(needs)),
        floating=() if not floating else _usable(_union(floating)),
        anchored=True,
        first=None if floating else _first_chars(items),
    )


def _usable(strings: Strings | None) -> tuple[str, ...] | None:
    if not strings or len(strings) > MAX_STRINGS or "" in strings:
        return None
    return tuple(sorted(strings))


def _union(sets: list[Strings | None]) -> Strings | None:
    if any(s is None for s in sets):
        return None
    return frozenset().union(*sets)  # type: ignore[arg-type]


def _has_multiline_group(items: Any) -> bool:
    for op, av in items:
        if op is sre.SUBPATTERN and av[1] & re.MULTILINE:
            return True
        if any(_has_multiline_group(child) for child in _children(op, av)):
            return True
    return False


def _children(op: Any, av: Any) -> list[Any]:
    if op is sre.BRANCH:
        return list(av[1])
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op in REPEATS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _anchored(items: list[Any]) -> bool:
    """Whether every match of this sequence starts at the start of the text."""
    if not items:
        return False
    op, av = items[0]
    if op is sre.AT:
        return av in STARTS
    if op is sre.SUBPATTERN:
        return _anchored(list(av[3]))
    if op is sre.BRANCH:
        return all(_anchored(list(branch)) for branch in av[1])
    return False


def _required(items: list[Any]) -> Strings | None:
    """The best set of strings one of which every match of the sequence holds, or None."""
    candidates: list[Strings] = []
    run: Strings = frozenset({""})
    for op, av in items:
        exact = _exact(op, av)
        if exact is not None and len(run) * len(exact) <= MAX_STRINGS:
            run = frozenset(a + b for a in run for b in exact)
            continue
        candidates.append(run)
        run = exact if exact is not None else frozenset({""})
        if exact is None:
            inner = _required_of(op, av)
            if inner is not None:
                candidates.append(inner)
    candidates.append(run)
    usable = [c for c in candidates if "" not in c and len(c) <= MAX_STRINGS]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)))


def _required_of(op: Any, av: Any) -> Strings | None:
    """What one item that is not a fixed string requires of the text."""
    if op is sre.SUBPATTERN:
        return _required(list(av[3]))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _required(list(av))
    if op is sre.BRANCH:
        return _union([_required(list(branch)) for branch in av[1]])
    if op in REPEATS and av[0] >= 1:
        return _required(list(av[2]))
    if op is sre.ASSERT:  # a lookahead or lookbehind: what it checks is in the text too
        return _required(list(av[1]))
    return None


def _exact(op: Any, av: Any) -> Strings | None:
    """All the strings (folded) an item matches, when it is a small choice of ASCII literals."""
    if op is sre.LITERAL:
        return frozenset({chr(av).lower()}) if av < 128 else None
    if op is sre.SUBPATTERN:
        return _exact_sequence(list(av[3]))
    if op is sre.BRANCH:
        choices = [_exact_sequence(list(branch)) for branch in av[1]]
        return _union(choices) if all(c is not None for c in choices) else None
    return None


def _exact_sequence(items: list[Any]) -> Strings | None:
    strings: Strings = frozenset({""})
    for op, av in items:
        exact = _exact(op, av)
        if exact is None or len(strings) * len(exact) > MAX_STRINGS:
            return None
        strings = frozenset(a + b for a in strings for b in exact)
    return strings


def _first_chars(items: list[Any]) -> frozenset[str] | None:
    """The folded characters a non-empty match of the sequence can start with; None when unknown
    or when the sequence can match the empty string."""
    chars, empty = _first_of_sequence(items)
    return None if chars is None or empty else chars


def _first_of_sequence(items: list[Any]) -> tuple[frozenset[str] | None, bool]:
    """(first characters, whether the sequence can match nothing at all)."""
    found: frozenset[str] = frozenset()
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width: it consumes nothing
        chars, empty = _first_of_item(op, av)
        if chars is None:
            return None, False
        found |= chars
        if not empty:
            return found, False
    return found, True


def _first_of_item(op: Any, av: Any) -> tuple[frozenset[str] | None, bool]:
    if op is sre.LITERAL:
        return (frozenset({chr(av).lower()}) if av < 128 or _caseless(chr(av)) else None), False
    if op is sre.IN:
        return _class_chars(av), False
    if op is sre.SUBPATTERN:
        return _first_of_sequence(list(av[3]))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _first_of_sequence(list(av))
    if op is sre.BRANCH:
        results = [_first_of_sequence(list(branch)) for branch in av[1]]
        if any(chars is None for chars, _ in results):
            return None, False
        return frozenset().union(*(chars for chars, _ in results)), any(empty for _, empty in results)  # type: ignore[arg-type]
    if op in REPEATS:
        chars, empty = _first_of_sequence(list(av[2]))
        return chars, empty or av[0] == 0
    return None, False


def _class_chars(items: Any) -> frozenset[str] | None:
    """The folded characters of a class made only of ASCII characters, ranges and caseless symbols."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL and (av < 128 or _caseless(chr(av))):
            chars.add(chr(av).lower())
        elif op is sre.RANGE and av[1] < 128:
            chars.update(chr(code).lower() for code in range(av[0], av[1] + 1))
        else:
            return None
    return frozenset(chars)


def _caseless(char: str) -> bool:
    """Punctuation, symbols and spaces: no case, so the engine matches them only to themselves."""
    return unicodedata.category(char)[0] in "PSZ"
