"""The shipped model: fresh, safe to load, batched, explained."""

import json

import pytest

from maskscreen.classifier.corpus import corpus_hash
from maskscreen.classifier.model import ModelError, default_model_dir, load_model
from maskscreen.classifier.runtime import file_sha256
from maskscreen.classifier.verdict import LABELS, SIGNALS


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_shipped_model_matches_the_corpus():
    metrics = json.loads((default_model_dir() / "metrics.json").read_text())
    assert metrics["corpus_sha256"] == corpus_hash(), (
        "the shipped model is stale: run `maskscreen train --out classifier/model`"
    )


def test_shipped_model_meets_cross_validated_floor():
    metrics = json.loads((default_model_dir() / "metrics.json").read_text())
    flagged = metrics["cross_validation"]["flagged"]["all"]
    assert flagged["precision"] >= 0.9
    assert flagged["recall"] >= 0.8


def test_verdict_shape(model):
    verdict = model.predict(["Realistic silicone old man full head mask, nobody can tell"])[0]
    assert verdict.label in LABELS
    assert set(verdict.scores) == set(LABELS)
    assert abs(sum(verdict.scores.values()) - 1) < 1e-3
    assert set(verdict.signals) == set(SIGNALS)
    assert verdict.flagged == (verdict.score >= verdict.threshold)
    assert verdict.model_version == model.version
    assert verdict.lexicon_version == model.lexicon_version
    assert verdict.language == "en" and verdict.language_supported
    assert verdict.concepts["human_subject"] == ["old man"]


def test_batch_and_single_predictions_agree(model):
    texts = [
        "硅胶面具 真人 老人 头套 可过人脸识别",
        "Hydrating sheet mask 10 pack",
        "CPR training manikin adult",
    ]
    batch = model.predict(texts)
    single = [model.predict([t])[0] for t in texts]
    assert [v.score for v in batch] == [v.score for v in single]


def test_reasons_quote_the_listing_own_words(model):
    text = "按照片定制 真 人 面 具，加V信 发照片"
    verdict = model.predict([text])[0]
    assert verdict.flagged
    assert verdict.signals["made_to_order"] and verdict.signals["off_platform_contact"]
    quoted = [r.split(": ", 1)[-1].strip("'") for r in verdict.reasons]
    assert quoted and all(q in text for q in quoted)


def test_mapping_input_uses_title_and_description(model):
    verdict = model.predict(
        [
            {
                "title": "Face film",
                "description": "ultra thin silicone second skin, change your identity",
            }
        ]
    )[0]
    assert verdict.signals["evasion_claim"]


def test_empty_input_gives_no_verdicts(model):
    assert model.predict([]) == []


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="no model in"):
        load_model(tmp_path)


def test_model_with_untrusted_type_is_refused(tmp_path):
    import os

    import skops.io
    from sklearn.preprocessing import FunctionTransformer

    skops.io.dump(FunctionTransformer(func=os.system), tmp_path / "model.skops")
    (tmp_path / "metrics.json").write_text("{}")
    with pytest.raises(ModelError, match="untrusted types"):
        load_model(tmp_path)


def test_long_text_is_cut_by_the_documented_rule(model):
    from maskscreen.classifier.model import MAX_TEXT_CHARS, text_of

    long = {"title": "Realistic silicone old man mask", "description": "padding " * 200_000}
    assert len(text_of(long)) == MAX_TEXT_CHARS
    assert text_of(long).startswith("Realistic silicone old man mask\n")
    verdict = model.predict([long, "", "🎭🎭 ！！"])
    assert len(verdict) == 3 and verdict[1].label in (
        "benign",
        "realistic_face_mask",
        "custom_face_copy",
    )


def test_save_load_round_trip_gives_identical_verdicts(model, tmp_path):
    from maskscreen.classifier.model import save_model

    texts = [
        "矽膠面具 真 人 頭套 可過人臉識別",
        "Realistic s i l i c o n e old man mask",
        "Hydrating sheet mask",
    ]
    save_model(model.pipeline, model.metadata, tmp_path)
    again = load_model(tmp_path)
    # the same verdicts, each naming its own model file (a new file: new zip timestamps)
    saved = file_sha256(tmp_path / "model.skops")
    assert [v.model_sha256 for v in again.predict(texts)] == [saved] * len(texts)
    assert [_unnamed(v) for v in again.predict(texts)] == [
        _unnamed(v) for v in model.predict(texts)
    ]


def _unnamed(verdict) -> dict:
    return {k: v for k, v in verdict.to_dict().items() if k != "model_sha256"}


def test_shipped_model_is_skops_with_only_our_trusted_types():
    import zipfile

    import skops.io

    from maskscreen.classifier.model import TRUSTED_TYPES

    path = default_model_dir() / "model.skops"
    assert zipfile.is_zipfile(path) and "schema.json" in zipfile.ZipFile(path).namelist()
    assert set(skops.io.get_untrusted_types(file=path)) <= set(TRUSTED_TYPES)
    assert (default_model_dir() / "model.skops").stat().st_size < 20_000_000


def test_model_made_by_an_older_maskscreen_is_refused(tmp_path):
    import numpy as np
    import skops.io
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    from maskscreen.classifier.features import TextNormalizer

    texts, labels = (
        ["silicone mask", "sheet mask", "old man mask", "face cream"],
        np.array([0, 1, 0, 1]),
    )
    old = Pipeline(
        [
            ("normalize", TextNormalizer()),
            (
                "features",
                FeatureUnion(
                    [
                        ("words", Pipeline([("tfidf", TfidfVectorizer())])),
                        ("chars", TfidfVectorizer()),
                    ]
                ),
            ),
            ("model", LogisticRegression()),
        ]
    ).fit(texts, labels)
    skops.io.dump(old, tmp_path / "model.skops")
    (tmp_path / "metrics.json").write_text("{}")
    with pytest.raises(ModelError, match="older maskscreen"):
        load_model(tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        "矽膠面具 真 人 頭套，可過人臉識別，加V信 按照片定制",
        "REALISTIC Silicone OLD MAN mask — nobody can tell, WhatsApp +44 7700 900123",
        "ｓｉｌｉｃｏｎｅ m@sk full head, made from your photos",
    ],
)
def test_reasons_are_spans_of_the_original_text(model, text):
    verdict = model.predict([text])[0]
    quoted = [r.split(": ", 1)[-1] for r in verdict.reasons]
    assert quoted
    for quote in quoted:
        assert quote[0] == quote[-1] == "'" and quote[1:-1] in text


def test_explanations_do_not_depend_on_the_batch(model):
    texts = [
        "硅胶面具 真人 老人 头套 可过人脸识别",
        "Realistic silicone old man mask, nobody can tell",
        "面膜 补水",
    ]
    batch = model.predict(texts * 3)
    assert [v.reasons for v in batch[:3]] == [model.predict([t])[0].reasons for t in texts]


def test_the_model_version_names_the_training_recipe(monkeypatch):
    from maskscreen.classifier import train
    from maskscreen.classifier.augment import synthetic_examples

    # `maskscreen train` fits with augment.py's listings of its seed (0 for the shipped model)
    before = train.recipe_digest(0, None, synthetic_examples(seed=0))
    original = train.build_pipeline

    def other_c(seed=0):
        pipeline = original(seed)
        pipeline.named_steps["model"].estimator.C = 1.0
        return pipeline

    monkeypatch.setattr(train, "build_pipeline", other_c)
    assert train.recipe_digest(0, None, synthetic_examples(seed=0)) != before
    assert before in load_model().version  # the shipped model was trained with this recipe
