"""Rules as data: boilerplate phrases, agencies and credit forms, outlet names.

The TOML files beside this module are the rules; this module only reads and
compiles them. ``load_rules(extra=...)`` adds a user's rule files to ours.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srccompare.rules import stored
from srccompare.rules.prefilter import NO_PREFILTER, FirstCharIndex, Prefilter, first_char_index, prefilter_of

if TYPE_CHECKING:
    from srccompare.rules.screen import Screen


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the rule."""


@dataclass(frozen=True)
class LineRule:
    id: str
    kind: str
    pattern: re.Pattern[str]
    max_words: int | None
    outlet: str | None
    where: str | None = None  # "edge": only near the top or bottom of the article (clean.edge_paragraphs)
    strip: bool = False  # only the matched text goes; the rest of the paragraph stays
    cheap: Prefilter = field(default=NO_PREFILTER, compare=False, repr=False)

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        """``pattern.search(text)``, faster; ``folded`` is ``fold(text)``."""
        return self.cheap.search(self.pattern, text, folded)


@dataclass(frozen=True)
class BlockRule:
    id: str
    kind: str
    start: re.Pattern[str]
    end: re.Pattern[str]
    cheap_start: Prefilter = field(default=NO_PREFILTER, compare=False, repr=False)
    cheap_end: Prefilter = field(default=NO_PREFILTER, compare=False, repr=False)


@dataclass(frozen=True)
class Agency:
    name: str
    aliases: tuple[str, ...]
    photo_only: bool


@dataclass(frozen=True)
class CreditRule:
    id: str
    how: str
    pattern: re.Pattern[str]
    agency: str | None  # fixed agency for forms that name none
    remove: bool
    where: str | None = None  # "edge": only in the article's head (up to its first prose paragraph) or last line
    unnamed: bool = False  # the form credits agencies without naming one ("with wire services")
    cheap: Prefilter = field(default=NO_PREFILTER, compare=False, repr=False)

    def search(self, text: str, folded: str) -> re.Match[str] | None:
        """``pattern.search(text)``, faster; ``folded`` is ``fold(text)``."""
        return self.cheap.search(self.pattern, text, folded)


@dataclass(frozen=True)
class Outlet:
    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    lines: tuple[LineRule, ...]
    blocks: tuple[BlockRule, ...]
    agencies: tuple[Agency, ...]
    credits: tuple[CreditRule, ...]
    outlets: tuple[Outlet, ...]
    agency_pattern: re.Pattern[str]  # any alias of any agency, as a whole word
    # Which line and credit rules can match a paragraph, by its first character (see prefilter.py).
    line_index: FirstCharIndex | None = field(default=None, compare=False, repr=False)
    credit_index: FirstCharIndex | None = field(default=None, compare=False, repr=False)
    # All the prefilters in one compiled pass (see screen.py and load_screened_rules), or None.
    screen: Screen | None = field(default=None, compare=False, repr=False)

    def lines_for(self, folded: str) -> tuple[int, ...] | range:
        """Positions in ``lines`` of the rules that can match a paragraph whose fold is ``folded``, in order."""
        if self.screen is not None:
            return self.screen.candidates(folded)[0]
        return self.line_index.candidates(folded) if self.line_index else range(len(self.lines))

    def credits_for(self, folded: str) -> tuple[int, ...] | range:
        """Positions in ``credits`` of the rules that can match a paragraph whose fold is ``folded``, in order."""
        if self.screen is not None:
            return self.screen.candidates(folded)[1]
        return self.credit_index.candidates(folded) if self.credit_index else range(len(self.credits))

    def blocks_for(self, folded: str) -> tuple[int, ...] | range:
        """Positions in ``blocks`` of the rules whose start can match a paragraph whose fold is ``folded``."""
        return self.screen.candidates(folded)[2] if self.screen is not None else range(len(self.blocks))

    def agency_named(self, text: str) -> Agency | None:
        """The agency one alias names (exact for short capitals, else case-insensitive)."""
        wanted = " ".join(text.split()).strip(" .,;")
        for agency in self.agencies:
            for alias in agency.aliases:
                if alias == wanted or (not _is_acronym(alias) and alias.casefold() == wanted.casefold()):
                    return agency
        return None

    def outlet_named(self, text: str) -> str | None:
        key = _outlet_key(text)
        for outlet in self.outlets:
            if any(_outlet_key(alias) == key for alias in outlet.aliases + (outlet.name,)):
                return outlet.name
        return None

    def outlet_for_domain(self, host: str) -> str | None:
        host = host.casefold().removeprefix("www.")
        for outlet in self.outlets:
            if any(host == d or host.endswith("." + d) for d in outlet.domains):
                return outlet.name
        return None


