"""The Spark engine: ``reuse`` over a corpus too large for one machine (``srccompare[spark]``).

The only module of srccompare that imports pyspark. Its stages are those of
``srccompare.reuse.pipeline.find_reuse``, as a Spark plan; everything that reads or
judges text runs inside tasks through the same core functions as the local
engine (``srccompare.engines.spark_batches``), so both give the same answer:

1. read: JSON Lines (one record a line) or Parquet, fields ``id``, ``text`` or
   ``html``, optional ``url``/``outlet``/``date``/``title``; clean in
   ``mapInPandas`` batches, then drop lines repeated across one outlet's
   articles (``applyInPandas`` per outlet) and the short non-sentence lines
   that articles of many outlets carry (counted by key over the corpus);
2. sketch: sampled exact shingles and LSH band keys per document, token
   document frequencies per batch (summed by Spark into the corpus idf,
   broadcast to the aligner);
3. candidates: postings exploded and grouped by key, keys in more than
   ``max_df`` documents dropped, pairs from a self-join on the key, their
   shingles weighed by how many documents carry them (``key_weights``);
4. align: pairs joined with both bodies, aligned in ``mapInPandas`` batches;
   passages numbered in (left id, right id, left start, right start) order,
   the local engine's order;
5. group: spans joined by their passage and by overlaps within a document,
   connected components by large-star/small-star rounds of DataFrame
   operations (Kiveris et al. 2014; no GraphFrames, nothing collected);
6. attribute and summarise: the passages, families and the cleaned
   documents are collected to the driver, where ``reuse.stories`` finds
   digest pages, sizes families and attributes, as the local engine and the
   index query do (which text is common-source is a question about the whole
   corpus); summaries per document in tasks;
7. write passages, families, attributions, documents and errors to DIR, each
   as ``NAME.parquet/`` and ``NAME.jsonl/`` (Spark part files; the JSON Lines
   records are those of ``srccompare.model.to_dict``).

Every stage is persisted and counted before the next, so its time is its own.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StructField, StructType

from srccompare.reuse.candidates import WEIGHT_UNIT
from srccompare.engines import spark_batches as batches
from srccompare.engines.base import Engine, Result, Task
from srccompare.reuse.sketch import index_parameters
from srccompare.model import Family, Span, to_dict
from srccompare.reuse.stories import stories
from srccompare.settings import Settings

DOCS_SCHEMA = "id string, source string, kind string, metadata string, paragraphs array<string>, wire string, problem string"
SKETCH_SCHEMA = "id string, shingles array<long>, bands array<long>, vocabulary array<long>, frequency array<long>"
PASSAGE_SCHEMA = ("left_id string, left_start int, left_end int, right_id string, right_start int, right_end int, "
                  "similarity double, words int, quote_share double, kind string")
FAMILY_ROW_SCHEMA = "span_count long, span_chars long, first_doc string, first_start long, family string"
FAMILY_SCHEMA = "spans array<struct<doc_id:string,start:int,end:int>>, passages array<long>"
LABELLED_FAMILY_SCHEMA = ("id string, spans array<struct<doc_id:string,start:int,end:int>>, passages array<long>, "
                          "size int, label string")
ATTRIBUTION_SCHEMA = ("doc_id string, agency string, how string, share double, "
                      "credits array<struct<agency:string,how:string,text:string>>, "
                      "evidence array<struct<via_id:string,passages:array<long>,words:int>>, "
                      "confidence string, score double, reason string")
SUMMARY_SCHEMA = ("doc_id string, source string, outlet string, title string, date string, "
                  "words int, reused_words int, top_partner string")
OUTPUTS = ("passages", "families", "attributions", "documents", "errors")
# Connected components stop with an error rather than loop for ever; large-star/small-star
# needs O(log^2 n) rounds, a handful on real graphs.
MAX_COMPONENT_ROUNDS = 60


class SparkInputError(ValueError):
    """The corpus cannot be processed as given (no input, duplicate ids); the message says why."""


class SparkEngine(Engine):
    """The ``Engine`` interface on Spark: ``find_reuse(..., engine=SparkEngine(spark))``.

    Only the per-task steps (sketch, candidate parts, align) run on the
    cluster; groups and attributions stay in this process, as with the local engine.
    For a corpus that does not fit one machine use ``run_reuse``.
    """

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    @property
    def parallelism(self) -> int:
        return int(self.spark.sparkContext.defaultParallelism)

    def map(self, function: Callable[[Task], Result], tasks: Sequence[Task], *,
            on_done: Callable[[int], None] | None = None) -> list[Result]:
        if not tasks:
            return []
        results = self.spark.sparkContext.parallelize(list(tasks), len(tasks)).map(function).collect()
        if on_done is not None:
            on_done(len(results))
        return results


class SparkStartError(RuntimeError):
    """Spark could not start (no Java, an unreachable master); the message is Spark's."""


