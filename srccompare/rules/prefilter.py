"""Cheap tests that spare a rule's regex on text it cannot match, derived from the regex itself.

Most boilerplate rules cannot match most paragraphs, and an unanchored,
case-insensitive regex costs tens of microseconds a paragraph to say so.
From a pattern's parse tree this module derives a ``Prefilter``:

- ``required``: strings of which every match holds at least one (what the
  match must contain, lookaheads included), folded to lower case;
- ``floating``: the same for the alternatives not anchored at the start
  (``^`` or ``\\A``); ``None`` when one of them has none;
- ``anchored``: whether some top-level alternative is anchored at the start;
- ``prefixes``: strings one of which every match of an anchored alternative
  starts with (``None`` when some anchored alternative has none);
- ``first``: for a pattern all of whose alternatives are anchored, the
  characters (folded) a match can start with; ``None`` when unknown;
- ``alternatives``: for a pattern with an unanchored alternative, per
  top-level alternative every set of strings a match of it holds one of
  (``required`` keeps only the best set of each): a long alternation whose
  best strings are common words ("let", "var") but whose alternatives each
  also need a rare character ("=", "{") is searched only where some
  alternative has all its sets; ``None`` when that is no stronger than ``required``.

When the folded paragraph holds no ``required`` string there is no match.
When it holds no ``floating`` string, no unanchored alternative can match
anywhere, so ``pattern.match`` (one attempt, at the start) finds exactly the
match ``pattern.search`` would, and only if the folded paragraph starts with
one of the ``prefixes``. A ``FirstCharIndex`` lists, for a paragraph's
first character, the rules of a list that can match it (in their order).

Only ASCII literals and caseless symbols (©, –) are used, compared with
``fold``, which maps every character the regex engine matches to an ASCII
letter without case onto that letter (tests/test_rules_prefilter.py checks
the table and the symbols against the engine, and each rule's results with
and without its prefilter). A pattern the analysis cannot follow (multiline
``^``, say) gets no prefilter and is always searched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

CACHED_CHARS = 5000  # folds of texts up to this long are remembered (see fold)
# A literal set larger than this costs more to test than the regex it would spare.
MAX_STRINGS = 12
MAX_PREFIXES = 16  # str.startswith takes them all in one call
# Strings this long are rare enough in prose; beyond it, fewer strings beat longer ones.
SELECTIVE_CHARS = 8
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
    prefixes: tuple[str, ...] | None = None
    first: frozenset[str] | None = None
    alternatives: tuple[tuple[tuple[str, ...], ...], ...] | None = None

    def search(self, pattern: re.Pattern[str], text: str, folded: str) -> re.Match[str] | None:
        """``pattern.search(text)``, sparing the regex where the literals prove it useless;
        ``folded`` is ``fold(text)``."""
        # Loops, not any() or a helper: this runs for every rule and paragraph.
        if self.prefixes is not None and self.floating == () and not folded.startswith(self.prefixes):
            return None
        if self.required is not None:
            for string in self.required:
                if string in folded:
                    break
            else:
                return None
        if self.floating is not None:
            for string in self.floating:
                if string in folded:
                    break
            else:
                if not self.anchored or self.prefixes is not None and not folded.startswith(self.prefixes):
                    return None
                return pattern.match(text)
        if self.alternatives is not None and not _some_alternative_held(self.alternatives, folded):
            return None
        return pattern.search(text)


def _some_alternative_held(alternatives: tuple[tuple[tuple[str, ...], ...], ...], folded: str) -> bool:
    """Whether ``folded`` holds, for some alternative, one string of each of its sets."""
    for alternative in alternatives:
        for strings in alternative:
            for string in strings:
                if string in folded:
                    break
            else:
                break  # this alternative lacks a set
        else:
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
    """Lower case, with the characters that match an ASCII letter only under IGNORECASE made that letter.

    Several finders fold the same paragraphs: folds of paragraph-sized texts are remembered.
    """
    return _fold_paragraph(text) if len(text) <= CACHED_CHARS else _fold(text)


@lru_cache(maxsize=4096)
def _fold_paragraph(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if not text.isascii() and any(char in text for char in FOLD_SPECIAL):
        text = text.translate(FOLD_TABLE)
    return text.lower()


# prefilter_of's answers in this process, by (pattern, flags, most, most_prefixes): they depend on
# nothing else, and deriving them (parsing each rule's regex again and walking its tree) took a
# third of a second of every process's start; rules/stored.py keeps them on disk between runs.
_answers: dict[tuple[str, int, int, int], Prefilter] = {}


def prefilter_of(pattern: re.Pattern[str], most: int = MAX_STRINGS, most_prefixes: int = MAX_PREFIXES) -> Prefilter:
    """The cheap tests for one compiled pattern (see the module docstring), with at most ``most``
    strings a test and ``most_prefixes`` prefixes (more for a test that costs nothing a string,
    as the rules' screen's)."""
    key = (pattern.pattern, int(pattern.flags), most, most_prefixes)
    found = _answers.get(key)
    if found is None:
        found = _answers[key] = derive_prefilter(pattern, most, most_prefixes)
    return found


def known_prefilters() -> dict[tuple[str, int, int, int], Prefilter]:
    """prefilter_of's answers so far (a copy)."""
    return dict(_answers)


