"""The Spark engine gives the local engine's answer: same passages (same offsets), families, attributions.

One SparkSession (local[2]) for the module; one Spark run over a corpus of a
few hundred articles (synthetic outlets carrying planted agency copy, the five
seeds, two broken records) is compared with ``find_reuse`` on the same file.
Marked ``spark``: run with ``.venv/bin/python -m pytest -m spark tests/test_spark.py``.
"""

from __future__ import annotations

import glob
import json
import random

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as scipy_components

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark  # left out of the plain run; `pytest -m spark` (and .ci/run) runs it

from bench.synthetic_news import seed_records, synthetic_corpus, write_jsonl  # noqa: E402
from srccompare.cli import main  # noqa: E402
from srccompare.ingest.corpus import WireInput, load_corpus  # noqa: E402
from srccompare.engines import spark as engine  # noqa: E402
from srccompare.engines import spark_batches as batches  # noqa: E402
from srccompare.model import to_dict  # noqa: E402
from srccompare.reuse.pipeline import find_reuse  # noqa: E402

TEST_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
}
BROKEN_LINES = ["this line is not JSON", json.dumps({"id": "empty", "text": "   "})]
FURNITURE = ["Live coverage from the summit", "Our pick of the day"]  # short lines, not sentences


@pytest.fixture(scope="module")
def spark():
    session = engine.build_session("local[2]", app_name="srccompare-tests", conf=TEST_CONF)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus_files(tmp_path_factory):
    """The corpus, and apart three Reuters stories without their dateline: wire copy given with --wire."""
    folder = tmp_path_factory.mktemp("corpus")
    records = synthetic_corpus(260, seed=11)
    wire = [record for record in records if record.get("outlet") == "Reuters"][:3]
    for record in wire:
        record["text"] = record["text"].split(" - ", 1)[1]
    outlets = [record for record in records if str(record.get("outlet", "")).startswith("Outlet")]
    for record in outlets[::4]:  # page furniture that many outlets' pages carry, above the story
        record["text"] = "\n\n".join(FURNITURE) + "\n\n" + record["text"]
    path = write_jsonl([record for record in records if record not in wire], folder / "corpus.jsonl")
    with path.open("a", encoding="utf-8") as out:
        out.write("\n".join(BROKEN_LINES) + "\n")
    return path, write_jsonl(wire, folder / "reuters.jsonl")


@pytest.fixture(scope="module")
def weighed(settings):
    """Shingles carried by more than 3 documents weighed down: on this corpus that drops 4 of the 367
    passages the defaults find, so the engines must weigh alike to agree."""
    return settings.replace("reuse.candidates", common_df=3)


@pytest.fixture(scope="module")
def local(corpus_files, weighed):
    corpus_file, wire_file = corpus_files
    corpus = load_corpus([str(corpus_file)], [WireInput("Reuters", str(wire_file))], weighed)
    return corpus, find_reuse(corpus.articles, weighed, wire=corpus.wire)


@pytest.fixture(scope="module")
def spark_run(spark, corpus_files, weighed, tmp_path_factory):
    corpus_file, wire_file = corpus_files
    output = tmp_path_factory.mktemp("spark-out")
    return output, engine.run_reuse(spark, [str(corpus_file)], str(output), weighed, wire={str(wire_file): "Reuters"})


def read_table(output, name):
    """The rows of ``output/NAME.jsonl/`` (Spark part files, in order)."""
    rows = []
    for part in sorted(glob.glob(str(output / f"{name}.jsonl" / "part-*.json"))):
        with open(part, encoding="utf-8") as lines:
            rows += [json.loads(line) for line in lines]
    return rows


def without(rows, field):
    return [{key: value for key, value in row.items() if key != field} for row in rows]


def test_passages_have_the_local_offsets_and_order(local, spark_run):
    _, result = local
    rows = read_table(spark_run[0], "passages")
    assert [row["index"] for row in rows] == list(range(len(rows)))
    assert without(rows, "index") == [to_dict(passage) for passage in result.passages]
    assert len(rows) > 150  # enough reuse for the comparison to mean something


def test_families_are_the_local_families(local, spark_run):
    _, result = local
    rows = read_table(spark_run[0], "families")
    assert without(rows, "index") == [to_dict(family) for family in result.families]
    assert max(len(row["spans"]) for row in rows) > 3  # some copy is carried by several outlets


def test_attributions_are_the_local_attributions(local, spark_run):
    _, result = local
    rows = read_table(spark_run[0], "attributions")
    assert rows == [to_dict(attribution) for attribution in result.attributions]
    assert {row["how"] for row in rows} == {"explicit", "inferred"}
    assert sum(credit["how"] == "wire" for row in rows for credit in row["credits"]) == 3


def test_document_summaries_match_except_their_source(local, spark_run):
    _, result = local
    rows = read_table(spark_run[0], "documents")
    # Spark names a record FILE#CONTENT-HASH (it cannot number lines); the local loader FILE:LINE.
    assert without(rows, "source") == without([to_dict(summary) for summary in result.documents], "source")


