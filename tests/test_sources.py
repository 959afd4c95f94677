"""Outlets for plain files (issue 22): a folder per outlet, a file-name pattern, a sidecar file;
and short non-sentence lines repeated across outlets, while shared sentences stay."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from srccompare.clean import clean_articles
from srccompare.ingest.corpus import load_and_clean
from srccompare.clean.shared_lines import find_shared_furniture, is_sentence
from srccompare.ingest.load import article_from_text
from srccompare.model import CleanArticle, Metadata
from srccompare.ingest.sources import SourcesError, name_regex, read_sidecar

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three seed articles laid out as a scraper leaves them: corpus/<outlet>/<id>__<outlet>.txt."""
    root = tmp_path / "corpus"
    for path, outlet in zip(SEED_FILES[:3], ("euronews", "dw", "rferl")):
        (root / outlet).mkdir(parents=True)
        shutil.copy(path, root / outlet / f"{path.stem[:3]}__{outlet.upper()}.txt")
    return root


def outlets(settings, inputs: list[str]) -> dict[str, str | None]:
    articles, errors = load_and_clean(inputs, settings)
    assert not errors
    return {a.id: a.metadata.outlet for a in articles}


def test_a_folder_per_outlet(corpus, settings):
    found = outlets(settings.replace("sources", outlet_folder=1), [str(corpus)])
    assert sorted(found.values()) == ["dw", "euronews", "rferl"]
    assert outlets(settings.replace("sources", outlet_folder=2), [str(corpus)]) == dict.fromkeys(found, "corpus")


def test_a_file_name_pattern(corpus, settings):
    found = outlets(settings.replace("sources", name_pattern="{id}__{outlet}.txt"), [str(corpus)])
    assert found == {"000": "EURONEWS", "001": "DW", "002": "RFERL"}
    # A file whose name does not match is left as it is: its id is its name, its outlet what its
    # text names (two of the seeds name theirs), never the name's.
    unmatched = outlets(settings.replace("sources", name_pattern="{outlet}-{id}.md"), [str(corpus)])
    assert set(unmatched) == {"000__EURONEWS", "001__DW", "002__RFERL"}
    assert not set(unmatched.values()) & {"EURONEWS", "DW", "RFERL"}


def test_a_sidecar_csv_and_a_sidecar_json(corpus, settings, tmp_path):
    csv_file = tmp_path / "meta.csv"
    csv_file.write_text(
        "file,outlet,title,date,url\n"
        "corpus/euronews/000__EURONEWS.txt,Euronews,EU leaders reject Belarus vote,2020-08-19,https://www.euronews.com/x\n"
        "001__DW.txt,Deutsche Welle,,2020-08-19,\n",
        encoding="utf-8",
    )
    articles, _ = load_and_clean([str(corpus)], settings.replace("sources", sidecar=str(csv_file)))
    by_id = {a.id: a.metadata for a in articles}
    assert by_id["000__EURONEWS"].outlet == "Euronews" and by_id["000__EURONEWS"].title == "EU leaders reject Belarus vote"
    assert by_id["000__EURONEWS"].url == "https://www.euronews.com/x" and by_id["000__EURONEWS"].date == "2020-08-19"
    assert by_id["001__DW"].outlet == "Deutsche Welle"
    json_file = tmp_path / "meta.json"
    json_file.write_text(json.dumps({"002__RFERL.txt": {"outlet": "RFE/RL"}}), encoding="utf-8")
    assert outlets(settings.replace("sources", sidecar=str(json_file)), [str(corpus)])["002__RFERL"] == "RFE/RL"


def test_a_json_lines_record_keeps_its_own_outlet(tmp_path, settings):
    folder = tmp_path / "wire"
    folder.mkdir()
    text = (SEED_FILES[0]).read_text(encoding="utf-8")
    (folder / "a.jsonl").write_text(json.dumps({"id": "r1", "text": text, "outlet": "Reuters"}) + "\n"
                                    + json.dumps({"id": "r2", "text": text}) + "\n", encoding="utf-8")
    found = outlets(settings.replace("sources", outlet_folder=1, name_pattern="{id}.jsonl"), [str(folder)])
    assert found == {"r1": "Reuters", "r2": "wire"}  # the record's ids stay; the folder fills r2's outlet


