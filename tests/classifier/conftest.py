"""Fixtures shared by the lexicon tests (test_concepts_*.py)."""

import pytest

from maskscreen.classifier.concepts import ConceptMatcher, read_lexicon
from maskscreen.classifier.normalize import normalize


@pytest.fixture(scope="session")
def concepts_of():
    """The concepts the whole lexicon (training and held-out words) finds in a text."""
    matcher = ConceptMatcher.from_data(read_lexicon(), "all")
    return lambda text: {m.concept for m in matcher.find(normalize(text))}
