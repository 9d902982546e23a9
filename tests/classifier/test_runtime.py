"""The runtime form (runtime.npz): the pipeline's probabilities to the last bit, without
scikit-learn or skops; a stale or damaged file is never used."""

import copy
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import (
    ModelError,
    default_model_dir,
    load_model,
    pipeline_one_vs_rest,
    save_model,
    text_of,
)
from maskscreen.classifier.runtime import (
    RUNTIME_FILE,
    Runtime,
    UnsupportedPipeline,
    file_sha256,
    from_pipeline,
)

ROOT = Path(__file__).resolve().parents[2]
REMAKE = "maskscreen model runtime classifier/model"
TEXTS = [
    "Realistic silicone old man mask, full head — nobody can tell",
    "按照片定制 真 人 面 具，加V信 发照片",
    "Hydrating sheet mask 10 pack",
]


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def pipeline(model):
    return model.pipeline


def _hostile_texts() -> list[str]:
    corpus = "\n".join(e.text for e in load_corpus())
    megabyte = (corpus * (1_000_000 // len(corpus) + 1))[:1_000_000]
    return ["", " ", "🎭", "🎭🎭 ！！", "。", "\u200b", "1", megabyte, text_of(megabyte)]


def _same_arrays(a: Runtime, b: Runtime) -> bool:
    def arrays(runtime):
        out = [runtime.words.hashes, runtime.words.idf, runtime.chars.hashes, runtime.chars.idf]
        for c in runtime.calibrated:
            out += [c.coef, c.intercept, c.class_index, c.a, c.b]
        return out

    return (
        a.classes == b.classes
        and len(a.calibrated) == len(b.calibrated)
        and all(
            x.dtype == y.dtype and np.array_equal(x, y)
            for x, y in zip(arrays(a), arrays(b), strict=True)
        )
    )


def test_runtime_probabilities_are_the_pipelines_bit_for_bit(model, pipeline):
    texts = [text_of(e.text) for e in load_corpus()] + _hostile_texts()
    features = model.runtime.featurize(texts)
    ours = model.runtime.predict_proba(features.matrix)
    expected = pipeline.predict_proba(texts)
    assert model.runtime.classes == list(pipeline.classes_)
    assert ours.dtype == expected.dtype
    assert np.array_equal(ours, expected)


def test_runtime_one_vs_rest_probabilities_are_the_pipelines_bit_for_bit(model, pipeline):
    # what the score is made of (runtime.danger), by scikit-learn's own objects
    texts = [text_of(e.text) for e in load_corpus()] + _hostile_texts()
    ours = model.runtime.one_vs_rest(model.runtime.featurize(texts).matrix)
    expected = pipeline_one_vs_rest(pipeline, texts)
    assert ours.dtype == expected.dtype
    assert np.array_equal(ours, expected)
    # normalised, they are scikit-learn's predict_proba (to rounding)
    assert np.allclose(ours / ours.sum(axis=1, keepdims=True), pipeline.predict_proba(texts))


def test_shipped_runtime_file_is_derived_from_the_shipped_model(pipeline):
    directory = default_model_dir()
    shipped = Runtime.load(directory / RUNTIME_FILE)
    assert shipped.model_sha256 == file_sha256(directory / "model.skops"), (
        f"{RUNTIME_FILE} is stale (made from another model.skops): run `{REMAKE}`"
    )
    assert _same_arrays(shipped, from_pipeline(pipeline)), (
        f"{RUNTIME_FILE} is stale: run `{REMAKE}`"
    )


def test_shipped_model_loads_from_the_runtime_file_alone():
    model = load_model()
    assert model._pipeline is None  # the skops file was not read
    assert model.runtime.model_sha256 == file_sha256(default_model_dir() / "model.skops")


@pytest.fixture
def model_copy(tmp_path):
    for name in ("model.skops", "metrics.json", RUNTIME_FILE):
        shutil.copy(default_model_dir() / name, tmp_path / name)
    return tmp_path


def _verdicts(model, named=True):
    """The verdicts on TEXTS; without `named`, less the sha256 of the model file (a model
    saved again is a new file, with the same verdicts)."""
    return [
        {k: x for k, x in v.to_dict().items() if named or k != "model_sha256"}
        for v in model.predict(TEXTS)
    ]


def test_stale_runtime_file_is_ignored_with_a_warning(model, pipeline, model_copy, caplog):
    stale = from_pipeline(pipeline, model_sha256="0" * 64)
    stale.calibrated[0].intercept = stale.calibrated[0].intercept + 5  # would change scores
    stale.save(model_copy / RUNTIME_FILE)
    with caplog.at_level(logging.WARNING, logger="maskscreen.classifier.model"):
        again = load_model(model_copy)
    assert "made from another model.skops" in caplog.text
    assert again._pipeline is not None  # fell back to the skops file
    assert _verdicts(again) == _verdicts(model)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:50_000]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(b"PK\x03\x04" + b"\x00" * 200), id="garbage"),
        pytest.param(lambda path: path.unlink() or path.mkdir(), id="a-directory"),
    ],
)
def test_damaged_runtime_file_falls_back_to_the_skops_file(model, model_copy, damage, caplog):
    damage(model_copy / RUNTIME_FILE)
    with caplog.at_level(logging.WARNING, logger="maskscreen.classifier.model"):
        again = load_model(model_copy)
    assert again._pipeline is not None
    assert _verdicts(again) == _verdicts(model)