def test_bad_patterns_and_sidecars_are_one_line_and_exit_2(cli, corpus, tmp_path):
    for args, message in [
        (["--name-pattern", "{x}.txt"], "unknown field {x}"),
        (["--name-pattern", "plain.txt"], "names no field"),
        (["--sidecar", str(tmp_path / "missing.csv")], "cannot read the sidecar file"),
    ]:
        result = cli(*args, "clean", str(corpus))
        assert result.returncode == 2 and result.stdout == ""
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("name,outlet\na.txt,X\n", encoding="utf-8")
    result = cli("--sidecar", str(bad), "clean", str(corpus))
    assert result.returncode == 2 and "'file' column" in result.stderr


def test_the_options_reach_the_command(cli, corpus):
    result = cli("--name-pattern", "{id}__{outlet}.txt", "clean", "--format", "jsonl", str(corpus))
    assert result.returncode == 0
    assert [json.loads(line)["metadata"]["outlet"] for line in result.stdout.splitlines()] == ["DW", "EURONEWS", "RFERL"]


def test_pattern_and_sidecar_parsing(tmp_path):
    assert name_regex("{id}__{outlet}.txt").match("0042__The Guardian.txt").groupdict() == {"id": "0042", "outlet": "The Guardian"}
    assert name_regex("{date}_{_}_{outlet}.html").match("2020-08-19_x_bbc.html").group("outlet") == "bbc"
    with pytest.raises(SourcesError, match="twice"):
        name_regex("{id}_{id}.txt")
    bad = tmp_path / "meta.json"
    bad.write_text('{"a.txt": {"outlet": "X"}', encoding="utf-8")
    with pytest.raises(SourcesError, match="not valid JSON"):
        read_sidecar(str(bad))


# --- lines repeated across outlets ---------------------------------------------------------

# Junk the issue quotes from 612 scraped news articles, and two shared sentences of the seeds' story.
# (Menu items no rule knows: only their repetition across outlets marks them.)
FURNITURE = ["SIGN UP", "Obituaries", "Local Politics", "Share this article", "Weather Alerts"]
SHARED_SENTENCE = "EU leaders said they did not recognise the results of the presidential election in Belarus."


def scraped(seed: Path, outlet: str):
    text = "\n\n".join([*FURNITURE[:3], seed.read_text(encoding="utf-8"), SHARED_SENTENCE, *FURNITURE[3:]])
    return article_from_text(text, source=str(seed), id=f"{outlet}-{seed.stem[:3]}", kind="text",
                             hints=Metadata(outlet=outlet))


def test_short_lines_repeated_across_outlets_go_and_shared_sentences_stay(settings):
    articles = [scraped(path, outlet) for path, outlet in zip(SEED_FILES[:3], ("euronews", "dw", "rferl"))]
    cleaned = clean_articles(articles, settings)
    for article in cleaned:
        assert isinstance(article, CleanArticle)
        assert not set(FURNITURE) & set(article.paragraphs), article.id
        assert SHARED_SENTENCE in article.paragraphs
    alone = clean_articles(articles[:1], settings)[0]
    assert "Weather Alerts" in alone.paragraphs  # one outlet alone: no evidence it is furniture
    two = clean_articles(articles[:2], settings)
    assert all("Obituaries" in a.paragraphs and "Local Politics" in a.paragraphs for a in two)  # two outlets: below cross_min_outlets
    assert any(r.rule == "shared-furniture" for r in cleaned[0].removals)


def test_the_seeds_lose_nothing_to_the_cross_outlet_step(settings):
    articles = [article_from_text(p.read_text(encoding="utf-8"), source=str(p), id=p.stem[:3]) for p in SEED_FILES]
    together = clean_articles(articles, settings)
    assert not any(r.rule == "shared-furniture" for a in together for r in a.removals)


def test_what_counts_as_a_sentence():
    assert is_sentence(SHARED_SENTENCE) and is_sentence("We will not back down.")
    assert not is_sentence("SIGN ME UP!") and not is_sentence("Be the first to know") and not is_sentence("Weather")
    drops = find_shared_furniture([["Menu", SHARED_SENTENCE], ["Menu", SHARED_SENTENCE], ["Menu"]], ["a", "b", "c"], 3, 15)
    assert drops == [{0}, {0}, {0}]