def add_known_prefilters(answers: Mapping[tuple[str, int, int, int], Prefilter]) -> None:
    """Take answers derived before (rules/stored.py): prefilter_of gives them without deriving."""
    for key, found in answers.items():
        _answers.setdefault(key, found)


def derive_prefilter(pattern: re.Pattern[str], most: int = MAX_STRINGS, most_prefixes: int = MAX_PREFIXES) -> Prefilter:
    """prefilter_of's answer, derived from the pattern's parse tree."""
    if pattern.flags & re.MULTILINE:
        return NO_PREFILTER
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    if _has_multiline_group(tree):
        return NO_PREFILTER
    items = list(tree)
    alternatives = items[0][1][1] if len(items) == 1 and items[0][0] is sre.BRANCH else [items]
    anchored = [_anchored(list(alternative)) for alternative in alternatives]
    needs = [_required(list(alternative), most) for alternative in alternatives]
    conjunctions = None if all(anchored) else _conjunctions([_required_sets(list(a), most) for a in alternatives])
    if not any(anchored):  # (the floating test would repeat the required one)
        return Prefilter(_usable(_union(needs), most), None, False, alternatives=conjunctions)
    floating = [need for need, start in zip(needs, anchored) if not start]
    prefixes = _union([_prefixes(list(a), most, most_prefixes) for a, start in zip(alternatives, anchored) if start])
    return Prefilter(
        required=_usable(_union(needs), most),
        floating=() if not floating else _usable(_union(floating), most),
        anchored=True,
        prefixes=_usable(prefixes, most_prefixes, _absorbed_prefixes),
        first=None if floating else _first_chars(items),
        alternatives=conjunctions,
    )


def _conjunctions(per_alternative: list[list[Strings]]) -> tuple[tuple[tuple[str, ...], ...], ...] | None:
    """Prefilter.alternatives from each alternative's required sets: without the sets another set
    of the same alternative implies, letter-free ones (rare in prose) first; None when some
    alternative has none, or none has two (the required test says as much)."""
    if not per_alternative or any(not sets for sets in per_alternative):
        return None
    kept = []
    for sets in per_alternative:
        distinct = list(dict.fromkeys(sets))
        needed = [t for k, t in enumerate(distinct) if not any(_implies(s, t) and (j < k or not _implies(t, s)) for j, s in enumerate(distinct) if j != k)]
        needed.sort(key=lambda strings: (any(c.isalnum() for s in strings for c in s), -min(map(len, strings))))
        kept.append(tuple(tuple(sorted(strings)) for strings in needed))
    return tuple(kept) if any(len(sets) > 1 for sets in kept) else None


