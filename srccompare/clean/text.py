"""Text steps of the cleaner: normalise characters, split paragraphs, count words."""

from __future__ import annotations

import re
import unicodedata

# Terminal escape sequences: CSI (ESC [ ... or the 8-bit 0x9B), OSC (ESC ] ... BEL/ST),
# DCS/PM/APC strings, and two-character ESC sequences.
ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?",
    re.S,
)
# Bidirectional embeddings, overrides and isolates can reorder what a terminal shows.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e"))
LINE_BREAKS = {ord("\r"): "\n", ord("\f"): "\n", ord("\v"): "\n", 0x2028: "\n", 0x2029: "\n\n", ord("\t"): " "}
# One table for the three above; applied only to text holding any of them (most text holds none).
TRANSLATION = {**LINE_BREAKS, **BIDI_CONTROLS, **INVISIBLE}
TRANSLATED = re.compile("[" + re.escape("".join(map(chr, TRANSLATION))) + "]")
# Control characters (Unicode category Cc) but the newline, and lone surrogates (Cs).
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
SPACES = re.compile(r"[^\S\n]+")
BLANK_LINES = re.compile(r"\n[ \n]*\n")
WORD = re.compile(r"\w+(?:['’.-]\w+)*")


def normalise(text: str) -> str:
    """NFC, no escape sequences or control characters, one space between words, trimmed lines."""
    text = text.replace("\r\n", "\n")
    text = ESCAPE_SEQUENCE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if TRANSLATED.search(text):
        text = text.translate(TRANSLATION)
    text = CONTROL.sub("", text)
    text = SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def split_paragraphs(text: str, *, one_per_line: bool = False) -> list[str]:
    """Paragraphs of normalised text.

    Blank lines always separate paragraphs. Inside a block, lines are one
    paragraph each, unless the block looks hard-wrapped (lines of similar
    length, none long), as plain-text archives and e-mails are; then they join.
    """
    if one_per_line:
        return [line for line in text.split("\n") if line.strip()]
    paragraphs: list[str] = []
    for block in BLANK_LINES.split(text):
        lines = [line for line in block.split("\n") if line.strip()]
        if _is_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width: all but the last within 75% of the longest, none over 100."""
    if len(lines) < 2:
        return False
    longest = max(len(line) for line in lines)
    if longest > 100 or longest < 40:
        return False
    return all(len(line) >= 0.75 * longest for line in lines[:-1])
