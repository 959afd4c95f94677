"""The HTML path's passes (clean/widen.py), on real pages of WCXB (fixtures/wcxb, CC BY 4.0):
the fast pass first, the full pass when the fast one is short against the page's text, and
the page's main run of prose grown onto an extraction that kept a few sections of a long page."""

from __future__ import annotations


import trafilatura
from lxml.html import fromstring
from trafilatura.utils import load_html

from srccompare.clean.extract import page_passes
from srccompare.clean.page_text import stop_words_for
from srccompare.clean.widen import (
    grown, holds, needs_full_pass, page_chars, page_paragraphs, page_text_chars, reads_as_text, visible_chars, widen, with_sections,
)
from srccompare.settings import load_settings
from wcxb_pages import WCXB, bag_scores, cleaned, page

SETTINGS = load_settings()
OPTIONS = dict(include_comments=False, deduplicate=False, include_tables=True, include_images=False)


def test_a_page_whose_text_is_in_divs_gets_the_full_pass_and_its_whole_article():
    tree = load_html(page("4251"))
    fast = trafilatura.bare_extraction(tree, fast=True, **OPTIONS).text
    truth = WCXB["4251"]["main_content"]
    assert bag_scores(truth, fast)[1] < 0.2  # the fast pass alone: a box of the page
    assert needs_full_pass(fast, lambda: page_chars(tree), SETTINGS.clean)
    precision, recall = bag_scores(truth, cleaned("4251").body)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall)


def test_the_full_pass_is_skipped_when_the_fast_one_holds_most_of_the_page_text():
    tree = load_html(page("4584"))
    whole = "\n".join(tree.find("body").itertext())
    assert not needs_full_pass(whole, lambda: page_chars(tree), SETTINGS.clean)
    assert needs_full_pass("Subscribe to our newsletter.", lambda: page_chars(tree), SETTINGS.clean)  # under retry_below_words


def test_page_chars_counts_the_visible_text_and_not_scripts_or_indentation():
    tree = fromstring("<html><body>\n    <p>Five words of article text.</p>\n"
                      "<script>var tracking = 'a long script that is not text';</script>"
                      "<style>p { color: red }</style></body></html>")
    assert page_chars(tree) == visible_chars("Five words of article text.") == 23
    assert page_text_chars(tree) == 23 + visible_chars("var tracking = 'a long script that is not text';p { color: red }")


