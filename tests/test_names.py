"""What an article is called: its title, else its file's (or URL's) short form; cut only to the width there is."""

from __future__ import annotations

from srccompare.model import CleanArticle, DocumentSummary, Metadata
from srccompare.display.names import article_name, fitted, name_of, outlet_and_name, source_name


def test_source_names_are_short_and_still_tell_inputs_apart():
    assert source_name("/data/crawl/5365__bef0a1.txt") == "5365__bef0a1.txt"
    assert source_name("feeds/day.jsonl:42") == "day.jsonl:42"
    assert source_name("https://www.example.org/world/belarus-vote/") == "www.example.org/world/belarus-vote"
    assert source_name("<stdin>") == "<stdin>"


def test_the_title_wins_and_its_white_space_is_evened_out():
    assert article_name("  EU leaders\nurge talks ", "/x/a.txt") == "EU leaders urge talks"
    assert article_name(None, "/x/a.txt", "id-1") == "a.txt"
    assert article_name("", "", "id-1") == "id-1"
    assert outlet_and_name("Reuters", None, "/x/a.txt") == "Reuters: a.txt"
    assert outlet_and_name(None, "Title", "/x/a.txt") == "Title"


def test_cleaned_articles_and_reuse_documents_are_named_alike():
    article = CleanArticle("003", "seeds/003.txt", "text", Metadata(title="EU Leaders Urge Putin", outlet="The Moscow Times"), ("x",))
    document = DocumentSummary("003", "seeds/003.txt", "The Moscow Times", "EU Leaders Urge Putin", None, 1, 0, None)
    assert name_of(article) == name_of(document) == "The Moscow Times: EU Leaders Urge Putin"


def test_fitted_cuts_only_when_it_must():
    assert fitted("Belarus protests", 40) == "Belarus protests"
    assert fitted("Belarus protests", 8) == "Belarus…" and len(fitted("Belarus protests", 8)) == 8
    assert fitted("Belarus protests", 0) == ""
