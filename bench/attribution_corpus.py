"""A same-event corpus with planted agency copy and every attribution trap, for bench/attribution_eval.py.

Real prose only: story paragraphs come from the ground-truth article texts of
ScrapingHub's news pages (articleBody) and WCXB's dev pages (main_content);
the event's remarks (what a speaker said, tweeted, or a statement read out)
are sentences of the five seed articles (one summit, August 2020). Each base
text and each seed goes to one half only (``half`` 0 = tune, 1 = held out),
so the two halves share no prose.

Three agencies (AP, Reuters, AFP) each publish stories: a base text's
paragraphs with remarks of the event worked in (the same remarks in
different agencies' stories: two agencies covering one event). Outlets then
publish articles of these classes (``truth``):

- ``credited``: an agency story (trimmed, lightly edited) with one credit form
  of CREDIT_FORMS, behind page chrome (headline, share bar, byline, time);
- ``masked``: the same without any credit (inference must bring it back);
- ``mixed``: the outlet's own text with a few paragraphs of agency copy, uncredited;
- ``quotes``: the outlet's own text carrying the event's remarks (quoted,
  unquoted, as transcript lines, as tweets) and often the statement;
- ``photo``: the outlet's own text with agency photo credits (PHOTO_FORMS) and
  the event's widely carried captions;
- ``unnamed``: the outlet's own text under "Source: X and agencies";
- ``digest``: a page carrying the leads of several unrelated stories.

Everything is seeded: the same arguments give the same corpus.
"""

from __future__ import annotations

import glob
import json
import random
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
AGENCIES = ("AP", "Reuters", "AFP")
AGENCY_LONG = {"AP": "Associated Press", "Reuters": "Reuters", "AFP": "AFP"}
NAMES = ("Jonathan Lemire", "Jill Colvin", "Vladimir Isachenkov", "Gabriela Baczynska", "Robin Emmott",
         "Anne Kauranen", "Tom Balmforth", "Sabine Siebold", "Andrew Osborn", "Daniel Flynn", "Marie Dubois",
         "Kevin Lamarque", "Pablo Martinez Monsivais", "Alexander Zemlianichenko", "Lehtikuva Heikki Saukkomaa")
CITIES = ("HELSINKI", "BRUSSELS", "MINSK", "MOSCOW", "WASHINGTON", "VILNIUS", "BERLIN", "PARIS")
CREDIT_FORMS = ("dateline_after_chrome", "byline_list", "byline_caps_slash", "byline_fused", "signoff",
                "copyright", "source_line", "by_agency_end", "contributed")
PHOTO_FORMS = ("ap_photo", "slash", "pipe", "credit_line", "bare_line", "reuters_caps")
FORM_AGENCIES = {"signoff": ("Reuters",), "copyright": ("AP",), "byline_list": ("AP",), "byline_caps_slash": ("AP",),
                 "contributed": ("AP", "Reuters")}


@dataclass
class Article:
    id: str
    truth: str  # credited | masked | mixed | quotes | photo | unnamed | digest
    text: str
    agency: str | None = None  # the agency whose copy it carries (credited, masked, mixed)
    form: str | None = None  # the credit form (credited) or photo form (photo)
    story: str | None = None  # the agency story it carries
    stories: list[str] = field(default_factory=list)  # digests: the stories it carries


# --- real prose ------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    lines = [" ".join(line.split()) for line in re.split(r"\n\s*\n|\n", text)]
    return [line for line in lines if len(line.split()) >= 25 and line[-1:] in ".\"'”’" and not line.isupper()]


def base_texts() -> list[tuple[str, list[str]]]:
    """(key, prose paragraphs) of every ground-truth text with at least six such paragraphs."""
    found = []
    truth = json.loads((SHARED / "eval/scrapinghub/ground-truth.json").read_text(encoding="utf-8"))
    for key, record in sorted(truth.items()):
        found.append((f"sh-{key}", _paragraphs(record.get("articleBody") or "")))
    for path in sorted(glob.glob(str(SHARED / "eval/wcxb-dev/ground-truth/*.json"))):
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        found.append((f"wcxb-{Path(path).stem}", _paragraphs(record["ground_truth"].get("main_content") or "")))
    # texts that credit an agency themselves (a real AP story) would make the truth wrong
    marked = re.compile(r"\((?:AP|AFP|Reuters)\)|Associated Press|Reuters|Agence France|\bAFP\b")
    return [(key, paragraphs) for key, paragraphs in found
            if len(paragraphs) >= 6 and not any(marked.search(p) for p in paragraphs)]


