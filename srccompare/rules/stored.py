"""The rules' prefilters kept on disk between runs, so that a process starts without deriving them.

A prefilter is a pure function of its pattern and limits (and of prefilter.py's
code), but deriving all of them takes about 0.3 s, in every process that loads
the rules: each worker of a ``reuse`` run, each ``clean``. They are kept in
$XDG_CACHE_HOME/srccompare/ (else ~/.cache/srccompare/), one JSON file per
version of prefilter.py and of Python (whose regex parser the derivation
reads). A file that is missing, unreadable or not what it should be is
ignored and written anew; a directory that cannot be written is no error (the
prefilters are derived, as without the file).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from blake3 import blake3

from srccompare.rules import prefilter
from srccompare.rules.prefilter import Prefilter
from srccompare.settings import cache_directory

FORMAT = 2  # 2: with Prefilter.alternatives
MOST_ENTRIES = 4096  # a file holds the answers for this many patterns at most (user rule files add theirs)

_on_disk: set[tuple[str, int, int, int]] = set()  # the keys the file held when this process read it


def stored_path() -> Path:
    return cache_directory() / f"prefilters-{_code_version()}.json"


@lru_cache(maxsize=1)
def _code_version() -> str:
    source = Path(prefilter.__file__).read_bytes()
    return blake3(source + sys.version.encode()).hexdigest(8)


def load_stored(path: Path | None = None) -> int:
    """Give prefilter_of the answers kept in ``path`` (by default stored_path()); how many there were."""
    path = path or stored_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document["format"] != FORMAT:
            return 0
        answers = {_key(entry["key"]): _prefilter(entry["prefilter"]) for entry in document["answers"]}
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    prefilter.add_known_prefilters(answers)
    _on_disk.update(answers)
    return len(answers)


def store(path: Path | None = None) -> None:
    """Keep prefilter_of's answers in ``path`` (by default stored_path()) if it lacks some of them."""
    path = path or stored_path()
    known = prefilter.known_prefilters()
    if known.keys() <= _on_disk or len(known) > MOST_ENTRIES:
        return
    document = {"format": FORMAT, "answers": [{"key": list(key), "prefilter": _plain(found)} for key, found in known.items()]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=path.name, delete=False) as out:
            try:
                json.dump(document, out)
            except OSError:  # (a full disk): no half-written file left beside the cache
                out.close()
                os.unlink(out.name)
                raise
        os.replace(out.name, path)  # whole or not at all, whichever of two processes writes last
    except OSError:
        return
    _on_disk.update(known)


def _plain(found: Prefilter) -> dict[str, Any]:
    return {
        "required": found.required,
        "floating": found.floating,
        "anchored": found.anchored,
        "prefixes": found.prefixes,
        "first": None if found.first is None else sorted(found.first),
        "alternatives": found.alternatives,
    }


def _key(value: Any) -> tuple[str, int, int, int]:
    pattern, flags, most, most_prefixes = value
    if not isinstance(pattern, str) or not all(type(n) is int for n in (flags, most, most_prefixes)):
        raise TypeError("bad key")
    return pattern, flags, most, most_prefixes


def _prefilter(value: dict[str, Any]) -> Prefilter:
    def strings(field: str) -> tuple[str, ...] | None:
        return None if value[field] is None else _strings(value[field], field)

    if type(value["anchored"]) is not bool:
        raise TypeError("anchored")
    first = strings("first")
    alternatives = value["alternatives"]
    if alternatives is not None:
        if not isinstance(alternatives, list) or not all(isinstance(sets, list) for sets in alternatives):
            raise TypeError("alternatives")
        alternatives = tuple(tuple(_strings(strings, "alternatives") for strings in sets) for sets in alternatives)
    return Prefilter(
        strings("required"), strings("floating"), value["anchored"], strings("prefixes"), None if first is None else frozenset(first),
        alternatives,
    )


def _strings(found: Any, field: str) -> tuple[str, ...]:
    if not isinstance(found, list) or not all(isinstance(s, str) for s in found):
        raise TypeError(field)
    return tuple(found)
