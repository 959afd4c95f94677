"""WCXB pages kept as fixtures (fixtures/wcxb, CC BY 4.0): their ground truth, WCXB's word-bag measure,
and a page cleaned by the HTML path, for the tests of that path."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from srccompare.clean import clean_article
from srccompare.ingest.load import article_from_text
from srccompare.model import CleanArticle, Metadata
from srccompare.settings import load_settings

WCXB_FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "wcxb"
WCXB = json.loads((WCXB_FOLDER / "ground-truth.json").read_text(encoding="utf-8"))
TOKEN = re.compile(r"\w+")


def bag_scores(truth: str, output: str) -> tuple[float, float]:
    """WCXB's measure: precision and recall of the bag of lowercase tokens."""
    true_bag, out_bag = Counter(TOKEN.findall(truth.lower())), Counter(TOKEN.findall(output.lower()))
    common = sum((true_bag & out_bag).values())
    return common / max(1, sum(out_bag.values())), common / max(1, sum(true_bag.values()))


def page(name: str) -> str:
    return (WCXB_FOLDER / f"{name}.html").read_text(encoding="utf-8")


def cleaned(name: str) -> CleanArticle:
    """WCXB page ``name`` through srccompare's HTML path at the default settings."""
    article = article_from_text(page(name), source=name, id=name, kind="html", hints=Metadata(url=WCXB[name]["url"]))
    result = clean_article(article, load_settings())
    assert isinstance(result, CleanArticle)
    return result
