"""Each kind of boilerplate and credit rule on realistic lines, with the cases it must leave alone."""

from __future__ import annotations

import pytest

from srccompare.clean import clean_text
from srccompare.model import CleanArticle

LEAD = (
    "European Union leaders rejected the official results of Belarus's presidential election on Wednesday "
    "and said they would soon impose sanctions on officials responsible for vote rigging and a crackdown."
)
CLOSE = (
    "Lukashenko, who has ruled the former Soviet republic for 26 years, has denied rigging the vote and "
    "accused foreign powers of fomenting the protests that followed it."
)


def clean_between(*lines: str) -> CleanArticle:
    """The lines set between two paragraphs of reporting, cleaned."""
    return clean_text("\n\n".join([LEAD, *lines, CLOSE]))


def removed_by(article: CleanArticle) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for removal in article.removals:
        found.setdefault(removal.rule, []).append(removal.text)
    return found


def assert_story_kept(article: CleanArticle) -> None:
    assert article.paragraphs[0] == LEAD and article.paragraphs[-1] == CLOSE


# (rule id, line): each line goes, removed by that rule; the reporting around it stays.
REMOVED = [
    ("newsletter-inbox", "Let our news meet your inbox. The news and stories that matters, delivered weekday mornings."),
    ("newsletter-alerts", "Get breaking news alerts and special reports on your phone."),
    ("newsletter-signup", "Sign up for our Morning Briefing newsletter"),
    ("subscription-pitch", "If you enjoyed this article, we have a proposition for you: Join NRPLUS and get all our content."),
    ("app-download", "Download the NBC News app for breaking news and politics"),
    ("read-more", "READ MORE: Belarusian president heckled by factory workers"),
    ("read-more", "Related article: Protesters Rally at Jail Holding Belarus Vote Challenger's Husband"),
    ("read-more-bare", "Most read in world news"),
    ("teaser-tag", "China furious at Macron for Hong Kong protest jibe [INSIGHT]"),
    ("caption-credit-slash", "Belarusian President Alexander Lukashenko chairs a meeting in Minsk. Andrei Stasevich / BelTA / Reuters"),
    ("caption-credit-parenthesis", "Protesters march through central Minsk on Sunday. (AP Photo/Sergei Grits)"),
    ("caption-credit-photo", "Photo: Getty Images"),
    ("share-prompt", "Share this article"),
    ("share-prompt", "Click here to subscribe"),
    ("recaptcha", "This site is protected by recaptcha and the Google Privacy Policy and Terms of Service apply."),
    ("cookie-consent", "We use cookies to give you the best experience on our website."),
    ("follow-social", "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube."),
    ("contact-author", "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik."),
    ("contact-author", "Write to Al Root at allen.root@dowjones.com"),
    ("share-prompt", "- Order Reprints"),
    ("contributor-line", "Fox News' Jessica Napoli contributed to this report."),
    ("copyright-notice", "Copyright 2019 Hawaii News Now. All rights reserved."),
    ("reading-time", "Reading time: 4 min"),
    ("filed-under", "Filed under: Belarus, European Union"),
    ("time-stamp", "Updated at 1:23 p.m."),
]


@pytest.mark.parametrize(("rule", "line"), REMOVED)
def test_boilerplate_line_is_removed_by_its_rule(rule, line):
    article = clean_between(line)
    assert removed_by(article).get(rule) == [line]
    assert_story_kept(article)
    assert len(article.paragraphs) == 2


# Lines that look like boilerplate to a careless rule but are reporting.
KEPT = [
    # a long sentence of reporting that mentions subscriptions and a newsletter
    "The company said its morning newsletter, delivered to your inbox before six o'clock, had lost forty thousand "
    "subscribers since it raised prices in March, and its chief executive told staff on Monday that the business "
    "would be sold by the end of the year unless readers returned in large numbers after the summer holidays.",
    # AC/DC at the end of a sentence is a band, not a photo credit
    "Thousands of people sang along as a cover band played Highway to Hell by AC/DC",
    # a slash between two words with one capital is not a credit either
    "Protesters chanted outside the television centre and/or marched to Independence Square",
    # the German abbreviation (ePA) is not the photo agency EPA
    "Das Gesetz regelt den Zugang zur elektronischen Patientenakte (ePA)",
    "Readers can read more about the sanctions in the council's statement published on Wednesday.",
    "Comments by the foreign minister drew criticism from the opposition.",
    "Click here to get more information about the sanctions and the officials the EU intends to list.",
    "Follow-up talks are planned for next week in Vilnius, officials said.",
    "By the end of the day, police had detained more than 6,700 people.",
]