def test_the_bound_on_the_page_text_decides_as_the_page_text_does():
    tree = load_html(page("4584"))
    whole = "\n".join(tree.find("body").itertext())
    for text in (whole, whole[: len(whole) // 5], whole[: len(whole) // 20]):
        exact = needs_full_pass(text, lambda: page_chars(tree), SETTINGS.clean)
        assert needs_full_pass(text, lambda: page_chars(tree), SETTINGS.clean, lambda: page_text_chars(tree)) == exact
    assert page_text_chars(tree) >= page_chars(tree)


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


def test_a_listing_whose_paragraphs_are_none_of_them_running_text_does_not_replace_the_extraction():
    # WCXB 2976, a software directory: the full pass keeps the introduction and each app's description;
    # the page's <p> text is the same cards run together with their prices, platforms and buttons.
    truth = WCXB["2976"]["main_content"]
    passes = page_passes(load_html(page("2976")), WCXB["2976"]["url"])
    cards = [line for line in passes.paragraphs().splitlines() if line.strip()]
    assert len(cards) > 1 and not any(reads_as_text(line, stop_words_for(passes.paragraphs(), 0.1)) for line in cards)
    assert widen(passes.full(), passes.paragraphs()) == passes.full()
    precision, recall = bag_scores(truth, cleaned("2976").body)
    assert precision >= 0.8 and recall >= 0.7, (precision, recall)
    assert bag_scores(truth, passes.paragraphs())[0] < 0.4  # what growing over the cards gave


def test_a_wide_text_in_one_paragraph_is_taken_whole_when_nothing_in_it_can_be_judged():
    # A JSON-LD article body (WCXB 0133's baseline) is one paragraph: no line of it to match or judge.
    body = "A round-up of twelve rooms, each with its designer and the pieces that make it work " * 20
    assert widen("The introduction alone.", body) == body


def test_lists_trafilatura_skips_between_paragraphs_it_kept_are_put_back_in_place():
    # WCXB 4519, a policy brief: trafilatura keeps its paragraphs and drops the bulleted
    # recommendations between them; they are in the same element as the paragraphs around them.
    truth = WCXB["4519"]["main_content"]
    tree = load_html(page("4519"))
    passes = page_passes(tree, WCXB["4519"]["url"])
    assert bag_scores(truth, passes.fast())[1] < 0.7
    filled = with_sections(passes.fast(), page_paragraphs(tree))
    item = "Support for education and training should supplement research funding."
    assert item not in passes.fast() and item in filled.splitlines()
    lines = filled.splitlines()
    assert lines.index(item) < lines.index(next(line for line in lines if line.startswith("Policy-makers must be")))
    precision, recall = bag_scores(truth, cleaned("4519").body)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    assert with_sections(filled, page_paragraphs(tree)) == filled  # what is in the text already is not put back twice


def test_a_list_of_links_between_kept_paragraphs_stays_out():
    tree = fromstring(
        "<html><body><div>"
        "<p>The council voted on Tuesday to close the old bridge for a year of repairs.</p>"
        "<h3>What changes for drivers</h3>"
        "<ul><li>Buses take the ring road from Monday.</li></ul>"
        "<ul><li><a href='/a'>Read more: the bridge's history</a></li><li><a href='/b'>Council election results</a></li></ul>"
        "<p>Engineers said the steel had corroded faster than the last inspection had found.</p>"
        "</div></body></html>")
    text = ("The council voted on Tuesday to close the old bridge for a year of repairs.\n"
            "Engineers said the steel had corroded faster than the last inspection had found.")
    assert with_sections(text, page_paragraphs(tree)).splitlines() == [
        "The council voted on Tuesday to close the old bridge for a year of repairs.",
        "What changes for drivers", "Buses take the ring road from Monday.",
        "Engineers said the steel had corroded faster than the last inspection had found."]


def test_a_heading_is_missing_when_its_words_are_only_part_of_longer_words_in_the_text():
    tree = fromstring(
        "<html><body><div><p>The prospects for the new phone are good, its makers say.</p><h3>Pros</h3>"
        "<p>The battery lasts two days and the screen is bright in sunlight.</p></div></body></html>")
    text = ("The prospects for the new phone are good, its makers say.\n"
            "The battery lasts two days and the screen is bright in sunlight.")
    assert with_sections(text, page_paragraphs(tree)).splitlines()[1] == "Pros"


def test_lists_are_put_back_on_a_page_whose_text_holds_control_characters():
    # WCXB 4859, a round-up whose own markup holds mis-decoded quotes (C1 control characters):
    # trafilatura drops those characters from its lines, so the page's paragraphs are compared
    # without them; each product's list of pros between two kept paragraphs is then found.
    tree = load_html(page("4859"))
    fast = page_passes(tree, WCXB["4859"]["url"]).fast()
    item = "Beautiful Templates : Offers a wide range of professional, mobile-responsive designs."
    assert "Beautiful Templates" not in fast and any("\x80" in p.text_content() for p in tree.iter("p"))
    filled = with_sections(fast, page_paragraphs(tree))
    assert item in filled.splitlines()
    assert bag_scores(WCXB["4859"]["main_content"], filled)[1] > bag_scores(WCXB["4859"]["main_content"], fast)[1] + 0.05


def test_an_item_with_control_characters_already_in_the_text_is_not_put_back_twice():
    tree = fromstring(
        "<html><body><div><p>The calculators were scored on seven points, each weighted.</p>"
        "<ul><li>Advertising (5): Is the user prodded to \u00e2\x80\x9cupgrade\u00e2\x80\x9d to a higher level?</li></ul>"
        "<p>Readers will notice that this scoring system is subjective.</p></div></body></html>")
    text = ("The calculators were scored on seven points, each weighted.\n"
            "- Advertising (5): Is the user prodded to \u00e2upgrade\u00e2 to a higher level?\n"
            "Readers will notice that this scoring system is subjective.")  # as trafilatura writes the item
    assert with_sections(text, page_paragraphs(tree)) == text


def test_an_item_whose_inline_markup_splits_a_word_is_found_in_the_text():
    # WCXB 4240, a home-energy guide: "save you u<strong>p to 10%</strong>" is one word "up" to
    # trafilatura; read with a space between the parts it would look missing and be put back twice.
    tree = load_html(page("4240"))
    fast = page_passes(tree, WCXB["4240"]["url"]).fast()
    assert any("save you up to 10%" in line for line in fast.splitlines())
    filled = with_sections(fast, page_paragraphs(tree))
    assert not any("u p to 10%" in line for line in filled.splitlines())
    precision, recall = bag_scores(WCXB["4240"]["main_content"], cleaned("4240").body)
    assert precision >= 0.99 and recall >= 0.99, (precision, recall)


def test_a_drop_capital_in_a_list_item_does_not_make_it_missing():
    tree = fromstring(
        "<html><body><div><p>Goals work best when they follow the SMART method, trainers say.</p>"
        "<ul><li><b>S</b>pecific: state what is to be done.</li><li>Measurable: find a way to measure it.</li></ul>"
        "<p>Write the goal down and look at it every week of the plan.</p></div></body></html>")
    text = ("Goals work best when they follow the SMART method, trainers say.\n"
            "- Specific: state what is to be done.\n- Measurable: find a way to measure it.\n"
            "Write the goal down and look at it every week of the plan.")
    assert with_sections(text, page_paragraphs(tree)) == text
