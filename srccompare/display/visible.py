"""The one sanitiser for strings from outside: file names, ids, outlets, titles, urls, dates.

What a terminal, a table, a CSV cell, an HTML attribute or the TUI would act on becomes a
character that shows what was there and does nothing: ESC, BEL and every other C0 control
(newlines and tabs included) become their Control Pictures (ESC [ 2 J shows as ␛[2J), DEL
becomes ␡. C1 controls (0x80-0x9F: a one-character CSI or OSC on some terminals), bidirectional
overrides and isolates (which reorder what a reader sees), line and paragraph separators and
lone surrogates (a non-UTF-8 file name, or a JSON "\\ud800", which no UTF-8 writer can write)
become U+FFFD. Everything else, any script and emoji, passes unchanged.

Ids, sources and metadata pass through ``visible`` when an article is read and when it is cleaned,
so what is stored is already inert; the views pass names through it again (an index written
before this was may hold raw ones). Article bodies are normalised by cleaning
(srccompare/clean/text.py); the diff views and clean --explain show them through ``visible_lines``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from srccompare.model import Credit, Metadata

# C0 controls and DEL, C1 controls, bidi embeddings/overrides/isolates, LS and PS, surrogates.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
REPLACEMENT = "\ufffd"
TEXT_FIELDS = ("title", "date", "url", "outlet", "byline", "fetched")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: U+2400 is NUL's, U+241B ESC's
    if code == 0x7F:
        return "\u2421"
    return REPLACEMENT


def visible(text: str) -> str:
    """``text`` with every control character and escape introducer made visible and inert."""
    if UNSAFE.search(text) is None:  # (the usual case: one scan, no copy)
        return text
    return UNSAFE.sub(_shown, text)


def visible_lines(text: str) -> str:
    """``visible`` for text of several lines (an article body): newlines and tabs stay as they are."""
    if UNSAFE.search(text) is None:
        return text
    return "\n".join("\t".join(visible(part) for part in line.split("\t")) for line in text.split("\n"))


def visible_or_none(text: str | None) -> str | None:
    return None if text is None else visible(text)


def visible_metadata(metadata: Metadata) -> Metadata:
    """``metadata`` with each of its text fields (and its credits' words) passed through ``visible``."""
    credits = (*metadata.credits, *metadata.photo_credits)
    values = [getattr(metadata, name) or "" for name in TEXT_FIELDS]
    if UNSAFE.search("".join([*values, *(c.agency + c.text for c in credits)])) is None:  # (one scan, the usual case)
        return metadata
    fields = {name: visible_or_none(getattr(metadata, name)) for name in TEXT_FIELDS}
    return replace(metadata, **fields, credits=_visible_credits(metadata.credits),
                   photo_credits=_visible_credits(metadata.photo_credits))


def _visible_credits(credits: tuple[Credit, ...]) -> tuple[Credit, ...]:
    return tuple(replace(c, agency=visible(c.agency), text=visible(c.text)) for c in credits)
