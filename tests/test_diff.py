from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings as hypothesis_settings
from hypothesis import strategies as st

from srccompare.diff.align import Group, diff_articles, heaviest_chain, swap_sides
from srccompare.diff.normal import diff_tokens
from srccompare.diff.word_diff import word_ops
from srccompare.model import CleanArticle, DiffResult, Metadata, Row
from srccompare.settings import load_settings

DIFF = load_settings().diff


def article(paragraphs: list[str] | tuple[str, ...], id: str = "x") -> CleanArticle:
    return CleanArticle(id, f"<{id}>", "text", Metadata(), tuple(paragraphs))


def rows_with(result: DiffResult, status: str) -> list[Row]:
    return [row for row in result.rows if row.status == status]


def row_of(result: DiffResult, side: str, index: int) -> Row:
    (row,) = [r for r in result.rows if index in getattr(r, f"{side}_paragraphs")]
    return row


def check_invariants(left: CleanArticle, right: CleanArticle, result: DiffResult) -> None:
    """Every paragraph in exactly one row; in-place rows in order; offsets exact; partners mutual."""
    for side, source in (("left", left), ("right", right)):
        seen = [i for row in result.rows for i in getattr(row, f"{side}_paragraphs")]
        assert sorted(seen) == list(range(len(source.paragraphs)))
        assert seen == sorted(seen)  # rows follow each side's own order
        for row in result.rows:
            indexes = getattr(row, f"{side}_paragraphs")
            start, end = getattr(row, f"{side}_start"), getattr(row, f"{side}_end")
            if indexes:
                assert source.body[start:end] == "\n\n".join(source.paragraphs[i] for i in indexes)
            else:
                assert start is None and end is None
    in_place = [row for row in result.rows if row.status in ("same", "changed")]
    for before, after in zip(in_place, in_place[1:]):
        assert before.left_paragraphs[-1] < after.left_paragraphs[0]
        assert before.right_paragraphs[-1] < after.right_paragraphs[0]
    for index, row in enumerate(result.rows):
        if row.status == "moved":
            assert result.rows[row.partner].partner == index
        for op in row.ops:
            left_text, right_text = left.body[op.left_start : op.left_end], right.body[op.right_start : op.right_end]
            if op.kind == "equal":
                assert " ".join(left_text.split()) == " ".join(right_text.split())
            if op.kind == "minor":
                assert left_text != right_text
            if op.kind == "delete":
                assert right_text == "" and left_text.strip()
            if op.kind == "insert":
                assert left_text == "" and right_text.strip()


@pytest.fixture(scope="module")
def story(seeds: dict[str, CleanArticle]) -> CleanArticle:
    return seeds["mt_afp"]


def test_identical_articles_are_all_same(story: CleanArticle) -> None:
    result = diff_articles(story, story, DIFF)
    assert {row.status for row in result.rows} == {"same"}
    assert result.left_shared == result.left_words == result.right_shared


def test_reworded_seed_paragraph_pairs_up(seeds: dict[str, CleanArticle]) -> None:
    left, right = seeds["trt"], seeds["unknown"]
    result = diff_articles(left, right, DIFF)
    check_invariants(left, right, result)
    flight = next(i for i, p in enumerate(left.paragraphs) if p.startswith("Flight tracking data showed"))
    monitoring = next(i for i, p in enumerate(right.paragraphs) if p.startswith("Monitoring resources showed"))
    row = row_of(result, "left", flight)
    assert row.right_paragraphs == (monitoring,) and row.status in ("changed", "moved")
    shared = [left.body[op.left_start : op.left_end] for op in row.ops if op.kind == "equal"]
    assert any("including the head of the FSB security service" in text for text in shared)


def test_moved_paragraph_points_at_its_partner(story: CleanArticle) -> None:
    paragraphs = list(story.paragraphs)
    moved = paragraphs.pop(3)
    right = article(paragraphs + [moved], "right")
    result = diff_articles(story, right, DIFF)
    check_invariants(story, right, result)
    left_row = row_of(result, "left", 3)
    assert left_row.status == "moved" and left_row.right_paragraphs == ()
    partner = result.rows[left_row.partner]
    assert partner.right_paragraphs == (len(paragraphs),) and partner.similarity == 1.0
    assert len(rows_with(result, "moved")) == 2


def test_dropped_and_inserted_paragraphs_are_one_sided(story: CleanArticle) -> None:
    paragraphs = list(story.paragraphs)
    del paragraphs[5]
    paragraphs.insert(9, "A wholly new paragraph about fishing quotas in the Baltic sea and herring.")
    right = article(paragraphs, "right")
    result = diff_articles(story, right, DIFF)
    check_invariants(story, right, result)
    assert [row.left_paragraphs for row in rows_with(result, "only_left")] == [(5,)]
    assert [row.right_paragraphs for row in rows_with(result, "only_right")] == [(9,)]
    assert not rows_with(result, "moved") and not rows_with(result, "changed")


