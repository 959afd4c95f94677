"""One number for a pair's shared words: reuse (CSV, JSON), browse (its table and the diff it opens) and diff
(text, JSON, the TUI) agree, on the seeds. The number is the reuse core's PairSummary.words."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import json
import re

import pytest

from conftest import SEEDS
from srccompare.cli.browse import find_in
from srccompare.ingest.corpus import load_corpus
from srccompare.diff.shared import between, compare, of_pair
from srccompare.tui.browse_app import BrowseApp
from srccompare.tui.screens.diff import DiffScreen
from srccompare.tui.widgets.header import DiffHeader

PAIR = ("003_e9706742b5579535", "004_afed851dedc7de4e")  # the pair the issue quotes: diff said 20, browse 73, CSV 93/78


def seed(name: str) -> str:
    return str(SEEDS / f"{name}.txt")


def csv_pairs(text: str) -> dict[tuple[str, str], dict[str, str]]:
    return {(row["left_id"], row["right_id"]): row for row in csv.DictReader(io.StringIO(text))}


def shared_in_line(line: str) -> tuple[int, int, int]:
    """(shared words, left words inside, right words inside) from a diff's "shared:" line."""
    found = re.search(r"shared: (\d+) words in \d+ passages? · left (\d+) of \d+ words .* right (\d+) of", line)
    assert found, line
    return int(found[1]), int(found[2]), int(found[3])


def test_reuse_diff_and_browse_give_one_number_for_seeds_003_004(cli, settings):
    reuse_csv = csv_pairs(cli("reuse", "--format", "csv", str(SEEDS)).stdout)[PAIR]
    reuse_json = json.loads(cli("reuse", "--format", "json", str(SEEDS)).stdout)
    [json_pair] = [p for p in reuse_json["pairs"] if (p["left_id"], p["right_id"]) == PAIR]
    diff_json = json.loads(cli("diff", "--format", "json", *map(seed, PAIR)).stdout)
    diff_text = cli("diff", "--format", "text", *map(seed, PAIR)).stdout
    diff_line = next(line for line in diff_text.splitlines() if line.startswith("shared:"))

    words = int(reuse_csv["shared_words"])
    inside = (int(reuse_csv["left_shared_words"]), int(reuse_csv["right_shared_words"]))
    assert words == json_pair["words"] == diff_json["shared"]["words"] == shared_in_line(diff_line)[0]
    assert inside == (diff_json["left"]["shared_words"], diff_json["right"]["shared_words"]) == shared_in_line(diff_line)[1:]
    assert words > 20  # the word diff's own count, which the diff used to show, was 20

    browse_table, browse_diff = browse_numbers(settings)
    assert browse_table == str(words)
    assert shared_in_line(browse_diff) == (words, *inside)


def browse_numbers(settings) -> tuple[str, str]:
    """The pair's "shared words" cell in browse's pair table, and the share line of the diff Enter opens."""
    corpus = find_in(load_corpus([str(SEEDS)], [], settings), settings, 1, lambda *_: None)
    found: list[str] = []

    async def run() -> None:
        async with BrowseApp(lambda progress: corpus, settings).run_test(size=(160, 40)) as pilot:
            screen = pilot.app.screen
            await pilot.app.workers.wait_for_complete()
            for _ in range(200):  # the worker's result arrives as a message
                if screen.data is not None:
                    break
                await pilot.pause()
            pairs = screen.tables()[1]
            rank = next(r for r, p in enumerate(screen.data.pairs) if (p.left_id, p.right_id) == PAIR)
            cells = pairs.cells(rank)
            found.append(cells[[c.key for c in pairs.columns].index("words")].plain)
            pairs.focus()
            pairs.move_to(rank)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(pilot.app.screen, DiffScreen)
            await pilot.app.workers.wait_for_complete()
            header = pilot.app.screen.query_one(DiffHeader)
            for _ in range(400):
                if header.result is not None:
                    break
                await pilot.pause(0.05)
            found.append(header._shared())

    asyncio.run(run())
    return found[0], found[1]


@pytest.mark.parametrize("left, right", list(itertools.combinations(sorted(p.stem for p in SEEDS.glob("*.txt")), 2)))
def test_diff_counts_a_pair_as_reuse_counts_the_two_alone(cli, left, right):
    """diff runs the reuse core on its two articles: its number is reuse's for those two, whatever the pair."""
    reuse = csv_pairs(cli("reuse", "--format", "csv", seed(left), seed(right)).stdout)
    diff = json.loads(cli("diff", "--format", "json", seed(left), seed(right)).stdout)
    expected = int(reuse[(left, right)]["shared_words"]) if (left, right) in reuse else 0
    assert diff["shared"]["words"] == expected
    assert len(diff["shared"]["passages"]) == (int(reuse[(left, right)]["passages"]) if expected else 0)


def test_swapping_sides_keeps_the_number_and_swaps_the_sides(seeds, settings):
    left, right = seeds["mt_afp"], seeds["mt"]
    result = compare(left, right, settings)
    other = compare(right, left, settings)
    assert result.shared.words == other.shared.words > 0
    assert (result.shared.left_words, result.shared.right_words) == (other.shared.right_words, other.shared.left_words)
    assert result.shared.swapped() == other.shared
    passage = result.shared.passages[0]
    assert left.body[passage.left_start:passage.left_end] and right.body[passage.right_start:passage.right_end]


def test_a_corpus_result_seen_from_either_article(seeds, settings):
    from srccompare.reuse import find_reuse

    articles = [seeds[key] for key in ("nbc", "trt", "unknown")]
    result = find_reuse(articles, settings)
    pair = result.pairs[0]
    forward, backward = of_pair(result, pair.left_id, pair.right_id), of_pair(result, pair.right_id, pair.left_id)
    assert forward.words == backward.words == pair.words
    assert (forward.left_words, forward.right_words) == (pair.left_words, pair.right_words)
    assert backward.swapped() == forward
    assert of_pair(result, "000", "nobody").words == 0


def test_an_article_against_itself_shares_all_its_words(seeds, settings):
    article = seeds["nbc"]
    shared = between(article, article, settings)
    assert shared.left_words == shared.right_words == shared.left_total > 0.9 * shared.left_total
