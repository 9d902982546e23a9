"""The written made-to-order records (corpus_mix_i.jsonl, issue 13): the same phrasing on
both sides of the policy in ja and es, no held-out lexicon word, the signal annotated and
matched."""

from collections import Counter

import pytest

from maskscreen.classifier.concepts import ConceptMatcher, read_lexicon
from maskscreen.classifier.corpus import default_corpus_files, load_corpus
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher


@pytest.fixture(scope="module")
def records():
    [path] = [p for p in default_corpus_files() if p.name == "corpus_mix_i.jsonl"]
    return load_corpus([path])


def test_made_to_order_phrasing_is_on_dangerous_and_benign_listings(records):
    sides = Counter((e.language, e.label == "benign") for e in records)
    for language in ("ja", "es"):
        # dangerous copies made from photos outnumber the look-alikes made from photos, so
        # that the phrases themselves stop leaning benign in these languages
        assert sides[(language, False)] > sides[(language, True)] > 0, language


def test_every_record_says_made_to_order_and_the_patterns_find_it(records):
    signals = default_matcher()
    for example in records:
        assert example.signals["made_to_order"], example.id
        found = signals.flags(signals.find(normalize(example.text)))
        assert found["made_to_order"], example.id


def test_no_record_holds_a_held_out_lexicon_word(records):
    held_out = ConceptMatcher.from_data(read_lexicon(), "test")
    assert [e.id for e in records if held_out.find(normalize(e.text))] == []
