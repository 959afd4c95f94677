"""Text steps of the cleaner: normalise characters, split paragraphs, count words."""

from __future__ import annotations

import codecs
import re
from bisect import bisect_left
import unicodedata
from functools import lru_cache

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
# Every match of ESCAPE_SEQUENCE starts with one of these; text holding none has no escapes to remove.
ESCAPE_STARTS = "\x1b\x9b\x90\x9d\x9e\x9f"
SPACES = re.compile(r"[^\S\n]+")
SPACE_RUNS = re.compile(" {2,}")  # SPACES for printable text, where the only space is the ASCII one
BLANK_LINES = re.compile(r"\n[ \n]*\n")
WORD = re.compile(r"\w+(?:['’.-]\w+)*")
# word_count counts WORD's matches without the regex: each character becomes a class byte,
# b"a" for a word character (what \w matches), b"j" for a joiner of WORD, b" " for the rest.
# The table classes the Latin-1 characters (a text is encoded as Latin-1); a codec error
# handler classes the others.
WORD_CLASSES = bytes(
    ord("a") if chr(code).isalnum() or code == ord("_") else ord("j") if chr(code) in "'.-" else ord(" ")
    for code in range(256)
)
WORD_CLASS_ERRORS = "srccompare.word-classes"
LIST_ITEM = re.compile(r"(?:[-*+•–·▪]|\d{1,3}[.)])\s")  # a bullet or a number opening a list item
CACHED_CHARS = 5000  # word counts of texts up to this long are remembered (see word_count)
# A wrapped text (wrap_width): lines of WRAP_MIN_LINE characters or more count, at least WRAP_MIN_LINES
# of them, WRAP_NEAR_SHARE of them within WRAP_NEAR of the width, which is at most WRAP_MAX_WIDTH.
# Set on the tune half of wcxb-dev: lynx (-width=100) and w3m (-cols 100) dumps wrap at 90-99,
# html-text's and inscriptis's lines (not wrapped) run to 140-350 (bench/clean_eval.py).
WRAP_MIN_LINE, WRAP_MIN_LINES, WRAP_NEAR, WRAP_NEAR_SHARE, WRAP_MAX_WIDTH = 30, 8, 12, 0.3, 160
WRAP_SLACK = 8
SENTENCE_CLOSE = (".", "!", "?", ":", '"', "”", "’", ")")  # a line ending so may end its paragraph (_reflowed)


def normalise(text: str) -> str:
    """NFC, no escape sequences or control characters, one space between words, trimmed lines.

    Ordinary text skips the steps that would not change it: the escape step
    when no escape can start, the character steps when the text is printable
    but for its newlines (no control, format, line-break or non-ASCII space
    characters, so that the only spaces left to collapse are ASCII ones).
    """
    text = text.replace("\r\n", "\n")
    if any(start in text for start in ESCAPE_STARTS):
        text = ESCAPE_SEQUENCE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if text.replace("\n", "").isprintable():
        if "  " in text:
            text = SPACE_RUNS.sub(" ", text)
    else:
        if TRANSLATED.search(text):
            text = text.translate(TRANSLATION)
        text = CONTROL.sub("", text)
        text = SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def word_count(text: str) -> int:
    """How many times WORD matches in ``text`` (words joined by ' ’ . or - count once).

    The finders each count a paragraph's words; the counts of paragraph-sized
    texts are remembered (a few thousand of them), longer texts are counted anew.
    """
    return _paragraph_word_count(text) if len(text) <= CACHED_CHARS else _word_count(text)


@lru_cache(maxsize=4096)
def _paragraph_word_count(text: str) -> int:
    return _word_count(text)


def _word_count(text: str) -> int:
    """WORD's matches counted on the text's character classes, several times faster than the regex.

    A word starts at a word character after a space (b" a"), at a joiner
    starting the text or following a space or another joiner and followed by a
    word character (b" ja", b"jja"), or at a word character opening the text.
    """
    classes = word_classes(text)
    starts = classes.count(b" a") + classes.count(b" ja") + classes.count(b"jja")
    return starts + classes.startswith(b"a") + classes.startswith(b"ja")


def run_count(text: str) -> int:
    """How many times ``\\w+`` matches in ``text`` (runs of word characters; "don't" is two), on
    the character classes as ``_word_count``: a whole page's text without a list of its words."""
    classes = word_classes(text)
    return classes.count(b" a") + classes.count(b"ja") + classes.startswith(b"a")


