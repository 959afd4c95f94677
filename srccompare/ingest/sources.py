"""Outlets (and titles, dates, URLs) for plain files that carry none in their text.

A folder of scraped articles rarely says in each file which outlet it came
from; the corpus says it around the files instead. Three ways, each off
unless the settings (``[sources]``, or the command line) turn it on:

- a folder per outlet: the outlet is the name of the folder ``outlet_folder``
  levels above the file (1: the folder holding it; ``corpus/bbc/a.txt`` -> bbc);
- a file-name pattern: ``{id}__{outlet}.txt`` names the parts of each file's
  name (fields ``id``, ``outlet``, ``title``, ``date``, ``url``; ``{_}`` is any
  text left unused); a file whose name does not match is left as it is;
- a sidecar CSV or JSON file mapping files to ``outlet``, ``title``, ``date``
  and ``url``: a CSV with a ``file`` column, JSON as ``{"file": {...}}`` or a
  list of objects with a ``file`` field. A file is found by its path as given,
  its path from the sidecar's folder, or its name.

What a source gives fills the fields a JSON Lines record left unset, and
comes before what the cleaner finds in the text (an outlet named in it).
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from srccompare.model import Article, Metadata
from srccompare.settings import SourceSettings

FIELDS = ("id", "outlet", "title", "date", "url")
PLACEHOLDER = re.compile(r"\{(\w*)\}")


class SourcesError(ValueError):
    """A pattern or sidecar file that cannot be used; the message names it and says why."""


def name_regex(pattern: str) -> re.Pattern[str]:
    """A file-name pattern as a regular expression with a named group for each field."""
    parts: list[str] = []
    position, seen = 0, set()
    for match in PLACEHOLDER.finditer(pattern):
        parts.append(re.escape(pattern[position : match.start()]))
        field = match.group(1)
        if field in ("_", ""):
            parts.append(".*?")
        elif field not in FIELDS:
            raise SourcesError(f"file-name pattern {pattern!r}: unknown field {{{field}}} (known: {', '.join(FIELDS)}, _)")
        elif field in seen:
            raise SourcesError(f"file-name pattern {pattern!r}: {{{field}}} appears twice")
        else:
            seen.add(field)
            parts.append(f"(?P<{field}>.+?)")
        position = match.end()
    parts.append(re.escape(pattern[position:]))
    if not seen:
        raise SourcesError(f"file-name pattern {pattern!r}: names no field (such as {{outlet}})")
    return re.compile("".join(parts) + r"\Z")


def from_name(path: str, pattern: str) -> dict[str, str]:
    match = _compiled(pattern).match(os.path.basename(path))
    return {k: v for k, v in match.groupdict().items() if v} if match else {}


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return name_regex(pattern)


def from_folder(path: str, level: int) -> dict[str, str]:
    parts = Path(os.path.abspath(path)).parts[:-1]
    return {"outlet": parts[-level]} if 0 < level <= len(parts) - 1 else {}


def read_sidecar(path: str) -> dict[str, dict[str, str]]:
    """file key -> its fields, from a CSV or JSON sidecar; SourcesError naming the file if unusable."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SourcesError(f"{path}: cannot read the sidecar file ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise SourcesError(f"{path}: the sidecar file is not UTF-8 text") from None
    rows = _json_rows(path, text) if path.lower().endswith(".json") else _csv_rows(path, text)
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        name = str(row.get("file") or "").strip()
        if not name:
            raise SourcesError(f"{path}: a row has no file name (a 'file' column or field)")
        table[name] = {k: str(v).strip() for k, v in row.items() if k in FIELDS and v not in (None, "")}
    return table


def _csv_rows(path: str, text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "file" not in [name.strip() for name in reader.fieldnames]:
        raise SourcesError(f"{path}: a sidecar CSV needs a header row with a 'file' column")
    return [{(k or "").strip(): v for k, v in row.items()} for row in reader]


def _json_rows(path: str, text: str) -> list[dict[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourcesError(f"{path}: not valid JSON ({error.msg}, line {error.lineno})") from None
    if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()):
        return [{**fields, "file": name} for name, fields in data.items()]
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return data
    raise SourcesError(f"{path}: a sidecar JSON is an object of file -> fields, or a list of objects with 'file'")


@lru_cache(maxsize=4)
def _sidecar(path: str, mtime: float) -> dict[str, dict[str, str]]:
    return read_sidecar(path)


def from_sidecar(path: str, sidecar: str) -> dict[str, str]:
    table = _sidecar(sidecar, os.path.getmtime(sidecar))
    base = os.path.dirname(os.path.abspath(sidecar))
    for key in (path, os.path.relpath(os.path.abspath(path), base), os.path.basename(path)):
        if key in table:
            return table[key]
    return {}


def check(spec: SourceSettings) -> None:
    """Raise SourcesError for a pattern or sidecar that cannot be used (before any file is read)."""
    if spec.name_pattern:
        _compiled(spec.name_pattern)
    if spec.sidecar:
        try:
            _sidecar(spec.sidecar, os.path.getmtime(spec.sidecar))
        except OSError as error:
            raise SourcesError(f"{spec.sidecar}: cannot read the sidecar file ({error.strerror or error})") from None


def with_sources(article: Article, spec: SourceSettings) -> Article:
    """The article with what the sources say about its file filling its unset hints (and its id)."""
    if not (spec.outlet_folder or spec.name_pattern or spec.sidecar) or article.source.startswith("<") or "://" in article.source:
        return article
    path, record = article.source, False
    head, _, tail = path.rpartition(":")
    if head and tail.isdigit() and not os.path.exists(path):  # a JSON Lines record ("file:line")
        path, record = head, True
    found: dict[str, str] = {}
    if spec.sidecar:
        found.update(from_sidecar(path, spec.sidecar))
    if spec.name_pattern:
        found = {**from_name(path, spec.name_pattern), **found}
    if spec.outlet_folder:
        found = {**from_folder(path, spec.outlet_folder), **found}
    if not found:
        return article
    given = Metadata(outlet=found.get("outlet"), title=found.get("title"), date=found.get("date"), url=found.get("url"))
    new_id = found.get("id") if not record else None  # a file's id would name all its records alike
    return replace(article, id=new_id or article.id, hints=article.hints.merged_over(given))
