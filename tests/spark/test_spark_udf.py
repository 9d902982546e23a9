"""The Spark UDF (maskscreen.classifier.spark) gives `maskscreen classify`'s verdicts.

A local PySpark session (pyspark from PyPI; Java from the Debian package
default-jre-headless, which .ci/run installs when `java` is missing).
"""

from __future__ import annotations

import os
import shutil
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from maskscreen.classifier.corpus import load_corpus
from maskscreen.cli.main import cli

pyspark = pytest.importorskip("pyspark", reason="the spark extra: pip install -e '.[test]'")

ROWS = 20_000
FIELDS = ("label", "score", "flagged", "signals", "model_version")


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pytest.fail("no `java` on PATH: apt-get install default-jre-headless (as .ci/run does)")
    from pyspark.sql import SparkSession

    # Executors' Python workers must be this interpreter (the one with maskscreen).
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("maskscreen-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def corpus_rows(n: int) -> list[dict]:
    examples = load_corpus()
    return [
        {"id": f"r{i}", "title": f"{e.title} #{i}", "description": e.description}
        for i, e in zip(range(n), (examples[i % len(examples)] for i in range(n)), strict=True)
    ]


def test_spark_verdicts_are_those_of_maskscreen_classify(tmp_path, spark):
    from maskscreen.classifier.spark import with_verdicts

    source = tmp_path / "catalogue.parquet"
    pq.write_table(pa.Table.from_pylist(corpus_rows(ROWS)), source, row_group_size=5000)
    result = CliRunner().invoke(
        cli, ["classify", str(source), "--out", str(tmp_path / "v.parquet")]
    )
    assert result.exit_code == 0, result.output
    cli_verdicts = {
        row["id"]: {name: row[name] for name in FIELDS}
        for row in pq.read_table(tmp_path / "v.parquet", columns=["id", *FIELDS]).to_pylist()
    }

    frame = with_verdicts(spark.read.parquet(str(source)).repartition(3))
    spark_verdicts = {
        row["id"]: row["verdict"].asDict(recursive=True)
        for row in frame.select("id", "verdict").collect()
    }
    assert len(spark_verdicts) == ROWS
    differ = [i for i in cli_verdicts if spark_verdicts[i] != cli_verdicts[i]]
    assert differ == [], f"{len(differ)} differ, e.g. {differ[:1]}"
    assert 0 < sum(v["flagged"] for v in spark_verdicts.values()) < ROWS


def test_spark_row_without_text_gets_a_verdict_of_nulls(spark):
    from maskscreen.classifier.spark import with_verdicts

    frame = spark.createDataFrame(
        [
            (
                "a",
                "Custom silicone face mask made from your photo, realistic human skin",
                "add WeChat",
            ),
            ("b", None, " "),
        ],
        "id string, title string, description string",
    )
    rows = {r["id"]: r["verdict"] for r in with_verdicts(frame).collect()}
    assert rows["a"]["flagged"] and rows["a"]["signals"]["off_platform_contact"]
    assert rows["b"]["label"] is None and rows["b"]["flagged"] is None
