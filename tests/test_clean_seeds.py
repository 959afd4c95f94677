"""The cleaner on the five seed articles: boilerplate gone, every sentence of reporting kept."""

from __future__ import annotations

import re

import pytest

from conftest import seed_text

# (seed, snippet) pairs that must not survive cleaning.
MUST_DROP = [
    ("nbc", "Get breaking news alerts"),
    ("nbc", "Let our news meet your inbox"),
    ("nbc", "protected by recaptcha"),
    ("nbc", "Download the NBC News app"),
    ("nbc", "Andrei Stasevich / BelTA / Reuters"),
    ("nbc", "chairs a meeting with members of the Security Council"),
    ("nbc", "Reuters contributed to this report"),
    ("nbc", "date 2020-08-19"),
    ("trt", "top of screen, speaks with EU leaders"),
    ("trt", "READ MORE:"),
    ("trt", "Belarusian president heckled by factory workers"),
    ("trt", "Source: TRTWorld and agencies"),
    ("mt_afp", "Related article:"),
    ("mt_afp", "Protesters Rally at Jail Holding"),
    ("mt_afp", "Stephanie Lecocq / EPA / TASS"),
    ("mt_afp", "Original url"),
    ("mt_afp", "https://www.themoscowtimes.com"),
    ("mt_afp", "By Tatiana Kalinovskaya"),
    ("mt", "A Message from The Moscow Times"),
    ("mt", "Dear readers"),
    ("mt", "please support us monthly"),
    ("mt", "Remind me later"),
]


@pytest.mark.parametrize(("seed", "snippet"), MUST_DROP)
def test_boilerplate_is_removed(seeds, seed, snippet):
    assert snippet not in seeds[seed].body
    assert any(snippet in removal.text for removal in seeds[seed].removals)


def _story_sentences(raw: str, dropped: list[str]) -> list[str]:
    """Every line of the raw seed that holds none of the boilerplate snippets."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    return [line for line in lines if not any(snippet in line for snippet in dropped)]


@pytest.mark.parametrize("seed", ["nbc", "trt", "unknown", "mt"])
def test_every_sentence_of_reporting_survives(seeds, seed):
    dropped = [snippet for key, snippet in MUST_DROP if key == seed] + [
        "Getty", "Remind me later", "European Council President Charles Michel, top of screen",
        "These actions are direct attempts", "We are facing unprecedented", "We, the journalists",
        "Your support, no matter", "By supporting The Moscow Times", "The news and stories that matter",
    ]
    body = " ".join(seeds[seed].body.split())
    for line in _story_sentences(seed_text(seed), dropped):
        assert " ".join(line.split()) in body, line


def test_markdown_seed_keeps_story_text_without_syntax(seeds):
    body = seeds["mt_afp"].body
    assert "European leaders urged Russian President Vladimir Putin" in body
    assert "Svetlana Tikhanovskaya, was allowed to run in his place" in body
    assert "the Tut.by news website." in body
    assert "](" not in body and "**" not in body


@pytest.mark.parametrize(
    ("seed", "heading"),
    [("trt", "Call for dialogue"), ("trt", "'Violence has to stop'"), ("trt", "Wave of strikes"),
     ("mt", "'No more riots': Lukashenko"), ("mt", "Pressure not to strike"), ("mt_afp", "Historic demonstrations")],
)
def test_section_headings_are_article_text(seeds, seed, heading):
    assert heading in seeds[seed].paragraphs


def test_nbc_metadata(seeds):
    meta = seeds["nbc"].metadata
    assert meta.outlet == "NBC News"
    assert meta.date == "2020-08-19"
    assert [(c.agency, c.how) for c in meta.credits] == [("Reuters", "credit_line")]
    assert {c.agency for c in meta.photo_credits} == {"BelTA", "Reuters"}


def test_trt_metadata(seeds):
    meta = seeds["trt"].metadata
    assert meta.outlet == "TRT World"
    assert [(c.agency, c.how) for c in meta.credits] == [(None, "source_line")]  # names no agency
    assert [c.agency for c in meta.photo_credits] == ["AP"]


def test_moscow_times_afp_metadata(seeds):
    meta = seeds["mt_afp"].metadata
    assert meta.title == "EU Leaders Urge Putin to Push for Talks in Belarus Over Disputed Vote"
    assert meta.date == "2020-08-18"
    assert meta.url == "https://www.themoscowtimes.com/2020/08/18/eu-chief-michel-talks-to-putin-on-belarus-crisis-a71187"
    assert meta.outlet == "The Moscow Times"
    assert meta.byline == "Tatiana Kalinovskaya"
    assert [(c.agency, c.how) for c in meta.credits] == [("AFP", "byline")]
    assert {c.agency for c in meta.photo_credits} == {"EPA", "TASS"}


def test_uncredited_seeds_carry_no_text_credit(seeds):
    assert seeds["mt"].metadata.outlet == "The Moscow Times"
    assert seeds["mt"].metadata.credits == ()
    assert seeds["unknown"].metadata.credits == ()
    assert seeds["unknown"].metadata.outlet is None


def test_removals_are_placed_before_the_paragraph_they_preceded(seeds):
    article = seeds["trt"]
    read_more = [r for r in article.removals if r.rule == "read-more"]
    first = read_more[0]
    assert article.paragraphs[first.before_paragraph].startswith("Wave of strikes")


def test_body_has_no_urls_or_markup(seeds):
    for article in seeds.values():
        assert not re.search(r"https?://", article.body)
        assert "\x1b" not in article.body
