"""What the fuzzer and its regression test run: clean bytes three ways, align the halves.

Kept in the package (not in bench/) so that tests/test_fuzz_regressions.py
replays crashes through exactly the code the fuzzer drove.
"""

from __future__ import annotations

from srccompare.clean import clean_article
from srccompare.ingest.decode import article_from_text, decode
from srccompare.model import CleanArticle, DiffResult, LoadError
from srccompare.settings import load_settings

_SETTINGS = load_settings(user_file=None)


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
