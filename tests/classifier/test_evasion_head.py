"""The learned evasion head (classifier/evasion_head.py): trained by train.fit_evasion_head,
saved beside the model and checked at load, and setting a verdict's evasion_claim with a
reason a reviewer can read where the patterns found nothing. A model without one (older
models) sets the signal from the patterns alone."""

import json
import shutil

import numpy as np
import pytest

from maskscreen.classifier.card import model_card
from maskscreen.classifier.corpus import Example
from maskscreen.classifier.evasion_head import HEAD_FILE, EvasionHead, HeadError, choose_threshold
from maskscreen.classifier.model import ModelError, default_model_dir, load_model, save_model
from maskscreen.classifier.train import fit_evasion_head, head_record, training_material

# No pattern fires on either text (asserted below); the head is made to fire on the first.
CLAIM = "Silicone old man mask, my colleagues sat next to me all day and suspected nothing"
PLAIN = "Silicone old man mask, soft and comfortable, ships in two days"


@pytest.fixture(scope="module")
def model():
    return load_model()


def _width(model) -> int:
    return model.runtime.calibrated[0].coef.shape[1]


def _head_on(model, text: str, unlike: str = PLAIN) -> EvasionHead:
    """A head that weighs the word n-grams of `text` that `unlike` lacks (20 apiece), at a
    cut that `text` reaches and `unlike` (score expit(-2)) does not."""
    coef = np.zeros(_width(model))
    words = model.runtime.featurize([text, unlike]).words
    coef[sorted(set(words[0].indices) - set(words[1].indices))] = 20.0
    return EvasionHead(coef=coef, intercept=-2.0, threshold=0.5)


def test_a_head_sets_the_evasion_claim_the_patterns_miss_and_names_its_words(model):
    patterns_only = model.predict([CLAIM, PLAIN])
    assert [v.signals["evasion_claim"] for v in patterns_only] == [False, False]
    model.evasion_head = _head_on(model, CLAIM)
    try:
        claim, plain = model.predict([CLAIM, PLAIN])
    finally:
        model.evasion_head = None
    assert claim.signals["evasion_claim"] and not plain.signals["evasion_claim"]
    learned = [r for r in claim.reasons if r.startswith("evasion claim (learned")]
    assert len(learned) == 1 and claim.reasons[0] == learned[0]
    quoted = learned[0].split(": ", 1)[1].split(", ")
    assert quoted and all(q.strip("'") in CLAIM for q in quoted)  # the listing's own words
    assert any(q.strip("'") not in PLAIN for q in quoted)
    assert not any("learned" in r for r in plain.reasons)
    # the rest of the verdict is the patterns-only model's
    assert claim.score == patterns_only[0].score and claim.label == patterns_only[0].label


def test_a_pattern_hit_keeps_its_own_reason_when_the_head_fires_too(model):
    text = "Realistic silicone mask, nobody can tell it's a mask"
    assert model.predict([text])[0].signals["evasion_claim"]  # the patterns' own
    model.evasion_head = _head_on(model, text)
    try:
        verdict = model.predict([text])[0]
    finally:
        model.evasion_head = None
    assert verdict.signals["evasion_claim"]
    assert not any("learned" in r for r in verdict.reasons)
    assert any(r.startswith("evasion claim: ") for r in verdict.reasons)


def test_the_head_is_trained_on_the_marks_and_leaves_reviewed_listings_out(model):
    material = training_material()
    marked = [e for e in material if e.signals.get("evasion_claim")][:40]
    unmarked = [e for e in material if not e.signals.get("evasion_claim")][:80]
    examples = marked + unmarked
    head, figures = fit_evasion_head(model.runtime, examples, model.matcher, 0, lambda m: None)
    assert head is not None and head.coef.shape == (_width(model),)
    assert 0.0 < head.threshold < 1.0 and figures["cut"] == head.threshold
    assert set(figures) >= {"patterns", "patterns_or_head"}
    union = figures["patterns_or_head"]["all"]
    assert union["recall"] >= figures["patterns"]["all"]["recall"]
    scores = head.scores(model.runtime.featurize([e.text for e in examples]).matrix)
    assert scores[: len(marked)].mean() > scores[len(marked) :].mean() + 0.3
    # a reviewed listing's marks are the model's own signals: never learned from
    reviewed = [
        Example(
            id=f"review-{i}", language="en", family="review", title=e.title,
            description=e.description, label=e.label, signals={"evasion_claim": True},
        )
        for i, e in enumerate(unmarked[:20])
    ]  # fmt: skip
    again, _ = fit_evasion_head(
        model.runtime, examples + reviewed, model.matcher, 0, lambda m: None
    )
    assert np.array_equal(again.coef, head.coef) and again.threshold == head.threshold


