"""Synthetic news corpus with planted agency copy: recall, precision, boundaries.

    .venv/bin/python bench/synthetic_corpus.py [--articles 2000] [--wire 200] [--seed 1]

Text comes from a word-bigram Markov chain trained on the English article
bodies of the ScrapingHub benchmark (../shared/eval/scrapinghub, MIT), one
word in six drawn afresh: random prose with real word frequencies and real
stock phrases ("one of the", "said on Tuesday"), so chance overlaps between
unrelated articles happen as in a real corpus, but no long accidental copy. Wire stories (Reuters/AFP/AP, given to srccompare as wire copy)
are generated the same way; each outlet article carries 0-2 of them, planted
with the edits outlets make:

- trimming: a run of the story's sentences, not all of it, one sentence dropped;
- reordering: two neighbouring sentences swapped;
- word substitutions: about 1 word in 15 replaced;
- transliterated names: capitalised words respelt (y/i, kh/h, w/v, doubled letters);
- added context: an outlet sentence inserted inside the copy.

Truth: every (article, wire story) pair planted, and every pair of articles
whose copies of one story share original sentences of at least 20 words. A
detected pair is a pair with any passage. Pairs of articles sharing fewer
words of a story are ambiguous and count neither way. Boundaries: on each article-wire
pair, the distance in words between the detected passage's ends in the
article and the planted copy's ends. Attribution: articles inferred to carry
an agency versus the agencies planted in them.

Baseline, in the same run: exact n-gram matching only (no fuzzy seeds, no LSH).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from srccompare.model import CleanArticle, Metadata
from srccompare.reuse.pipeline import find_reuse
from srccompare.settings import Settings, load_settings

TRAINING = Path(__file__).resolve().parents[2] / "shared" / "eval" / "scrapinghub" / "ground-truth.json"
AGENCIES = ("Reuters", "AFP", "AP")
# Two articles carrying one wire story are a true pair when their copies share
# sentences of at least this many words in the original; less is ambiguous.
SHARED_WORDS = 20
WORD = re.compile(r"\w+|[.,;:!?]")


class BigramChain:
    """Word-bigram Markov chain over real text, sampled for many documents at once with numpy."""

    def __init__(self, text: str) -> None:
        words = WORD.findall(text)
        self.vocabulary, ids = np.unique(np.array(words, dtype=object).astype(str), return_inverse=True)
        pairs = ids[:-1].astype(np.int64) * len(self.vocabulary) + ids[1:]
        codes, counts = np.unique(pairs, return_counts=True)
        self.follow = codes % len(self.vocabulary)
        self.cumulative = np.cumsum(counts).astype(np.float64)
        current = codes // len(self.vocabulary)
        self.row_start = np.searchsorted(current, np.arange(len(self.vocabulary)), side="left")
        self.row_end = np.searchsorted(current, np.arange(len(self.vocabulary)), side="right")
        self.period = int(np.flatnonzero(self.vocabulary == ".")[0])
        self.stream = ids  # the training text as word ids: sampling it gives unigram frequencies

    @classmethod
    def from_scrapinghub(cls, path: Path = TRAINING) -> BigramChain:
        bodies = [item["articleBody"] for item in json.loads(path.read_text(encoding="utf-8")).values()]
        # English bodies only: in the few Korean and Russian ones nearly every word is
        # rare, so the chain would replay them verbatim and plant accidental copy.
        english = [body for body in bodies if body and sum(ch.isascii() for ch in body) / len(body) > 0.97]
        return cls(" ".join(english))

    def generate(self, count: int, words: int, rng: np.random.Generator) -> list[str]:
        """``count`` texts of about ``words`` words, sentences grouped in paragraphs."""
        state = np.full(count, self.period)
        columns = np.empty((count, words), dtype=np.int64)
        for position in range(words):
            start, end = self.row_start[state], self.row_end[state]
            dead = start == end
            state = np.where(dead, self.period, state)
            start, end = self.row_start[state], self.row_end[state]
            low = np.where(start > 0, self.cumulative[np.maximum(start - 1, 0)], 0.0)
            target = low + rng.random(count) * (self.cumulative[end - 1] - low)
            state = self.follow[np.searchsorted(self.cumulative, target, side="right")]
            # One word in six is drawn afresh (by frequency), so that generated texts do
            # not replay long runs of the training text and share only chance phrases.
            jump = rng.random(count) < 1 / 6
            state = np.where(jump, self.stream[rng.integers(0, len(self.stream), count)], state)
            columns[:, position] = state
        return [self._detokenise(row, rng) for row in columns]

    def _detokenise(self, row: np.ndarray, rng: np.random.Generator) -> str:
        sentences, current = [], []
        for token in self.vocabulary[row]:
            if token in ".!?":
                if current:
                    sentences.append(_sentence(current, token))
                current = []
            else:
                current.append(token)
        if current:
            sentences.append(_sentence(current, "."))
        return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def _sentence(tokens: list[str], end: str) -> str:
    text = " ".join(tokens).replace(" ,", ",").replace(" ;", ";").replace(" :", ":")
    return text[:1].upper() + text[1:] + end


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n\n", " ")) if len(s.split()) >= 4]


# --- planting -------------------------------------------------------------------------


@dataclass
class Planted:
    article: int
    wire: int
    kept: frozenset[int]  # indexes of the wire story's sentences in the copy
    start: int = 0  # character range of the copy in the article body
    end: int = 0


@dataclass
class Corpus:
    articles: list[CleanArticle]
    wire_agency: dict[str, str]
    sentence_words: list[list[int]]  # words of each sentence of each wire story
    planted: list[Planted] = field(default_factory=list)


def respell(word: str) -> str:
    """A transliteration variant of a capitalised word."""
    variants = (("y", "i"), ("kh", "h"), ("w", "v"), ("ts", "c"), ("i", "y"), ("ou", "ov"))
    for old, new in variants:
        if old in word[1:]:
            return word[0] + word[1:].replace(old, new, 1)
    return word + "e"


def edit_copy(sentences: list[tuple[int, str]], filler: list[str], rng: random.Random) -> list[tuple[int, str]]:
    """The edits an outlet makes to wire copy (see the module docstring); -1 marks added context."""
    chosen = list(sentences)
    if len(chosen) > 4:
        del chosen[rng.randrange(1, len(chosen) - 1)]  # trimming inside
    if len(chosen) > 3 and rng.random() < 0.5:
        i = rng.randrange(0, len(chosen) - 1)
        chosen[i], chosen[i + 1] = chosen[i + 1], chosen[i]  # reordering
    edited = []
    for index, sentence in chosen:
        words = sentence.split()
        for i, word in enumerate(words):
            if word[:1].isupper() and i > 0 and rng.random() < 0.5:
                words[i] = respell(word)  # transliterated names
            elif rng.random() < 1 / 15:
                words[i] = rng.choice(filler)  # word substitutions
        edited.append((index, " ".join(words)))
    if len(edited) > 2 and rng.random() < 0.5:
        context = rng.choice(filler).capitalize() + " " + " ".join(rng.choices(filler, k=12)) + "."
        edited.insert(rng.randrange(1, len(edited)), (-1, context))  # added context
    return edited


def build_corpus(
    chain: BigramChain, articles: int, wires: int, seed: int, words: int = 500, plant_counts: tuple[int, ...] = (0, 1, 1, 2)
) -> Corpus:
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    wire_texts = chain.generate(wires, 350, np_rng)
    own_texts = chain.generate(articles, words, np_rng)
    filler = [w for w in chain.vocabulary.tolist() if w.isalpha() and w.islower()]
    wire_sentences = [sentences_of(text) for text in wire_texts]
    corpus = Corpus([], {}, [[len(sentence.split()) for sentence in story] for story in wire_sentences])
    for number, text in enumerate(wire_texts):
        wire_id = f"wire{number:05d}"
        corpus.wire_agency[wire_id] = AGENCIES[number % len(AGENCIES)]
        corpus.articles.append(CleanArticle(wire_id, wire_id, "text", Metadata(), tuple(text.split("\n\n"))))
    for number, text in enumerate(own_texts):
        paragraphs = text.split("\n\n")
        plants: list[tuple[Planted, str]] = []
        for wire in rng.sample(range(wires), k=rng.choice(plant_counts)):
            story = wire_sentences[wire]
            length = rng.randint(min(4, len(story)), min(9, len(story)))
            first = rng.randrange(0, len(story) - length + 1)
            edited = edit_copy(list(enumerate(story))[first : first + length], filler, rng)
            copy = " ".join(sentence for _, sentence in edited)
            paragraphs.insert(rng.randrange(0, len(paragraphs) + 1), copy)
            kept = frozenset(index for index, _ in edited if index >= 0)
            plants.append((Planted(number + wires, wire, kept), copy))
        article = CleanArticle(f"art{number:05d}", f"art{number:05d}", "text", Metadata(), tuple(paragraphs))
        for plant, copy in plants:
            plant.start = article.body.index(copy)
            plant.end = plant.start + len(copy)
            corpus.planted.append(plant)
        corpus.articles.append(article)
    return corpus


# --- evaluation ---------------------------------------------------------------------------


def truth_pairs(corpus: Corpus) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(true pairs, ambiguous pairs) of article ids, each pair sorted."""
    ids = [article.id for article in corpus.articles]
    true, ambiguous = set(), set()
    by_wire: dict[int, list[Planted]] = defaultdict(list)
    for plant in corpus.planted:
        true.add(_pair(ids[plant.article], ids[plant.wire]))
        by_wire[plant.wire].append(plant)
    for plants in by_wire.values():
        for i, one in enumerate(plants):
            for other in plants[i + 1 :]:
                shared = sum(corpus.sentence_words[one.wire][index] for index in one.kept & other.kept)
                if one.article != other.article and shared >= SHARED_WORDS:
                    true.add(_pair(ids[one.article], ids[other.article]))
                elif one.article != other.article and shared > 0:
                    ambiguous.add(_pair(ids[one.article], ids[other.article]))
    return true, ambiguous - true


