"""Huge documents: the word limit of the commands that align, and the parts made to scale with them
(bench/huge_documents.py measures the memory)."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import SEEDS, seed_text
from srccompare.clean import clean_text
from srccompare.ingest.corpus import within_word_limit
from srccompare.diff.align import Scores, prepare
from srccompare.model import LoadError
from srccompare.reuse.tokens import TOKEN_PATTERN

LONG = SEEDS / "001_c8de61e9140fbb2f.txt"  # the longest seed
SHORT = SEEDS / "002_f1fbc4a1f97f33cb.txt"


def words_after_cleaning(path: Path, settings) -> int:
    return len(TOKEN_PATTERN.findall(clean_text(path.read_text(encoding="utf-8"), settings).body))


def test_the_word_limit_is_inclusive_and_names_the_input(settings):
    article = clean_text(seed_text("trt"), settings, source="trt.txt")
    words = len(TOKEN_PATTERN.findall(article.body))
    assert within_word_limit(article, settings.replace("limits", max_words=words)) is article
    refused = within_word_limit(article, settings.replace("limits", max_words=words - 1))
    assert refused == LoadError("trt.txt", f"more than {words - 1:,} words after cleaning (see limits.max_words)")


COMMANDS = {
    "diff": lambda long: ["diff", "--format", "json", long, str(SHORT)],
    "reuse": lambda long: ["reuse", "--format", "json", long],
    "browse": lambda long: ["browse", long],
    "index add": lambda long: ["index", "add", "--db", str(Path(long).parent / "index.sqlite"), long],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_commands_that_align_refuse_an_article_over_max_words(tmp_path, cli, settings, command):
    long = tmp_path / LONG.name
    long.write_bytes(LONG.read_bytes())
    limit = words_after_cleaning(SHORT, settings)  # the short seed passes, the long one does not
    result = cli("--max-words", limit, *COMMANDS[command](str(long)))
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        f"srccompare: {long}: more than {limit:,} words after cleaning (see limits.max_words)")


def test_reuse_goes_on_without_the_long_article_and_clean_is_not_limited(cli, settings):
    limit = words_after_cleaning(SHORT, settings)
    others = [SEEDS / "003_e9706742b5579535.txt", SEEDS / "004_afed851dedc7de4e.txt", SHORT]
    # the limit sits between the short seed and the long one
    assert limit < words_after_cleaning(LONG, settings) and all(words_after_cleaning(p, settings) > 0 for p in others)
    result = cli("--max-words", max(words_after_cleaning(p, settings) for p in others), "reuse", "--format", "jsonl",
                 LONG, *others)
    assert result.returncode == 1 and result.stderr.splitlines()[0].startswith(f"srccompare: {LONG}: more than")
    assert "003_e9706742b5579535" in result.stdout and LONG.stem not in result.stdout
    assert cli("--max-words", limit, "clean", LONG).returncode == 0


def test_paragraph_scores_of_a_subset_are_the_full_matrix_s_entries(settings, seeds):
    article = seeds["trt"]
    left, right = prepare(article, replace(article, paragraphs=article.paragraphs[::-1]), settings.diff)
    scores = Scores(left, right)
    every_left, every_right = np.arange(len(left.tokens)), np.arange(len(right.tokens))
    full = scores.matrix(every_left, every_right)
    assert np.allclose(np.diagonal(full[:, ::-1]), 1.0)  # each paragraph scores 1 against itself
    rows, columns = every_left[1::2], every_right[::3]
    assert np.allclose(scores.matrix(rows, columns), full[np.ix_(rows, columns)])
    assert scores.matrix(rows[:0], columns).shape == (0, len(columns))


def test_an_article_is_pickled_without_its_cached_body(seeds):
    article = seeds["trt"]
    assert article.body == "\n\n".join(article.paragraphs) and article.body is article.body  # computed once
    copy = pickle.loads(pickle.dumps(article))
    assert "body" not in vars(copy) and copy == article and copy.body == article.body
    assert len(pickle.dumps(article)) < len("".join(article.paragraphs).encode()) * 1.5