def half_of(key: str) -> int:
    return zlib.crc32(key.encode()) % 2


def seed_remarks(half: int) -> list[str]:
    """Sentences of the seed articles (12-40 words) as the event's remarks; seeds 000-002 tune, 003-004 held out."""
    seeds = sorted(glob.glob(str(SHARED / "seeds/*.txt")))
    chosen = seeds[:3] if half == 0 else seeds[3:]
    remarks = []
    for path in chosen:
        text = Path(path).read_text(encoding="utf-8")
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            words = sentence.split()
            if 12 <= len(words) <= 40 and sentence[-1] == "." and sentence[0].isupper() and not re.search(
                    r"[#\[\]()*@/|]|https?:|\b[A-Z]\.[A-Z]\.$", sentence):
                remarks.append(sentence.strip("\"“”'’ "))
    return list(dict.fromkeys(remarks))


# --- the event: remarks, a statement, captions ---------------------------------------------------


@dataclass
class Event:
    remarks: list[str]
    statement: str
    captions: list[str]


def make_event(rng: random.Random, remarks: list[str], pool: list[list[str]]) -> Event:
    rng.shuffle(remarks)
    statement = pool.pop()[0]  # a real prose paragraph read out as an official statement
    captions = [" ".join(p.split()[:rng.randint(14, 24)]).rstrip(",;:") + "." for p in pool.pop()[:4]]
    return Event(remarks[:14], statement, captions)


def remark_form(rng: random.Random, remark: str, speaker: str) -> str:
    """One remark as an outlet carries it: quoted, unquoted, a transcript line, or a tweet."""
    form = rng.choice(("quoted", "quoted", "unquoted", "transcript", "tweet"))
    if form == "quoted":
        return f"\u201c{remark}\u201d {speaker} said."
    if form == "unquoted":
        return f"{speaker} said {remark[0].lower() + remark[1:]}"
    if form == "transcript":
        return f"{speaker.split()[-1].upper()}: {remark}"
    handle = "@" + speaker.split()[-1].lower()
    return f"{remark} pic.twitter.com/x{rng.randrange(10**6)}\n\n\u2014 {speaker} ({handle}) August 19, 2020"


SPEAKERS = ("Charles Michel", "Angela Merkel", "Svetlana Tsikhanouskaya", "Emmanuel Macron", "Josep Borrell")


# --- agency stories and outlets' copies ---------------------------------------------------------------


@dataclass
class Story:
    id: str
    agency: str
    paragraphs: list[str]


def make_story(rng: random.Random, story_id: str, agency: str, base: list[str], event: Event) -> Story:
    paragraphs = base[: rng.randint(6, 10)]
    for remark in rng.sample(event.remarks[:8], 3):  # the first eight remarks are what agencies quote
        speaker = rng.choice(SPEAKERS)
        paragraphs.insert(rng.randint(1, len(paragraphs)), f"\u201c{remark}\u201d {speaker} said.")
    if rng.random() < 0.5:
        paragraphs.insert(rng.randint(2, len(paragraphs)), event.statement)
    return Story(story_id, agency, paragraphs)


def edited_copy(rng: random.Random, story: Story) -> list[str]:
    """An outlet's copy: the lead kept, the tail sometimes cut, a paragraph sometimes dropped, a word changed."""
    paragraphs = list(story.paragraphs[: max(4, len(story.paragraphs) - rng.randint(0, 3))])
    if len(paragraphs) > 5 and rng.random() < 0.4:
        del paragraphs[rng.randrange(2, len(paragraphs))]
    for _ in range(rng.randint(0, 2)):
        index = rng.randrange(len(paragraphs))
        paragraphs[index] = re.sub(r"\bsaid\b", "says", paragraphs[index], count=1)
    return paragraphs