@dataclass
class SparkRun:
    """What a run found and how long each stage took (seconds, in stage order)."""

    documents: int = 0
    errors: int = 0
    pairs: int = 0
    passages: int = 0
    families: int = 0
    attributions: int = 0
    digests: tuple[str, ...] = ()
    component_rounds: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - started, 3)


def build_session(master: str | None = None, *, app_name: str = "srccompare-reuse",
                  conf: Mapping[str, str] | None = None) -> SparkSession:
    """A SparkSession on ``master`` (None: whatever spark-submit or the environment set).

    On a local master the Python workers run this interpreter (so they see
    srccompare and its dependencies) unless PYSPARK_PYTHON says otherwise.
    """
    if master is not None and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def run_reuse(spark: SparkSession, inputs: Sequence[str], output: str, settings: Settings, *,
              wire: Mapping[str, str] | None = None, input_format: str = "auto") -> SparkRun:
    """Find reuse in the corpus at ``inputs`` and write the results under ``output``.

    ``wire`` maps paths of agency copy to their agency (``--wire AGENCY=PATH``).
    """
    run = SparkRun()
    reuse = settings.reuse
    # Spark 4.3 fails ("key not found") optimising the self-joins of connected components
    # over checkpointed edges when it propagates constraints; they buy this plan nothing.
    spark.conf.set("spark.sql.constraintPropagation.enabled", "false")
    with run.stage("clean"):
        records = read_records(spark, inputs, wire or {}, input_format)
        cleaned = records.mapInPandas(_bound(batches.clean_batches, settings=settings), DOCS_SCHEMA)
        _materialise(cleaned)
        docs, errors = split_cleaned(cleaned, settings)
        run.documents, run.errors = _materialise(docs), _materialise(errors)
        cleaned.unpersist()
        _check_unique_ids(docs)
    with run.stage("sketch"):
        sketches = docs.select("id", "body").mapInPandas(
            _bound(batches.sketch_batches, params=index_parameters(reuse)), SKETCH_SCHEMA)
        _materialise(sketches)
        weights = corpus_weights(sketches, run.documents)
    with run.stage("candidates"):
        pairs = candidate_pairs(sketches, reuse.candidates.max_df, reuse.candidates.common_df, reuse.candidates.min_shared_shingles, reuse.candidates.min_shared_bands)
        run.pairs = _materialise(pairs)
    with run.stage("align"):
        setup = batches.AlignSetup(weights, reuse.tokens.fold_names, reuse.align, reuse.engine.chunk_pairs)
        passages = align_pairs(spark, pairs, docs, setup)
        run.passages = _materialise(passages)
    with run.stage("group"):
        families, run.component_rounds = group_passages(passages, reuse.group.min_overlap)
        run.families = _materialise(families)
    with run.stage("attribute"):
        families, attributions, digests = attribute(spark, docs, passages, families, settings)
        run.attributions = _materialise(attributions)
        run.digests = tuple(digests)
        documents = summarise(docs, passages)
        _materialise(documents)  # written twice (Parquet, JSON Lines): computed once
    with run.stage("write"):
        tables = dict(zip(OUTPUTS, (passages, families, attributions, documents, errors)))
        for name, table in tables.items():
            write_table(table, output, name)
    for frame in (docs, sketches, pairs, *tables.values()):
        frame.unpersist()
    return run


def _bound(function: Callable, **values: object) -> Callable:
    """``function`` with keyword arguments fixed (a plain function: Spark inspects what it is given)."""

    def bound(data: object) -> object:
        return function(data, **values)

    return bound