def _pair(one: str, other: str) -> tuple[str, str]:
    return (one, other) if one < other else (other, one)


def evaluate(corpus: Corpus, settings: Settings, workers: int) -> dict[str, float]:
    started = time.perf_counter()
    result = find_reuse(corpus.articles, settings, wire=corpus.wire_agency, workers=workers)
    seconds = time.perf_counter() - started
    true, ambiguous = truth_pairs(corpus)
    found = {_pair(p.left_id, p.right_id) for p in result.passages} - ambiguous
    hits = found & true
    measures = {
        "seconds": seconds,
        "true pairs": len(true),
        "found pairs": len(found),
        "recall": len(hits) / max(1, len(true)),
        "precision": len(hits) / max(1, len(found)),
    }
    measures.update(boundary_errors(corpus, result))
    measures.update(attribution_scores(corpus, result))
    return measures


def boundary_errors(corpus: Corpus, result) -> dict[str, float]:
    """Word distance between planted and detected copy ends, on article-wire pairs found."""
    bodies = {article.id: article.body for article in corpus.articles}
    ids = [article.id for article in corpus.articles]
    spans = defaultdict(list)
    for p in result.passages:
        spans[(p.left_id, p.right_id)].append((p.left_start, p.left_end))
        spans[(p.right_id, p.left_id)].append((p.right_start, p.right_end))
    errors = []
    for plant in corpus.planted:
        article = ids[plant.article]
        found = spans.get((article, ids[plant.wire]))
        if not found:
            continue
        start, end = min(s for s, _ in found), max(e for _, e in found)
        body = bodies[article]
        words_between = lambda a, b: len(re.findall(r"\w+", body[min(a, b) : max(a, b)]))
        errors.append(max(words_between(start, plant.start), words_between(end, plant.end)))
    values = np.array(errors or [0])
    return {"boundary median": float(np.median(values)), "boundary p95": float(np.percentile(values, 95)), "within 5 words": float(np.mean(values <= 5))}