@pytest.mark.parametrize("line", KEPT)
def test_reporting_that_mentions_promo_words_is_kept(line):
    article = clean_between(line)
    assert article.paragraphs == (LEAD, line, CLOSE), removed_by(article)


def test_a_strip_rule_removes_only_the_button():
    quote = "Lukashenko told workers there would be no new election until he was killed."
    article = clean_between(quote + "Click To Tweet")
    assert article.paragraphs == (LEAD, quote, CLOSE)
    assert removed_by(article) == {"click-to-tweet": ["Click To Tweet"]}


def test_donation_block_goes_whole():
    block = [
        "A Message from The Moscow Times:",
        "Dear readers,",
        "We are facing unprecedented challenges. Russia's Prosecutor General's Office has designated us an undesirable organization.",
        "Once a month. Once a year.",
        "Remind me later.",
    ]
    article = clean_between(*block)
    assert removed_by(article)["donation-message-block"] == block
    assert_story_kept(article)
    assert article.metadata.outlet == "The Moscow Times"


def test_a_block_start_without_its_end_removes_nothing_after_it():
    article = clean_between("Dear readers,", "The ministry said the talks would resume on Friday.")
    assert "The ministry said the talks would resume on Friday." in article.paragraphs


def test_app_promo_names_the_outlet():
    article = clean_between("Download the NBC News app for breaking news and politics")
    assert article.metadata.outlet == "NBC News"


def test_photo_credit_is_kept_apart_from_text_credits():
    article = clean_between("Lukashenko in Minsk on Monday. Andrei Stasevich / BelTA / Reuters")
    assert article.metadata.credits == ()
    assert {c.agency for c in article.metadata.photo_credits} == {"BelTA", "Reuters"}


def test_original_url_and_the_bare_url_after_it():
    url = "https://www.themoscowtimes.com/2020/08/18/eu-chief-michel-talks-to-putin-on-belarus-crisis-a71187"
    article = clean_between("Original url:", f"<{url}>")
    assert article.metadata.url == url
    assert_story_kept(article) and len(article.paragraphs) == 2


def test_a_url_in_the_middle_of_a_list_of_links_stays():
    middle = [f"Item {n}: a book about the protests in Minsk and Grodno, reviewed by our critic." for n in range(4)]
    text = "\n\n".join([LEAD, *middle[:2], "http://amzn.to/2iJFhRj", *middle[2:], CLOSE])
    assert "http://amzn.to/2iJFhRj" in clean_text(text).paragraphs


def test_a_url_at_the_end_goes():
    article = clean_text("\n\n".join([LEAD, CLOSE, "www.example-outlet.com"]))
    assert article.paragraphs == (LEAD, CLOSE)


# (line, agency, how): text credits; removed from the body except datelines.
CREDITS = [
    ("By Tatiana Kalinovskaya for AFP", "AFP", "byline"),
    ("Reuters contributed to this report.", "Reuters", "credit_line"),
    ("Associated Press writers Alan Fram and Zeke Miller contributed to this report.", "AP", "credit_line"),
    ("Additional reporting by Gabriela Baczynska in Brussels, Reuters", "Reuters", "credit_line"),
    ("(Reporting by Andrei Makhovsky; Editing by Mark Heinrich)", "Reuters", "credit_line"),
    ("Reporting by Rodrigo Campos; Editing by Nick Zieminski", "Reuters", "credit_line"),
    ("© 2019 Associated Press. All Rights Reserved.", "AP", "copyright"),
    ("Source: Reuters and AFP", "Reuters", "source_line"),
]


@pytest.mark.parametrize(("line", "agency", "how"), CREDITS)
def test_credit_forms(line, agency, how):
    article = clean_between(line)
    assert (agency, how) in [(c.agency, c.how) for c in article.metadata.credits]
    assert line not in article.body
    assert_story_kept(article)


