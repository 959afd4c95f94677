"""``srccompare diff --format json``: the aligned rows, documented in README.md ("## diff JSON")."""

from __future__ import annotations

import json
from typing import Any

from srccompare.model import CleanArticle, DiffResult, Row, to_dict

# 2: "shared" (the pair's shared words and passages, as reuse counts them); each side's "shared_words"
# is its words inside those passages (in 1 it was its words in identical runs of the word diff).
FORMAT_VERSION = 2


def as_record(left: CleanArticle, right: CleanArticle, result: DiffResult) -> dict[str, Any]:
    """Both articles (metadata, cleaned body) and the rows, with each row's text for convenience."""
    return {
        "format": "srccompare-diff",
        "version": FORMAT_VERSION,
        "shared": _shared(result),
        "left": _side(left, *_counts(result, "left")),
        "right": _side(right, *_counts(result, "right")),
        "rows": [_row(row, left, right) for row in result.rows],
    }


def as_json(left: CleanArticle, right: CleanArticle, result: DiffResult) -> str:
    return json.dumps(as_record(left, right, result), ensure_ascii=False, indent=2) + "\n"


def _counts(result: DiffResult, side: str) -> tuple[int, int | None]:
    """A side's words and its words in shared passages, as reuse counts them (when counted)."""
    shared = result.shared
    if shared is None:
        return (result.left_words if side == "left" else result.right_words), None
    return (shared.left_total, shared.left_words) if side == "left" else (shared.right_total, shared.right_words)


def _shared(result: DiffResult) -> dict[str, Any] | None:
    shared = result.shared
    if shared is None:
        return None
    passages = [
        {key: getattr(p, key) for key in ("left_start", "left_end", "right_start", "right_end", "words", "similarity", "kind")}
        for p in shared.passages
    ]
    return {"words": shared.words, "passages": passages}


def _side(article: CleanArticle, words: int, shared: int | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "metadata": to_dict(article.metadata),
        "words": words,
        "shared_words": shared,
        "share": round(shared / words, 4) if words and shared is not None else None,
        "paragraphs": len(article.paragraphs),
        "body": article.body,
    }


def _row(row: Row, left: CleanArticle, right: CleanArticle) -> dict[str, Any]:
    record = to_dict(row)
    record["left_text"] = left.body[row.left_start : row.left_end] if row.left_start is not None else None
    record["right_text"] = right.body[row.right_start : row.right_end] if row.right_start is not None else None
    return record
