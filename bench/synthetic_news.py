"""A synthetic news corpus with planted agency copy, for the engine comparison and its test.

Articles are JSON Lines records (id, text, outlet, title, date, url) the way a
crawl export looks. Each outlet writes its own filler prose (pseudo-words, so
nothing is shared by accident) and a footer line repeated under all its
articles (outlet boilerplate for the cleaner). Agencies (Reuters, AFP, AP)
publish wire stories; about half of the outlets' articles carry a few
paragraphs of one, lightly edited (a word changed here and there), credited
(dateline or credit line) or not. Popular stories are carried by many outlets,
so families and document frequencies have a realistic skew. The five seed
articles can be added for real text. Everything is seeded: the same arguments
give the same corpus.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "an", "qu", "es", "bri", "ont", "zu", "ha",
             "gre", "tos", "ul", "mer")
STOP_WORDS = ("the", "of", "and", "to", "in", "a", "said", "on", "for", "was")
AGENCIES = (("Reuters", "WASHINGTON (Reuters) - ", "Reuters contributed to this report."),
            ("AFP", "PARIS (AFP) - ", "(Reporting by AFP staff; editing by the AFP desk)"),
            ("AP", "NEW YORK (AP) - ", "The Associated Press contributed to this report."))
OUTLETS = 25
ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class Writer:
    """Sentence-like prose from a seeded generator over a fixed pseudo-word vocabulary."""

    def __init__(self, seed: int, vocabulary_size: int = 6000) -> None:
        self.rng = random.Random(seed)
        words: set[str] = set()
        vocab_rng = random.Random(7)
        while len(words) < vocabulary_size:
            words.add("".join(vocab_rng.choice(SYLLABLES) for _ in range(vocab_rng.randint(2, 4))))
        self.words = sorted(words)

    def sentence(self) -> str:
        words = [self.rng.choice(STOP_WORDS) if self.rng.random() < 0.2 else self.rng.choice(self.words)
                 for _ in range(self.rng.randint(8, 22))]
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))

    def edit(self, paragraph: str) -> str:
        """The paragraph with a word replaced now and then (copy desks edit wire copy)."""
        words = paragraph.split(" ")
        for _ in range(self.rng.randint(0, 2)):
            position = self.rng.randrange(1, len(words) - 1)
            words[position] = self.rng.choice(self.words)
        return " ".join(words)


def synthetic_corpus(count: int, seed: int = 1, *, with_seeds: bool = True) -> list[dict]:
    """``count`` article records (plus the five seeds when asked), in a shuffled order."""
    writer = Writer(seed)
    stories = [_wire_story(writer, number) for number in range(max(1, count // 12))]
    records = [_agency_record(story) for story in stories]
    while len(records) < count:
        records.append(_outlet_record(writer, len(records), stories))
    if with_seeds:
        records += list(seed_records())
    writer.rng.shuffle(records)
    return records


def _wire_story(writer: Writer, number: int) -> dict:
    agency, dateline, credit_line = AGENCIES[number % len(AGENCIES)]
    paragraphs = [writer.paragraph() for _ in range(writer.rng.randint(4, 7))]
    return {"number": number, "agency": agency, "dateline": dateline, "credit": credit_line, "paragraphs": paragraphs}


def _agency_record(story: dict) -> dict:
    paragraphs = list(story["paragraphs"])
    paragraphs[0] = story["dateline"] + paragraphs[0]
    return _record(f"wire-{story['number']:05d}", story["agency"], paragraphs, story["number"])


def _outlet_record(writer: Writer, number: int, stories: list[dict]) -> dict:
    rng = writer.rng
    outlet = f"Outlet {number % OUTLETS:02d}"
    paragraphs = [writer.paragraph() for _ in range(rng.randint(3, 6))]
    if rng.random() < 0.5:
        story = stories[int(len(stories) * rng.random() ** 1.5)]  # a few stories are carried widely
        start = rng.randrange(0, len(story["paragraphs"]) - 1)
        taken = [writer.edit(p) for p in story["paragraphs"][start : start + rng.randint(2, 4)]]
        credit = rng.random()
        if credit < 0.3:
            taken[0] = story["dateline"] + taken[0]
        elif credit < 0.5:
            taken.append(story["credit"])
        paragraphs[1:1] = taken
    paragraphs.append(f"Follow {outlet} on social media for more news.")
    return _record(f"art-{number:06d}", outlet, paragraphs, number)


def _record(doc_id: str, outlet: str, paragraphs: list[str], number: int) -> dict:
    slug = outlet.lower().replace(" ", "")
    return {
        "id": doc_id,
        "text": "\n\n".join(paragraphs),
        "outlet": outlet,
        "title": paragraphs[0].split(".")[0][:80],
        "date": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}",
        "url": f"https://{slug}.example/news/{doc_id}",
    }


def seed_records() -> Iterator[dict]:
    for path in sorted(SEEDS.glob("*.txt")):
        yield {"id": path.stem, "text": path.read_text(encoding="utf-8")}


def write_jsonl(records: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