def test_split_paragraph_is_one_row(story: CleanArticle) -> None:
    words = story.paragraphs[1].split(" ")
    first, rest = " ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])
    paragraphs = list(story.paragraphs[:1]) + [first, rest] + list(story.paragraphs[2:])
    right = article(paragraphs, "right")
    result = diff_articles(story, right, DIFF)
    check_invariants(story, right, result)
    row = row_of(result, "left", 1)
    assert row.right_paragraphs == (1, 2) and row.status == "same"


def test_merged_paragraphs_are_one_row(story: CleanArticle) -> None:
    merged = story.paragraphs[4] + " " + story.paragraphs[5]
    right = article(list(story.paragraphs[:4]) + [merged] + list(story.paragraphs[6:]), "right")
    result = diff_articles(story, right, DIFF)
    check_invariants(story, right, result)
    assert row_of(result, "right", 4).left_paragraphs == (4, 5)


def test_replaced_words_are_deleted_and_inserted_with_exact_offsets() -> None:
    left = article(["Intro paragraph stays.", "The plane flew to Minsk on Wednesday morning."], "l")
    right = article(["Intro paragraph stays.", "The plane flew to Minsk on Thursday morning."], "r")
    result = diff_articles(left, right, DIFF)
    (row,) = rows_with(result, "changed")
    kinds = [op.kind for op in row.ops]
    assert kinds == ["equal", "delete", "insert", "equal"]
    delete, insert = row.ops[1], row.ops[2]
    assert left.body[delete.left_start : delete.left_end] == "Wednesday "
    assert right.body[insert.right_start : insert.right_end] == "Thursday "
    assert delete.right_start == delete.right_end == insert.right_start


def test_transliterated_names_and_quotes_are_minor(story: CleanArticle) -> None:
    respelled = [p.replace("Tikhanovskaya", "Tsikhanouskaya").replace("Svetlana", "Sviatlana") for p in story.paragraphs]
    respelled = [p.replace('"', "\u201c", 1) for p in respelled]
    right = article(respelled, "right")
    result = diff_articles(story, right, DIFF)
    check_invariants(story, right, result)
    assert {row.status for row in result.rows} == {"same"}
    row = row_of(result, "left", 16)  # "Tikhanovsky's wife, Svetlana Tikhanovskaya, ..."
    minor = [story.body[op.left_start : op.left_end].strip() for op in row.ops if op.kind == "minor"]
    assert minor == ["Svetlana Tikhanovskaya,"]
    assert row.minor and not row_of(result, "left", 0).minor


def test_unrelated_articles_share_nothing() -> None:
    left = article(["Rain is expected over the coast tonight, forecasters said.", "Farmers welcomed it."], "l")
    right = article(["The central bank raised interest rates by a quarter point.", "Markets fell."], "r")
    result = diff_articles(left, right, DIFF)
    assert {row.status for row in result.rows} == {"only_left", "only_right"}
    assert result.left_shared == result.right_shared == 0


def test_heaviest_chain_prefers_weight_over_count() -> None:
    groups = [Group((0,), (1,), 1.0, 1.0), Group((1,), (2,), 1.0, 1.0), Group((2,), (0,), 5.0, 1.0)]
    assert heaviest_chain(groups) == {2} or heaviest_chain(groups) == {2, 1}
    groups = [Group((0,), (2,), 1.0, 1.0), Group((1,), (0,), 1.0, 1.0), Group((2,), (1,), 1.0, 1.0)]
    assert heaviest_chain(groups) == {1, 2}


