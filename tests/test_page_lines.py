"""The page-line classifier (srccompare/clean/page_lines.py) on real page text.

Pages: fixtures/wcxb/0031.w3m.txt (WCXB page 0031, abc7ny.com, rendered by w3m) and
0461.lynx.txt (WCXB page 0461, rendered by lynx; both CC BY 4.0, see fixtures/wcxb/README.md) and fixtures/web/ap-tories-twitter.html (ScrapingHub
benchmark, MIT, see fixtures/web/README.md) as a naive scraper's text: lxml's
``text_content()``, which keeps the page's scripts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace

import lxml.html
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from conftest import FIXTURES
from srccompare.clean import clean_text
from srccompare.clean.page_lines import (
    FEATURES, OWN, Trees, load_model, model_from, own_features, page_matrix, scores, smooth, stage1_logits,
)
from srccompare.clean.page_text import stop_words_for
from srccompare.clean.text import normalise, split_paragraphs, wrap_width
from srccompare.settings import load_settings

WCXB = json.loads((FIXTURES / "wcxb" / "ground-truth.json").read_text(encoding="utf-8"))
PAGE = (FIXTURES / "wcxb" / "0031.w3m.txt").read_text(encoding="utf-8")
TOKEN = re.compile(r"\w+")
MODEL = load_model()


def bag_scores(truth: str, text: str) -> tuple[float, float]:
    """Precision and recall of the bag of lowercase words (WCXB's measure)."""
    true, predicted = Counter(TOKEN.findall(truth.lower())), Counter(TOKEN.findall(text.lower()))
    common = sum((true & predicted).values())
    return common / max(sum(predicted.values()), 1), common / max(sum(true.values()), 1)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def feature(line: str, name: str) -> float:
    stops = stop_words_for(PAGE, 0.1)
    return own_features(line, stops, MODEL.action_words)[OWN.index(name)]


def paragraph(start: str) -> str:
    return next(p for p in split_paragraphs(normalise(PAGE)) if p.startswith(start))


def test_features_of_real_lines():
    """Lines of the abc7ny page: a paragraph of reporting, a footer link, a call to action, a
    tag of the related-topics list; a BBC page's link line (fixtures/scrapinghub, MIT)."""
    prose = paragraph("In August, Eyewitness News met with a customer")
    assert prose.endswith("move day.")  # w3m's hard-wrapped lines, joined into the paragraph
    assert feature(prose, "prose") == 1.0 and feature(prose, "sentence_end") == 1.0
    assert feature(prose, "stop_density") >= 0.3 and feature(prose, "short") == 0.0
    footer = paragraph("Do Not Sell or Share My Personal Information")
    assert feature(footer, "short") == 1.0 and feature(footer, "sentence_end") == 0.0
    assert feature(footer, "title_case_line") == 1.0 and feature(prose, "title_case_line") == 0.0
    call = paragraph("SHARE YOUR STORY")
    assert feature(call, "action_start") == 1.0 and feature(call, "upper") == 1.0
    assert feature(prose, "action_start") == 0.0 and feature(prose, "upper") < 0.1
    tag = paragraph("• FAIRFIELD, NJ")
    assert feature(tag, "bullet") == 1.0 and feature(prose, "bullet") == 0.0
    bbc = (FIXTURES / "scrapinghub" / "bbc-newsbeat-taylor-swift.page.txt").read_text(encoding="utf-8")
    url = next(line for line in bbc.split("\n") if line.startswith("https://www.bbc.com/"))  # its share link
    assert feature(url, "url") == 1.0 and feature(prose, "url") == 0.0
    assert feature(prose, "code") == 0.0  # "roll down the window." is not window.something


def test_code_features_on_a_real_script():
    """The scripts a naive scraper keeps (ap-tories-twitter.html's text_content())."""
    lines = [line.strip() for line in scraped_text().split("\n")]
    script = next(line for line in lines if line.startswith("googletag.cmd = googletag.cmd"))
    assert feature(script, "code") == 1.0 and feature(script, "code_chars") > 0.05
    assert feature(paragraph("In August, Eyewitness News"), "code_chars") < 0.01


def test_a_real_page_is_cut_to_its_article():
    article = clean_text(PAGE, kind="text")
    truth = WCXB["0031"]
    precision, recall = bag_scores(truth["main_content"], article.body)
    # (precision: the sign-up form's two sentences after "SHARE YOUR STORY" stay; they read as prose)
    assert recall >= 0.95 and precision >= 0.85, (precision, recall)
    body = squash(article.body)
    for snippet in truth["with"]:
        assert squash(snippet) in body, snippet
    lines = {squash(p) for p in article.paragraphs}
    for snippet in truth["without"]:
        assert squash(snippet) not in (lines if len(snippet.split()) <= 2 else body), snippet
    assert any(r.rule == "page-outside-article" for r in article.removals)


@pytest.mark.parametrize(
    "junk",
    [
        "24/7 LiveNew York CityNew JerseyLong IslandNorthern SuburbsConnecticut",  # a menu, glued
        "SHARE YOUR STORY",  # a call to action
        "Related Topics",  # a tag list
        "Brown University and MIT shooting suspect found dead",  # other stories' headlines
        "Rob Reiner's children speak out",
        "Do Not Sell or Share My Personal Information",  # footer links
        "Copyright © 2025 ABC, Inc.",
    ],
)
def test_each_junk_class_of_a_real_page_goes(junk):
    assert junk in PAGE
    assert junk.lower() not in clean_text(PAGE, kind="text").body.lower()


def scraped_text() -> str:
    html = (FIXTURES / "web" / "ap-tories-twitter.html").read_bytes()
    return lxml.html.fromstring(html).text_content()


def test_scripts_in_a_scrapers_text_go_and_the_story_stays():
    text = scraped_text()
    assert "googletag" in text and "function(" in text
    body = clean_text(text, kind="text").body
    assert "googletag" not in body and "function(" not in body
    assert "Britain's Conservative Party was accused Wednesday of trying to deceive voters" in body


def test_short_ambiguous_lines_take_their_neighbours_class():
    """jusText's pass: a short line near its threshold between two kept paragraphs stays,
    between two dropped ones goes; between a kept and a dropped one its own score decides."""
    long, short = 200, 20
    near = MODEL.short_threshold - MODEL.band / 2  # below the threshold, within the band
    keep = MODEL.threshold + 3.0
    drop = MODEL.threshold - 3.0
    kept = smooth(np.array([keep, near, keep]), [long, short, long], MODEL)
    assert kept.tolist() == [True, True, True]
    dropped = smooth(np.array([drop, MODEL.short_threshold + MODEL.band / 2, drop]), [long, short, long], MODEL)
    assert dropped.tolist() == [False, False, False]
    mixed = smooth(np.array([keep, near, drop]), [long, short, long], MODEL)
    assert mixed.tolist() == [True, False, False]
    far = smooth(np.array([keep, MODEL.short_threshold - MODEL.band - 1.0, keep]), [long, short, long], MODEL)
    assert far.tolist() == [True, False, True]  # a confident "no" is not overruled


def test_the_weights_match_the_features():
    data = {"features": list(FEATURES[:-1]), "trees": {}, "stage2": []}
    with pytest.raises(ValueError, match="refit"):
        model_from(data)
    trees = MODEL.trees
    assert trees.feature.max() < len(FEATURES) and trees.feature.shape == trees.threshold.shape == trees.value.shape
    assert trees.left.max() < trees.feature.shape[1] and np.isinf(trees.threshold[trees.left == np.arange(trees.left.shape[1])]).all()


def test_a_lynx_dump_is_unwrapped_into_its_paragraphs():
    """lynx -dump (WCXB page 0461, wcxb tune half) wraps paragraphs at 100 columns with no
    blank line between them; a line the next word would have fitted on ends a paragraph, a
    bullet starts one."""
    text = (
        '       The Hating Game meets Legends & Lattes in this captivating and hilarious fantasy\n'
        '       rom-com with a twist about two enemies who must work together to return to their\n'
        '       reality.\n'
        '       Courtney’s only goal in life is to have no goals. A reformed overachiever, she’s\n'
        '       content with her dead-end job and simple existence. And her “feud” with her neighbor\n'
        '       Bryce brings her immense joy. Everything is perfect.\n'
        '       Until Courtney and Bryce are pulled through a portal and flung into a fantasy world\n'
        '       where they are met by a prophecy-obsessed sage who claims one of them must be the\n'
        '       Chosen One destined to save them all from an unknown Evil One. Neither of them wants\n'
        '       the job but also refuse to let the other have the glory. Unfortunately, in their\n'
        '       efforts to save the world, they unleash more chaos by accidentally freeing a dragon,\n'
        '       summoning an undead army, and almost poisoning their mentor with peanut butter.\n'
        '       To return to their world, Courtney and Bryce—a snarky underachiever and a grumpy\n'
        '       hermit—must charm and endear themselves to the people of this fantasy world (or each\n'
        '       other) to be able to use magic. With time running out and the threat of the Evil One\n'
        '       looming, they must work together to become worthy heroes if they ever want to make it\n'
        '       home again. Or else be doomed to eternity in a universe without running water—and with\n'
        '       each other—forever.\n'
        '       Two neighbors who don’t get along get transported to a fantasy world. I’ve heard if you\n'
        '       like a grumpy meets grumpier romance, this might appeal to you.\n'
        '       Add to Goodreads To-Read List →\n'
        '          + Available at Amazon\n'
        '          + Order this book from applebooks\n'
        '          + Order this book from Barnes & Noble\n'
    )
    paragraphs = split_paragraphs(normalise(text))
    assert len(paragraphs) == 9
    assert paragraphs[0] == (
        "The Hating Game meets Legends & Lattes in this captivating and hilarious fantasy rom-com with a "
        "twist about two enemies who must work together to return to their reality."
    )
    assert paragraphs[1].endswith("Everything is perfect.") and paragraphs[2].startswith("Until Courtney")
    # a sentence's end short of the column and a capital after it: two paragraphs, as on the page
    assert paragraphs[2].endswith("peanut butter.") and paragraphs[3].startswith("To return to their world")
    assert paragraphs[5:] == ["Add to Goodreads To-Read List →", "+ Available at Amazon",
                              "+ Order this book from applebooks", "+ Order this book from Barnes & Noble"]


PAGE_LINES = [line for line in PAGE.split("\n") if line.strip()]


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PAGE_LINES), min_size=30, max_size=120), st.randoms(use_true_random=False))
def test_cleaning_page_text_is_idempotent(lines, random):
    """Pages made of the real page's lines, shuffled and repeated: cleaning the cleaned body
    changes nothing."""
    random.shuffle(lines)
    text = "\n".join(lines)
    try:
        once = clean_text(text, kind="text")
    except ValueError:
        return  # nothing left: a page of junk only
    assert clean_text(once.body, kind="text").body == once.body


