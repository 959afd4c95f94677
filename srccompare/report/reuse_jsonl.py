"""``srccompare reuse --format jsonl``: one shared passage a line, for other tools.

Each line is the passage record of the JSON report (offsets, text of both
sides, kind, family) plus the two articles' sources, outlets and names
(title, else file name).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from srccompare.model import CleanArticle, ReuseResult
from srccompare.display.names import article_name
from srccompare.report.reuse_json import passage_record


def as_jsonl(result: ReuseResult, articles: Sequence[CleanArticle]) -> str:
    bodies = {article.id: article.body for article in articles}
    documents = {document.doc_id: document for document in result.documents}
    family_of = {index: family.id for family in result.families for index in family.passages}
    lines = []
    for index, passage in enumerate(result.passages):
        record = passage_record(index, passage, bodies, family_of.get(index))
        for side, doc_id in (("left", passage.left_id), ("right", passage.right_id)):
            document = documents.get(doc_id)
            record[f"{side}_source"] = document.source if document else None
            record[f"{side}_outlet"] = document.outlet if document else None
            record[f"{side}_name"] = article_name(document.title, document.source, doc_id) if document else None
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)