def test_source_line_with_agencies_and_the_outlet():
    article = clean_between("Source: TRTWorld and agencies")
    assert [(c.agency, c.how) for c in article.metadata.credits] == [(None, "source_line")]  # recorded, named no agency
    assert article.metadata.outlet == "TRT World"


def test_dateline_credits_the_agency_and_stays_in_the_story():
    first = "MINSK (Reuters) - Belarusian President Alexander Lukashenko ordered police to end the protests."
    article = clean_text("\n\n".join([first, CLOSE]))
    assert [(c.agency, c.how) for c in article.metadata.credits] == [("Reuters", "dateline")]
    assert article.paragraphs[0] == first


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the day, Reuters had counted more than 100,000 protesters in the capital.",
        "Reuters could not independently verify the footage, which the opposition said showed police beating detainees.",
        "Reporting by state media on the protests has been sparse, and journalists from Tut.by have been detained.",
    ],
)
def test_reporting_that_names_an_agency_is_not_a_credit(line):
    article = clean_between(line)
    assert article.metadata.credits == ()
    assert line in article.paragraphs


# Page chrome above a story as a page's text carries it (headline, share bar, byline, times).
CHROME = ["EU Rejects Belarus Election Result, Readies Sanctions", "Share", "Tweet", "Email",
          "Published 3:04 PM ET Aug 19, 2020"]


def test_a_dateline_after_page_chrome_is_found():
    first = "HELSINKI (Reuters) - " + LEAD
    article = clean_text("\n\n".join([*CHROME, "By Anne Kauranen", first, CLOSE]))
    assert [(c.agency, c.how) for c in article.metadata.credits] == [("Reuters", "dateline")]
    assert article.paragraphs[-2:] == (first, CLOSE)  # the dateline begins the story and stays


@pytest.mark.parametrize(
    "byline",
    [
        "Jonathan Lemire, Jill Colvin and Vladimir Isachenkov, Associated Press",
        "By JONATHAN LEMIRE and VLADIMIR ISACHENKOV / Associated Press",
        "By Jonathan Lemire, Associated PressPublished 5:03 p.m. ET July 16, 2018",
    ],
)
def test_bylines_naming_reporters_then_the_agency(byline):
    article = clean_text("\n\n".join([CHROME[0], byline, LEAD, CLOSE]))
    assert [(c.agency, c.how) for c in article.metadata.credits] == [("AP", "byline")]
    assert article.paragraphs[-2:] == (LEAD, CLOSE) and byline not in article.body


def test_a_byline_fused_with_the_story_keeps_the_story():
    article = clean_text("\n\n".join([CHROME[0], "By Jonathan Lemire, Associated Press" + LEAD, CLOSE]))
    assert [(c.agency, c.how) for c in article.metadata.credits] == [("AP", "byline")]
    assert article.paragraphs[-2:] == (LEAD, CLOSE)


CAPTION = "European Council President Charles Michel speaks during a video summit in Brussels, August 19, 2020."


@pytest.mark.parametrize("credit", ["AP", "Reuters", "(AFP)"])
def test_a_bare_agency_line_under_a_caption_is_a_photo_credit(credit):
    article = clean_text("\n\n".join([LEAD, CAPTION, credit, CLOSE]))
    assert article.metadata.credits == ()
    assert [c.how for c in article.metadata.photo_credits] == ["photo"]
    assert credit not in article.paragraphs


@pytest.mark.parametrize(("line", "agency"), [("\u2014 AFP", "AFP"), ("(Reuters)", "Reuters"), ("AP", "AP")])
def test_a_bare_agency_line_ending_the_story_is_its_credit(line, agency):
    article = clean_text("\n\n".join([LEAD, CLOSE, line]))
    assert [(c.agency, c.how) for c in article.metadata.credits] == [(agency, "credit_line" if line != "AP" else "byline")]


@pytest.mark.parametrize("line", ["With wire services", "\u2014 Agencies", "Agencies contributed to this report."])
def test_credits_naming_no_agency_are_recorded_without_one(line):
    article = clean_between(line)
    assert [c.agency for c in article.metadata.credits] == [None]
    assert article.metadata.agencies == () and line not in article.body


def test_an_agency_news_digest_is_credited():
    article = clean_text("\n\n".join(["AP News in Brief at 6:04 p.m. EDT", LEAD, CLOSE]))
    assert [(c.agency, c.how) for c in article.metadata.credits] == [("AP", "credit_line")]
