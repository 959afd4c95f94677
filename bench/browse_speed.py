"""How fast ``srccompare browse`` shows a 600-article corpus on one event, and how fast its tables answer.

The corpus: 600 JSON Lines articles from bench/synthetic_news.py's writer,
most outlets carrying a few paragraphs of one of four wire stories (so
pairs run to thousands, as on a day's coverage of one event). Two tables:

1. Launch, in a pseudo-terminal at 160x45 (as bench/tui_startup.py does):
   "first screen" is when the TUI first paints (its header), "articles" when
   the articles show by name while their reuse is found ("computing shared
   passages…"), "table ready" when the pair table shows its rows sorted
   ("shared words ▼"). First open: ``--fresh`` (the reuse found, not taken
   from the result cache); second open: the same corpus again (from the
   cache). Baselines in the same run: a minimal Textual app's first paint
   (the floor for the first screen) and ``srccompare reuse --format csv``
   into a pipe, start to finish (the same reading, cleaning and finding: the
   floor for the table's first open), with --workers 2 as browse is given and
   with --workers 1, the one process browse finds a corpus this small in
   (reuse.engine.one_process_characters). The caches live in a temporary
   XDG_CACHE_HOME, not the user's; srccompare's bytecode is compiled first,
   as an installed package's is.
2. In the TUI (Textual's test harness, the corpus already processed): a
   search, a filter and a sort over every pair, each until the screen is
   idle again; baselines: the same wait when nothing changes, and filling a
   Textual DataTable with the same pairs' rows, which the table used to do
   (and capped at 2,000 rows for that).

Goals (issue 23): first screen < 1 s, table ready < 4 s. Run from the
repository root:

    .venv/bin/python bench/browse_speed.py [--articles 600] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_news import Writer, _agency_record, _outlet_record, _wire_story, write_jsonl  # noqa: E402
from tui_startup import MINIMAL_APP, PYTHON, ROOT, launch_in_terminal, run_to_end  # noqa: E402

STORIES = 4  # wire stories the day's coverage carries


def one_event(count: int, seed: int = 3) -> list[dict]:
    """``count`` records: four wire stories and outlet articles, about half carrying one of them."""
    writer = Writer(seed)
    stories = [_wire_story(writer, number) for number in range(STORIES)]
    records = [_agency_record(story) for story in stories]
    while len(records) < count:
        records.append(_outlet_record(writer, len(records), stories))
    random.Random(seed).shuffle(records)
    return records


def launch_table(corpus: Path, runs: int) -> None:
    browse = [PYTHON, "-m", "srccompare", "browse", "--workers", "2", str(corpus)]
    reuse = [PYTHON, "-m", "srccompare", "reuse", "--workers", "2", "--format", "csv", str(corpus)]
    one_process = [PYTHON, "-m", "srccompare", "reuse", "--workers", "1", "--format", "csv", str(corpus)]
    marks = [b"srccompare browse", "computing shared passages…".encode(), "shared words ▼".encode()]
    nothing = float("nan")
    measurements = {
        "browse, first open (--fresh)": lambda: launch_in_terminal(browse[:4] + ["--fresh"] + browse[4:], marks,
                                                                   size=(160, 45), timeout=120),
        "browse, second open (cached)": lambda: launch_in_terminal(browse, marks, size=(160, 45), timeout=120),
        "minimal Textual app": lambda: launch_in_terminal([PYTHON, "-c", MINIMAL_APP], [b"minimal-app-painted"])
        + [nothing, nothing],
        "reuse --format csv | pipe": lambda: [nothing, nothing, run_to_end(reuse)],
        "reuse --workers 1 --format csv | pipe": lambda: [nothing, nothing, run_to_end(one_process)],
    }
    print(f"{'launch (median of %d), seconds' % runs:<38} {'first screen':>12} {'articles':>9} {'table ready':>12}")
    results: dict[str, list[list[float]]] = {name: [] for name in measurements}
    for _ in range(runs):  # interleaved: the machine's load falls on every row alike
        for name, measure in measurements.items():
            results[name].append(measure())
    for name, found in results.items():
        first, articles, ready = (statistics.median(r[column] for r in found) for column in range(3))
        print(f"{name:<38} {first:>12.2f} {articles:>9.2f} {ready:>12.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def interaction_table(corpus: Path, runs: int) -> None:
    from srccompare.cli.browse import find_in
    from srccompare.ingest.corpus import load_corpus
    from srccompare.settings import load_settings
    from srccompare.tui.browse_app import BrowseApp

    settings = load_settings()
    processed = find_in(load_corpus([str(corpus)], [], settings), settings, 2, lambda *_: None)
    timings: dict[str, list[float]] = {}

    async def timed(name: str, pilot, action) -> None:
        start = time.perf_counter()
        action()
        await pilot.pause()
        timings.setdefault(name, []).append(time.perf_counter() - start)

    async def session() -> None:
        app = BrowseApp(lambda progress: processed, settings)
        async with app.run_test(size=(160, 45)) as pilot:
            await app.workers.wait_for_complete()
            screen = app.screen
            while screen.data is None:
                await pilot.pause()
            articles, pairs = screen.tables()
            await timed("baseline: nothing changes (one repaint)", pilot, lambda: None)
            await timed("build the screen's data (in the worker)", pilot, lambda: screen.data.build(processed))
            await timed("search \"associated\" (names and text)", pilot, lambda: screen.set_filter(query="associated"))
            await timed("clear the search", pilot, lambda: screen.set_filter(query=""))
            await timed("agency filter AP", pilot, lambda: screen.set_filter(agency="AP"))
            await timed("every filter off", pilot, lambda: screen.set_filter(agency=None))
            await timed("sort every pair by left article", pilot, lambda: pairs.sort_by("left"))
            await timed("sort every pair by shared words", pilot, lambda: pairs.sort_by("words"))
            baseline = await datatable_fill(app, pilot, screen)
            timings.setdefault(f"baseline: DataTable.add_rows, {baseline[1]:,} rows", []).append(baseline[0])

    for _ in range(runs):
        asyncio.run(session())
    print(f"\n{len(processed.result.pairs):,} pairs, {len(processed.articles):,} articles")
    print(f"{'in the TUI (median of %d), seconds' % runs:<50} {'time':>8}")
    for name, values in timings.items():
        print(f"{name:<50} {statistics.median(values):>8.3f}")


async def datatable_fill(app, pilot, screen) -> tuple[float, int]:
    """Seconds to fill a DataTable with every pair's cells (what the old pair table did, up to 2,000)."""
    from textual.widgets import DataTable

    table = DataTable()
    await screen.mount(table)
    cells = screen.tables()[1].cells
    start = time.perf_counter()
    for column in ("left", "right", "words", "passages", "kind", "sim."):
        table.add_column(column, key=column)
    table.add_rows([tuple(cells(rank)) for rank in range(len(screen.data.pairs))])
    await pilot.pause()
    seconds = time.perf_counter() - start
    await table.remove()
    return seconds, len(screen.data.pairs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    # Each launch imports srccompare's modules from their bytecode, as from an installed package (pip
    # compiles it); under PYTHONDONTWRITEBYTECODE an editable install would compile ~100 modules anew
    # every launch (0.1-0.2 s of CPU), which no user's launch pays.
    compileall.compile_dir(ROOT / "srccompare", quiet=1)
    with tempfile.TemporaryDirectory(prefix="srccompare-browse-bench-") as directory:
        corpus = write_jsonl(one_event(args.articles), Path(directory) / "one_event.jsonl")
        os.environ["XDG_CACHE_HOME"] = str(Path(directory) / "cache")  # for the commands launched, and find_in here
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.articles} articles, "
              f"{STORIES} wire stories; srccompare's bytecode compiled beforehand")
        launch_table(corpus, args.runs)
        interaction_table(corpus, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
