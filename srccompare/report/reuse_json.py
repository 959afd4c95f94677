"""``srccompare reuse --format json``: the whole result as one JSON document.

The schema is written down in README.md ("reuse JSON"). Offsets are character
offsets into each article's cleaned body (``text`` in ``documents``), so
``text[start:end]`` is the passage text given beside them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from srccompare.model import CleanArticle, PairSummary, Passage, ReuseResult, to_dict
from srccompare.display.names import article_name
from srccompare.report.reuse_views import attributions_by_doc, reused_share

SCHEMA = "srccompare.reuse/1"
# One encoder for every record (json.dumps with a non-default option builds one a call).
RECORD_ENCODER = json.JSONEncoder(ensure_ascii=False)


def as_data(result: ReuseResult, articles: Sequence[CleanArticle]) -> dict[str, Any]:
    """The result as JSON-ready data (documents, passages, families, pairs, attributions)."""
    bodies = {article.id: article.body for article in articles}
    family_of = {index: family.id for family in result.families for index in family.passages}
    return {
        "schema": SCHEMA,
        "documents": _documents(result, articles),
        "passages": [passage_record(index, passage, bodies, family_of.get(index)) for index, passage in enumerate(result.passages)],
        "families": [
            {
                "id": family.id,
                "size": len({span.doc_id for span in family.spans}),
                "spans": [
                    {**vars(span), "text": bodies.get(span.doc_id, "")[span.start:span.end]} for span in family.spans  # (flat)
                ],
                "passages": list(family.passages),
            }
            for family in result.families
        ],
        "pairs": [pair_record(pair) for pair in result.pairs],
        "attributions": [to_dict(attribution) for attribution in result.attributions],
    }


def as_json(result: ReuseResult, articles: Sequence[CleanArticle]) -> str:
    """One JSON object, each record of each section on a line of its own.

    Readable and greppable like indented JSON, but written by the C encoder
    (``indent`` makes ``json`` fall back to pure Python: 5x slower).
    """
    data = as_data(result, articles)
    parts = [f'{{\n"schema": {json.dumps(data["schema"])}']
    for section in ("documents", "passages", "families", "pairs", "attributions"):
        records = ",\n".join(map(RECORD_ENCODER.encode, data[section]))
        parts.append(f'"{section}": [\n{records}\n]' if records else f'"{section}": []')
    return ",\n".join(parts) + "\n}\n"


def _documents(result: ReuseResult, articles: Sequence[CleanArticle]) -> list[dict[str, Any]]:
    """One record per document summary, in the result's order, with metadata and text."""
    by_id = {article.id: article for article in articles}
    attributions = attributions_by_doc(result)
    records = []
    for summary in result.documents:
        article = by_id.get(summary.doc_id)
        records.append({
            **vars(summary),  # flat: plain values only
            "name": article_name(summary.title, summary.source, summary.doc_id),
            "reused_share": round(reused_share(summary), 4),
            "agencies": [{"agency": a.agency, "how": a.how, "share": a.share} for a in attributions.get(summary.doc_id, ())],
            "metadata": to_dict(article.metadata) if article else None,
            "text": article.body if article else None,
        })
    return records


def passage_record(index: int, passage: Passage, bodies: dict[str, str], family: str | None) -> dict[str, Any]:
    return {
        "index": index,
        **vars(passage),  # flat: plain values only
        "family": family,
        "left_text": bodies.get(passage.left_id, "")[passage.left_start:passage.left_end],
        "right_text": bodies.get(passage.right_id, "")[passage.right_start:passage.right_end],
    }


def pair_record(pair: PairSummary) -> dict[str, Any]:
    return {**vars(pair), "passages": list(pair.passages)}  # (to_dict's, without asking each number whether it is a dataclass)
