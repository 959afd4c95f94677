"""Peak memory and time of ``clean``, ``diff`` and ``reuse`` when a corpus holds a few huge documents.

    .venv/bin/python bench/huge_documents.py [--sizes 5 20 45] [--pair-sizes 5] [--max-words N]
        [--cap-gb 6] [--timeout 240] [--only clean diff reuse]

Each case runs the real command line (``srccompare.cli.entry_point``) in a
subprocess of its own, stdout to /dev/null, under an address-space cap
(``--cap-gb``, so a blow-up ends in a MemoryError instead of the machine's
OOM killer); the table gives its exit status, seconds, the peak resident
memory of the main process (``getrusage`` SELF) and of the largest worker
process (CHILDREN), and the last line it wrote on stderr. A case over
``--timeout`` is killed and its memory read from /proc (VmHWM) just before.

Cases: (a) the five seeds alone (the baseline, in the same run); (b) the
seeds with one huge plain-text article of each size (and all of them
together for reuse); (c) ``diff`` of a huge document against a revised copy
of itself. The huge documents are real prose: the English article bodies of
the ScrapingHub benchmark (../shared/eval/scrapinghub, MIT), paragraphs
shuffled anew in each repetition and one lower-case word in four swapped for
another word of the same text (so n-grams do not simply repeat, while the
word frequencies, sentences and paragraphs stay those of news); one seed
(003, AFP copy) is planted whole in the middle so reuse has a passage to find.
The revised copy drops one paragraph in 20 and changes one word in 20 of one
paragraph in 5. Documents are written once into bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "huge"
SEEDS = ROOT / "seeds"
PLANTED = SEEDS / "003_e9706742b5579535.txt"
TRAINING = ROOT.parent / "shared" / "eval" / "scrapinghub" / "ground-truth.json"
LOWER_WORD = re.compile(r"[a-z]+")


# --- the documents ---------------------------------------------------------------------------------

def english_paragraphs() -> list[str]:
    bodies = [item["articleBody"] for item in json.loads(TRAINING.read_text(encoding="utf-8")).values()]
    english = [body for body in bodies if body and sum(ch.isascii() for ch in body) / len(body) > 0.97]
    return [" ".join(part.split()) for body in english for part in body.split("\n") if len(part.split()) >= 8]


def varied(paragraph: str, words: np.ndarray, rng: np.random.Generator, share: float) -> str:
    """The paragraph with about ``share`` of its lower-case words swapped for words drawn from ``words``."""
    tokens = paragraph.split(" ")
    for position in np.flatnonzero(rng.random(len(tokens)) < share):
        if LOWER_WORD.fullmatch(tokens[position]):
            tokens[position] = str(words[rng.integers(len(words))])
    return " ".join(tokens)


def huge_text(megabytes: float, seed: int) -> str:
    """About ``megabytes`` MB of prose in paragraphs, the planted seed in the middle."""
    pool = english_paragraphs()
    words = np.array([w for p in pool for w in p.split(" ") if LOWER_WORD.fullmatch(w)])
    rng = np.random.default_rng(seed)
    out: list[str] = []
    size, target = 0, int(megabytes * 1_000_000)
    while size < target:
        for index in rng.permutation(len(pool)):
            paragraph = varied(pool[index], words, rng, 0.25)
            out.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 2
            if size >= target:
                break
    out.insert(len(out) // 2, PLANTED.read_text(encoding="utf-8").strip())
    return "\n\n".join(out) + "\n"


def revised(text: str, seed: int) -> str:
    """A second version: one paragraph in 20 dropped, one in 5 with one word in 20 changed."""
    rng = np.random.default_rng(seed)
    paragraphs = text.split("\n\n")
    words = np.array([w for p in paragraphs[:2000] for w in p.split(" ") if LOWER_WORD.fullmatch(w)])
    kept = [p for p in paragraphs if rng.random() >= 0.05]
    return "\n\n".join(varied(p, words, rng, 0.05) if rng.random() < 0.2 else p for p in kept)


def document(megabytes: float, revision: bool = False) -> Path:
    path = OUT / f"huge-{megabytes:g}mb{'-revised' if revision else ''}.txt"
    if not path.is_file():
        OUT.mkdir(parents=True, exist_ok=True)
        seed = int(megabytes * 10)
        text = document(megabytes).read_text(encoding="utf-8") if revision else huge_text(megabytes, seed)
        path.write_text(revised(text, seed + 1) if revision else text, encoding="utf-8")
    return path


def corpus_dir(name: str, extra: list[Path]) -> Path:
    """A directory of the seeds and ``extra`` (symlinks), as reuse reads a corpus."""
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    for path in [*sorted(SEEDS.glob("*.txt")), *extra]:
        link = folder / path.name
        if not link.exists():
            link.symlink_to(path)
    return folder


# --- the cases ----------------------------------------------------------------------------------------

def cases(sizes: list[float], pair_sizes: list[float], commands: list[str], max_words: int) -> list[tuple[str, str, list[str]]]:
    """(command, what, argv) for every case, the baseline first; all under ``--max-words max_words``."""
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    huge = {mb: str(document(mb)) for mb in sizes}
    found: list[tuple[str, str, list[str]]] = [
        ("clean", "seeds", ["clean", "--format", "json", *seeds]),
        ("diff", "seed vs seed", ["diff", "--format", "json", seeds[3], seeds[4]]),
        ("reuse", "seeds", ["reuse", "--format", "json", str(SEEDS)]),
    ]
    for mb in sizes:
        found.append(("clean", f"seeds + {mb:g} MB", ["clean", "--format", "json", *seeds, huge[mb]]))
        found.append(("diff", f"seed vs {mb:g} MB", ["diff", "--format", "json", seeds[3], huge[mb]]))
        found.append(("reuse", f"seeds + {mb:g} MB", ["reuse", "--format", "json", str(corpus_dir(f"seeds-{mb:g}", [Path(huge[mb])]))]))
    if len(sizes) > 1:
        together = corpus_dir("seeds-" + "-".join(f"{mb:g}" for mb in sizes), [Path(huge[mb]) for mb in sizes])
        found.append(("reuse", "seeds + " + " + ".join(f"{mb:g}" for mb in sizes) + " MB", ["reuse", "--format", "json", str(together)]))
    for mb in pair_sizes:
        pair = [str(document(mb)), str(document(mb, True))]
        found.append(("diff", f"{mb:g} MB vs its revision", ["diff", "--format", "json", *pair]))
        found.append(("reuse", f"{mb:g} MB + its revision", ["reuse", "--format", "json", *pair]))
    limit = ["--max-words", str(max_words)]
    return [(command, what, limit + argv) for command, what, argv in found if command in commands]


def child(argv: list[str], cap_gb: float) -> None:
    """Run one command line here, capped, and print what it cost as JSON on the real stdout."""
    cap = int(cap_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    report = os.fdopen(os.dup(1), "w")
    errors = tempfile.TemporaryFile("w+")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(errors.fileno(), 2)
    from srccompare.cli import entry_point

    started = time.perf_counter()
    try:
        entry_point(argv)
        status = 0
    except SystemExit as done:
        status = done.code if isinstance(done.code, int) else 0
    except MemoryError:
        status = "MemoryError"
    seconds = time.perf_counter() - started
    sys.stderr.flush()
    errors.seek(0)
    lines = [line.strip() for line in errors.read().splitlines() if line.strip()]
    report.write(json.dumps({
        "status": status, "seconds": seconds,
        "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "stderr": lines[-1] if lines else "",
    }) + "\n")
    report.flush()


def peak_of_tree(pid: int) -> float:
    """VmHWM (peak resident MB) of the process and its children, the largest."""
    peaks = []
    for proc in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{proc}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")]
    return max(peaks, default=float("nan"))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [grand for child in found for grand in _children(child)]


def measure(argv: list[str], cap_gb: float, timeout: float) -> dict[str, object]:
    command = [sys.executable, __file__, "--cap-gb", str(cap_gb), "--child", json.dumps(argv)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        peak = peak_of_tree(process.pid)
        for pid in [*_children(process.pid), process.pid]:
            os.kill(pid, 9)
        process.communicate()
        return {"status": "timeout", "seconds": time.perf_counter() - started, "main_mb": peak, "worker_mb": float("nan"),
                "stderr": f"killed after {timeout:.0f} s (peak of the process tree so far)"}
    if not out.strip():
        return {"status": process.returncode, "seconds": time.perf_counter() - started, "main_mb": float("nan"),
                "worker_mb": float("nan"), "stderr": (err.strip().splitlines() or [""])[-1]}
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 20, 45], help="huge document sizes in MB")
    parser.add_argument("--pair-sizes", type=float, nargs="*", default=[5],
                        help="sizes in MB of the (c) cases: a huge document against its revision")
    parser.add_argument("--max-words", type=int, default=10**9,
                        help="limits.max_words for every case (default: lifted, to see what the limit guards against)")
    parser.add_argument("--cap-gb", type=float, default=6.0, help="address-space cap of each case")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds before a case is killed")
    parser.add_argument("--only", nargs="+", default=["clean", "diff", "reuse"], choices=["clean", "diff", "reuse"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.child), args.cap_gb)
        return 0
    print(f"{'command':7} {'case':28} {'status':>11} {'seconds':>8} {'main MB':>8} {'worker MB':>9}  last stderr line")
    print(f"(every case with --max-words {args.max_words:,}; address space capped at {args.cap_gb:g} GB)")
    for command, what, argv in cases(args.sizes, args.pair_sizes, args.only, args.max_words):
        m = measure(argv, args.cap_gb, args.timeout)
        print(f"{command:7} {what:28} {str(m['status']):>11} {m['seconds']:8.1f} {m['main_mb']:8.0f} "
              f"{m['worker_mb']:9.0f}  {str(m['stderr'])[:110]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
