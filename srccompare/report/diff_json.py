"""``srccompare diff --format json``: the aligned rows, documented in README.md ("## diff JSON")."""

from __future__ import annotations

import json
from typing import Any

from srccompare.model import CleanArticle, DiffResult, Row, to_dict

FORMAT_VERSION = 1


def as_record(left: CleanArticle, right: CleanArticle, result: DiffResult) -> dict[str, Any]:
    """Both articles (metadata, cleaned body) and the rows, with each row's text for convenience."""
    return {
        "format": "srccompare-diff",
        "version": FORMAT_VERSION,
        "left": _side(left, result.left_words, result.left_shared),
        "right": _side(right, result.right_words, result.right_shared),
        "rows": [_row(row, left, right) for row in result.rows],
    }


def as_json(left: CleanArticle, right: CleanArticle, result: DiffResult) -> str:
    return json.dumps(as_record(left, right, result), ensure_ascii=False, indent=2) + "\n"


def _side(article: CleanArticle, words: int, shared: int) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "metadata": to_dict(article.metadata),
        "words": words,
        "shared_words": shared,
        "share": round(shared / words, 4) if words else 0.0,
        "paragraphs": len(article.paragraphs),
        "body": article.body,
    }


def _row(row: Row, left: CleanArticle, right: CleanArticle) -> dict[str, Any]:
    record = to_dict(row)
    record["left_text"] = left.body[row.left_start : row.left_end] if row.left_start is not None else None
    record["right_text"] = right.body[row.right_start : row.right_end] if row.right_start is not None else None
    return record
