"""Bytes and strings -> Article: binary formats refused, encodings, the kind of text, content ids.

What every input goes through once read, whether from a file, stdin, a JSON
Lines record or a fetched page (``load`` and ``fetch`` both use it).
"""

from __future__ import annotations

import codecs
import os
import re

import blake3
from charset_normalizer import from_bytes

from srccompare.model import Article, InputKind, LoadError, Metadata
from srccompare.display.visible import visible, visible_metadata

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown"}
# Magic numbers of formats people pass by mistake: name -> leading bytes.
COMPRESSED_MAGIC = {
    "gzip": b"\x1f\x8b",
    "zip": b"PK\x03\x04",
    "bzip2": b"BZh",
    "xz": b"\xfd7zXZ\x00",
    "zstd": b"\x28\xb5\x2f\xfd",
    "7z": b"7z\xbc\xaf\x27\x1c",
}
BINARY_MAGIC = {"PDF": b"%PDF-", "PNG": b"\x89PNG", "JPEG": b"\xff\xd8\xff", "SQLite": b"SQLite format 3"}
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
HTML_TAGS = re.compile(r"</?(?:p|div|article|span|a|br|h[1-6]|section|main)\b[^>]*>", re.I)
MARKDOWN_CLUES = re.compile(
    r"^#{1,6} \S|\]\([^)\s]*\)|\*\*[^*\n]+\*\*|^\s*[-*+] \S|^<https?://[^>]+>$|^>\s", re.M
)
# Where a MARKDOWN_CLUES match can start: after a newline (every alternative but two opens with ^), at "]" or "*".
CLUE_STARTS = {"\n": 1, "]": 0, "*": 0}
# Most used single-byte encodings on the web first (W3Techs usage order, roughly).
WEB_ENCODINGS = ["cp1252", "latin_1", "iso8859_15", "cp1251", "shift_jis", "euc_kr", "gb2312", "gbk", "cp1250", "big5", "koi8_r"]
WEB_ADDRESS = re.compile(r"https?://", re.I)


def article_from_text(
    content: str,
    *,
    source: str = "<text>",
    id: str | None = None,
    kind: InputKind | None = None,
    hints: Metadata | None = None,
) -> Article:
    """An Article from a string already in memory (notebooks, tests, fetched pages)."""
    return Article(
        id=visible(id or content_id(content)),
        source=visible(source),
        kind=kind or detect_kind(content, source),
        content=content,
        hints=visible_metadata(hints) if hints else Metadata(),
    )


def content_id(content: str) -> str:
    """A stable id from the content: 16 hex digits of its blake3 hash."""
    return blake3.blake3(content.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def detect_kind(content: str, source: str = "") -> InputKind:
    """HTML, Markdown or plain text, by the file's suffix first and its content second."""
    # (os.path rather than pathlib: a Path a text was 5% of cleaning a plain-text corpus)
    suffix = os.path.splitext(source)[1].lower() if source else ""
    head = content[:4096]
    if suffix in HTML_SUFFIXES or HTML_START.match(head.encode("utf-8", "replace")):
        return "html"
    if len(HTML_TAGS.findall(head)) >= 5:
        return "html"
    if suffix in MARKDOWN_SUFFIXES or markdown_clues(content[:20000], enough=2) >= 2:
        return "markdown"
    return "text"


def markdown_clues(text: str, enough: int) -> int:
    """len(MARKDOWN_CLUES.findall(text)), counting no further than ``enough``.

    The regex is tried only where a match can start, in order, each search
    resuming where the last match ended, as findall does; on plain text this
    is many times faster than letting the regex try every position.
    """
    found, resume = 0, 0
    for start in _clue_starts(text):
        if start < resume:
            continue
        clue = MARKDOWN_CLUES.match(text, start)
        if clue:
            found, resume = found + 1, clue.end()
            if found >= enough:
                break
    return found


def _clue_starts(text: str) -> list[int]:
    starts = {0}
    for char, offset in CLUE_STARTS.items():
        at = text.find(char)
        while at >= 0:
            starts.add(at + offset)
            at = text.find(char, at + 1)
    return sorted(starts)


def decode(data: bytes, source: str) -> str | LoadError:
    """Bytes to text: UTF-8 (or a BOM's encoding) if it decodes, else charset detection."""
    problem = _binary_problem(data)
    if problem:
        return LoadError(source, problem)
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return LoadError(source, f"starts with a {encoding} byte-order mark but does not decode as it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        return LoadError(source, "bytes are not text in any encoding srccompare could detect")
    # Detection often ties (cp1250 and cp1252 read French equally well); break ties
    # in favour of the encodings most used on the web.
    tied = [m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence]
    tied.sort(key=lambda m: WEB_ENCODINGS.index(m.encoding) if m.encoding in WEB_ENCODINGS else len(WEB_ENCODINGS))
    return str(tied[0])


def _binary_problem(data: bytes) -> str | None:
    for name, magic in COMPRESSED_MAGIC.items():
        if data.startswith(magic):
            return f"is a {name}-compressed file; decompress it first"
    for name, magic in BINARY_MAGIC.items():
        if data.startswith(magic):
            return f"is a {name} file, not an article (HTML, Markdown, text or JSON Lines)"
    head = data[:8192]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "is a binary file (it holds NUL bytes), not an article"
    return None
