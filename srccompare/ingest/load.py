"""Load: paths, directories, stdin and JSON Lines corpora -> Article.

Reading is where hostile input arrives, so every problem becomes a
``LoadError`` naming the input, never an exception that escapes.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from srccompare.ingest.decode import WEB_ADDRESS, article_from_text, decode, detect_kind
from srccompare.model import Article, InputKind, LoadError, Metadata
from srccompare.settings import Settings
from srccompare.display.visible import visible, visible_metadata
from srccompare.ingest.sources import with_sources

STDIN = "-"
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSONL_FIELDS = ("id", "url", "outlet", "date", "title")
# A JSON Lines record is an object of strings: one nesting deeper than this is refused (Python's
# parser recurses once a level, so 100,000 "[" end in a RecursionError, refused as well).
MAX_JSON_DEPTH = 64
# Longest id, and longest other metadata field (title, url, ...), a record may give; longer ones
# are refused (a 5,000-character id made file names no file system takes).
MAX_ID_CHARS = 1_000
MAX_FIELD_CHARS = 10_000


@dataclass(frozen=True)
class PendingFile:
    """A file named by the inputs, not read yet: ``load_unit`` reads it (in a worker, for a corpus)."""

    path: str


@dataclass(frozen=True)
class JsonRecord:
    """One line of a JSON Lines input, not parsed yet: ``load_unit`` parses it."""

    line: str
    where: str  # the file and line number
    fallback_id: str  # the id when the record gives none


# What the inputs name, in order, before the reading and parsing that can be spread over workers.
InputUnit = Article | LoadError | PendingFile | JsonRecord


def load_inputs(inputs: Sequence[str], settings: Settings) -> Iterator[Article | LoadError]:
    """Every article named by ``inputs``, in order; directories are walked in sorted order.

    http:// and https:// inputs are web pages, fetched together up front (in
    parallel, through the page cache) by ``srccompare.ingest.fetch``.
    """
    for unit in input_units(inputs, settings):
        yield from load_unit(unit, settings)


def input_units(inputs: Sequence[str], settings: Settings) -> Iterator[InputUnit]:
    """What ``inputs`` name, in order, with as little read as can be: directories walked, web pages
    fetched, stdin read; a file left for ``load_unit`` to read, unless it is JSON Lines by its name,
    whose records are split apart here (a corpus in one file is then cleaned by every worker)."""
    fetched = _fetch_web_pages(inputs, settings)
    for name in inputs:
        if name in fetched:
            yield fetched[name]
            continue
        if name == STDIN:
            yield from _load_bytes(_read_stdin(settings), "<stdin>", "stdin", settings)
            continue
        path = Path(name)
        if _answer(path.is_dir):  # (a folder without search permission above it: read, and refused, as a file)
            yield from _load_directory(path, settings)
        else:
            yield from _file_units(str(path), settings)


def load_unit(unit: InputUnit, settings: Settings) -> Iterator[Article | LoadError]:
    """The articles (or the problems) of one of ``input_units``'s units."""
    items: Iterable[InputUnit] = _load_file(Path(unit.path), settings) if isinstance(unit, PendingFile) else (unit,)
    for item in items:
        found = jsonl_record(item.line, item.where, item.fallback_id) if isinstance(item, JsonRecord) else item
        yield with_sources(found, settings.sources) if isinstance(found, Article) else found  # type: ignore[misc]


def _fetch_web_pages(inputs: Sequence[str], settings: Settings) -> dict[str, Article | LoadError]:
    urls = [name for name in inputs if WEB_ADDRESS.match(name)]
    if not urls:
        return {}
    from srccompare.ingest.fetch import fetch_articles  # only runs that name URLs pay for the downloader

    return fetch_articles(urls, settings)


def _read_stdin(settings: Settings) -> bytes | LoadError:
    data = sys.stdin.buffer.read(settings.limits.max_bytes + 1)
    if len(data) > settings.limits.max_bytes:
        return LoadError("<stdin>", f"larger than the limit of {settings.limits.max_bytes:,} bytes")
    return data


def _load_directory(root: Path, settings: Settings) -> Iterator[InputUnit]:
    files: list[os.DirEntry[str]] = []
    for entries in _walk(str(root)):
        files.extend(entries)
        if len(files) > settings.limits.max_files:
            yield LoadError(str(root), f"more than {settings.limits.max_files:,} files (see limits.max_files)")
            return
    readable = [entry.path for entry in files if _answer(entry.is_file)]
    if not readable:
        yield LoadError(str(root), "directory holds no readable files")
        return
    for path in readable:
        yield from _file_units(path, settings)


def _walk(folder: str) -> Iterator[list[os.DirEntry[str]]]:
    """The entries of each folder that are not folders, hidden ones left out, folder by folder in
    os.walk's order (a folder, then each subfolder's walk), names sorted. Symbolic links to folders
    are not followed: a loop cannot make the walk endless. (Directory entries know whether they are
    files without a stat call each, which was a tenth of the time of loading 40k files.)"""
    try:
        with os.scandir(folder) as found:
            entries = sorted((entry for entry in found if not entry.name.startswith(".")), key=lambda entry: entry.name)
    except OSError:
        return  # (as os.walk does: an unreadable folder is skipped)
    subfolders = [entry.path for entry in entries if _answer(entry.is_dir, follow_symlinks=False)]  # (not links: walked into)
    yield [entry for entry in entries if not _answer(entry.is_dir)]  # (nor links to folders: not files of this one)
    for subfolder in subfolders:
        yield from _walk(subfolder)


