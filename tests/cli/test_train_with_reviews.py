"""`maskscreen train --with-reviews`: reviewers' decisions join the training data, never the test split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model
from maskscreen.classifier.split import load_test_ids
from maskscreen.cli.main import cli
from maskscreen.db import store
from maskscreen.db.migrate import open_database
from maskscreen.db.models import utcnow
from tests.db.analytics_data import case_of, move
from tests.db.factories import make_listing, make_verdict


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> tuple[Path, list]:
    """A few dozen corpus listings of each label, some of them from the fixed test split."""
    test_ids = load_test_ids()
    chosen, test = [], []
    for label in ("realistic_face_mask", "custom_face_copy", "benign"):
        examples = [e for e in load_corpus() if e.label == label and e.language == "en"]
        chosen += [e for e in examples if e.id not in test_ids][:16]
        test += [e for e in examples if e.id in test_ids][:4]
    path = tmp_path_factory.mktemp("corpus") / "corpus_small.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for e in chosen + test:
            handle.write(
                json.dumps(
                    {
                        "id": e.id,
                        "language": e.language,
                        "family": e.family,
                        "title": e.title,
                        "description": e.description,
                        "label": e.label,
                        "signals": e.signals,
                    }
                )
                + "\n"
            )
    return path, test


def seed_decisions(url: str, test_example) -> None:
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        rows = store.upsert_listings(session, site, [
            make_listing(1, title="Custom silicone mask cast from your photo, looks like you"),
            make_listing(2, title="Rubber gorilla mask for parties", description="Cartoon ape."),
            # The same text as a listing of the fixed test split: must not be trained on.
            make_listing(3, title=test_example.title, description=test_example.description),
            make_listing(4, title="Open case, not decided yet"),
        ])  # fmt: skip
        store.record_classifications(session, [
            (rows[0].version_id, make_verdict(label="custom_face_copy")),
            (rows[1].version_id, make_verdict()),
            (rows[2].version_id, make_verdict()),
            (rows[3].version_id, make_verdict()),
        ])  # fmt: skip
        now = utcnow()
        move(session, case_of(session, rows[0].listing_id), "confirmed", now)
        move(session, case_of(session, rows[1].listing_id), "dismissed", now)
        move(session, case_of(session, rows[2].listing_id), "dismissed", now)
    engine.dispose()


def test_train_with_reviews_counts_review_labels_and_keeps_the_test_split(small_corpus, tmp_path):
    corpus, test = small_corpus
    url = f"sqlite:///{tmp_path / 'reviews.sqlite'}"
    seed_decisions(url, test[0])
    out = tmp_path / "model"
    result = CliRunner().invoke(cli, [
        "train", "--with-reviews", "--db", url, "--corpus", str(corpus), "--folds", "2", "--out", str(out),
        "--evasion-head",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "review labels: 2 added to the training data, 1 left out (same text as a test example)"
        in result.stderr
    )
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    assert metrics["review_labels"] == 2
    assert metrics["test_size"] == len(test) and metrics["train_size"] == 48 + 2
    assert "review labels used: 2" in (out / "MODEL.md").read_text("utf-8")
    # the evasion head (reviewed listings left out of it) is measured, and saved and loaded
    # with the model when a cut keeps its precision target
    assert {"patterns", "patterns_or_head"} <= set(metrics["cross_validation"]["evasion_head"])
    assert (out / "evasion_head.npz").is_file() == bool(metrics.get("evasion_head"))
    loaded = load_model(out)
    assert (loaded.evasion_head is None) == (not metrics.get("evasion_head"))


def test_train_without_reviews_records_none(small_corpus, tmp_path):
    corpus, _ = small_corpus
    out = tmp_path / "model"
    result = CliRunner().invoke(
        cli, ["train", "--corpus", str(corpus), "--folds", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    assert metrics["review_labels"] == 0
    # without --evasion-head no head is fitted, saved or named in the version's recipe
    assert "evasion_head" not in metrics and "evasion_head" not in metrics["cross_validation"]
    assert not (out / "evasion_head.npz").exists() and load_model(out).evasion_head is None