def attribution_scores(corpus: Corpus, result) -> dict[str, float]:
    ids = [article.id for article in corpus.articles]
    planted = {(ids[p.article], corpus.wire_agency[ids[p.wire]]) for p in corpus.planted}
    inferred = {(a.doc_id, a.agency) for a in result.attributions if a.how == "inferred"}
    right = planted & inferred
    return {
        "attribution recall": len(right) / max(1, len(planted)),
        "attribution precision": len(right) / max(1, len(inferred)),
    }


def baseline_settings(settings: Settings) -> Settings:
    """Exact n-gram seeds only: no sentence seeds, no LSH candidates."""
    return settings.replace("reuse.align", sentence_similarity=1.0).replace("reuse.candidates", min_shared_bands=10**9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--wire", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not TRAINING.is_file():
        print(f"{TRAINING}: training text not found", file=sys.stderr)
        return 2
    corpus = build_corpus(BigramChain.from_scrapinghub(), args.articles, args.wire, args.seed)
    settings = load_settings()
    rows = [("exact n-grams (baseline)", evaluate(corpus, baseline_settings(settings), args.workers))]
    rows.append(("srccompare", evaluate(corpus, settings, args.workers)))
    names = list(rows[0][1])
    print(f"{len(corpus.articles) - args.wire} articles, {args.wire} wire stories, {len(corpus.planted)} planted copies")
    print(f"{'measure':24}" + "".join(f"{name:>26}" for name, _ in rows))
    for name in names:
        print(f"{name:24}" + "".join(f"{measures[name]:26.3f}" for _, measures in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
