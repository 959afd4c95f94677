"""The cleaner on real pages from the ScrapingHub benchmark (fixtures/scrapinghub, MIT, see its README).

The ground truth says what the article is; the tests check that its key
sentences survive, that known boilerplate of each page goes, and that the
body as a whole matches the ground truth by the benchmark's own measure.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from conftest import FIXTURES
from srccompare.clean import clean_article, clean_text
from srccompare.ingest.decode import article_from_text, decode
from srccompare.model import CleanArticle, Metadata

PAGES = FIXTURES / "scrapinghub"
TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
TOKEN = re.compile(r"\w+")


def tokens(text: str) -> str:
    return " ".join(TOKEN.findall(text))


def shingle_scores(truth: str, body: str) -> tuple[float, float]:
    """Precision and recall of 4-token shingles (the benchmark's measure, for one page)."""

    def shingles(text: str) -> Counter[str]:
        words = TOKEN.findall(text)
        return Counter(" ".join(words[i : i + 4]) for i in range(max(1, len(words) - 3)))

    true, predicted = shingles(truth), shingles(body)
    matched = sum((true & predicted).values())
    return matched / sum(predicted.values()), matched / sum(true.values())


@pytest.fixture(scope="module")
def pages(settings) -> dict[str, CleanArticle]:
    cleaned = {}
    for name, entry in TRUTH.items():
        html = decode((PAGES / f"{name}.html").read_bytes(), name)
        assert isinstance(html, str)
        article = article_from_text(html, source=name, id=name, kind="html", hints=Metadata(url=entry["url"]))
        result = clean_article(article, settings)
        assert isinstance(result, CleanArticle), result
        cleaned[name] = result
    return cleaned


def key_sentences(body: str) -> list[str]:
    """The second, middle and last paragraphs of the ground truth that are full sentences.

    (Not the first: some pages' ground truth opens with the standfirst, with words broken apart.)
    """
    paragraphs = [p for p in body.split("\n") if len(TOKEN.findall(p)) >= 12]
    return [paragraphs[1], paragraphs[len(paragraphs) // 2], paragraphs[-1]]


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_key_sentences_of_the_article_survive(pages, name):
    body = tokens(pages[name].body)
    for sentence in key_sentences(TRUTH[name]["articleBody"]):
        assert tokens(sentence) in body, sentence


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_body_matches_the_ground_truth(pages, name):
    precision, recall = shingle_scores(TRUTH[name]["articleBody"], pages[name].body)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


# Boilerplate on each page (none of it in the ground truth) and the rule that removes it.
DROPPED = [
    ("reuters-asian-shares", "Reporting by Rodrigo Campos", "reuters-signoff"),
    ("bbc-newsbeat-taylor-swift", "Follow Newsbeat on Instagram", "follow-social"),
    ("express-hong-kong", "[INSIGHT]", "teaser-tag"),
    ("express-hong-kong", "DON'T MISS", "read-more-bare"),
    ("express-hong-kong", "SEE MORE: Hong Kong protests", "read-more"),
    ("space-moon-landers", "Email Tariq Malik at tmalik@space.com", "contact-author"),
    ("space-moon-landers", "Related: SpaceX's Starship", "read-more"),
    ("ap-hosted-impeachment", "Associated Press writers Alan Fram", "contributed"),
]


@pytest.mark.parametrize(("name", "snippet", "rule"), DROPPED)
def test_known_boilerplate_is_removed(pages, name, snippet, rule):
    assert snippet not in TRUTH[name]["articleBody"]
    assert snippet not in pages[name].body
    assert any(snippet in r.text and r.rule == rule for r in pages[name].removals)


def test_agency_credits_of_wire_stories(pages):
    reuters = [(c.agency, c.how) for c in pages["reuters-asian-shares"].metadata.credits]
    ap = [(c.agency, c.how) for c in pages["ap-hosted-impeachment"].metadata.credits]
    assert reuters == [("Reuters", "dateline"), ("Reuters", "credit_line")]
    assert ap == [("AP", "dateline"), ("AP", "credit_line")]
    assert pages["bbc-newsbeat-taylor-swift"].metadata.credits == ()


def test_page_metadata(pages):
    meta = pages["space-moon-landers"].metadata
    assert meta.title == "NASA Picks SpaceX, Blue Origin and More to Join Private Moon Lander Project"
    assert meta.date == "2019-11-18"
    assert meta.outlet == "Space.com"


@pytest.mark.parametrize("name", ["bbc-newsbeat-taylor-swift", "space-moon-landers"])
def test_full_page_text_is_cut_to_the_article(name):
    """The plain-text path, fed a page's whole text (menus, share bars, link lists)."""
    article = clean_text((PAGES / f"{name}.page.txt").read_text(encoding="utf-8"), kind="text")
    precision, recall = shingle_scores(TRUTH[name]["articleBody"], article.body)
    assert precision >= 0.9 and recall >= 0.5, (precision, recall)
    assert any(r.rule == "page-outside-article" for r in article.removals)
    for menu_line in ("Share this with Facebook", "Top Stories", "Skip to content", "Subscribe"):
        assert menu_line not in article.paragraphs


def test_the_page_step_leaves_the_seed_articles_alone(seeds, settings):
    from srccompare.clean.page_text import looks_like_page

    for article in seeds.values():
        assert not any(r.rule.startswith("page-") for r in article.removals)
        assert not looks_like_page(list(article.paragraphs), settings.clean)


def test_best_run_is_the_densest_stretch():
    from srccompare.clean.page_text import best_run

    menu, story = [-150.0] * 5, [300.0, 120.0, -150.0, 250.0]
    assert best_run(menu + story + menu + [100.0] + menu) == (5, 9)
    assert best_run(menu) == (0, 0)