def test_the_cut_is_the_lowest_that_keeps_the_precision_of_the_union():
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0], bool)
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
    patterns = np.array([0, 0, 0, 0, 0, 0, 1, 0], bool)
    # union at 0.6: 4 true of 5 (0.8); at 0.3 the pattern's row is counted once: 4 of 7
    assert choose_threshold(y, scores, patterns, 0.8) == 0.6
    assert choose_threshold(y, scores, patterns, 0.75) == 0.6
    assert choose_threshold(y, scores, np.zeros(8, bool), 1.0) == 0.8
    assert choose_threshold(~y, scores, np.zeros(8, bool), 0.99) is None


def test_a_head_is_saved_beside_the_model_and_loaded_with_it(model, tmp_path):
    head = _head_on(model, CLAIM)
    metadata = {**model.metadata, "evasion_head": head_record(head)}
    save_model(model.pipeline, metadata, tmp_path, head)
    loaded = load_model(tmp_path)
    assert loaded.evasion_head is not None
    assert np.array_equal(loaded.evasion_head.coef, head.coef)
    assert loaded.predict([CLAIM])[0].signals["evasion_claim"]
    # the file is checked against metrics.json: an edited weight is refused
    altered = EvasionHead(head.coef * 2, head.intercept, head.threshold)
    altered.save(tmp_path / HEAD_FILE)
    with pytest.raises(ModelError, match="not the evasion head recorded"):
        load_model(tmp_path)
    (tmp_path / HEAD_FILE).unlink()
    with pytest.raises(ModelError, match="missing"):
        load_model(tmp_path)
    # saving without the head the metadata records is refused
    with pytest.raises(ModelError, match="evasion head"):
        save_model(model.pipeline, metadata, tmp_path / "other")


def test_a_head_file_of_another_width_or_damaged_is_refused(tmp_path):
    head = EvasionHead(np.arange(5, dtype=np.float64), -1.0, 0.7)
    path = head.save(tmp_path / HEAD_FILE)
    again = EvasionHead.load(path, 5)
    assert again.digest() == head.digest() and again.threshold == 0.7
    with pytest.raises(HeadError, match="wide"):
        EvasionHead.load(path, 6)
    path.write_bytes(b"not a zip")
    with pytest.raises(HeadError):
        EvasionHead.load(path, 5)


def test_an_older_model_without_a_head_loads_and_uses_the_patterns(tmp_path):
    directory = tmp_path / "old"
    shutil.copytree(default_model_dir(), directory)
    (directory / HEAD_FILE).unlink(missing_ok=True)
    metrics = json.loads((directory / "metrics.json").read_text("utf-8"))
    metrics.pop("evasion_head", None)
    (directory / "metrics.json").write_text(json.dumps(metrics), "utf-8")
    old = load_model(directory)
    assert old.evasion_head is None
    claim, plain = old.predict(["Realistic silicone mask, nobody can tell it's a mask", PLAIN])
    assert claim.signals["evasion_claim"] and not plain.signals["evasion_claim"]
    assert not any("learned" in r for v in (claim, plain) for r in v.reasons)


def test_the_model_card_names_the_head_only_when_the_model_has_one(model):
    head = _head_on(model, CLAIM)
    figures = {"precision_target": 0.95, "patterns_or_head": {"grounded": {"recall": 0.9}}}
    with_head = {
        **model.metadata,
        "evasion_head": head_record(head),
        "cross_validation": {**model.metadata["cross_validation"], "evasion_head": figures},
    }
    line = [x for x in model_card(with_head).splitlines() if "learned linear head" in x]
    assert len(line) == 1 and "≥ 0.500" in line[0] and "R 0.900" in line[0]
    assert "learned linear head" not in model_card(model.metadata)