def word_classes(text: str) -> bytes:
    """One class byte a character (see WORD_CLASSES)."""
    if not text.isascii():
        text = text.replace("’", "'")  # the joiner outside Latin-1, common enough to spare the handler
    return text.encode("latin-1", WORD_CLASS_ERRORS).translate(WORD_CLASSES)


def _word_classes(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the class characters of a run of characters outside Latin-1, as
    Latin-1 characters of the same class ("a" word, "'" joiner, " " other)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start : error.end]
    if run.isalnum():
        return "a" * len(run), error.end
    return "".join(map(_char_class, run)), error.end


@lru_cache(maxsize=4096)
def _char_class(char: str) -> str:
    """The class of one character outside Latin-1: "a" word, "'" joiner (’), " " other."""
    return "a" if char.isalnum() else "'" if char == "’" else " "


codecs.register_error(WORD_CLASS_ERRORS, _word_classes)


def split_paragraphs(text: str, *, one_per_line: bool = False) -> list[str]:
    """Paragraphs of normalised text.

    Blank lines always separate paragraphs. Inside a block, lines are one
    paragraph each, unless the block looks hard-wrapped (lines of similar
    length, none long), as plain-text archives and e-mails are; then they join.
    """
    if one_per_line:
        return [line for line in text.split("\n") if line.strip()]
    paragraphs: list[str] = []
    width = wrap_width(text)
    for block in BLANK_LINES.split(text):
        lines = [line for line in block.split("\n") if line.strip()]
        if width:
            paragraphs.extend(_reflowed(lines, width))
        elif _is_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        elif len(lines) > 2 and _is_wrapped_run(lines):
            paragraphs.extend(_unwrapped(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def wrap_width(text: str) -> int | None:
    """The column a text-mode browser's dump (``lynx -dump``, ``w3m -dump``) or an archive wrapped
    the text at, or None when it is not wrapped: the long lines' 95th-percentile length, when a
    share of them pile up just below it (running text cut at a column) and it is not long."""
    lengths = sorted(n for n in map(len, text.split("\n")) if n >= WRAP_MIN_LINE)
    if len(lengths) < WRAP_MIN_LINES:
        return None
    width = lengths[(len(lengths) - 1) * 95 // 100]
    if width > WRAP_MAX_WIDTH:
        return None
    near = len(lengths) - bisect_left(lengths, width - WRAP_NEAR)
    return width if near >= WRAP_NEAR_SHARE * len(lengths) else None


def _reflowed(lines: list[str], width: int) -> list[str]:
    """A block of a wrapped text as paragraphs: a line joins the next when the next one's first
    word would not have fitted after it (so the renderer broke the line there), unless the next
    opens a list item. A paragraph in a list or a quote is indented more than the text
    around it, so a line counts as full ``WRAP_SLACK`` columns early (unless it ends a sentence
    and the next line starts a new one)."""
    paragraphs: list[str] = []
    current = lines[0]
    for line in lines[1:]:
        first = line.split(" ", 1)[0]
        last = current.rsplit("\n", 1)[-1]
        # A sentence that ends and a capital that follows may be two paragraphs: only a full line joins them.
        slack = 0 if last.endswith(SENTENCE_CLOSE) and first[:1].isupper() else WRAP_SLACK
        if len(last) + 1 + len(first) > width - slack and not LIST_ITEM.match(line):
            current = f"{current}\n{line}"
        else:
            paragraphs.append(current.replace("\n", " "))
            current = line
    paragraphs.append(current.replace("\n", " "))
    return paragraphs


def _is_wrapped_run(lines: list[str]) -> bool:
    """Several hard-wrapped paragraphs with no blank line between them (a text-mode browser's dump,
    ``lynx -dump``): lines of at most 100 characters, most of them within 75% of the longest."""
    longest = max(len(line) for line in lines)
    if longest > 100 or longest < 40:
        return False
    return sum(len(line) >= 0.75 * longest for line in lines[:-1]) >= 0.6 * (len(lines) - 1)


def _unwrapped(lines: list[str]) -> list[str]:
    """The paragraphs of a wrapped run: a line shorter than 75% of the longest ends one; a list
    bullet starts one."""
    longest = max(len(line) for line in lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and LIST_ITEM.match(line):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        if len(line) < 0.75 * longest:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width: all but the last within 75% of the longest, none over 100."""
    if len(lines) < 2:
        return False
    longest = max(len(line) for line in lines)
    if longest > 100 or longest < 40:
        return False
    return all(len(line) >= 0.75 * longest for line in lines[:-1])
