"""A small corpus runs with its kernels interpreted (reuse/interpreted.py): the same results as compiled."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from srccompare.model import CleanArticle, Metadata
from srccompare.reuse.interpreted import interpreting, kernel_to_call, python_kernel
from srccompare.reuse.pipeline import find_reuse
from srccompare.reuse.sketch import Sketcher
from srccompare.reuse.tokens import alignment_tokens, process_hasher, shingle_hashes
from srccompare.reuse.align import extend
from srccompare.reuse.align.prepare import stable_sort
from tests.reuse_text import filler

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

# Words and marks the tokeniser treats apart: quotes, names, dates, characters beyond the BMP, bare punctuation.
ODD_PIECES = ["«Nous», a-t-il dit.", "\u201cWe will not,\u201d he said.", "Lukashenko's", "12.5%", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 word",
              "Ελλάδα", "— ", "...", "Mr. Smith", "\n", "'quoted'", "MINSK (Reuters) - "]


def corpus(seed: int, articles: int, odd: list[str]) -> list[CleanArticle]:
    """Filler articles with passages planted in pairs of them (some edited), and odd pieces among the words."""
    rng = random.Random(seed)
    texts = [filler(rng.randint(20, 250), seed=seed * 101 + number) for number in range(articles)]
    for number in range(rng.randint(1, articles)):
        left, right = rng.sample(range(articles), 2)
        words = filler(rng.randint(10, 80), seed=seed * 7919 + number).split()
        copy = list(words)
        if rng.random() < 0.5 and len(copy) > 4:
            copy[rng.randrange(len(copy))] = rng.choice(odd or ["changed"])
        texts[left] += " " + " ".join(words)
        texts[right] = " ".join(copy) + " " + texts[right]
    for piece in odd:
        number = rng.randrange(articles)
        words = texts[number].split(" ")
        words.insert(rng.randrange(len(words) + 1), piece)
        texts[number] = " ".join(words)
    return [CleanArticle(f"a{i:02d}", f"a{i:02d}", "text", Metadata(), tuple(text.split("\n"))) for i, text in enumerate(texts)]


@given(st.integers(0, 10**6), st.integers(2, 6), st.lists(st.sampled_from(ODD_PIECES), max_size=6))
@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_small_corpus_interpreted_gives_what_it_gives_compiled(settings, seed, articles, odd):
    texts = corpus(seed, articles, odd)
    compiled = find_reuse(texts, settings.replace("reuse.engine", interpret_characters=0))
    interpreted = find_reuse(texts, settings.replace("reuse.engine", interpret_characters=10**9))
    assert interpreted == compiled


def test_the_seeds_interpreted_give_what_they_give_compiled(seeds, settings):
    articles = list(seeds.values())
    compiled = find_reuse(articles, settings.replace("reuse.engine", interpret_characters=0))
    assert compiled.passages  # (the seeds share passages: the comparison is not of empty results)
    assert find_reuse(articles, settings.replace("reuse.engine", interpret_characters=10**9)) == compiled


@given(st.text(max_size=300))
@hsettings(max_examples=60, deadline=None)
def test_tokens_interpreted_are_the_compiled_tokens(text):
    compiled = alignment_tokens("d", text, process_hasher(True))
    with interpreting():
        interpreted = alignment_tokens("d", text, process_hasher(True))
    for field in ("hashes", "starts", "ends", "sentences", "quoted"):
        assert getattr(interpreted, field).dtype == getattr(compiled, field).dtype
        assert getattr(interpreted, field).tolist() == getattr(compiled, field).tolist()


extreme_hashes = st.lists(st.sampled_from([0, 1, 2**63 - 1, 2**63, 2**64 - 1]) | st.integers(0, 2**64 - 1), max_size=400)


@given(extreme_hashes, st.integers(1, 6))
@hsettings(max_examples=60, deadline=None)
def test_hashes_wrap_interpreted_as_they_do_compiled(values, size):
    """uint64 products and sums overflow on purpose: numpy's scalars wrap as numba's do."""
    hashes = np.array(values, dtype=np.uint64)
    with interpreting():
        interpreted = shingle_hashes(hashes, size)
    assert interpreted.tolist() == shingle_hashes(hashes, size).tolist()


@given(extreme_hashes)
@hsettings(max_examples=40, deadline=None)
def test_sketches_interpreted_are_the_compiled_sketches(settings, values):
    sketcher = Sketcher.build(settings.reuse.sketch)
    hashes = np.array(values, dtype=np.uint64)
    compiled = sketcher.signatures(hashes), sketcher.document_keys(hashes)
    with interpreting():
        interpreted = sketcher.signatures(hashes), sketcher.document_keys(hashes)
    assert [array.tolist() for array in interpreted] == [array.tolist() for array in compiled]


def test_kernel_to_call_is_the_compiled_kernel_outside_and_python_inside():
    assert kernel_to_call(extend.passage_boxes) is extend.passage_boxes
    with interpreting():
        python = kernel_to_call(extend.passage_boxes)
    assert python is python_kernel(extend.passage_boxes)
    assert python.__code__ is extend.passage_boxes.py_func.__code__
    # the kernels it calls are Python functions too, and the module keeps its compiled ones
    assert python.__globals__["_candidate_boxes"] is python_kernel(extend._candidate_boxes)
    assert python.__globals__["stable_sort"] is python_kernel(stable_sort)
    assert extend._candidate_boxes is not python.__globals__["_candidate_boxes"]
    assert kernel_to_call(extend.passage_boxes) is extend.passage_boxes


def test_the_first_run_on_the_seeds_compiles_nothing_and_writes_what_the_compiled_run_writes(tmp_path, cli):
    """A fresh numba cache stays empty (nothing compiled, so nothing cached); the report is the
    compiled path's (here in this process, its kernels compiled, as a config says)."""
    cache = tmp_path / "numba"
    environment = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    first = subprocess.run([sys.executable, "-m", "srccompare", "reuse", "--format", "json", str(SEEDS)],
                           capture_output=True, text=True, env=environment, check=True)
    assert not [path for path in cache.rglob("*") if path.suffix in (".nbi", ".nbc")]
    config = tmp_path / "compiled.toml"
    config.write_text("[reuse.engine]\ninterpret_characters = 0\n")
    compiled = cli("--config", str(config), "reuse", "--format", "json", str(SEEDS))
    assert compiled.returncode == 0
    assert json.loads(first.stdout)["passages"]
    assert first.stdout == compiled.stdout


