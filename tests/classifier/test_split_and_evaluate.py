"""The fixed test split, the evaluation report and the keyword baseline."""

from collections import Counter

import pytest

from maskscreen.classifier.baseline import KeywordBlocklist
from maskscreen.classifier.corpus import Example, load_corpus
from maskscreen.classifier.evaluate import evaluate_model, precision_recall_points
from maskscreen.classifier.model import load_model
from maskscreen.classifier.split import extend_split, load_seen_ids, load_test_ids, split, stratum


def example(i, label="benign", language="en"):
    return Example(
        id=f"x-{i}", language=language, family="f", title=f"t{i}", description="", label=label
    )


def test_test_split_is_at_least_a_fifth_of_every_stratum():
    corpus = load_corpus()
    test_ids = load_test_ids()
    assert test_ids, (
        "classifier/data/test_split.txt is missing: run python -m maskscreen.classifier.split"
    )
    assert test_ids <= {e.id for e in corpus}
    sizes = Counter(stratum(e) for e in corpus)
    held = Counter(stratum(e) for e in corpus if e.id in test_ids)
    for key, size in sizes.items():
        assert held[key] >= 0.2 * size - 1, key


def test_every_corpus_listing_is_in_the_split_plan():
    corpus = load_corpus()
    seen = load_seen_ids()
    assert {e.id for e in corpus} <= seen, (
        "new corpus listings: run python -m maskscreen.classifier.split"
    )
    assert extend_split(corpus, load_test_ids(), seen) == load_test_ids()


def test_extending_the_split_keeps_old_test_ids():
    first = [example(i) for i in range(50)]
    ids = extend_split(first, set())
    assert len(ids) == 10
    grown = extend_split(first + [example(i) for i in range(50, 100)], ids)
    assert ids <= grown and len(grown) == 20


def test_a_training_listing_never_moves_into_the_test_split():
    first = [example(i) for i in range(50)]
    ids = extend_split(first, set())
    seen = {e.id for e in first}
    # A stratum short of a fifth is topped up from new listings only.
    grown = extend_split(first + [example(i) for i in range(50, 60)], set(list(ids)[:5]), seen)
    added = grown - set(list(ids)[:5])
    assert added and all(int(i.split("-")[1]) >= 50 for i in added)


def test_split_never_shares_a_listing():
    corpus = load_corpus()
    train, test = split(corpus, load_test_ids())
    assert not {e.id for e in train} & {e.id for e in test}
    assert len(train) + len(test) == len(corpus)


def test_blocklist_is_plain_substring_matching():
    blocklist = KeywordBlocklist("v", ["silicone mask", "硅胶面具"])
    assert blocklist.flags(["Silicone Mask for men", "硅胶面具", "s i l i c o n e mask"]) == [
        True,
        True,
        False,
    ]


def test_precision_recall_points():
    points = precision_recall_points([True, False, True, False], [0.9, 0.8, 0.7, 0.1])
    assert points[0] == (0.9, 1.0, 0.5)
    assert points[-1] == (0.1, 0.5, 1.0)


@pytest.fixture(scope="module")
def report():
    corpus = load_corpus()
    _, test = split(corpus, load_test_ids())
    return evaluate_model(load_model(), test[:120], worst=5)


def test_evaluation_report_has_every_figure(report):
    assert report["size"] == 120
    assert set(report["flagged"]) >= {"all"}
    assert set(report["labels"]) >= {
        "realistic_face_mask",
        "custom_face_copy",
        "benign",
        "macro_f1",
    }
    assert sum(sum(row.values()) for row in report["confusion"].values()) == 120
    assert set(report["signals"]) == {"evasion_claim", "made_to_order", "off_platform_contact"}
    assert len(report["worst_errors"]) <= 5
    assert report["baseline"]["flagged"]["all"]["support"] == report["flagged"]["all"]["support"]


def test_html_report_escapes_listing_text(report, tmp_path):
    from maskscreen.classifier.report import write_report

    report = dict(report)
    report["worst_errors"] = [
        {
            "id": "x",
            "truth": "benign",
            "predicted": "custom_face_copy",
            "score": 0.9,
            "title": "<script>alert(1)</script>",
            "reasons": ["<b>"],
        }
    ]
    page = write_report(report, tmp_path, "t").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert (tmp_path / "precision_recall.png").stat().st_size > 1000
    assert (tmp_path / "confusion.png").stat().st_size > 1000
