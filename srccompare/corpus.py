"""A corpus for reuse detection: inputs and wire copy read, cleaned and given unique ids.

Shared by ``srccompare reuse`` and ``srccompare browse`` (which runs it in a
worker thread). Wire copy (``--wire AGENCY=PATH``) joins the corpus as
articles of their own, named in ``wire`` so attribution treats them as that
agency's.
"""

from __future__ import annotations

import dataclasses
from contextlib import nullcontext
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from srccompare.clean import clean_article, drop_outlet_repeats
from srccompare.engines.base import Engine, cycle_collection_paused
from srccompare.engines.local import LocalEngine
from srccompare.load import load_inputs
from srccompare.model import Article, CleanArticle, LoadError
from srccompare.rules import Rules, load_rules, load_screened_rules
from srccompare.settings import Settings
from srccompare.tokens import TOKEN_PATTERN

# progress(step, done, total), the same shape as srccompare.reuse's.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class WireInput:
    """``--wire AGENCY=PATH``: the files at ``path`` are ``agency``'s copy."""

    agency: str
    path: str


@dataclass(frozen=True)
class Corpus:
    articles: tuple[CleanArticle, ...]
    wire: dict[str, str]  # article id -> agency, for wire copy
    errors: tuple[LoadError, ...]
    inputs: int  # how many inputs were read (articles and errors)


def parse_wire(value: str, rules: Rules | None = None) -> WireInput:
    """``AGENCY=PATH`` with the agency named as in the rules ("afp" -> "AFP"); ValueError if malformed."""
    agency, sep, path = value.partition("=")
    agency = agency.strip()
    if not sep or not agency or not path:
        raise ValueError(f"--wire {value!r}: expected AGENCY=PATH, e.g. Reuters=wire/reuters/")
    rules = rules or load_rules()
    named = next((a for a in rules.agencies if a.name.casefold() == agency.casefold()), None)
    named = named or rules.agency_named(agency)
    return WireInput(named.name if named else agency, path)


# Articles per cleaning task in the workers: an HTML page costs ~0.2 s to
# extract, a plain-text article ~1 ms; smaller tasks report progress more often.
CLEAN_CHUNK = 50


def load_corpus(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings,
                progress: Progress | None = None, workers: int = 1, engine: Engine | None = None) -> Corpus:
    """Read and clean every input and every wire file; ids made unique in input order.

    Cleaning (trafilatura's extraction above all) runs in ``workers`` processes,
    or in ``engine``'s: an engine that goes on to find reuse has numba loaded
    in its processes anyway, so it cleans with the rules' screen (see
    srccompare/rules/screen.py), which a fresh process would pay a second for.
    """
    tagged: list[tuple[Article | LoadError, str | None]] = [(item, None) for item in load_inputs(inputs, settings)]
    tagged += [(item, entry.agency) for entry in wire for item in load_inputs([entry.path], settings)]
    errors = [item for item, _ in tagged if isinstance(item, LoadError)]
    raw = [(item, agency) for item, agency in tagged if isinstance(item, Article)]
    renamed = unique_ids([article for article, _ in raw])
    screened = engine is not None
    chunks = [(renamed[start : start + CLEAN_CHUNK], settings, screened) for start in range(0, len(renamed), CLEAN_CHUNK)]

    def cleaned(done: int) -> None:
        if progress is not None:
            progress("clean", min(len(renamed), done * CLEAN_CHUNK), len(renamed))

    with nullcontext(engine) if engine is not None else LocalEngine(workers) as running, cycle_collection_paused():
        results = [item for chunk in running.map(clean_chunk, chunks, on_done=cleaned) for item in chunk]
    results = drop_outlet_repeats(results, settings.clean)
    articles = tuple(item for item in results if isinstance(item, CleanArticle))
    errors += [item for item in results if isinstance(item, LoadError)]
    kept = {article.id for article in articles}
    agency_of = {article.id: agency for article, (_, agency) in zip(renamed, raw) if agency and article.id in kept}
    return Corpus(articles, agency_of, tuple(errors), len(tagged))


def clean_chunk(task: tuple[Sequence[Article], Settings, bool]) -> list[CleanArticle | LoadError]:
    """Clean a chunk of articles (a worker's task; with the rules' screen if the flag says so),
    each refused if over the word limit."""
    articles, settings, screened = task
    rules = load_screened_rules() if screened else load_rules()
    return [within_word_limit(clean_article(article, settings, rules), settings) for article in articles]


def within_word_limit(item: CleanArticle | LoadError, settings: Settings) -> CleanArticle | LoadError:
    """The article, or a LoadError naming it if it has more words than ``limits.max_words``.

    For the commands that align articles (diff, reuse, browse, index): their
    memory grows with the square of a long document's sentences or paragraphs.
    """
    if isinstance(item, LoadError):
        return item
    limit, words = settings.limits.max_words, 0
    if sum(map(len, item.paragraphs)) + len(item.paragraphs) <= 2 * limit:
        # A paragraph of n characters holds at most (n + 1) / 2 words (one, then
        # a break and one more): this article cannot pass the limit, so skip counting.
        return item
    for paragraph in item.paragraphs:  # a paragraph at a time: no list of every word of a 45 MB text
        words += len(TOKEN_PATTERN.findall(paragraph))
        if words > limit:
            return LoadError(item.source, f"more than {limit:,} words after cleaning (see limits.max_words)")
    return item


def unique_ids(articles: Sequence[Article]) -> list[Article]:
    """The articles, a repeated id getting a ``#2``, ``#3`` suffix (ids are file stems: two folders can clash)."""
    seen: set[str] = set()
    renamed = []
    for article in articles:
        new_id, number = article.id, 1
        while new_id in seen:
            number += 1
            new_id = f"{article.id}#{number}"
        seen.add(new_id)
        renamed.append(article if new_id == article.id else dataclasses.replace(article, id=new_id))
    return renamed