@st.composite
def transformed(draw: st.DrawFn, paragraphs: tuple[str, ...]) -> list[str]:
    """A copy of ``paragraphs`` shuffled in part, with drops, inserts, reworded words, splits and merges."""
    rng = random.Random(draw(st.integers(0, 10**6)))
    result = list(paragraphs)
    for _ in range(draw(st.integers(0, 4))):
        result.insert(rng.randrange(len(result) + 1), result.pop(rng.randrange(len(result))))
    for _ in range(draw(st.integers(0, 3))):
        del result[rng.randrange(len(result))]
    for number in range(draw(st.integers(0, 3))):
        result.insert(rng.randrange(len(result) + 1), f"Inserted paragraph {number} about nothing in particular.")
    for _ in range(draw(st.integers(0, 5))):
        index = rng.randrange(len(result))
        words = result[index].split()
        words[rng.randrange(len(words))] = rng.choice(["quickly", "Minsk", "never", "—", "“", "Svetlana"])
        result[index] = " ".join(words)
    for _ in range(draw(st.integers(0, 2))):  # split one paragraph in two
        index = rng.randrange(len(result))
        words = result[index].split()
        if len(words) > 4:
            result[index : index + 1] = [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
    for _ in range(draw(st.integers(0, 2))):  # merge two neighbours
        index = rng.randrange(len(result) - 1)
        result[index : index + 2] = [result[index] + " " + result[index + 1]]
    return result


@hypothesis_settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_alignment_invariants_hold_for_transformed_copies(story: CleanArticle, data: st.DataObject) -> None:
    right = article(data.draw(transformed(story.paragraphs)), "right")
    result = diff_articles(story, right, DIFF)
    check_invariants(story, right, result)


def test_groups_report_their_paragraph_text(story: CleanArticle) -> None:
    result = diff_articles(story, dataclasses.replace(story, id="copy"), DIFF)
    assert result.left_id == story.id and result.right_id == "copy"
    check_invariants(story, story, result)


def test_swapping_sides_keeps_the_alignment(seeds: dict[str, CleanArticle]) -> None:
    left, right = seeds["trt"], seeds["unknown"]
    result = diff_articles(left, right, DIFF)
    swapped = swap_sides(result)
    check_invariants(right, left, swapped)
    assert swap_sides(swapped) == result
    assert [row.status for row in swapped.rows].count("only_right") == [row.status for row in result.rows].count("only_left")


WORDS = ["Minsk", "protest", "the", "said", "Tsikhanouskaya", "Tikhanovskaya", "“quote”", '"quote"', "—", "EU", "eu", "of", "9", "it's"]
paragraph = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)


@hypothesis_settings(max_examples=60, deadline=None)
@given(st.lists(paragraph, max_size=8), st.lists(paragraph, max_size=8))
def test_alignment_invariants_hold_for_any_small_articles(left: list[str], right: list[str]) -> None:
    left_article, right_article = article(left, "l"), article(right, "r")
    check_invariants(left_article, right_article, diff_articles(left_article, right_article, DIFF))


def test_pair_threshold_decides_what_pairs(seeds: dict[str, CleanArticle]) -> None:
    left, right = seeds["trt"], seeds["unknown"]
    strict = dataclasses.replace(DIFF, pair_threshold=0.9)
    loose = diff_articles(left, right, DIFF)
    assert sum(row.status == "changed" for row in diff_articles(left, right, strict).rows) == 0
    assert sum(row.status == "changed" for row in loose.rows) >= 3


def test_one_long_paragraph_is_diffed_sentence_by_sentence(seeds: dict[str, CleanArticle]) -> None:
    """A whole article as one paragraph (a page extracted badly) still shares its words, not
    "delete all, insert all": long runs go sentence by sentence first."""
    text = " ".join(seeds["trt"].paragraphs)
    sentences = text.split(". ")
    edited = sentences[:5] + sentences[7:40] + ["An inserted sentence about nothing"] + sentences[40:]
    edited[12] = edited[12].replace("the", "a")
    left, right = article([text], "l"), article([". ".join(edited)], "r")
    result = diff_articles(left, right, DIFF)
    check_invariants(left, right, result)
    assert result.left_words > 1000 and result.right_shared / result.right_words > 0.95
    deleted = [left.body[op.left_start : op.left_end] for op in result.rows[0].ops if op.kind == "delete"]
    assert any(sentences[5][:30] in part for part in deleted)


def test_sentence_mode_finds_what_the_plain_word_diff_finds(story: CleanArticle) -> None:
    text = " ".join(story.paragraphs)
    sentences = text.split(". ")
    edited = ". ".join(sentences[:3] + sentences[4:9] + ["A new sentence here"] + sentences[9:]).replace("Minsk", "Kyiv")
    left_tokens, right_tokens = diff_tokens(text), diff_tokens(edited)
    plain = word_ops(left_tokens, right_tokens, 2.0, text, edited, long_run=10**9)
    by_sentence = word_ops(left_tokens, right_tokens, 2.0, text, edited, long_run=10)
    def shared(ops):
        return sum(op.left_end - op.left_start for op in ops if op.kind in ("equal", "minor"))
    assert shared(by_sentence) >= 0.98 * shared(plain) and shared(by_sentence) > 0.9 * len(text)
    for op in by_sentence:
        assert (op.kind == "insert") == (op.left_start == op.left_end)
        assert (op.kind == "delete") == (op.right_start == op.right_end)
    changed = [edited[op.right_start : op.right_end] for op in by_sentence if op.kind == "insert"]
    assert any("A new sentence here" in part for part in changed) and any("Kyiv" in part for part in changed)