def test_comments_section_marks_what_follows_and_its_date_lines() -> None:
    """Real lines of a blog page's comment block (wcxb-dev 0479, whatever.scalzi.com, rendered by
    inscriptis): the lines after "59 Comments on ..." carry after_section_marker, the article's
    do not; the comment under a commenter's date line has dated lines near it."""
    from srccompare.clean.page_lines import page_features

    lines = [
        "For the avoidance of doubt, this paragraph stands in for the article: it runs on in whole sentences, "
        "with the words and the stops that running prose has, and it is long enough to count as prose here.",
        "59 Comments on “The December Comfort Watches 2025, Day Eighteen: Starship Troopers”",
        "1. John Scalzi",
        "December 18, 2025, 9:46 pm",
        "For the avoidance of doubt, I like the novel very much. I also like the movie very much.",
    ]
    features = page_features(lines, stop_words_for(" ".join(lines), 0.0), set(), set(), frozenset())
    marker, dates = FEATURES.index("after_section_marker"), FEATURES.index("date_lines_near")
    assert features[:, marker].tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]
    assert features[4, dates] == pytest.approx(1 / 6)  # one dated line among the 3 each side
    undated = page_features(lines[:3] + lines[4:], stop_words_for(" ".join(lines), 0.0), set(), set(), frozenset())
    assert undated[:, dates].tolist() == [0.0] * 4


