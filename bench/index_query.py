"""Index query latency at 10k and 100k articles, and add throughput, each with a baseline run beside it.

Synthetic 600-word articles (pseudo-words with Zipf frequencies, sentences and
paragraphs; one article in 25 is an agency story credited to Reuters, AFP or
AP, and a fifth of the others carry a lightly edited 120-word passage of one
of them). Measured, in one run:

- add: articles/s into a fresh index, one transaction a batch of 200 (what
  ``index add`` does) against one transaction an article (the baseline);
- query, for new articles carrying a passage of an indexed story ("copy") and
  for new articles sharing nothing ("new"): the candidate lookup (postings and
  band keys with the document-frequency bound) and the whole query (lookup,
  idf weights, alignment, attribution), median and 95th percentile;
- baselines: the lookup without the document-frequency bound, and a
  brute-force scan of every stored article's shingle set (the exact path the
  index's candidates are checked against: recall is the share of the scan's
  candidates the index finds).

Indexes are built once and kept under bench/out/ (git-ignored); a build that
was interrupted resumes where it stopped (adding is idempotent). Run from the
repository root:

    .venv/bin/python bench/index_query.py [--sizes 10000 100000] [--queries 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from blake3 import blake3

from srccompare.cli.index import DEFAULT_BATCH
from srccompare.index import Store, open_index
from srccompare.index.build import Indexer, add_articles, parameters_record
from srccompare.index.query import find_candidates, query_index
from srccompare.model import CleanArticle, Credit, Metadata
from srccompare.reuse.sketch import index_parameters
from srccompare.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "an", "qu", "es", "bri", "ont", "zu", "ha",
             "gre", "tos", "ul", "mer", "ne", "ip", "sto", "war")
VOCABULARY = 40_000
WORDS = 600
STORY_EVERY = 25  # one article in 25 is an agency story
COPY_SHARE = 0.2  # of the other articles, this share carries a passage of a story
PASSAGE_WORDS = 120
AGENCIES = ("Reuters", "AFP", "AP")
SEED = 20240601


class Generator:
    """Deterministic synthetic articles: article n is the same whatever else is generated."""

    def __init__(self, seed: int = SEED) -> None:
        rng = np.random.default_rng(seed)
        words: set[str] = set()
        while len(words) < VOCABULARY:
            words.add("".join(rng.choice(SYLLABLES, size=rng.integers(2, 5))))
        self.words = np.array(sorted(words), dtype=object)
        rng.shuffle(self.words)
        weights = 1.0 / (np.arange(VOCABULARY) + 2.7)
        self.cdf = np.cumsum(weights) / weights.sum()
        self.seed = seed
        self.stories = 1  # set to the number of indexed stories before generating copy queries

    def _indexes(self, key: tuple[int, ...], count: int) -> np.ndarray:
        rng = np.random.default_rng((self.seed, *key))
        return np.minimum(np.searchsorted(self.cdf, rng.random(count)), VOCABULARY - 1)

    def story_words(self, story: int) -> np.ndarray:
        return self._indexes((1, story), WORDS)

    def article(self, number: int, *, kind: int = 0) -> CleanArticle:
        """Article ``number`` of the corpus (kind 0), or of the query sets (kind 2: copy, 3: new)."""
        doc_id = f"{'sqn'[kind % 3] if kind else 's'}{number:06d}"
        if kind == 0 and number % STORY_EVERY == 0:
            agency = AGENCIES[(number // STORY_EVERY) % 3]
            credit = Credit(agency=agency, how="byline", text=f"By {agency} staff")
            return _article(doc_id, self.words[self.story_words(number // STORY_EVERY)], f"{agency} wire", (credit,))
        rng = np.random.default_rng((self.seed, kind + 2, number))
        words = self._indexes((kind + 3, number), WORDS)
        copies = kind == 2 or (kind == 0 and rng.random() < COPY_SHARE)
        if copies:
            stories = max(1, number // STORY_EVERY) if kind == 0 else self.stories
            story = self.story_words(int(rng.integers(0, stories)))
            start = int(rng.integers(0, WORDS - PASSAGE_WORDS))
            passage = story[start : start + PASSAGE_WORDS].copy()
            passage[rng.integers(0, PASSAGE_WORDS, size=2)] = rng.integers(0, VOCABULARY, size=2)  # light edits
            words[200 : 200 + PASSAGE_WORDS] = passage
        return _article(doc_id, self.words[words], f"Outlet {number % 97}", ())


def _article(doc_id: str, words: np.ndarray, outlet: str, credits: tuple[Credit, ...]) -> CleanArticle:
    """Sentences of 10-25 words, paragraphs of about 60 words (boundaries fixed by the id)."""
    rng = np.random.default_rng([ord(c) for c in doc_id])
    sentences, start = [], 0
    while start < len(words):
        end = min(len(words), start + int(rng.integers(10, 26)))
        sentence = " ".join(words[start:end])
        sentences.append(sentence[:1].upper() + sentence[1:] + ".")
        start = end
    paragraphs = tuple(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
    return CleanArticle(id=doc_id, source=f"synthetic:{doc_id}", kind="text",
                        metadata=Metadata(outlet=outlet, credits=credits), paragraphs=paragraphs)


# --- building -------------------------------------------------------------------------


def corpus(generator: Generator, start: int, stop: int) -> Iterator[tuple[CleanArticle, None]]:
    for number in range(start, stop):
        yield generator.article(number), None


def timed_add(store: Store, generator: Generator, start: int, stop: int, settings: Settings, batch: int) -> float:
    """Articles/s adding articles start..stop (entries computed and stored)."""
    began = time.perf_counter()
    add_articles(store, corpus(generator, start, stop), Indexer(index_parameters(settings.reuse)), batch_size=batch)
    return (stop - start) / (time.perf_counter() - began)


def index_name(size: int, settings: Settings) -> str:
    """``index_SIZE_FINGERPRINT``: indexes built with other [reuse] index settings are other files."""
    record = json.dumps(parameters_record(index_parameters(settings.reuse)), sort_keys=True)
    return f"index_{size}_{blake3(record.encode()).hexdigest()[:8]}"


def ensure_index(size: int, generator: Generator, settings: Settings) -> tuple[Store, dict]:
    """The cached index of ``size`` articles, built (or its build resumed) when needed."""
    OUT.mkdir(parents=True, exist_ok=True)
    name = index_name(size, settings)
    path, record_path = OUT / f"{name}.sqlite", OUT / f"{name}.json"
    store = open_index(path, settings, create=True)
    record = json.loads(record_path.read_text()) if record_path.exists() else {"chunks": []}
    have = store.count()
    step = max(1000, size // 10)
    while have < size:
        stop = min(size, (have // step + 1) * step)
        rate = timed_add(store, generator, have, stop, settings, batch=DEFAULT_BATCH)
        record["chunks"].append({"upto": stop, "articles_per_s": round(rate, 1), "batch": DEFAULT_BATCH})
        record_path.write_text(json.dumps(record, indent=1))
        print(f"  built {stop}/{size} ({rate:.0f} articles/s)", file=sys.stderr)
        have = store.count()
    return store, record


# --- measuring ------------------------------------------------------------------------


def lookup_seconds(store: Store, article: CleanArticle, settings: Settings, bounded: bool) -> tuple[float, int]:
    indexer = Indexer(index_parameters(settings.reuse))
    entry = indexer.entry(article)
    reuse = settings.reuse if bounded else settings.replace("reuse.candidates", max_df=10**9).reuse
    began = time.perf_counter()
    with store.snapshot():
        found = find_candidates(store, entry, reuse, None)
    return time.perf_counter() - began, len(found.numbers)


def brute_force(store: Store, article: CleanArticle, settings: Settings) -> tuple[float, set[int]]:
    """Scan every stored shingle posting (no index use) for the query's shingles."""
    entry = Indexer(index_parameters(settings.reuse)).entry(article)
    keys = json.dumps(entry.shingles.view(np.int64).tolist())
    began = time.perf_counter()
    rows = store.connection.execute(  # type: ignore[attr-defined]
        "SELECT doc, count(*) FROM shingles WHERE +hash IN (SELECT value FROM json_each(?)) GROUP BY doc", (keys,)
    ).fetchall()
    found = {doc for doc, count in rows if count >= settings.reuse.candidates.min_shared_shingles}
    return time.perf_counter() - began, found