def _materialise(frame: DataFrame) -> int:
    frame.persist(StorageLevel.MEMORY_AND_DISK)
    return frame.count()


# --- 1. read and clean -------------------------------------------------------------


def read_records(spark: SparkSession, inputs: Sequence[str], wire: Mapping[str, str], input_format: str) -> DataFrame:
    """One row a record: ``line`` (the record as a JSON object), ``file``, ``wire`` (agency or null)."""
    frames = [_read_one(spark, path, None, input_format) for path in inputs]
    frames += [_read_one(spark, path, agency, input_format) for path, agency in wire.items()]
    if not frames:
        raise SparkInputError("no input given")
    records = frames[0]
    for frame in frames[1:]:
        records = records.unionByName(frame)
    parallelism = 2 * spark.sparkContext.defaultParallelism
    return records.repartition(parallelism) if records.rdd.getNumPartitions() < parallelism else records


def _read_one(spark: SparkSession, path: str, agency: str | None, input_format: str) -> DataFrame:
    if _is_parquet(path, input_format):
        table = spark.read.parquet(path)
        line = F.to_json(F.struct(*[F.col(name) for name in table.columns]))
    else:
        table = spark.read.text(path)
        line = F.col("value")
    return table.select(line.alias("line"), F.col("_metadata.file_path").alias("file"),
                        F.lit(agency).cast("string").alias("wire"))


def _is_parquet(path: str, input_format: str) -> bool:
    if input_format != "auto":
        return input_format == "parquet"
    if path.rstrip("/").endswith(".parquet"):
        return True
    return os.path.isdir(path) and any(name.endswith(".parquet") for name in os.listdir(path))


def split_cleaned(cleaned: DataFrame, settings: Settings) -> tuple[DataFrame, DataFrame]:
    """Documents less their outlet's repeated lines, with ``body``; and the records that failed."""
    errors = cleaned.filter(F.col("problem").isNotNull()).select("source", "problem")
    good = cleaned.filter(F.col("problem").isNull())
    outlet = F.coalesce(F.get_json_object("metadata", "$.outlet"), F.lit(""))
    with_outlet = good.filter(outlet != "").groupBy(outlet.alias("outlet")).applyInPandas(
        _bound(batches.outlet_repeats_group, settings=settings), DOCS_SCHEMA)
    docs = without_shared_furniture(with_outlet.unionByName(good.filter(outlet == "")), settings)
    docs = docs.withColumn("body", F.array_join("paragraphs", "\n\n")).drop("paragraphs", "problem")
    return docs, errors


def without_shared_furniture(docs: DataFrame, settings: Settings) -> DataFrame:
    """Documents less the short non-sentence lines that articles of ``cross_min_outlets`` sources carry,
    counted over the whole corpus (the cleaner's cross-outlet step, ``clean.drop_shared_furniture``)."""
    outlet = F.get_json_object("metadata", "$.outlet")
    source = F.when(F.coalesce(outlet, F.lit("")) != "", outlet).otherwise(F.concat(F.lit("\0"), F.col("id")))
    lines = docs.select("id", source.alias("source"), "paragraphs").mapInPandas(
        _bound(batches.furniture_line_batches, max_words=settings.clean.cross_max_words),
        "id string, source string, line long, key string")
    shared = lines.groupBy("key").agg(F.countDistinct("source").alias("sources"))
    shared = shared.filter(F.col("sources") >= settings.clean.cross_min_outlets).select("key")
    by_document = lines.join(shared, "key").groupBy("id").agg(F.collect_set("line").alias("shared"))
    return docs.join(by_document, "id", "left").mapInPandas(
        batches.shared_furniture_batches, DOCS_SCHEMA)


def _check_unique_ids(docs: DataFrame) -> None:
    repeated = docs.groupBy("id").count().filter(F.col("count") > 1).orderBy("id").limit(3).collect()
    if repeated:
        named = ", ".join(f"{row['id']!r} ({row['count']} times)" for row in repeated)
        raise SparkInputError(f"article ids must be unique in a Spark run; repeated: {named}")


# --- 2. sketch and 3. candidates ------------------------------------------------------------