def test_runtime_file_with_arrays_that_do_not_fit_is_damaged(model, model_copy, caplog):
    with np.load(model_copy / RUNTIME_FILE) as data:
        arrays = dict(data)
    arrays["calibrated0_coef"] = arrays["calibrated0_coef"][:, :-1]  # one column short
    with open(model_copy / RUNTIME_FILE, "wb") as stream:
        np.savez_compressed(stream, **arrays)
    with caplog.at_level(logging.WARNING, logger="maskscreen.classifier.model"):
        again = load_model(model_copy)
    assert "ignoring damaged" in caplog.text
    assert again._pipeline is not None
    assert _verdicts(again) == _verdicts(model)


def test_missing_runtime_file_falls_back_to_the_skops_file(model, model_copy):
    (model_copy / RUNTIME_FILE).unlink()
    again = load_model(model_copy)
    assert again._pipeline is not None
    assert _verdicts(again) == _verdicts(model)


def test_save_model_writes_a_matching_runtime_file(model, pipeline, tmp_path):
    import skops.io

    from maskscreen.classifier.model import TRUSTED_TYPES

    from_pipeline(pipeline)  # the runtime form cached on the estimators is never saved
    save_model(pipeline, model.metadata, tmp_path)
    runtime = Runtime.load(tmp_path / RUNTIME_FILE)
    assert runtime.model_sha256 == file_sha256(tmp_path / "model.skops")
    assert _same_arrays(runtime, model.runtime)
    again = load_model(tmp_path)
    assert again._pipeline is None
    assert _verdicts(again, named=False) == _verdicts(model, named=False)
    assert {v["model_sha256"] for v in _verdicts(again)} == {runtime.model_sha256}
    assert set(skops.io.get_untrusted_types(file=tmp_path / "model.skops")) <= set(TRUSTED_TYPES)
    (tmp_path / RUNTIME_FILE).unlink()
    assert _verdicts(load_model(tmp_path), named=False) == _verdicts(model, named=False)


def test_the_pipeline_is_loaded_on_demand_and_checked(model_copy):
    again = load_model(model_copy)
    assert again.pipeline is not None and again._pipeline is again.pipeline
    other = load_model(model_copy)
    with open(model_copy / "model.skops", "ab") as stream:
        stream.write(b"\0")
    with pytest.raises(ModelError, match="has changed"):
        _ = other.pipeline


def test_pipeline_the_runtime_would_not_reproduce_is_refused(pipeline, tmp_path):
    isotonic = copy.deepcopy(pipeline)
    isotonic.named_steps["model"].method = "isotonic"
    with pytest.raises(UnsupportedPipeline, match="isotonic"):
        from_pipeline(isotonic)
    with pytest.raises(ModelError, match="cannot predict with"):
        save_model(isotonic, {}, tmp_path)
    assert not (tmp_path / "model.skops").exists()


def test_check_text_imports_neither_scikit_learn_nor_skops():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "maskscreen.cli", "check", "--text", TEXTS[0]],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr[-2000:]  # flagged
    assert "realistic_face_mask" in result.stdout
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "maskscreen.classifier.model" in imported and "spacy" in imported
    heavy = sorted(m for m in imported if m.split(".")[0] in ("sklearn", "skops"))
    assert not heavy, f"a one-off check imports {heavy[:5]}: keep them out of the predict path"