def _implies(holding: Strings, other: Strings) -> bool:
    """Whether a text holding one of ``holding`` holds one of ``other``."""
    return all(any(t in s for t in other) for s in holding)


def _usable(strings: Strings | None, most: int, absorb: Callable[[Strings], Strings] | None = None) -> tuple[str, ...] | None:
    """The strings to test, fewest first, or None when there are none or too many to be worth it."""
    if not strings or "" in strings:
        return None
    strings = (absorb or _absorbed)(strings)
    return tuple(sorted(strings)) if len(strings) <= most else None


def _absorbed(strings: Strings) -> Strings:
    """Without the strings that hold another: a text holding one of them holds the other too."""
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def _absorbed_prefixes(strings: Strings) -> Strings:
    """Without the strings another one starts: a text starting with one of them starts with the other too."""
    return frozenset(s for s in strings if not any(t != s and s.startswith(t) for t in strings))


def _prefixes(items: list[Any], most: int, most_prefixes: int) -> Strings | None:
    """What a match of an alternative opening with ^ starts with: its leading fixed strings."""
    if not items or items[0][0] is not sre.AT or items[0][1] not in STARTS:
        return None
    run: Strings = frozenset({""})
    for op, av in items[1:]:
        exact = _exact(op, av, most)
        if exact is None or len(run) * len(exact) > most_prefixes:
            break
        run = frozenset(a + b for a in run for b in exact)
    return None if "" in run else run


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


def _required(items: list[Any], most: int) -> Strings | None:
    """The best set of strings one of which every match of the sequence holds, or None."""
    usable = _required_sets(items, most)
    if not usable:
        return None
    return max(usable, key=lambda c: (min(SELECTIVE_CHARS, *map(len, c)), -len(c), min(map(len, c))))


def _required_sets(items: list[Any], most: int) -> list[Strings]:
    """Every set of at most ``most`` strings found one of which every match of the sequence holds."""
    candidates: list[Strings] = []
    run: Strings = frozenset({""})  # the fixed strings the items since the last unfixed one match
    for op, av in items:
        exact = _exact(op, av, most)
        if exact is None:
            run = frozenset({""})
            inner = _required_of(op, av, most)
            if inner is not None:
                candidates.append(inner)
            continue
        run = frozenset(a + b for a in run for b in exact) if len(run) * len(exact) <= most else exact
        candidates.append(run)  # every stage of a run is required: short ones are fewer strings
    usable = [_absorbed(c) for c in candidates if "" not in c]
    return [c for c in usable if len(c) <= most]


def _required_of(op: Any, av: Any, most: int) -> Strings | None:
    """What one item that is not a fixed string requires of the text."""
    if op is sre.SUBPATTERN:
        return _required(list(av[3]), most)
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _required(list(av), most)
    if op is sre.BRANCH:
        return _union([_required(list(branch), most) for branch in av[1]])
    if op in REPEATS and av[0] >= 1:
        return _required(list(av[2]), most)
    if op is sre.ASSERT:  # a lookahead or lookbehind: what it checks is in the text too
        return _required(list(av[1]), most)
    return None


def _exact(op: Any, av: Any, most: int) -> Strings | None:
    """All the strings (folded) an item matches, when it is a small choice of ASCII literals."""
    if op is sre.LITERAL:
        return frozenset({chr(av).lower()}) if av < 128 or _caseless(chr(av)) else None
    if op is sre.SUBPATTERN:
        return _exact_sequence(list(av[3]), most)
    if op in REPEATS and av[0] == 0 and av[1] == 1:  # x? matches what x matches, or nothing
        optional = _exact_sequence(list(av[2]), most)
        return None if optional is None else optional | {""}
    if op is sre.BRANCH:
        choices = _union([_exact_sequence(list(branch), most) for branch in av[1]])
        return choices if choices is not None and len(choices) <= most else None
    return None


def _exact_sequence(items: list[Any], most: int) -> Strings | None:
    strings: Strings = frozenset({""})
    for op, av in items:
        exact = _exact(op, av, most)
        if exact is None or len(strings) * len(exact) > most:
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