def corpus_weights(sketches: DataFrame, documents: int) -> batches.Weights:
    """Token idf over the corpus: batch frequencies summed by Spark, then gathered (one row a token)."""
    counts = (sketches.filter(F.col("id").isNull())
              .select(F.explode(F.arrays_zip("vocabulary", "frequency")).alias("token"))
              .groupBy(F.col("token.vocabulary").alias("hash"))
              .agg(F.sum("token.frequency").alias("frequency")))
    table = counts.toPandas()
    return batches.weights_from_frequencies(table["hash"].to_numpy(), table["frequency"].to_numpy(), documents)


def candidate_pairs(sketches: DataFrame, max_df: int, common_df: int, min_shingles: int, min_bands: int) -> DataFrame:
    """(left_id, right_id), left_id < right_id: pairs sharing enough shingles (weighted as
    ``candidates.key_weights`` weighs them) or bands."""
    documents = sketches.filter(F.col("id").isNotNull())
    by_shingles = shared_key_pairs(documents, "shingles", max_df, min_shingles * WEIGHT_UNIT, common_df)
    by_bands = shared_key_pairs(documents, "bands", max_df, min_bands)
    return by_shingles.unionByName(by_bands).distinct()


def shared_key_pairs(documents: DataFrame, column: str, max_df: int, minimum: int, common_df: int | None = None) -> DataFrame:
    """Pairs sharing keys of ``column`` weighing at least ``minimum`` (each key one, or with
    ``common_df`` its weight in sixteenths); keys in more than ``max_df`` documents dropped."""
    postings = documents.select("id", F.explode(column).alias("key"))
    usable = postings.groupBy("key").count().filter((F.col("count") >= 2) & (F.col("count") <= max_df))
    if common_df is None:
        weight = F.lit(1)
    else:
        beyond = F.greatest(F.lit(1), F.floor(F.lit(WEIGHT_UNIT * common_df) / F.col("count")).cast("long"))
        weight = F.when(F.col("count") <= common_df, F.lit(WEIGHT_UNIT)).otherwise(beyond)
    kept = postings.join(usable.select("key", weight.alias("weight")), "key")
    left = kept.select("key", "weight", F.col("id").alias("left_id"))
    right = kept.select("key", F.col("id").alias("right_id"))
    shared = left.join(right, "key").filter(F.col("left_id") < F.col("right_id"))
    counted = shared.groupBy("left_id", "right_id").agg(F.sum("weight").alias("weight"))
    return counted.filter(F.col("weight") >= minimum).select("left_id", "right_id")


# --- 4. align --------------------------------------------------------------------------


def align_pairs(spark: SparkSession, pairs: DataFrame, docs: DataFrame, setup: batches.AlignSetup) -> DataFrame:
    """Passages of every candidate pair, numbered (``index``) in the local engine's order."""
    shared_setup = spark.sparkContext.broadcast(setup)
    bodies = docs.select("id", "body")
    jobs = (pairs.join(bodies.withColumnsRenamed({"id": "left_id", "body": "left_body"}), "left_id")
            .join(bodies.withColumnsRenamed({"id": "right_id", "body": "right_body"}), "right_id")
            .repartition("left_id").sortWithinPartitions("left_id", "right_id"))

    def align(frames: Iterator) -> Iterator:
        return batches.align_batches(frames, shared_setup.value)

    found = jobs.select("left_id", "left_body", "right_id", "right_body").mapInPandas(align, PASSAGE_SCHEMA)
    return numbered(found, ["left_id", "right_id", "left_start", "right_start"])


def numbered(frame: DataFrame, order: list) -> DataFrame:
    """The rows in ``order`` with their position as ``index`` (zipWithIndex: distributed, no single partition)."""
    ordered = frame.orderBy(*order)
    schema = StructType([*ordered.schema.fields, StructField("index", LongType(), False)])
    rows = ordered.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1]))
    return ordered.sparkSession.createDataFrame(rows, schema)


# --- 5. group --------------------------------------------------------------------------


