"""Grouped cross-validation folds (classifier/folds.py) and their use in train.out_of_fold."""

import numpy as np

from maskscreen.classifier import train
from maskscreen.classifier.corpus import Example
from maskscreen.classifier.folds import fold_groups, page_key


def _example(i, title, label="benign", url=None, language="en"):
    return Example(
        id=f"t-{i}", language=language, family="other_benign", title=title, description="",
        label=label, source_url=url,
    )  # fmt: skip


def test_page_key_drops_scheme_host_prefix_language_segment_query_and_slash():
    assert page_key("https://www.Shop.example/de/masks/old-man/?ref=1#top") == page_key(
        "http://m.shop.example/masks/old-man"
    )
    assert page_key("https://shop.example/masks/old-man") != page_key(
        "https://shop.example/masks/old-woman"
    )


def test_one_page_and_near_twin_texts_share_a_group_and_unrelated_listings_do_not():
    examples = [
        _example(0, "Realistic silicone old man mask full head", url="https://a.example/de/p/1"),
        _example(1, "Máscara de silicona de anciano", url="https://www.a.example/es/p/1/"),
        _example(2, "Hyaluronic sheet mask, 10 pack, moisturising"),
        _example(3, "Hyaluronic sheet mask, 12 pack, moisturising"),
        _example(4, "Wooden chess set with folding board"),
        _example(5, "Garden hose 30 m with brass fittings"),
    ]
    groups = fold_groups(examples)
    assert groups[0] == groups[1]  # the same page under two addresses
    assert groups[2] == groups[3]  # near-duplicate texts
    assert len({groups[0], groups[2], groups[4], groups[5]}) == 4


def _corpus():
    titles = [f"realistic silicone mask of an old man number {i} {'x' * i}" for i in range(12)]
    titles += [f"sheet mask with aloe, pack of {i} {'y' * i}" for i in range(12)]
    titles += [f"your face copied from photos as a mask, order {i} {'z' * i}" for i in range(12)]
    labels = ["realistic_face_mask"] * 12 + ["benign"] * 12 + ["custom_face_copy"] * 12
    return [_example(i, t, label) for i, (t, label) in enumerate(zip(titles, labels, strict=True))]


def test_folds_keep_each_group_whole():
    examples = _corpus()
    labels = np.array([e.label for e in examples])
    # pairs of listings (one story each, say) must share a fold
    pairs = np.arange(36) // 2
    original = train.fold_groups
    try:
        train.fold_groups = lambda examples: pairs
        folds = train._grouped_folds(examples, labels, labels, 3, 0)
    finally:
        train.fold_groups = original
    assert len(folds) == 3
    for train_idx, test_idx in folds:
        assert not set(pairs[train_idx]) & set(pairs[test_idx])
        assert set(labels[train_idx]) == set(labels)


def test_groups_that_would_empty_a_label_fall_back_to_one_group_a_listing(monkeypatch):
    examples = _corpus()
    labels = np.array([e.label for e in examples])
    # every stock mask in one group: some fold's training part would have none
    lumped = np.array([0] * 12 + list(range(1, 25)))
    monkeypatch.setattr(train, "fold_groups", lambda ex: lumped)
    folds = train._grouped_folds(examples, labels, labels, 2, 0)
    assert len(folds) == 2
    for train_idx, _ in folds:
        assert set(labels[train_idx]) == set(labels)
    probabilities = train.out_of_fold(examples, seed=0, folds=2, progress=lambda m: None)
    assert probabilities.shape == (36, 3) and (probabilities.sum(axis=1) > 0).all()