def test_a_corpus_is_interpreted_up_to_the_limit_of_characters_and_only_on_the_local_engine():
    from srccompare.engines.local import LocalEngine
    from srccompare.reuse.pipeline import _interpreted_here

    articles = [CleanArticle(name, name, "text", Metadata(), ("abc", "de")) for name in ("a", "b")]  # 10 characters
    assert _interpreted_here(articles, 10, None)
    assert _interpreted_here(articles, 10, LocalEngine(2))
    assert not _interpreted_here(articles, 9, None)
    assert not _interpreted_here(articles, 10, RecordingEngine())


class RecordingEngine:
    """Tasks run here, and kept (an engine that is not the local one)."""

    def __init__(self):
        self.tasks = []

    def map(self, function, tasks, *, on_done=None):
        self.tasks += tasks
        return [function(task) for task in tasks]


def test_the_screen_cleans_only_inputs_that_make_several_tasks(tmp_path, settings):
    from srccompare.ingest.corpus import CLEAN_CHUNK, load_corpus

    text = (SEEDS / "003_e9706742b5579535.txt").read_text()
    for count in (CLEAN_CHUNK, CLEAN_CHUNK + 1):
        folder = tmp_path / str(count)
        folder.mkdir()
        for number in range(count):
            (folder / f"{number:03d}.txt").write_text(text)
        for config, expected in ((settings, count > CLEAN_CHUNK), (settings.replace("reuse.engine", interpret_characters=0), True)):
            engine = RecordingEngine()
            corpus = load_corpus([str(folder)], [], config, engine=engine)
            assert {task.screened for task in engine.tasks} == {expected}
            assert len(corpus.articles) == count