def group_passages(passages: DataFrame, min_overlap: float) -> tuple[DataFrame, int]:
    """Families (id, spans, passages) as ``group.group_passages`` makes them, and the rounds it took."""
    spans = passage_spans(passages)
    joined = passages.select((2 * F.col("index")).alias("src"), (2 * F.col("index") + 1).alias("dst"))
    by_doc = spans.groupBy("doc_id").agg(F.collect_list(F.to_json(F.struct("node", "start", "end"))).alias("spans"))
    overlaps = by_doc.mapInPandas(_bound(batches.overlap_edges_batches, min_overlap=min_overlap), "src long, dst long")
    labels, rounds = connected_components(joined.unionByName(overlaps), spans.select("node"))
    members = F.collect_list(F.to_json(F.struct("node", "doc_id", "start", "end"))).alias("spans")
    by_component = spans.join(labels, "node").groupBy("component").agg(members)
    grouped = by_component.mapInPandas(batches.family_batches, FAMILY_ROW_SCHEMA)
    ordered = numbered(grouped, [F.desc("span_count"), F.desc("span_chars"), "first_doc", "first_start"])
    family = F.from_json("family", FAMILY_SCHEMA)
    families = ordered.select(F.concat(F.lit("F"), (F.col("index") + 1).cast("string")).alias("id"),
                              family.alias("family"), "index")
    return families.select("id", "family.spans", "family.passages", "index"), rounds


def passage_spans(passages: DataFrame) -> DataFrame:
    """Spans 2i (left side) and 2i+1 (right side) of passage i: node, doc_id, start, end."""
    sides = F.array(
        F.struct((2 * F.col("index")).alias("node"), F.col("left_id").alias("doc_id"),
                 F.col("left_start").alias("start"), F.col("left_end").alias("end")),
        F.struct((2 * F.col("index") + 1).alias("node"), F.col("right_id").alias("doc_id"),
                 F.col("right_start").alias("start"), F.col("right_end").alias("end")),
    )
    return passages.select(F.explode(sides).alias("span")).select("span.*")


def connected_components(edges: DataFrame, nodes: DataFrame) -> tuple[DataFrame, int]:
    """(node, component): the smallest node of each node's component, and the rounds it took.

    Alternating large-star and small-star (Kiveris et al., "Connected
    Components in MapReduce and Beyond", 2014) until the edges form a star
    forest: every node points at most at one node, which points at none, and
    that is its component's smallest node. Each round is checkpointed: the
    plan would otherwise grow fourfold a round (each star uses its input twice).
    """
    current = oriented(edges).localCheckpoint()
    for rounds in range(1, MAX_COMPONENT_ROUNDS + 1):
        current = small_star(large_star(current)).localCheckpoint()
        if is_star_forest(current):
            labels = nodes.join(current.withColumnsRenamed({"src": "node", "dst": "root"}), "node", "left")
            return labels.select("node", F.coalesce("root", "node").alias("component")), rounds
    raise RuntimeError(f"connected components did not converge in {MAX_COMPONENT_ROUNDS} rounds")


def oriented(edges: DataFrame) -> DataFrame:
    """Each undirected edge once, from the larger node to the smaller; no loops."""
    pointed = edges.select(F.greatest("src", "dst").alias("src"), F.least("src", "dst").alias("dst"))
    return pointed.filter(F.col("src") != F.col("dst")).distinct()


def large_star(edges: DataFrame) -> DataFrame:
    """Every node's larger neighbours are linked to the smallest node of its neighbourhood."""
    both = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst")))
    smallest = both.groupBy("src").agg(F.min("dst").alias("nearest")).select(
        "src", F.least("nearest", "src").alias("smallest"))
    larger = both.join(smallest, "src").filter(F.col("dst") > F.col("src"))
    return oriented(larger.select(F.col("dst").alias("src"), F.col("smallest").alias("dst")))


def small_star(edges: DataFrame) -> DataFrame:
    """Every node and its smaller neighbours are linked to the smallest of those (edges oriented)."""
    smallest = edges.groupBy("src").agg(F.min("dst").alias("smallest"))
    moved = edges.join(smallest, "src").select(F.col("dst").alias("src"), F.col("smallest").alias("dst"))
    return oriented(moved.unionByName(smallest.select("src", F.col("smallest").alias("dst"))))


