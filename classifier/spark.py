"""The model on Spark: a verdict column for a DataFrame of listings (a pandas UDF).

For catalogues beyond one machine (docs/catalogue.md). The model's files are read
on the driver and broadcast once; each executor's Python worker writes them to a
temporary directory and loads them the first time it needs them, then keeps the
model for every later batch. Verdicts are the same as `maskscreen classify` gives:
the same ``Model.predict`` on the same title and description, batch by batch (a
listing's verdict does not depend on its batch). A row with neither title nor text
gets a null verdict (`maskscreen classify` reports it as a bad row).

Needs the ``spark`` extra (pyspark, pandas, pyarrow) on the driver, and maskscreen
installed on the executors.
"""

import hashlib
import tempfile
from pathlib import Path

from maskscreen.classifier.model import (
    METRICS_FILE,
    MODEL_FILE,
    Model,
    ModelError,
    default_model_dir,
    load_model,
)
from maskscreen.classifier.runtime import RUNTIME_FILE
from maskscreen.classifier.verdict import SIGNALS

__all__ = ["VERDICT_TYPE", "verdict_udf", "with_verdicts"]

VERDICT_TYPE = (
    "struct<label:string,score:double,flagged:boolean,signals:struct<"
    + ",".join(f"{name}:boolean" for name in SIGNALS)
    + ">,model_version:string>"
)
_SHIPPED_FILES = (MODEL_FILE, METRICS_FILE, RUNTIME_FILE)

# Per Python worker process: the models loaded from broadcast files, by their hash.
_loaded: dict[str, Model] = {}


def model_files(model_dir: str | Path | None = None) -> dict[str, bytes]:
    """The files a model needs, read into memory (to broadcast); runtime.npz if present."""
    directory = Path(model_dir) if model_dir is not None else default_model_dir()
    load_model(directory)  # refuse a broken or untrusted model here, on the driver
    files = {}
    for name in _SHIPPED_FILES:
        path = directory / name
        if path.is_file():
            files[name] = path.read_bytes()
    return files


def verdict_udf(spark, model_dir: str | Path | None = None):
    """A pandas UDF: (title, description) columns -> a VERDICT_TYPE struct column."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    files = model_files(model_dir)
    key = hashlib.sha256(files[MODEL_FILE] + files[METRICS_FILE]).hexdigest()
    shipped = spark.sparkContext.broadcast(files)

    @pandas_udf(VERDICT_TYPE)
    def verdict(title: pd.Series, description: pd.Series) -> pd.DataFrame:
        return verdict_frame(_model(key, shipped), title, description)

    return verdict


def with_verdicts(
    frame,
    *,
    title_col: str = "title",
    text_col: str = "description",
    column: str = "verdict",
    model_dir: str | Path | None = None,
):
    """``frame`` with a ``column`` of verdicts for its title and text columns."""
    from pyspark.sql import functions as F

    verdict = verdict_udf(frame.sparkSession, model_dir)
    return frame.withColumn(column, verdict(F.col(title_col), F.col(text_col)))


def verdict_frame(model: Model, titles, descriptions):
    """The verdicts of one batch as a pandas DataFrame of VERDICT_TYPE's fields."""
    import pandas as pd

    items, rows = [], []
    for row, (title, description) in enumerate(zip(titles, descriptions, strict=True)):
        title = title if isinstance(title, str) else None
        description = description if isinstance(description, str) else None
        if (title or "").strip() or (description or "").strip():
            items.append({"title": title, "description": description})
            rows.append(row)
    size = len(titles)
    out = {
        "label": [None] * size,
        "score": [None] * size,
        "flagged": [None] * size,
        "signals": [None] * size,
        "model_version": [None] * size,
    }
    for row, verdict in zip(rows, model.predict(items, explain=False), strict=True):
        out["label"][row] = verdict.label
        out["score"][row] = verdict.score
        out["flagged"][row] = verdict.flagged
        out["signals"][row] = {name: bool(verdict.signals.get(name)) for name in SIGNALS}
        out["model_version"][row] = verdict.model_version
    frame = pd.DataFrame(out)
    frame["score"] = frame["score"].astype("float64")
    frame["flagged"] = frame["flagged"].astype("boolean")
    return frame


def _model(key: str, shipped) -> Model:
    """This worker's copy of the broadcast model, written out and loaded once."""
    model = _loaded.get(key)
    if model is None:
        directory = Path(tempfile.mkdtemp(prefix="maskscreen-model-"))
        for name, data in shipped.value.items():
            (directory / name).write_bytes(data)
        try:
            model = load_model(directory)
        except ModelError as exc:
            raise ModelError(f"the broadcast model does not load on this executor: {exc}") from exc
        _loaded[key] = model
    return model