LYNX = (FIXTURES / "wcxb" / "0461.lynx.txt").read_text(encoding="utf-8")


def test_a_wrapped_dump_is_found_and_an_unwrapped_text_is_not():
    """lynx (-width=100) and w3m (-cols 100) cut their lines at a column; html-text's lines run on
    (fixtures/wcxb: 0461 by lynx, 0031 by w3m, 0140 by html-text); the seeds are not wrapped."""
    assert 85 <= wrap_width(normalise(LYNX)) <= 100
    assert 85 <= wrap_width(normalise(PAGE)) <= 100
    assert wrap_width(normalise((FIXTURES / "wcxb" / "0140.html-text.txt").read_text(encoding="utf-8"))) is None
    seeds = sorted((FIXTURES.parent / "seeds").glob("*.txt"))
    assert seeds and all(wrap_width(normalise(path.read_text(encoding="utf-8"))) is None for path in seeds)


def test_a_paragraph_with_a_list_under_it_is_joined_and_the_items_stay_apart():
    """WCXB 0461 by lynx: a wrapped paragraph runs straight into a bulleted list with no blank
    line between (the block is no uniform wrapped run); each item is a paragraph of its own."""
    paragraphs = split_paragraphs(normalise(LYNX))
    intro = next(p for p in paragraphs if p.startswith("Book Beat aims to highlight"))
    assert intro.endswith("no staples to open to get the fold-out poster.")
    at = paragraphs.index(intro)
    assert paragraphs[at + 1] == "* A Far Better Thing"
    assert paragraphs[at + 2] == "A Far Better Thing by H.G. Parry"  # short lines are not joined
    blurb = next(p for p in paragraphs if p.startswith("Jonathan Strange & Mr. Norrell meets"))
    assert blurb.endswith("set during the French Revolution.")  # a list item's wrapped paragraph


