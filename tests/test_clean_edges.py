"""The lines at an HTML extraction's edges that lie outside the article's element go (clean/edges.py),
on real pages of WCXB (fixtures/wcxb, CC BY 4.0) and on small trees."""

from __future__ import annotations

from dataclasses import replace

from lxml.html import fromstring
from trafilatura.utils import load_html

from srccompare.clean.edges import without_outside_edges
from srccompare.clean.extract import page_passes
from srccompare.clean.widen import chosen_text, page_paragraphs
from srccompare.settings import load_settings
from wcxb_pages import WCXB, bag_scores, cleaned, page

SETTINGS = load_settings()
SHARE = SETTINGS.clean.edge_container_share


def uncut_text(name: str) -> str:
    """The HTML path's text with every edge kept (a share of 1: the element holding every line)."""
    passes = page_passes(load_html(page(name)), WCXB[name]["url"])
    return chosen_text(passes, replace(SETTINGS.clean, edge_container_share=1.0))


def test_a_related_box_and_a_product_pitch_after_the_article_go():
    # WCXB 0237, a legal publisher's article: trafilatura's text ends with the page's "Related
    # content" box and a pitch for a product, both outside the element holding the article.
    uncut = uncut_text("0237")
    pitch = "Check out Practical Law Connect from Thomson Reuters, the legal know-how solution built by and for in-house counsel."
    assert "Related content" in uncut.splitlines() and pitch in uncut.splitlines()
    cut = without_outside_edges(uncut, page_paragraphs(load_html(page("0237"))), SHARE)
    assert "Related content" not in cut.splitlines() and pitch not in cut.splitlines()
    # the page's "Article" label and the subtitle above the article's element go too (neither in the truth)
    assert cut.splitlines() == uncut.splitlines()[2 : 2 + len(cut.splitlines())]
    body = cleaned("0237").body
    truth = WCXB["0237"]["main_content"]
    assert bag_scores(truth, body)[0] > bag_scores(truth, uncut)[0] and bag_scores(truth, body)[0] >= 0.99
    assert bag_scores(truth, body)[1] >= 0.99
    def found(text: str) -> list[bool]:
        flat = " ".join(text.split()).lower()
        return [" ".join(snippet.split()).lower() in flat for snippet in WCXB["0237"]["with"]]

    assert found(body) == found(uncut) and sum(found(body)) >= 3  # (one snippet's apostrophe differs in the page)


def test_a_subtitle_above_the_post_element_goes():
    # WCXB 2789, a blog post: its subtitle (a without-snippet of the page) follows its title at the
    # head of trafilatura's text but stands outside the post's element, and it reads as no sentence.
    title = "How to make it easy for AI agents to work with your .NET codebase"
    assert uncut_text("2789").splitlines()[1] == title
    body = cleaned("2789").body
    assert title not in body
    assert bag_scores(WCXB["2789"]["main_content"], body)[1] >= 0.99


SIGN_UP = "Sign up for our newsletter and get the week's best stories."
BODY = ("A dripping tap wastes water and is one of the simplest repairs in a home, so it is worth learning how to fix it yourself.",
        "Most taps drip because a rubber washer inside them has worn out; a new one costs little at any hardware shop.",
        "You need an adjustable spanner, a screwdriver and a towel to catch the water left in the pipe.")


def article_page(intro: str) -> tuple[str, str]:
    """A small page: an introduction above the article's element, the article (a paragraph and a
    list of steps, the last thing in it), a sign-up box after it; and trafilatura's text of it."""
    steps = ["Turn off the water at the main valve.", "Open the tap to drain the pipe.",
             "Replace the washer and close the tap again."]
    html = ("<html><body><div class='page'>"
            f"<p class='standfirst'>{intro}</p>"
            f"<div class='article'>{''.join(f'<p>{paragraph}</p>' for paragraph in BODY)}"
            f"<ol>{''.join(f'<li>{step}</li>' for step in steps)}</ol></div>"
            f"<div class='promo'><p>{SIGN_UP}</p></div></div></body></html>")
    text = "\n".join([intro, *BODY, *(f"- {step}" for step in steps), SIGN_UP])
    return html, text


def test_list_items_closing_the_article_stay_and_the_box_after_it_goes():
    html, text = article_page("By Jane Smith, home editor")
    cut = without_outside_edges(text, page_paragraphs(fromstring(html)), SHARE)
    assert cut.splitlines() == text.splitlines()[1:-1]


def test_an_introduction_above_the_article_element_stays_when_it_reads_as_text():
    intro = "Fixing one takes about twenty minutes of your time."
    html, text = article_page(intro)
    cut = without_outside_edges(text, page_paragraphs(fromstring(html)), SHARE)
    assert cut.splitlines() == text.splitlines()[:-1]


def test_lines_found_nowhere_in_the_page_end_the_cut():
    html, text = article_page("By Jane Smith, home editor")
    table = "| Part | Price |"  # trafilatura's row of a table: the text of no one element
    lines = text.splitlines()
    with_table = "\n".join([*lines[:-1], table, lines[-1]])
    cut = without_outside_edges(with_table, page_paragraphs(fromstring(html)), SHARE)
    assert cut.splitlines()[-1] == table and SIGN_UP not in cut
    assert without_outside_edges(cut, page_paragraphs(fromstring(html)), SHARE) == cut  # cutting again changes nothing