def test_lines_many_outlets_carry_go_in_both_engines(local, spark_run):
    corpus, result = local
    dropped = [r for article in corpus.articles for r in article.removals if r.text in FURNITURE]
    # (an outlet's own articles repeating a line lose it first, as an outlet repeat)
    assert {r.rule for r in dropped} == {"outlet-repeat", "shared-furniture"} and len(dropped) > 20
    assert not any(line in article.body for article in corpus.articles for line in FURNITURE)
    # Spark's documents hold the same words (its bodies are not written): without the step they
    # would each hold the furniture's 9 words more, and the passages after it other offsets
    rows = read_table(spark_run[0], "documents")
    assert [row["words"] for row in rows] == [summary.words for summary in result.documents]


def test_broken_records_are_reported_not_fatal(local, spark_run):
    corpus, _ = local
    output, run = spark_run
    rows = read_table(output, "errors")
    assert sorted(row["problem"] for row in rows) == sorted(error.problem for error in corpus.errors)
    assert run.errors == len(BROKEN_LINES) and run.documents == len(corpus.articles)


def test_parquet_tables_hold_the_jsonl_rows(spark, spark_run):
    output = spark_run[0]
    for name in ("passages", "attributions"):
        table = spark.read.parquet(str(output / f"{name}.parquet"))
        stored = [row.asDict(recursive=True) for row in table.collect()]
        key = (lambda row: row["index"]) if name == "passages" else (lambda row: (row["doc_id"], row["agency"]))
        assert sorted(stored, key=key) == sorted(read_table(output, name), key=key)


def clean_documents(records, settings):
    """Reference: run_reuse's clean stage without its materialising: cleaned documents (id, source,
    kind, metadata JSON, body, wire) and the records that failed."""
    cleaned = records.mapInPandas(engine._bound(batches.clean_batches, settings=settings), engine.DOCS_SCHEMA)
    return engine.split_cleaned(cleaned, settings)


def test_parquet_input_reads_as_json_lines(spark, settings, tmp_path):
    records = list(seed_records()) + synthetic_corpus(12, seed=2, with_seeds=False)
    import pandas as pd

    pd.DataFrame(records).to_parquet(tmp_path / "corpus.parquet")
    jsonl = write_jsonl(records, tmp_path / "corpus.jsonl")
    from_parquet, _ = clean_documents(engine.read_records(spark, [str(tmp_path / "corpus.parquet")], {}, "auto"),
                                             settings)
    from_jsonl, _ = clean_documents(engine.read_records(spark, [str(jsonl)], {}, "auto"), settings)
    columns = ["id", "kind", "metadata", "body"]
    assert sorted(from_parquet.select(columns).collect()) == sorted(from_jsonl.select(columns).collect())
    assert from_jsonl.count() == len(records)


def test_connected_components_match_scipy(spark):
    rng = random.Random(5)
    size = 400
    edges = [(rng.randrange(size), rng.randrange(size)) for _ in range(260)]
    edges += [(node, node + 1) for node in range(100, 160)]  # a long path needs several rounds
    frame = spark.createDataFrame(edges, "src long, dst long")
    nodes = spark.createDataFrame([(node,) for node in range(size)], "node long")
    labels, rounds = engine.connected_components(frame, nodes)
    found = dict(labels.collect())
    graph = coo_matrix((np.ones(len(edges)), tuple(zip(*edges))), shape=(size, size))
    _, component = scipy_components(graph, directed=False)
    smallest = {}
    for node in range(size):
        smallest.setdefault(component[node], node)
    assert found == {node: smallest[component[node]] for node in range(size)}
    assert rounds >= 2


def test_duplicate_ids_are_refused(spark, settings, tmp_path):
    path = write_jsonl([{"id": "same", "text": "One article text here."}, {"id": "same", "text": "Another text."}],
                       tmp_path / "twice.jsonl")
    with pytest.raises(engine.SparkInputError, match="'same' \\(2 times\\)"):
        engine.run_reuse(spark, [str(path)], str(tmp_path / "out"), settings)


def test_cli_runs_the_spark_engine_on_the_active_session(spark, tmp_path):
    corpus = write_jsonl(list(seed_records()), tmp_path / "seeds.jsonl")
    result = CliRunner().invoke(main, ["reuse", "--engine", "spark", "--input", str(corpus),
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 5 and summary["passages"] == len(read_table(tmp_path / "out", "passages")) > 0
    assert spark.range(3).count() == 3  # the test session was left running


def test_cli_needs_an_output_directory(spark, corpus_files):
    result = CliRunner().invoke(main, ["reuse", "--engine", "spark", "--input", str(corpus_files[0])])
    assert result.exit_code == 2 and "--output DIR" in result.output


def test_spark_engine_maps_find_reuse_tasks_like_the_local_engine(spark, seeds, settings):
    articles = list(seeds.values())
    assert find_reuse(articles, settings, engine=engine.SparkEngine(spark)) == find_reuse(articles, settings)
