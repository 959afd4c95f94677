"""A corpus for reuse detection: inputs and wire copy read, cleaned and given unique ids.

Shared by ``srccompare reuse`` and ``srccompare browse`` (which runs it in a
worker thread). Wire copy (``--wire AGENCY=PATH``) joins the corpus as
articles of their own, named in ``wire`` so attribution treats them as that
agency's.
"""

from __future__ import annotations

import dataclasses
from contextlib import nullcontext
from collections.abc import Sequence
from dataclasses import dataclass

from srccompare.clean import clean_article, drop_corpus_repeats
from srccompare.engines.base import Engine, Progress, cycle_collection_paused
from srccompare.engines.local import LocalEngine
from srccompare.ingest.load import InputUnit, input_units, load_inputs, load_unit
from srccompare.model import TOKEN_PATTERN, Article, CleanArticle, Corpus, LoadError, free_id
from srccompare.rules import Rules, load_rules, load_screened_rules
from srccompare.settings import Settings



@dataclass(frozen=True)
class WireInput:
    """``--wire AGENCY=PATH``: the files at ``path`` are ``agency``'s copy."""

    agency: str
    path: str


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


# Inputs per cleaning task in the workers: an HTML page costs ~0.2 s to
# extract, a plain-text article ~1 ms; smaller tasks report progress more often.
CLEAN_CHUNK = 50


def load_corpus(inputs: Sequence[str], wire: Sequence[WireInput], settings: Settings,
                progress: Progress | None = None, workers: int = 1, engine: Engine | None = None) -> Corpus:
    """Read and clean every input and every wire file; ids made unique in input order.

    This process walks the directories and fetches the web pages; reading the
    files and cleaning them (trafilatura's extraction above all) runs in
    ``workers`` processes, or in ``engine``'s. Reading 40k files here took
    6 s while the workers waited. An engine that goes on to find reuse has
    numba loaded in its processes anyway, so it cleans with the rules' screen
    (see srccompare/rules/screen.py), which a fresh process would pay a second for;
    but not when the inputs make one task (as the seeds do): cleaned without it, they
    leave numba nothing to compile (its kernel: ~3 s of CPU on a fresh install), as
    a small corpus's reuse does (unless ``reuse.engine.interpret_characters`` is 0).
    """
    units: list[tuple[InputUnit, str | None]] = [(unit, None) for unit in input_units(inputs, settings)]
    units += [(unit, entry.agency) for entry in wire for unit in input_units([entry.path], settings)]
    screened = engine is not None and (len(units) > CLEAN_CHUNK or not settings.reuse.engine.interpret_characters)
    chunks = [CleanTask([unit for unit, _ in units[start : start + CLEAN_CHUNK]], settings, screened) for start in range(0, len(units), CLEAN_CHUNK)]

    def cleaned(done: int) -> None:
        if progress is not None:
            progress("clean", min(len(units), done * CLEAN_CHUNK), len(units))

    with nullcontext(engine) if engine is not None else LocalEngine(workers) as running, cycle_collection_paused():
        loaded = [found for chunk in running.map(load_and_clean_chunk, chunks, on_done=cleaned) for found in chunk]
    # As if every input had been read before any was cleaned: reading's problems in input order, then
    # cleaning's; ids made unique over every article read, whether it then cleans or not.
    errors: list[LoadError] = []
    read: list[tuple[str, CleanArticle | LoadError, str | None]] = []
    for (_, agency), found in zip(units, loaded):
        for article_id, item in found:
            if article_id is None:
                errors.append(item)  # type: ignore[arg-type]
            else:
                read.append((article_id, item, agency))
    inputs = len(errors) + len(read)
    names = unique_names([article_id for article_id, _, _ in read])
    results = [
        dataclasses.replace(item, id=name) if isinstance(item, CleanArticle) and item.id != name else item
        for name, (_, item, _) in zip(names, read)
    ]
    results = drop_corpus_repeats(results, settings.clean)
    articles = tuple(item for item in results if isinstance(item, CleanArticle))
    errors += [item for item in results if isinstance(item, LoadError)]
    kept = {article.id for article in articles}
    agency_of = {name: agency for name, (_, _, agency) in zip(names, read) if agency and name in kept}
    return Corpus(articles, agency_of, tuple(errors), inputs)


@dataclass(frozen=True, eq=False)
class CleanTask:
    """Input units to read and clean in a worker (``load_and_clean_chunk``)."""

    units: Sequence[InputUnit]
    settings: Settings
    screened: bool  # clean with the rules' screen (worth loading in workers that go on to find reuse)


def load_and_clean_chunk(task: CleanTask) -> list[list[tuple[str | None, CleanArticle | LoadError]]]:
    """Read and clean a chunk of input units (a worker's task): per unit, each article it holds as
    (its id as read, the article cleaned or the problem), and each problem reading it as (None, problem)."""
    units, settings = task.units, task.settings
    rules = load_screened_rules() if task.screened else load_rules()
    found = []
    for unit in units:
        found.append([(None if isinstance(item, LoadError) else item.id, clean_loaded(item, settings, rules))
                      for item in load_unit(unit, settings)])
    return found


def clean_loaded(item: Article | LoadError, settings: Settings, rules: Rules, *, word_limit: bool = True) -> CleanArticle | LoadError:
    """One input as read, cleaned: its reading problem as it was, else the cleaned article or why there is none,
    then (unless ``word_limit`` is off: ``clean`` and the Spark engine) checked against ``limits.max_words``."""
    if isinstance(item, LoadError):
        return item
    cleaned = clean_article(item, settings, rules)
    return within_word_limit(cleaned, settings) if word_limit else cleaned


def load_and_clean(
    inputs: Sequence[str], settings: Settings, rules: Rules | None = None
) -> tuple[list[CleanArticle], list[LoadError]]:
    """Read and clean every input in this process (``clean``, ``diff``); the articles in input order, lines
    the corpus's repeated lines dropped (clean.drop_corpus_repeats), and the inputs that failed (reading's problems first)."""
    rules = rules or load_rules()
    loaded = list(load_inputs(inputs, settings))
    errors = [item for item in loaded if isinstance(item, LoadError)]
    cleaned = [clean_loaded(item, settings, rules, word_limit=False) for item in loaded if isinstance(item, Article)]
    cleaned = drop_corpus_repeats(cleaned, settings.clean)
    articles = [item for item in cleaned if isinstance(item, CleanArticle)]
    errors += [item for item in cleaned if isinstance(item, LoadError)]
    return articles, errors


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


def unique_names(ids: Sequence[str]) -> list[str]:
    """The ids, a repeated one getting a ``#2``, ``#3`` suffix."""
    seen: set[str] = set()
    names = []
    for article_id in ids:
        name = free_id(article_id, seen.__contains__)
        seen.add(name)
        names.append(name)
    return names
