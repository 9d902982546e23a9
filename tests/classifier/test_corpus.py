"""The labelled corpus: size, balance, look-alikes, variety, no near-duplicates."""

from collections import Counter

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from maskscreen.classifier.corpus import CorpusError, load_corpus, parse_example
from maskscreen.classifier.normalize import normalize

LOOK_ALIKES = {
    "skincare_mask", "led_mask", "medical_mask", "creature_mask", "caricature_mask",
    "masquerade_mask", "photo_face_print", "mannequin_head", "cpr_manikin", "casting_kit",
    "silicone_mould", "doll", "figurine", "facial_prosthesis", "vr_face_cover", "sleep_mask",
    "sfx_prosthetic", "wig",
}  # fmt: skip


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_corpus_is_big_enough_and_bilingual(corpus):
    languages = Counter(e.language for e in corpus)
    assert len(corpus) >= 400
    assert languages["zh"] >= 120


def test_every_label_is_represented(corpus):
    labels = Counter(e.label for e in corpus)
    assert labels["realistic_face_mask"] >= 60
    assert labels["custom_face_copy"] >= 30
    assert labels["benign"] >= 200


def test_at_least_half_the_benign_listings_are_look_alikes(corpus):
    benign = [e for e in corpus if e.label == "benign"]
    look_alikes = [e for e in benign if e.family in LOOK_ALIKES]
    assert len(look_alikes) * 2 >= len(benign)
    assert len({e.family for e in look_alikes}) >= 12


def test_positives_do_not_share_one_giveaway_word(corpus):
    positives = [set(normalize(e.text).split()) for e in corpus if e.label != "benign"]
    counts = Counter(word for words in positives for word in words)
    most_common_word, count = counts.most_common(1)[0]
    assert count < 0.6 * len(positives), most_common_word


def test_no_near_duplicates(corpus):
    texts = [normalize(e.text) for e in corpus]
    grams = CountVectorizer(analyzer="char", ngram_range=(4, 4), binary=True).fit_transform(texts)
    sizes = np.asarray(grams.sum(axis=1)).ravel()
    shared = (grams @ grams.T).tocoo()
    pairs = []
    for i, j, inter in zip(shared.row, shared.col, shared.data, strict=False):
        if i < j:
            jaccard = inter / (sizes[i] + sizes[j] - inter)
            if jaccard > 0.6:
                pairs.append((corpus[i].id, corpus[j].id, round(float(jaccard), 2)))
    assert pairs == []


def test_bad_corpus_line_names_the_place():
    with pytest.raises(CorpusError, match="x.jsonl:3: label must be one of"):
        parse_example('{"title": "t", "label": "dangerous"}', "x.jsonl:3")
    with pytest.raises(CorpusError, match="not JSON"):
        parse_example("{broken", "x.jsonl:4")


def test_guidelines_coverage_table_matches_the_corpus(corpus):
    from maskscreen.classifier.coverage import coverage_table, current_table, guidelines_path

    assert current_table(guidelines_path().read_text("utf-8")) == coverage_table(corpus), (
        "run python -m maskscreen.classifier.coverage"
    )


def test_every_family_has_at_least_twenty_examples(corpus):
    counts = Counter(e.family for e in corpus)
    assert min(counts.values()) >= 20, counts.most_common()[-3:]
    assert set(counts) >= LOOK_ALIKES
