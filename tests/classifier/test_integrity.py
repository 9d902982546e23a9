"""Model integrity: runtime.npz must be the runtime recorded in metrics.json at save time
(a digest of its arrays) and reproduce the probabilities the pipeline gave for the canary
texts, or the model is refused; a verdict names the sha256 of its model file."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from maskscreen.classifier.model import (
    CANARIES,
    METRICS_FILE,
    MODEL_FILE,
    ModelError,
    default_model_dir,
    load_model,
)
from maskscreen.classifier.runtime import RUNTIME_FILE, Runtime, file_sha256

TEXT = "Realistic silicone old man mask, full head, nobody can tell"


@pytest.fixture
def model_copy(tmp_path):
    for name in (MODEL_FILE, METRICS_FILE, RUNTIME_FILE):
        shutil.copy(default_model_dir() / name, tmp_path / name)
    return tmp_path


def _rewrite_runtime(directory, change):
    """Change the arrays of runtime.npz in place, keeping its meta (and so the recorded
    sha256 of model.skops) as it was."""
    with np.load(directory / RUNTIME_FILE) as data:
        arrays = dict(data)
    change(arrays)
    with open(directory / RUNTIME_FILE, "wb") as stream:
        np.savez_compressed(stream, **arrays)


def test_the_shipped_model_records_canaries_of_both_labels_and_several_languages():
    metrics = json.loads((default_model_dir() / METRICS_FILE).read_text("utf-8"))
    canaries = metrics["canaries"]
    assert canaries["texts"] == list(CANARIES)
    probabilities = np.array(canaries["one_vs_rest"])
    benign = canaries["classes"].index("benign")
    assert (probabilities[:, benign] > 0.5).any() and (probabilities[:, benign] < 0.5).any()
    model = load_model()
    assert len({v.language for v in model.predict(list(CANARIES))}) >= 4


def test_a_tampered_coefficient_with_the_recorded_hash_kept_is_refused(model_copy):
    def nudge(arrays):
        coef = arrays["calibrated0_coef"].copy()
        column = int(np.argmax(np.abs(coef[0])))
        coef[:, column] *= -1  # flips a strong feature
        arrays["calibrated0_coef"] = coef

    _rewrite_runtime(model_copy, nudge)
    # the file still names the untouched model.skops: a hash check alone would pass it
    assert Runtime.load(model_copy / RUNTIME_FILE).model_sha256 == file_sha256(
        model_copy / MODEL_FILE
    )
    with pytest.raises(ModelError, match="not the runtime recorded.*refusing to use it"):
        load_model(model_copy)


def test_a_tampered_runtime_with_its_digest_rewritten_too_fails_on_the_canaries(model_copy):
    def shift(arrays):
        arrays["calibrated0_b"] = arrays["calibrated0_b"] + 1e-3

    _rewrite_runtime(model_copy, shift)
    metrics = json.loads((model_copy / METRICS_FILE).read_text("utf-8"))
    metrics["runtime_sha256"] = Runtime.load(model_copy / RUNTIME_FILE).digest()
    (model_copy / METRICS_FILE).write_text(json.dumps(metrics), encoding="utf-8")
    with pytest.raises(ModelError, match="does not reproduce the model's recorded probabilities"):
        load_model(model_copy)


def test_an_untouched_copy_loads_and_removed_canaries_are_refused(model_copy):
    assert load_model(model_copy).predict([TEXT])[0].flagged
    metrics = json.loads((model_copy / METRICS_FILE).read_text("utf-8"))
    del metrics["canaries"]
    (model_copy / METRICS_FILE).write_text(json.dumps(metrics), encoding="utf-8")
    with pytest.raises(ModelError, match="no usable canary probabilities"):
        load_model(model_copy)


def test_canaries_of_normalised_probabilities_from_an_older_maskscreen_are_refused(model_copy):
    # before the score was made of the one-vs-rest probabilities, canaries recorded the
    # normalised ones: checking those would not check what decides the score
    metrics = json.loads((model_copy / METRICS_FILE).read_text("utf-8"))
    canaries = metrics["canaries"]
    canaries["probabilities"] = canaries.pop("one_vs_rest")
    (model_copy / METRICS_FILE).write_text(json.dumps(metrics), encoding="utf-8")
    with pytest.raises(ModelError, match="no usable canary probabilities.*maskscreen train"):
        load_model(model_copy)


def test_edited_recorded_probabilities_are_refused_even_from_the_skops_file(model_copy):
    metrics = json.loads((model_copy / METRICS_FILE).read_text("utf-8"))
    metrics["canaries"]["one_vs_rest"][0][0] += 0.01
    (model_copy / METRICS_FILE).write_text(json.dumps(metrics), encoding="utf-8")
    (model_copy / RUNTIME_FILE).unlink()
    with pytest.raises(ModelError, match="does not reproduce"):
        load_model(model_copy)


def test_the_cli_refuses_a_tampered_model_in_one_line_with_exit_2(model_copy):
    _rewrite_runtime(
        model_copy, lambda a: a.__setitem__("calibrated0_intercept", a["calibrated0_intercept"] + 2)
    )
    result = subprocess.run(
        [sys.executable, "-m", "maskscreen.cli", "check", "--model", str(model_copy),
         "--text", TEXT],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "refusing to use it" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_verdicts_carry_the_model_file_sha256(model_copy):
    sha256 = file_sha256(model_copy / MODEL_FILE)
    assert load_model(model_copy).predict([TEXT])[0].model_sha256 == sha256
    result = subprocess.run(
        [sys.executable, "-m", "maskscreen.cli", "check", "--json", "--model", str(model_copy),
         "--text", TEXT],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert json.loads(result.stdout)["model_sha256"] == sha256
    plain = subprocess.run(
        [sys.executable, "-m", "maskscreen.cli", "check", "--model", str(model_copy),
         "--text", TEXT],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert f"sha256 {sha256[:16]}" in plain.stdout


def test_an_unknown_score_in_metrics_is_refused_at_load(model_copy):
    metrics = json.loads((model_copy / METRICS_FILE).read_text("utf-8"))
    metrics["score"] = "max"
    (model_copy / METRICS_FILE).write_text(json.dumps(metrics), encoding="utf-8")
    with pytest.raises(ModelError, match="unknown score 'max'"):
        load_model(model_copy)
