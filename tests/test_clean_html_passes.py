"""The HTML path's passes (clean/widen.py), on real pages of WCXB (fixtures/wcxb, CC BY 4.0):
the fast pass first, the full pass when the fast one is short against the page's text, and
the page's main run of prose grown onto an extraction that kept a few sections of a long page."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import trafilatura
from lxml.html import fromstring
from trafilatura.utils import load_html

from srccompare.clean import clean_article
from srccompare.clean.widen import grown, holds, needs_full_pass, page_chars, visible_chars
from srccompare.ingest.load import article_from_text
from srccompare.model import CleanArticle, Metadata
from srccompare.settings import load_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wcxb"
WCXB = json.loads((FIXTURES / "ground-truth.json").read_text(encoding="utf-8"))
SETTINGS = load_settings()
TOKEN = re.compile(r"\w+")
OPTIONS = dict(include_comments=False, deduplicate=False, include_tables=True, include_images=False)


def bag_scores(truth: str, output: str) -> tuple[float, float]:
    """WCXB's measure: precision and recall of the bag of lowercase tokens."""
    true_bag, out_bag = Counter(TOKEN.findall(truth.lower())), Counter(TOKEN.findall(output.lower()))
    common = sum((true_bag & out_bag).values())
    return common / max(1, sum(out_bag.values())), common / max(1, sum(true_bag.values()))


def page(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def cleaned(name: str) -> CleanArticle:
    article = article_from_text(page(name), source=name, id=name, kind="html", hints=Metadata(url=WCXB[name]["url"]))
    result = clean_article(article, SETTINGS)
    assert isinstance(result, CleanArticle)
    return result


def test_a_page_whose_text_is_in_divs_gets_the_full_pass_and_its_whole_article():
    tree = load_html(page("4251"))
    fast = trafilatura.bare_extraction(tree, fast=True, **OPTIONS).text
    truth = WCXB["4251"]["main_content"]
    assert bag_scores(truth, fast)[1] < 0.2  # the fast pass alone: a box of the page
    assert needs_full_pass(fast, tree, SETTINGS.clean)
    precision, recall = bag_scores(truth, cleaned("4251").body)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


def test_the_full_pass_is_skipped_when_the_fast_one_holds_most_of_the_page_text():
    tree = load_html(page("4584"))
    whole = "\n".join(tree.find("body").itertext())
    assert not needs_full_pass(whole, tree, SETTINGS.clean)
    assert needs_full_pass("Subscribe to our newsletter.", tree, SETTINGS.clean)  # under retry_below_words


def test_page_chars_counts_the_visible_text_and_not_scripts_or_indentation():
    tree = fromstring("<html><body>\n    <p>Five words of article text.</p>\n"
                      "<script>var tracking = 'a long script that is not text';</script>"
                      "<style>p { color: red }</style></body></html>")
    assert page_chars(tree) == visible_chars("Five words of article text.") == 23


def test_a_round_up_that_every_trafilatura_pass_cuts_short_is_grown_over_the_page_main_run():
    truth = WCXB["0133"]["main_content"]
    tree = load_html(page("0133"))
    full = trafilatura.bare_extraction(tree, **OPTIONS).text
    assert bag_scores(truth, full)[1] < 0.4  # trafilatura's balanced pass: the introduction and a few entries
    precision, recall = bag_scores(truth, cleaned("0133").body)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
    body = cleaned("0133").body.split("\n")
    for snippet in WCXB["0133"]["without"]:
        assert snippet not in body


def test_a_main_run_that_holds_little_of_the_extraction_does_not_replace_it():
    # The extraction is the article; the page's longest run of prose is a comment thread.
    article = ("The council voted on Tuesday to close the old bridge to traffic for a year of repairs.\n"
               "Engineers said the steel had corroded faster than the last inspection had found.")
    comments = "\n".join(f"Comment {n}: I have crossed that bridge every day for years and never once felt it was"
                         f" unsafe, so I wonder who decided this and why now." for n in range(12))
    page_text = "\n".join(["Home", "News", "Sport", article, "Comments", comments, "About us"])
    assert grown(article, page_text, SETTINGS.clean) == article
    assert not holds(comments, article, 0.5) and holds(page_text, article, 0.9)


def test_a_blog_whose_article_element_holds_its_comment_thread_is_grown_without_the_comments():
    truth = WCXB["4660"]["main_content"]
    body = cleaned("4660").body
    precision, recall = bag_scores(truth, body)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)
    assert "Anita Owens" in page("4660")  # a reader who commented on the page ...
    assert "Anita Owens" not in body  # ... not in the article


def test_the_metadata_comes_from_the_page_head_read_once_with_the_extraction():
    # 4660's head: og:title, og:site_name, article:published_time and a JSON-LD author.
    metadata = cleaned("4660").metadata
    assert metadata.title == "Organic Pest Control Spray for Gardens"
    assert metadata.outlet == "The Prairie Homestead"
    assert metadata.date == "2015-07-14"
    assert metadata.byline == "Jill Winger"
    assert metadata.url == WCXB["4660"]["url"]
