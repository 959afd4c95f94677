"""Properties of cleaning on arbitrary text: it never raises, it is idempotent, and what it
returns holds no control characters, terminal escape sequences or bidi overrides."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from srccompare.clean import clean_article
from srccompare.ingest.decode import article_from_text
from srccompare.model import CleanArticle, LoadError
from srccompare.settings import load_settings

SETTINGS = load_settings()

# Lines a real article and its boilerplate are made of, so that the rules have something to bite on.
LINES = [
    "European leaders urged Russian President Vladimir Putin to push for dialogue in Belarus on Tuesday.",
    "READ MORE: Belarusian president heckled by factory workers",
    "Let our news meet your inbox. The news and stories that matters, delivered weekday mornings.",
    "Lukashenko chairs a meeting in Minsk. Andrei Stasevich / BelTA / Reuters",
    "By Tatiana Kalinovskaya for AFP",
    "Reuters contributed to this report.",
    "MINSK (Reuters) - Police detained dozens of protesters.",
    "Original url:",
    "https://www.example.com/2020/08/18/story",
    "A Message from The Moscow Times:",
    "Remind me later.",
    "August 18, 2020",
    "Share this article",
    "Call for dialogue",
    "Source: TRTWorld and agencies",
    "Dear readers,",
]
# Characters that must not reach a terminal: escapes, C0/C1 controls, bidi overrides and isolates.
HOSTILE = ["\x1b[31m", "\x1b]0;title\x07", "\x9b2J", "\x00", "\x07", "\x7f", "\x85", "\u202e", "\u2066", "\ufeff", "\r", "\t", "\u2029"]

line = st.one_of(st.text(max_size=80), st.sampled_from(LINES), st.sampled_from(HOSTILE))
separator = st.sampled_from(["\n", "\n\n", " ", ""])
documents = st.lists(st.tuples(line, separator), max_size=25).map(lambda parts: "".join(a + b for a, b in parts))

FORBIDDEN = re.compile("[\x1b\x9b\u202a-\u202e\u2066-\u2069]")
FAST = hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def clean(text: str, kind: str) -> CleanArticle | LoadError:
    return clean_article(article_from_text(text, source="<hypothesis>", id="x", kind=kind), SETTINGS)  # type: ignore[arg-type]


def has_control_characters(text: str) -> bool:
    return any(ch not in "\n" and unicodedata.category(ch) in ("Cc", "Cs") for ch in text)


@FAST
@given(documents, st.sampled_from(["text", "markdown"]))
def test_cleaning_never_raises_and_leaves_no_control_characters(text, kind):
    result = clean(text, kind)
    if isinstance(result, LoadError):
        assert result.problem
        return
    for paragraph in result.paragraphs:
        assert paragraph.strip() == paragraph and paragraph
        assert not has_control_characters(paragraph) and not FORBIDDEN.search(paragraph)
    assert result.body == "\n\n".join(result.paragraphs)


@FAST
@given(documents)
def test_cleaning_is_idempotent(text):
    first = clean(text, "text")
    if isinstance(first, LoadError):
        return
    again = clean(first.body, "text")
    assert isinstance(again, CleanArticle), again
    assert again.body == first.body


@hypothesis_settings(max_examples=25, deadline=None)
@given(documents)
def test_html_of_arbitrary_text_never_raises(text):
    result = clean(f"<html><body><article><p>{text}</p></article></body></html>", "html")
    if isinstance(result, CleanArticle):
        assert not has_control_characters(result.body) and not FORBIDDEN.search(result.body)