def chrome(rng: random.Random, headline: str) -> list[str]:
    """Page furniture above the story in a page's text: headline, share bar, byline, time."""
    lines = [headline]
    if rng.random() < 0.7:
        lines += rng.choice((["Share", "Tweet", "Email"], ["Facebook Twitter LinkedIn Email"], ["Share this article"]))
    if rng.random() < 0.5:
        lines.append(f"Published {rng.randint(1, 12)}:{rng.randint(10, 59)} PM ET Aug 19, 2020")
    if rng.random() < 0.4:
        lines.append(f"Updated {rng.randint(1, 12)}:{rng.randint(10, 59)} PM ET Aug 19, 2020")
    return lines


def headline_of(paragraphs: list[str]) -> str:
    return " ".join(paragraphs[0].split()[:9]).rstrip(",.;:") .title()


def credited_text(rng: random.Random, form: str, agency: str, body: list[str]) -> list[str]:
    """The article's paragraphs (chrome included) with the credit in the given form."""
    long = AGENCY_LONG[agency]
    names = rng.sample(NAMES[:11], 3)
    top = chrome(rng, headline_of(body))
    body = list(body)
    if form == "dateline_after_chrome":
        top.append(f"By {names[0]}")
        sep = {"Reuters": " - ", "AP": " \u2014 ", "AFP": " - "}[agency]
        body[0] = f"{rng.choice(CITIES)} ({'Reuters' if agency == 'Reuters' else agency}){sep}{body[0]}"
    elif form == "byline_list":
        top.insert(1, f"{names[0]}, {names[1]} and {names[2]}, {long}")
    elif form == "byline_caps_slash":
        top.insert(1, f"By {names[0].upper()} and {names[1].upper()} / {long}")
    elif form == "byline_fused":
        top.append(f"By {names[0]}, {long}Published {rng.randint(1, 12)}:{rng.randint(10, 59)} p.m. ET Aug. 19, 2020")
    elif form == "signoff":
        body.append(f"Reporting by {names[0]} in Helsinki, additional reporting by {names[1]}; Editing by {names[2]}")
    elif form == "copyright":
        body.append(f"Copyright 2020 The {long}. All rights reserved. This material may not be published, broadcast, "
                    "rewritten or redistributed.")
    elif form == "source_line":
        body.append(f"Source: {agency}")
    elif form == "by_agency_end":
        body.append(rng.choice((f"\u2014 {agency}", f"- {agency}", f"({agency})", f"With {agency}")))
    elif form == "contributed":
        body.append(f"The {long} contributed to this report." if agency == "AP" else f"{long} contributed to this report.")
    return top + body


def photo_lines(rng: random.Random, form: str, agency: str, caption: str) -> list[str]:
    """A caption with an agency photo credit, the way pages print them."""
    name = rng.choice(NAMES[11:])
    if form == "ap_photo":
        return [f"{caption} ({agency} Photo/{name})"]
    if form == "slash":
        return [f"{caption} {name} / {agency}"]
    if form == "pipe":
        return [f"{caption} {name} | {agency}"]
    if form == "credit_line":
        return [caption, f"Credit: {name}/{agency}"]
    if form == "bare_line":
        return [caption, agency]
    return [f"{caption} {agency.upper()}/{name}"]


# --- the corpus -----------------------------------------------------------------------------------


@dataclass
class Plan:
    stories_per_agency: int = 3
    credited_per_story: int = 5
    masked_per_story: int = 4
    mixed: int = 24
    quotes: int = 60
    photo: int = 40
    unnamed: int = 10
    digests: int = 8


