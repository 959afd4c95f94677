"""Time and peak memory of ``reuse`` on a corpus of long articles, with and without the cap on
fuzzy sentence seeds (``reuse.align.max_sentence_pairs``).

    .venv/bin/python bench/long_articles.py [--articles 200] [--words 3000 12000 24000 48000]
        [--workers 2] [--timeout 600] [--cap-gb 6] [--uncapped-up-to 12000]

Corpus: ``--articles`` articles of each length in ``--words`` (words and punctuation tokens,
under the default limits.max_words of 50,000) from bench/synthetic_corpus.py's Markov chain over
real news prose, each carrying 1-3 edited copies of one of ``articles / 10`` wire stories (also in
the corpus). Long random prose shares many chance phrases, so nearly every pair of long articles
is a candidate and is aligned: the case that went quadratic (issue 24: 200 articles of 48,000
words had not finished after 480 s; 10 took 17 s, 20 took 65 s).

Each case is the real command line, ``srccompare reuse --workers N --format json DIR`` (default
limits), in a subprocess of its own under an address-space cap (bench/huge_documents.py's
``measure``: peak resident memory of the main process and of the largest worker). Rows:

- capped: the defaults (a pair of more than max_sentence_pairs sentence pairs gets exact seeds only);
- uncapped (the baseline, in the same run): every pair's sentences compared, as before the cap,
  run for lengths up to ``--uncapped-up-to`` (beyond, it is the quadratic case itself).

The corpora are written once into bench/out/long/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from huge_documents import measure  # noqa: E402
from synthetic_corpus import BigramChain, build_corpus  # noqa: E402

OUT = HERE / "out" / "long"


def corpus(articles: int, words: int) -> Path:
    """A folder of ``articles`` plain-text articles of about ``words`` tokens, and their wire stories."""
    folder = OUT / f"{articles}x{words}"
    done = OUT / f"{articles}x{words}.done"
    if done.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    # The chain counts sentence ends as words: 48,000 of its tokens make 43,300 words.
    built = build_corpus(BigramChain.from_scrapinghub(), articles, max(4, articles // 10), 1,
                         words=int(words * 1.107), plant_counts=(1, 2, 3))
    for article in built.articles:
        (folder / f"{article.id}.txt").write_text(article.body + "\n", encoding="utf-8")
    done.write_text("")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--words", type=int, nargs="+", default=[3000, 12000, 24000, 48000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--cap-gb", type=float, default=6.0)
    parser.add_argument("--uncapped-up-to", type=int, default=12000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    uncapped = OUT / "uncapped.toml"
    uncapped.write_text("[reuse.align]\nmax_sentence_pairs = 1_000_000_000_000\n", encoding="utf-8")
    print(f"{args.articles} articles a row, {args.workers} workers; address space capped at {args.cap_gb:g} GB")
    print(f"{'words':>6} {'settings':9} {'status':>8} {'seconds':>8} {'main MB':>8} {'worker MB':>9}  last stderr line")
    for words in args.words:
        folder = corpus(args.articles, words)
        sizes = [len(path.read_text(encoding="utf-8").split()) for path in sorted(folder.glob("art*.txt"))[:20]]
        runs = [("capped", [])] + ([("uncapped", ["--config", str(uncapped)])] if words <= args.uncapped_up_to else [])
        for name, config in runs:
            argv = [*config, "reuse", "--workers", str(args.workers), "--format", "json", str(folder)]
            m = measure(argv, args.cap_gb, args.timeout)
            print(f"{int(np.mean(sizes)):>6} {name:9} {str(m['status']):>8} {m['seconds']:8.1f} {m['main_mb']:8.0f} "
                  f"{m['worker_mb']:9.0f}  {str(m['stderr'])[:90]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