def measure_queries(store: Store, generator: Generator, settings: Settings, queries: int, kind: int) -> dict:
    indexer = Indexer(index_parameters(settings.reuse))
    articles = [generator.article(n, kind=kind) for n in range(queries)]
    query_index(store, articles[0], settings, indexer)  # warm up
    totals, lookups, unbounded, partners, candidates = [], [], [], [], []
    for article in articles:
        began = time.perf_counter()
        answer = query_index(store, article, settings, indexer)
        totals.append(time.perf_counter() - began)
        partners.append(len(answer.articles) - 1)
        seconds, count = lookup_seconds(store, article, settings, bounded=True)
        lookups.append(seconds)
        candidates.append(count)
        unbounded.append(lookup_seconds(store, article, settings, bounded=False)[0])
    return {"total": totals, "lookup": lookups, "unbounded": unbounded, "partners": partners, "candidates": candidates}


def recall(store: Store, generator: Generator, settings: Settings, count: int) -> tuple[float, float]:
    """Brute-force scan time and the share of its shingle candidates the index lookup finds."""
    seconds, found, missed = [], 0, 0
    for number in range(count):
        article = generator.article(number, kind=2)
        took, exact = brute_force(store, article, settings)
        seconds.append(took)
        entry = Indexer(index_parameters(settings.reuse)).entry(article)
        with store.snapshot():
            indexed = set(find_candidates(store, entry, settings.reuse, None).numbers)
        found += len(exact & indexed)
        missed += len(exact - indexed)
    return statistics.median(seconds), found / max(1, found + missed)


