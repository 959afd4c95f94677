"""``srccompare reuse --engine spark``: the corpus read, searched and written by Spark.

Called by ``srccompare.cli.reuse`` (not a command of its own). The results
are tables in a directory, not a report: ``DIR/NAME.parquet/`` and
``DIR/NAME.jsonl/`` for passages, families, attributions, documents and
errors. A short summary (counts and seconds per stage) goes to stdout as JSON.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

import click

from srccompare.cli.common import EXIT_ALL_FAILED, fail, summarise_failures
from srccompare.ingest.corpus import WireInput
from srccompare.report.output import emit
from srccompare.settings import Settings



def run_spark(settings: Settings, inputs: Sequence[str], output: str | None, wire: Sequence[WireInput],
              master: str | None, input_format: str = "auto") -> int:
    """Run the Spark engine; exit status as for the local engine (failed records count as failed inputs)."""
    if output is None:
        fail("--engine spark writes tables to a directory: give --output DIR")
    if not inputs:
        fail("give the corpus with --input PATH (JSON Lines or Parquet; local, hdfs:// or s3a:// paths)")
    try:
        from srccompare.engines.spark import SparkInputError, SparkStartError, run_reuse, session_for
    except ImportError as error:
        fail(f"--engine spark needs PySpark ({error}); install it with: pip install 'srccompare[spark]'")
    try:
        with session_for(master) as spark:
            spark.sparkContext.setLogLevel("ERROR")
            run = run_reuse(spark, inputs, output, settings, wire={w.path: w.agency for w in wire},
                            input_format=input_format)
    except SparkInputError as error:
        fail(str(error))
    except SparkStartError as error:
        fail(f"could not start Spark (is Java 17 installed, JAVA_HOME set?): {error}")
    if run.documents == 0:
        fail(f"no article could be read ({run.errors} records failed, see {output}/errors.jsonl)", EXIT_ALL_FAILED)
    emit([json.dumps(dataclasses.asdict(run), indent=2) + "\n"])
    if run.errors:
        click.echo(f"srccompare: {run.errors} records could not be read; see {output}/errors.jsonl", err=True)
    return summarise_failures(run.errors, run.documents + run.errors)