def _answer(test: Callable[..., bool], **options: bool) -> bool:
    """A directory entry's ``is_dir`` or ``is_file``; False when its stat fails (as os.walk takes it)."""
    try:
        return test(**options)
    except OSError:
        return False


def _file_units(path: str, settings: Settings) -> Iterator[InputUnit]:
    if os.path.splitext(path)[1].lower() in JSONL_SUFFIXES:
        yield from _load_file(Path(path), settings)
    else:
        yield PendingFile(path)


def _load_file(path: Path, settings: Settings) -> Iterator[Article | LoadError | JsonRecord]:
    source = str(path)
    try:
        data = _read_file(source, settings.limits.max_bytes)
    except FileNotFoundError:
        yield LoadError(source, "no such file or directory")
        return
    except OSError as error:
        yield LoadError(source, f"cannot read ({error.strerror or error})")
        return
    if isinstance(data, int):
        yield LoadError(source, f"{data:,} bytes is over the limit of {settings.limits.max_bytes:,} (see limits.max_bytes)")
        return
    yield from _load_bytes(data, source, path.stem, settings)


READ_STEP = 1 << 20  # bytes read at a time from a file whose size is not known (a pipe, a device)


def _read_file(path: str, limit: int) -> bytes | int:
    """The bytes of the file at ``path``, or its size if that is over ``limit`` bytes (then not read).

    One open, one fstat and (for a regular file) one read: pathlib's exists, stat and read_bytes
    took four times as long, a third of loading a short article. A pipe or a device is read until
    its end or past the limit (its size says nothing).
    """
    descriptor = os.open(path, os.O_RDONLY)
    try:
        info = os.fstat(descriptor)
        regular = stat.S_ISREG(info.st_mode)
        if regular and info.st_size > limit:
            return info.st_size
        parts, total = [], 0
        while True:
            part = os.read(descriptor, info.st_size + 1 if regular and not parts else READ_STEP)
            if not part:
                return b"".join(parts)
            parts.append(part)
            total += len(part)
            if total > limit:
                return total
    finally:
        os.close(descriptor)


def _load_bytes(data: bytes | LoadError, source: str, stem: str, settings: Settings) -> Iterator[Article | LoadError | JsonRecord]:
    if isinstance(data, LoadError):
        yield data
        return
    text = decode(data, source)
    if isinstance(text, LoadError):
        yield text
        return
    if os.path.splitext(source)[1].lower() in JSONL_SUFFIXES or _looks_like_jsonl(text):
        yield from _load_jsonl(text, source, stem)
        return
    if not text.strip():
        yield LoadError(source, "empty file" if not data else "file holds only white space")
        return
    yield article_from_text(text, source=source, id=stem)


def _looks_like_jsonl(text: str) -> bool:
    first = text.lstrip()[:1]
    if first != "{":
        return False
    line = text.lstrip().split("\n", 1)[0]
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return isinstance(record, dict) and ("text" in record or "html" in record)


def _load_jsonl(text: str, source: str, stem: str) -> Iterator[JsonRecord | LoadError]:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        yield JsonRecord(line, f"{source}:{number}", f"{stem}:{number}")
    if not found:
        yield LoadError(source, "JSON Lines file holds no records")


def jsonl_record(line: str, where: str, fallback_id: str) -> Article | LoadError:
    where = visible(where)
    deep = LoadError(where, f"nested more than {MAX_JSON_DEPTH} levels deep; a record is an object of strings")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return LoadError(where, f"not valid JSON ({error.msg})")
    except RecursionError:
        return deep
    except ValueError as error:  # an integer of over 4,300 digits
        return LoadError(where, f"not valid JSON ({one_line_of(error)})")
    if nesting_deeper(record, MAX_JSON_DEPTH):
        return deep
    if not isinstance(record, dict):
        return LoadError(where, "a JSON Lines record must be an object")
    body_field = "html" if isinstance(record.get("html"), str) and record["html"].strip() else "text"
    body = record.get(body_field)
    if not isinstance(body, str):
        return LoadError(where, "record has no 'text' or 'html' string")
    if not body.strip():
        return LoadError(where, f"record's '{body_field}' is empty")
    fields: dict[str, str | None] = {}
    for name in JSONL_FIELDS:
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            return LoadError(where, f"field '{name}' should be a string, got {type(value).__name__}")
        fields[name] = None if value is None else str(value)
        longest = MAX_ID_CHARS if name == "id" else MAX_FIELD_CHARS
        if fields[name] is not None and len(fields[name]) > longest:  # type: ignore[arg-type]
            return LoadError(where, f"field '{name}' is {len(fields[name]):,} characters long; at most {longest:,}")  # type: ignore[arg-type]
    hints = Metadata(title=fields["title"], date=fields["date"], url=fields["url"], outlet=fields["outlet"])
    kind: InputKind = "html" if body_field == "html" else detect_kind(body)
    return Article(id=visible(fields["id"] or fallback_id), source=where, kind=kind, content=body, hints=visible_metadata(hints))


def nesting_deeper(value: object, limit: int) -> bool:
    """Whether parsed JSON nests arrays and objects more than ``limit`` deep (a walk with a stack of
    its own: no recursion, and a flat record is one step)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def one_line_of(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
