"""What the fuzzer and its regression test run. The first byte picks the target, the rest is its
input: clean bytes three ways and align the halves; read them as JSON Lines (and clean each
record); load them as a settings file; find the agency credits in their paragraphs.

Kept in the package (not in bench/) so that tests/test_fuzz_regressions.py
replays crashes through exactly the code the fuzzer drove.
"""

from __future__ import annotations

import os
import tempfile

from srccompare.clean import clean_article
from srccompare.clean.metadata import find_credits
from srccompare.clean.text import normalise, split_paragraphs
from srccompare.ingest.decode import article_from_text, decode
from srccompare.ingest.load import load_unit, _load_jsonl
from srccompare.model import Article, CleanArticle, DiffResult, LoadError, to_dict
from srccompare.rules import load_rules
from srccompare.settings import SettingsError, load_settings
from srccompare.display.visible import UNSAFE

_SETTINGS = load_settings(user_file=None)
TARGETS = ("clean", "jsonl", "settings", "credits")


def exercise_any(data: bytes) -> object:
    """The target the first byte names (its value modulo the number of targets), on the rest."""
    if not data:
        return None
    target = TARGETS[data[0] % len(TARGETS)]
    return {"clean": exercise, "jsonl": exercise_jsonl, "settings": exercise_settings,
            "credits": exercise_credits}[target](data[1:])


def exercise_jsonl(data: bytes) -> list[CleanArticle]:
    """Read ``data`` as a JSON Lines corpus, clean each record; every problem must be a LoadError."""
    text = decode(data, "<fuzz>.jsonl")
    if isinstance(text, LoadError):
        return []
    cleaned = []
    for unit in _load_jsonl(text, "<fuzz>.jsonl", "fuzz"):
        for item in load_unit(unit, _SETTINGS):
            if isinstance(item, Article):
                _check_visible(to_dict(item.hints), item.id, item.source)
                result = clean_article(item, _SETTINGS)
                if isinstance(result, CleanArticle):
                    _check_visible(to_dict(result.metadata), result.id, result.source)
                    cleaned.append(result)
    return cleaned


def exercise_settings(data: bytes) -> object:
    """Load ``data`` as the user's settings file: settings, or a SettingsError, nothing else."""
    handle, path = tempfile.mkstemp(suffix=".toml")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        return load_settings(user_file=path)
    except SettingsError:
        return None
    finally:
        os.unlink(path)


def exercise_credits(data: bytes) -> object:
    """Find the agency credits in the paragraphs of ``data``."""
    text = decode(data, "<fuzz>")
    if isinstance(text, LoadError):
        return None
    return find_credits(split_paragraphs(normalise(text)), load_rules(), set())


def _check_visible(*values: object) -> None:
    """No control character or escape in an id, a source or any metadata field (srccompare/display/visible.py)."""
    for value in values:
        if isinstance(value, dict):
            _check_visible(*value.values())
        elif isinstance(value, list):
            _check_visible(*value)
        elif isinstance(value, str) and UNSAFE.search(value):
            raise AssertionError(f"a control character survived in {value!r}")


def exercise(data: bytes) -> list[CleanArticle]:
    """Clean ``data`` as HTML, Markdown and text; align the two halves of the text reading.

    Returns the cleaned articles; raises only on a bug. Offsets are checked on the way.
    """
    text = decode(data, "<fuzz>")
    if isinstance(text, LoadError):
        return []
    cleaned = []
    for kind in ("html", "markdown", "text"):
        result = clean_article(article_from_text(text, id=kind, kind=kind), _SETTINGS)  # type: ignore[arg-type]
        if isinstance(result, CleanArticle):
            _check_offsets(result)
            cleaned.append(result)
    middle = len(text) // 2
    halves = [clean_article(article_from_text(part, id=f"half{i}", kind="text"), _SETTINGS) for i, part in enumerate((text[:middle], text[middle:]))]
    if all(isinstance(h, CleanArticle) for h in halves):
        from srccompare.diff.align import diff_articles

        result = diff_articles(halves[0], halves[1], _SETTINGS.diff)  # type: ignore[arg-type]
        _check_rows(result, halves[0], halves[1])  # type: ignore[arg-type]
    return cleaned


def _check_rows(result: DiffResult, left: CleanArticle, right: CleanArticle) -> None:
    """Every paragraph of each side in exactly one row; row offsets inside the bodies."""
    for side, article in (("left", left), ("right", right)):
        seen = sorted(i for row in result.rows for i in getattr(row, f"{side}_paragraphs"))
        if seen != list(range(len(article.paragraphs))):
            raise AssertionError(f"{side} paragraphs not each in exactly one row: {seen}")
        for row in result.rows:
            start, end = getattr(row, f"{side}_start"), getattr(row, f"{side}_end")
            if start is not None and not 0 <= start <= end <= len(article.body):
                raise AssertionError(f"{side} row offsets out of range: {start}, {end}")


def _check_offsets(article: CleanArticle) -> None:
    body = article.body
    for (start, end), paragraph in zip(article.paragraph_spans, article.paragraphs):
        if body[start:end] != paragraph:
            raise AssertionError(f"paragraph offsets wrong in {article.id}")
    if any(ch in body for ch in "\x1b\x00\x07\u202e"):
        raise AssertionError("control character survived cleaning")
