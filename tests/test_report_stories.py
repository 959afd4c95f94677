"""Names, stories and the overlap matrix of the reuse reports, on real copy.

The big story is a real paragraph of the AFP seed (003) carried by nine
articles, each with its own filler around it, the way a wire paragraph runs
through a day's coverage.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import seed_text
from reuse_text import filler
from srccompare.clean import clean_text
from srccompare.report import reuse_csv, reuse_html, reuse_json, reuse_table
from srccompare.display.names import article_name
from srccompare.report.stories import matrix_order, stories, word_keys
from srccompare.reuse import find_reuse

CARRIERS = 9


def test_reports_name_an_article_by_its_title_else_its_file(big_story):
    result, articles, _ = big_story
    data = json.loads(reuse_json.as_json(result, articles))
    assert {doc["name"] for doc in data["documents"]} == {f"carrier{n}.txt" for n in range(CARRIERS)} | {"loner.txt"}
    assert article_name("EU leaders  urge\nPutin", "seeds/002_f1.txt") == "EU leaders urge Putin"


@pytest.fixture(scope="module")
def big_story(settings):
    paragraphs = [p for p in seed_text("mt_afp").split("\n\n") if len(p.split()) > 45]
    shared = paragraphs[0]
    articles = []
    for number in range(CARRIERS):
        text = f"{filler(120, seed=100 + number)}\n\n{shared}\n\n{filler(150, seed=200 + number)}"
        articles.append(clean_text(text, id=f"carrier{number}", source=f"day/carrier{number}.txt", kind="text"))
    loner = clean_text(filler(200, seed=999), id="loner", source="day/loner.txt", kind="text")
    articles.append(loner)
    return find_reuse(articles, settings), articles, shared


def test_a_story_is_labelled_by_the_sentence_most_members_carry(big_story):
    result, articles, shared = big_story
    found = stories(result, {a.id: a.body for a in articles})
    assert len(found) == 1 and len(found[0].members) == CARRIERS
    label = found[0].label.rstrip("…")
    assert found[0].carried == CARRIERS and label in " ".join(shared.split())


def test_seed_story_labels_are_carried_word_for_word(seeds, settings):
    articles = list(seeds.values())
    result = find_reuse(articles, settings)
    bodies = {a.id: " ".join(word_keys(a.body)) for a in articles}
    found = stories(result, {a.id: a.body for a in articles})
    assert sum(story.carried >= 2 for story in found) >= len(found) // 2  # edited copy still shares runs of words
    for story in found:
        if story.carried:
            label = " ".join(word_keys(story.label.rstrip("…")))
            assert len(label.split()) >= 6 and sum(label in bodies[doc] for doc in story.members) >= story.carried


def test_the_table_lists_a_big_story_with_its_first_members_and_a_count(big_story):
    result, articles, _ = big_story
    text = reuse_table.as_text(result, articles, width=160)
    stories_part = text.split("Stories:")[1]
    assert f"... and {CARRIERS - reuse_table.MEMBERS_SHOWN} more" in stories_part
    assert sum(f"carrier{n}.txt" in stories_part for n in range(CARRIERS)) == reuse_table.MEMBERS_SHOWN
    assert "loner.txt" not in stories_part


def test_csv_names_both_sides(big_story):
    result, articles, _ = big_story
    rows = list(csv.DictReader(io.StringIO(reuse_csv.as_csv(result, articles))))
    assert rows and all(row["left_name"] == f"{row['left_id']}.txt" and row["right_name"] == f"{row['right_id']}.txt"
                        for row in rows)


def test_the_matrix_has_every_article_with_the_story_together_and_links_to_each_pair(big_story):
    result, articles, _ = big_story
    page = reuse_html.as_html(result, articles)
    order = matrix_order(result, stories(result, {a.id: a.body for a in articles}))
    assert order[-1] == "loner" and set(order[:CARRIERS]) == {f"carrier{n}" for n in range(CARRIERS)}
    matrix = page.split("<h2 id=\"matrix\"")[1].split("<h2 id=\"articles\"")[0]
    rows = re.findall(r"<th class=\"row\">.*?<a href=\"#a(\d+)\">", matrix)
    columns = re.findall(r"<th class=\"col\"><a href=\"#a(\d+)\">", matrix)
    assert rows == columns == [str(n) for n in range(1, len(articles) + 1)]
    links = re.findall(r"<a href=\"#p(\d+)\">", matrix)
    assert len(links) == 2 * len(result.pairs) == CARRIERS * (CARRIERS - 1)
    for index in set(links):
        section = page.split(f"<section class=\"pair\" id=\"p{index}\">")[1].split("</section>")[0]
        assert len(re.findall(r"<a href=\"#a\d+\">", section)) == 2
    story = page.split("<h2 id=\"stories\"")[1].split("<h2 id=\"matrix\"")[0]
    assert all(f"carrier{n}.txt" in story for n in range(CARRIERS))  # the page lists every member


def test_each_article_lists_its_partners_in_the_page(big_story):
    result, articles, _ = big_story
    page = reuse_html.as_html(result, articles)
    entries = page.split("<h2 id=\"articles\"")[1].split("<h2 id=\"pairs\"")[0]
    for number in range(1, CARRIERS + 1):
        entry = entries.split(f"id=\"a{number}\">")[1].split("</section>")[0]
        assert entry.count("<a href=\"#p") == CARRIERS - 1  # not only on hover
    assert "Shares no text with another article." in entries.split(f"id=\"a{len(articles)}\">")[1]


def test_pairs_past_the_budget_give_their_numbers_and_stay_linked(big_story):
    result, articles, _ = big_story
    page = reuse_html.as_html(result, articles, passages_budget=8_000)
    full = re.findall(r"<section class=\"pair\" id=\"p(\d+)\">", page)
    brief = re.findall(r"<p class=\"pair\" id=\"p(\d+)\">", page)
    assert full and brief and sorted(map(int, full + brief)) == list(range(len(result.pairs)))
    assert max(map(int, full)) < min(map(int, brief))  # the pairs sharing most words keep their passages
    assert f"The passages of the {len(full)} pairs sharing the most words are shown" in page
    assert len(re.findall(r"<section class=\"pair\"", reuse_html.as_html(result, articles))) == len(result.pairs)