def is_star_forest(edges: DataFrame) -> bool:
    """True when no node has two parents and no parent has a parent (oriented edges)."""
    children = edges.groupBy("src").agg(F.count("dst").alias("parents"))
    parents = edges.select(F.col("dst").alias("src")).distinct().withColumn("is_parent", F.lit(True))
    flagged = children.join(parents, "src", "left")
    return flagged.filter((F.col("parents") > 1) | F.col("is_parent").isNotNull()).limit(1).count() == 0


# --- 6. attribute and summarise ------------------------------------------------------------


def attribute(spark: SparkSession, docs: DataFrame, passages: DataFrame, families: DataFrame,
              settings: Settings) -> tuple[DataFrame, DataFrame, list[str]]:
    """Families with their sizes, attributions (typed, ordered as ``attribute.attribute`` orders them) and
    digest pages, from ``reuse.stories`` on the driver: the passages, the families and the cleaned
    documents are collected (common-source text is a question about the whole corpus)."""
    found_passages = [batches.passage_from_row(row.asDict()) for row in passages.orderBy("index").collect()]
    grouped = [Family(row["id"], tuple(Span(s["doc_id"], s["start"], s["end"]) for s in row["spans"]),
                      tuple(row["passages"])) for row in families.orderBy("index").collect()]
    rows = docs.select("id", "source", "kind", "metadata", "body", "wire").orderBy("id").collect()
    articles = [batches.article_from_row(row.asDict()) for row in rows]
    wired = {row["id"]: row["wire"] for row in rows if row["wire"]}
    found = stories(articles, found_passages, grouped, wired, settings.reuse.group, settings.reuse.attribute)
    labelled = spark.createDataFrame([(json.dumps(to_dict(f), ensure_ascii=False),) for f in found.families],
                                     "family string")
    attributions = spark.createDataFrame([(json.dumps(to_dict(a), ensure_ascii=False),) for a in found.attributions],
                                         "attribution string")
    families.unpersist()
    return (labelled.select(F.from_json("family", LABELLED_FAMILY_SCHEMA).alias("f")).select("f.*").persist(),
            attributions.select(F.from_json("attribution", ATTRIBUTION_SCHEMA).alias("a")).select("a.*").persist(),
            list(found.digests))


def passage_sides(passages: DataFrame) -> DataFrame:
    """Each passage twice, once from each side: ``doc_id`` (this side), ``other``, and its fields."""
    sides = F.array(F.struct(F.col("left_id").alias("doc_id"), F.col("right_id").alias("other")),
                    F.struct(F.col("right_id").alias("doc_id"), F.col("left_id").alias("other")))
    return passages.select("*", F.explode(sides).alias("side")).select("side.*", *passages.columns)


def summarise(docs: DataFrame, passages: DataFrame) -> DataFrame:
    """Per document its words, reused words and top partner (``reuse.summary.summarise``), by id."""
    sides = passage_sides(passages)
    taken = sides.groupBy("doc_id").agg(F.collect_list(F.to_json(F.struct(*sides.columns))).alias("passages"))
    articles = docs.select(F.col("id").alias("doc_id"), "source", "kind", "metadata", "body")
    found = articles.join(taken, "doc_id", "left").mapInPandas(batches.summary_batches, "doc_id string, summary string")
    return found.orderBy("doc_id").select(F.from_json("summary", SUMMARY_SCHEMA).alias("s")).select("s.*")


# --- 7. write --------------------------------------------------------------------------


def write_table(table: DataFrame, output: str, name: str) -> None:
    """``output/NAME.parquet/`` and ``output/NAME.jsonl/`` (nulls kept, as ``to_dict`` writes them)."""
    base = output.rstrip("/")
    table.write.mode("overwrite").parquet(f"{base}/{name}.parquet")
    table.write.mode("overwrite").option("ignoreNullFields", "false").json(f"{base}/{name}.jsonl")


@contextmanager
def session_for(master: str | None, conf: Mapping[str, str] | None = None) -> Iterator[SparkSession]:
    """A session for one command: an active one (a notebook, a test) is used and left running;
    one started here is stopped at the end."""
    active = SparkSession.getActiveSession()
    try:
        session = active or build_session(master, conf=conf)
    except Exception as error:  # PySpark raises several kinds when Java or the master is missing
        raise SparkStartError(" ".join(str(error).split())[:300]) from error
    try:
        yield session
    finally:
        if active is None:
            session.stop()