def _is_acronym(alias: str) -> bool:
    return len(alias) <= 4 and alias.isupper()


def _outlet_key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


@lru_cache(maxsize=8)
def load_rules(extra: tuple[str, ...] = ()) -> Rules:
    """Our rules plus any user rule files (TOML with [[rule]], [[block]], [[agency]], ...)."""
    stored.load_stored()
    documents = [(name, _read_packaged(name)) for name in ("boilerplate.toml", "agencies.toml", "outlets.toml")]
    documents += [(path, _read_user(Path(path))) for path in extra]
    agencies = tuple(_agency(d) for origin, doc in documents for d in doc.get("agency", []))
    agency_pattern = _agency_alternation(agencies)
    lines, blocks, credits, outlets = [], [], [], []
    for origin, doc in documents:
        try:
            lines += [_line_rule(d) for d in doc.get("rule", [])]
            blocks += [_block_rule(d) for d in doc.get("block", [])]
            credits += [_credit_rule(d, agency_pattern) for d in doc.get("credit", [])]
            outlets += [_outlet(d) for d in doc.get("outlet", [])]
        except (KeyError, TypeError, re.error) as error:
            raise RulesError(f"{origin}: bad rule ({type(error).__name__}: {error})") from None
    stored.store()
    return Rules(
        lines=tuple(lines),
        blocks=tuple(blocks),
        agencies=agencies,
        credits=tuple(credits),
        outlets=tuple(outlets),
        agency_pattern=re.compile(rf"\b(?:{agency_pattern})\b"),
        line_index=first_char_index([rule.cheap for rule in lines]),
        credit_index=first_char_index([rule.cheap for rule in credits]),
    )


@lru_cache(maxsize=8)
def load_screened_rules(extra: tuple[str, ...] = ()) -> Rules:
    """``load_rules(extra)`` with a Screen: the same findings, faster over many articles, for
    numba's load time (about a second a process; see screen.py)."""
    from srccompare.rules.screen import build_screen  # numba: only for those who ask

    rules = load_rules(extra)
    screen = build_screen(
        [(rule.pattern, rule.cheap) for rule in rules.lines],
        [(rule.pattern, rule.cheap) for rule in rules.credits],
        [(rule.start, rule.cheap_start) for rule in rules.blocks],
    )
    stored.store()  # the screen's own prefilters
    return replace(rules, screen=screen)


def _read_packaged(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))


def _read_user(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RulesError(f"{path}: cannot read rules ({error.strerror or error})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RulesError(f"{path}: not valid TOML ({error})") from None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _line_rule(data: dict[str, Any]) -> LineRule:
    where = data.get("where")
    if where not in (None, "edge"):
        raise KeyError(f"rule {data['id']}: where must be \"edge\" or absent, not {where!r}")
    pattern = _compile(data["pattern"])
    return LineRule(
        data["id"], data["kind"], pattern, data.get("max_words"), data.get("outlet"), where,
        bool(data.get("strip", False)), prefilter_of(pattern),
    )


def _block_rule(data: dict[str, Any]) -> BlockRule:
    start, end = _compile(data["start"]), _compile(data["end"])
    return BlockRule(data["id"], data["kind"], start, end, prefilter_of(start), prefilter_of(end))


def _agency(data: dict[str, Any]) -> Agency:
    return Agency(data["name"], tuple(data["aliases"]), bool(data.get("photo_only", False)))


def _agency_alternation(agencies: tuple[Agency, ...]) -> str:
    """Aliases longest first; short all-capital ones case-sensitive via an inline flag group."""
    # (then alphabetically: a set's order changes from one process to the next, and the pattern is a key of rules/stored.py)
    aliases = sorted({a for agency in agencies if not agency.photo_only for a in agency.aliases}, key=lambda a: (-len(a), a))
    parts = [f"(?-i:{re.escape(a)})" if _is_acronym(a) else re.escape(a) for a in aliases]
    return "|".join(parts)


def _credit_rule(data: dict[str, Any], agency_pattern: str) -> CreditRule:
    pattern = _compile(data["pattern"].replace("{agency}", agency_pattern))
    return CreditRule(
        data["id"], data["how"], pattern, data.get("agency"), bool(data.get("remove", True)), data.get("where"),
        bool(data.get("unnamed", False)), prefilter_of(pattern),
    )


def _outlet(data: dict[str, Any]) -> Outlet:
    return Outlet(data["name"], tuple(data.get("domains", ())), tuple(data.get("aliases", ())))