def ms(values: list[float], quantile: float = 0.5) -> str:
    return f"{1000 * float(np.quantile(values, quantile)):.1f}"


def written_bytes() -> int:
    """Bytes this process has caused to be written to storage (Linux; 0 elsewhere)."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("write_bytes")), 0)


def add_throughput(generator: Generator, settings: Settings, articles: int) -> list[tuple[str, float, float]]:
    """(label, articles/s, MB written an article) into a fresh index, with the CLI's batch and one a transaction."""
    results = []
    for label, batch in ((f"batch of {DEFAULT_BATCH} (index add)", DEFAULT_BATCH),
                         ("one transaction an article (baseline)", 1)):
        path = OUT / f"throughput_{batch}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        store = open_index(path, settings, create=True)
        before = written_bytes()
        rate = timed_add(store, generator, 0, articles, settings, batch)
        results.append((label, rate, (written_bytes() - before) / articles / 1e6))
        store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--throughput-articles", type=int, default=1000)
    parser.add_argument("--brute-force", type=int, default=3, help="queries checked by a full scan")
    parser.add_argument("--shingle-sample", type=int, default=None, help="override [reuse.candidates] shingle_sample")
    args = parser.parse_args()
    settings = load_settings()
    if args.shingle_sample is not None:
        settings = settings.replace("reuse.candidates", shingle_sample=args.shingle_sample)
    print(f"index parameters: {json.dumps(parameters_record(index_parameters(settings.reuse)), sort_keys=True)}")
    generator = Generator()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"add throughput, {args.throughput_articles} articles into a fresh index")
    for label, rate, megabytes in add_throughput(generator, settings, args.throughput_articles):
        print(f"  {label:<40} {rate:8.0f} articles/s {megabytes:8.2f} MB written an article", flush=True)
    header = (f"{'articles':>9} {'queries':<5} {'lookup ms':>10} {'p95':>6} {'no-df ms':>9} {'query ms':>9} {'p95':>6}"
              f" {'cands':>6} {'partners':>8} {'scan ms':>8} {'recall':>7} {'MB+WAL':>7}")
    print(header, flush=True)
    for size in args.sizes:
        store, record = ensure_index(size, generator, settings)
        generator.stories = size // STORY_EVERY
        scan, found = recall(store, generator, settings, args.brute_force)
        megabytes = store.stats().file_bytes / 1e6
        for kind, name in ((2, "copy"), (3, "new")):
            got = measure_queries(store, generator, settings, args.queries, kind)
            print(f"{size:>9} {name:<7} {ms(got['lookup']):>10} {ms(got['lookup'], .95):>6} "
                  f"{ms(got['unbounded']):>9} {ms(got['total']):>9} {ms(got['total'], .95):>6} "
                  f"{statistics.mean(got['candidates']):>6.1f} {statistics.mean(got['partners']):>8.1f} "
                  f"{1000 * scan:>8.0f} {found:>7.0%} {megabytes:>7.0f}", flush=True)
        rates = ", ".join(f"{c['upto']}: {c['articles_per_s']:.0f}/s" for c in record["chunks"])
        print(f"  (index of {size} built at, articles/s up to: {rates or 'n/a'})", flush=True)
        store.close()


if __name__ == "__main__":
    main()
