"""What a one-off check keeps per machine instead of working out again: the record that a
pattern file's patterns all parse, and each script group's rare characters."""

import json

import pytest

from maskscreen.classifier import regexes, signals
from maskscreen.classifier.signals import PatternFileError, SignalMatcher, read_patterns


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(regexes, "_cache_dir", lambda: tmp_path)
    return tmp_path


def test_needs_read_back_are_those_worked_out(cache):
    matcher = SignalMatcher.from_text(read_patterns())
    for patterns in matcher._sources.values():
        made = signals._needs_made(patterns)
        for _ in range(2):  # made and kept, then read back from the record
            rare, each = signals._needs_of(patterns)
            assert each == made
            assert rare == "".join(sorted({c for need in made if need for c in need}))
    assert any(
        need for patterns in matcher._sources.values() for need in signals._needs_made(patterns)
    )


def test_a_recorded_pattern_file_is_not_parsed_again(cache, monkeypatch):
    SignalMatcher.from_text(read_patterns())

    def parse_all(patterns):
        raise AssertionError("parsed again")

    monkeypatch.setattr(signals, "_parse_all", parse_all)
    assert SignalMatcher.from_text(read_patterns()).version.startswith("signals-")


def test_a_broken_pattern_is_refused_after_the_file_was_recorded(cache):
    SignalMatcher.from_text(read_patterns())
    data = json.loads(read_patterns())
    data["signals"]["evasion_claim"]["en"].append("(unclosed")
    for _ in range(2):  # no record is made of a file that does not parse
        with pytest.raises(PatternFileError, match="cannot load signal patterns"):
            SignalMatcher.from_text(json.dumps(data))


def test_concept_tries_read_back_are_those_written_out(cache):
    from maskscreen.classifier import concepts
    from maskscreen.classifier.model import load_model

    lexicon = json.loads(load_model().runtime.concepts.lexicon)
    # whether loading the model wrote the bounded words out here depends on whether an
    # earlier test in this process loaded it first: start from an empty cache either way
    for record in cache.glob("derived/*.json"):
        record.unlink()
    records = []
    for _ in range(2):  # written out and kept, then read back from the records
        before = set(cache.glob("derived/*.json"))
        matcher = concepts.ConceptMatcher.from_data(lexicon, "train")
        for part, words in matcher._words.items():
            bounded = part == "bounded"
            assert matcher.compiled(part).pattern == concepts._pattern_of(words, bounded)
        records.append(len(set(cache.glob("derived/*.json")) - before))
    # one record a part (bounded, free and CJK words); then none new: each is read back
    assert records == [len(matcher._words), 0]
    assert len(matcher._words) >= 2