def build_corpus(half: int, seed: int, plan: Plan | None = None) -> tuple[list[Article], Event]:
    plan = plan or Plan()
    rng = random.Random(seed)
    pool = [paragraphs for key, paragraphs in base_texts() if half_of(key) == half]
    rng.shuffle(pool)
    event = make_event(rng, seed_remarks(half), pool)
    stories = [make_story(rng, f"{agency}-{n}", agency, pool.pop(), event)
               for agency in AGENCIES for n in range(plan.stories_per_agency)]
    articles: list[Article] = []
    counter = iter(range(10**6))

    def add(truth: str, paragraphs: list[str], **known: object) -> None:
        articles.append(Article(f"h{half}-{next(counter):04d}-{truth}", truth, "\n\n".join(paragraphs), **known))  # type: ignore[arg-type]

    forms = iter(range(10**6))
    for story in stories:
        for _ in range(plan.credited_per_story):
            form = _form_for(story.agency, forms)
            add("credited", credited_text(rng, form, story.agency, edited_copy(rng, story)),
                agency=story.agency, form=form, story=story.id)
        for _ in range(plan.masked_per_story):
            body = edited_copy(rng, story)
            add("masked", chrome(rng, headline_of(body)) + body, agency=story.agency, story=story.id)
    for _ in range(plan.mixed):
        story, own = rng.choice(stories), pool.pop()
        taken = agency_chunk(rng, story, event)
        at = rng.randint(1, min(3, len(own)))
        add("mixed", chrome(rng, headline_of(own)) + own[:at] + taken + own[at:], agency=story.agency, story=story.id)
    leads = []  # outlets' own leads, which aggregators carry
    for _ in range(plan.quotes):
        own = with_remarks(rng, pool.pop(), event)
        leads.append(own[:2])
        add("quotes", chrome(rng, headline_of(own)) + own)
    for n in range(plan.photo):
        own = with_remarks(rng, pool.pop(), event) if n % 2 else pool.pop()
        form, agency = PHOTO_FORMS[n % len(PHOTO_FORMS)], AGENCIES[n % 3]
        at = rng.randint(1, 3)
        caption = photo_lines(rng, form, agency, rng.choice(event.captions))
        add("photo", chrome(rng, headline_of(own)) + own[:at] + caption + own[at:], form=form, agency=agency)
    for n in range(plan.unnamed):
        own = pool.pop()
        label = rng.choice(("Source: TRTWorld and agencies", "Source: Al Jazeera and news agencies",
                            "With wire services", "\u2014 Agencies"))
        add("unnamed", chrome(rng, headline_of(own)) + own + [label])
    for n in range(plan.digests):
        chosen = rng.sample(stories, 3) + [None, None]
        items: list[str] = []
        carried = []
        for story in chosen:
            lead = story.paragraphs[:2] if story else rng.choice(leads)
            items += [headline_of(lead)] + lead
            carried.append(story.id if story else "outlet")
        # half are an agency's own digest ("AP News in Brief"): credited, carrying outlets' leads too
        head = "AP News in Brief at 6:04 p.m. EDT" if n % 2 == 0 else "News in brief"
        add("digest", [head] + items, stories=carried, agency="AP" if n % 2 == 0 else None)
    return articles, event


def agency_chunk(rng: random.Random, story: Story, event: Event) -> list[str]:
    """Two to four neighbouring paragraphs of a story, at least two of them the agency's own reporting
    (a chunk of only remarks and the statement would be common-source, not agency copy)."""
    shared = {f"\u201c{remark}\u201d" for remark in event.remarks}
    own = [not (p == event.statement or any(p.startswith(q) for q in shared)) for p in story.paragraphs]
    while True:
        start = rng.randrange(0, max(1, len(story.paragraphs) - 3))
        length = rng.randint(2, 4)
        if sum(own[start: start + length]) >= 2:
            return story.paragraphs[start: start + length]


def with_remarks(rng: random.Random, own: list[str], event: Event) -> list[str]:
    """The outlet's own text with two to five of the event's remarks, and often the statement."""
    paragraphs = list(own)
    for remark in rng.sample(event.remarks, rng.randint(2, 5)):
        paragraphs.insert(rng.randint(1, len(paragraphs)), remark_form(rng, remark, rng.choice(SPEAKERS)))
    if rng.random() < 0.5:
        lead = rng.choice(("The council said in a statement:", "The statement read in full:", "In a statement:"))
        paragraphs.insert(rng.randint(1, len(paragraphs)), f"{lead} {event.statement}")
    if rng.random() < 0.5:
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(event.captions))
    return paragraphs


def _form_for(agency: str, counter) -> str:
    """Credit forms in turn, skipping the ones this agency does not use."""
    while True:
        form = CREDIT_FORMS[next(counter) % len(CREDIT_FORMS)]
        if agency in FORM_AGENCIES.get(form, AGENCIES):
            return form


def write_jsonl(articles: list[Article], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps({"id": article.id, "text": article.text, "outlet": f"outlet-{article.id}"}) + "\n")
    return path


if __name__ == "__main__":  # a look at the corpus: counts per class
    import collections
    import sys

    built, _ = build_corpus(int(sys.argv[1]) if len(sys.argv) > 1 else 0, 1)
    print(collections.Counter(a.truth for a in built))
