"""The reuse writers on the seeds' real ReuseResult: every format, offsets against the text."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from srccompare.clean import clean_text
from srccompare.report import reuse_csv, reuse_html, reuse_json, reuse_jsonl, reuse_table
from srccompare.reuse.attribute import words_in_spans
from srccompare.report.reuse_views import segments
from srccompare.reuse.attribute import side_of
from srccompare.reuse.pipeline import find_reuse


@pytest.fixture(scope="module")
def corpus(seeds, settings):
    articles = list(seeds.values())
    return find_reuse(articles, settings), articles


def test_json_has_every_section_and_offsets_point_at_the_text(corpus):
    result, articles = corpus
    data = json.loads(reuse_json.as_json(result, articles))
    assert set(data) == {"schema", "documents", "passages", "families", "pairs", "attributions", "digests"}
    texts = {doc["doc_id"]: doc["text"] for doc in data["documents"]}
    assert len(texts) == 5 and data["passages"]
    for number, passage in enumerate(data["passages"]):
        assert passage["index"] == number and passage["kind"] in {"reporting", "quote", "mixed"}
        assert passage["left_text"] == texts[passage["left_id"]][passage["left_start"]:passage["left_end"]]
        assert passage["right_text"] == texts[passage["right_id"]][passage["right_start"]:passage["right_end"]]
        assert passage["left_text"].split() and passage["right_text"].split()
    for family in data["families"]:
        assert all(span["text"] == texts[span["doc_id"]][span["start"]:span["end"]] for span in family["spans"])
        assert all(data["passages"][i]["family"] == family["id"] for i in family["passages"])


def test_json_pairs_cover_each_passage_once_and_attributions_carry_evidence(corpus):
    result, articles = corpus
    data = json.loads(reuse_json.as_json(result, articles))
    covered = sorted(i for pair in data["pairs"] for i in pair["passages"])
    assert covered == list(range(len(data["passages"])))
    for pair in data["pairs"]:
        assert pair["left_id"] < pair["right_id"]
        assert {(data["passages"][i]["left_id"], data["passages"][i]["right_id"]) for i in pair["passages"]} <= {
            (pair["left_id"], pair["right_id"]), (pair["right_id"], pair["left_id"])}
    assert [p["words"] for p in data["pairs"]] == sorted((p["words"] for p in data["pairs"]), reverse=True)
    inferred = [a for a in data["attributions"] if a["how"] == "inferred"]
    assert inferred, "the seeds share agency copy without crediting it"
    for attribution in inferred:
        indexes = [i for evidence in attribution["evidence"] for i in evidence["passages"]]
        assert indexes and all(attribution["doc_id"] in (data["passages"][i]["left_id"], data["passages"][i]["right_id"]) for i in indexes)
    explicit = {(a["doc_id"], a["agency"]) for a in data["attributions"] if a["how"] == "explicit"}
    assert ("003", "AFP") in explicit
    by_doc = {doc["doc_id"]: doc for doc in data["documents"]}
    assert {"agency": "AFP", "how": "explicit", "share": 1.0} in by_doc["003"]["agencies"]


def test_jsonl_is_one_passage_a_line(corpus):
    result, articles = corpus
    bodies = {article.id: article.body for article in articles}
    lines = reuse_jsonl.as_jsonl(result, articles).splitlines()
    assert len(lines) == len(result.passages)
    for line, passage in zip(lines, result.passages):
        record = json.loads(line)
        assert record["left_text"] == bodies[passage.left_id][passage.left_start:passage.left_end]
        assert record["right_source"].endswith(".txt")


def test_csv_parses_with_one_row_a_pair(corpus):
    result, articles = corpus
    rows = list(csv.DictReader(io.StringIO(reuse_csv.as_csv(result, articles))))
    pairs = {tuple(sorted((p.left_id, p.right_id))) for p in result.passages}
    assert {(row["left_id"], row["right_id"]) for row in rows} == pairs and len(rows) == len(pairs)
    for row in rows:
        assert int(row["passages"]) >= 1 and int(row["shared_words"]) > 0
        assert 0 < float(row["left_share"]) <= 1 and 0 < float(row["right_share"]) <= 1
        assert 0 < float(row["similarity"]) <= 1


def test_table_names_articles_by_title_else_file_name(corpus):
    result, articles = corpus
    text = reuse_table.as_text(result, articles, width=200)
    listed = text.split("Stories:")[0]
    for document in result.documents:
        expected = document.title or Path(document.source).name
        assert expected[:30] in listed, expected
    assert "EU Leaders Urge Putin to Push for Talks" in listed  # 003's title, from its metadata
    assert "002_f1fbc4a1f97f33cb.txt" in listed  # no title known: the file name
    assert "AFP credited" in text and "inferred" in text
    assert "F1" in text and "Stories: passages carried by several articles" in text


def test_html_is_self_contained_and_highlights_shared_passages(corpus):
    result, articles = corpus
    page = reuse_html.as_html(result, articles)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower() and not re.search(r"(src|href)=\"(https?:)?//", page)
    assert page.count("<section class=\"article\"") == 5 and page.count("<th class=\"row\">") == 5
    assert "<mark class=" not in page and "<div class=\"body\">" not in page  # full texts only when asked
    with_texts = reuse_html.as_html(result, articles, texts=True)
    assert with_texts.count("<div class=\"body\">") == 5
    assert with_texts.count("<mark class=") >= len(result.families)


def test_html_escapes_article_text(settings):
    shared = ("Officials said the <script>alert('owned')</script> talks in Minsk would resume on Monday after "
              "a week of protests against the disputed vote, according to three people familiar with the plans.")
    left = clean_text(f"The first outlet's own opening line about the summit.\n\n{shared}", id="left", kind="text")
    right = clean_text(f"{shared}\n\nA closing line that only the second outlet wrote about <b>bold</b> plans.",
                       id="right", kind="text")
    result = find_reuse([left, right], settings)
    assert result.passages, "the shared paragraph should be found"
    for page in (reuse_html.as_html(result, [left, right]), reuse_html.as_html(result, [left, right], texts=True)):
        assert "<script" not in page.lower() and "<b>" not in page
        assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in page  # in the pair's side-by-side view
    assert "&lt;b&gt;bold&lt;/b&gt;" in reuse_html.as_html(result, [left, right], texts=True)


def test_segments_tile_the_body_and_name_partners(corpus):
    result, articles = corpus
    for article in articles:
        pieces = segments(article.body, article.id, result.passages)
        assert "".join(article.body[s.start:s.end] for s in pieces) == article.body
        shared = [s for s in pieces if s.partners]
        partners = {p.right_id if p.left_id == article.id else p.left_id for p in result.passages
                    if article.id in (p.left_id, p.right_id)}
        assert {name for s in shared for name in s.partners} == partners


def test_pair_words_never_exceed_the_article(corpus):
    result, articles = corpus
    words = {d.doc_id: d.words for d in result.documents}
    bodies = {article.id: article.body for article in articles}
    for pair in result.pairs:
        assert 0 < pair.left_words <= words[pair.left_id] and 0 < pair.right_words <= words[pair.right_id]
        # each side's words inside the pair's passages, as words_in_spans counts them on its own
        chosen = [result.passages[i] for i in pair.passages]
        for doc_id, counted in ((pair.left_id, pair.left_words), (pair.right_id, pair.right_words)):
            assert counted == words_in_spans(bodies[doc_id], [side_of(p, doc_id) for p in chosen])


def test_every_format_handles_a_corpus_sharing_nothing(settings):
    cats = clean_text("A story about cats, which sleep most of the day.\n\nThey hunt at night in the garden.", id="cats", kind="text")
    dogs = clean_text("Dogs like long walks in the park.\n\nThey bark at the mail carrier every morning.", id="dogs", kind="text")
    result = find_reuse([cats, dogs], settings)
    assert not result.passages
    data = json.loads(reuse_json.as_json(result, [cats, dogs]))
    assert data["passages"] == data["pairs"] == data["families"] == [] and len(data["documents"]) == 2
    assert reuse_jsonl.as_jsonl(result, [cats, dogs]) == ""
    assert reuse_csv.as_csv(result, [cats, dogs]).splitlines() == [",".join(reuse_csv.COLUMNS)]
    assert "No passage is shared" in reuse_table.as_text(result, [cats, dogs])
    page = reuse_html.as_html(result, [cats, dogs], texts=True)
    assert "title=\"shared with" not in page and page.count("<section class=\"article\"") == 2
    assert "No passage is shared" in page and "<section class=\"pair\"" not in page


class TagBalance(HTMLParser):
    """Open elements, for checking that the page's tags nest and close."""

    VOID = {"meta", "br", "hr", "img", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def test_html_tags_nest_and_close(corpus):
    result, articles = corpus
    for texts in (False, True):
        checker = TagBalance()
        checker.feed(reuse_html.as_html(result, articles, texts=texts))
        assert checker.errors == [] and checker.open == []


def test_table_leaves_out_the_least_reused_articles_past_its_limit(corpus):
    result, articles = corpus
    text = reuse_table.as_text(result, articles, width=200, limit=2)
    ranked = [Path(d.source).name for d in sorted(result.documents, key=lambda d: -d.reused_words / d.words)]
    listed = text.split("Stories:")[0]
    assert f"│ {ranked[0]} " in listed and f"│ {ranked[-1]} " not in listed and listed.count("\n│ ") == 2
    assert f"and {len(ranked) - 2:,} less reused articles (--format json lists every article, --format csv every pair)" in text
    # the footer's promise holds: json has a record per article, csv a row per pair
    assert len(json.loads(reuse_json.as_json(result, articles))["documents"]) == len(ranked)
    assert len(list(csv.DictReader(io.StringIO(reuse_csv.as_csv(result, articles))))) == len(result.pairs)


def test_csv_cells_cannot_run_as_spreadsheet_formulas(seeds, settings):
    from dataclasses import replace

    hostile = [replace(a, metadata=replace(a.metadata, outlet='=HYPERLINK("http://x.invalid","click")'))
               for a in (seeds["mt_afp"], seeds["mt"])]
    result = find_reuse(hostile, settings)
    rows = list(csv.DictReader(io.StringIO(reuse_csv.as_csv(result, hostile))))
    assert rows and all(row["left_outlet"].startswith("'=") and row["right_outlet"].startswith("'=") for row in rows)
    assert reuse_csv.inert("-12 protesters") == "'-12 protesters" and reuse_csv.inert("Reuters") == "Reuters"


def test_readme_documents_every_csv_column_and_json_field(corpus):
    result, articles = corpus
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    data = json.loads(reuse_json.as_json(result, articles))
    schema = readme.split("## reuse JSON", 1)[1]
    fields = set(data) | set(data["documents"][0]) | set(data["passages"][0]) | set(data["pairs"][0])
    assert [name for name in fields if f"`{name}`" not in schema] == []
    csv_options = readme.split("| `--format csv` |", 1)[1].split("\n", 1)[0]
    named = {name for name in reuse_csv.COLUMNS if f"`{name}`" in csv_options}
    assert named | {c.replace("left_", "right_") for c in named} >= set(reuse_csv.COLUMNS)