def test_the_wrapped_page_is_cut_to_its_article():
    truth = WCXB["0461"]
    article = clean_text(LYNX, kind="text")
    precision, recall = bag_scores(truth["main_content"], article.body)
    assert recall >= 0.9 and precision >= 0.8, (precision, recall)
    assert "Book Beat aims to highlight other books" in article.body


LYNX_LINES = [line for line in LYNX.split("\n") if line.strip()]


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LYNX_LINES), min_size=30, max_size=150), st.randoms(use_true_random=False))
def test_cleaning_a_wrapped_page_is_idempotent(lines, random):
    """Pages made of the lynx dump's lines, shuffled and repeated (wrapped lines next to others
    than their own): cleaning the cleaned body changes nothing, and splitting it again gives
    the same paragraphs (the cleaned body is no longer wrapped)."""
    random.shuffle(lines)
    try:
        once = clean_text("\n".join(lines), kind="text")
    except ValueError:
        return
    assert clean_text(once.body, kind="text").body == once.body
    assert split_paragraphs(normalise(once.body)) == list(once.paragraphs)


def test_the_trees_are_walked_as_stored():
    """Stage 1 as data: one tree splitting on prose, then on short; a leaf points to itself."""
    inf = np.inf
    trees = Trees(feature=np.array([[FEATURES.index("prose"), FEATURES.index("short"), 0, 0, 0]]),
                  threshold=np.array([[0.5, 0.5, inf, inf, inf]]), left=np.array([[1, 3, 2, 3, 4]]),
                  right=np.array([[2, 4, 2, 3, 4]]), value=np.array([[0.0, 0.0, 2.0, -1.5, 0.25]]),
                  depth=2, baseline=0.1)
    model = replace(MODEL, trees=trees)
    rows = np.zeros((3, len(FEATURES)))
    rows[0, FEATURES.index("prose")] = 1.0  # prose: right at the root, a leaf
    rows[1, FEATURES.index("short")] = 1.0  # not prose, short: left, then right
    assert stage1_logits(rows, model).tolist() == pytest.approx([2.1, 0.35, -1.4])


def test_the_model_scores_real_lines_in_their_place():
    """The stored model on the abc7ny page: its reporting scores above its footer and menu lines."""
    paragraphs = split_paragraphs(normalise(PAGE))
    features, _ = page_matrix(paragraphs, load_settings().clean, {}, MODEL.action_words)
    logits = scores(features, MODEL)
    prose = paragraphs.index(paragraph("In August, Eyewitness News met with a customer"))
    footer = paragraphs.index("Do Not Sell or Share My Personal Information")
    assert logits[prose] > MODEL.threshold > logits[footer]
