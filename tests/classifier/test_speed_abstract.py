"""concepts.abstract with its marks looked up once an order (and no private-use search of
ASCII text) writes what it wrote before: on the whole training material and the
behavioural cases, with and without `keep`."""

import re

import pytest

from maskscreen.classifier import concepts
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.train import training_material


def plain_abstract(normalized, matches, order, keep=False):
    """abstract as it was: the private-use search on every text, order.index a match."""
    private = re.compile("[\ue000-\uf8ff]")
    text = private.sub(" ", normalized) if private.search(normalized) else normalized
    if not matches:
        return text
    parts, at = [], 0
    for match in matches:
        parts.append(text[at : match.start])
        parts.append(f" {concepts.concept_mark(order.index(match.concept))} ")
        if keep:
            parts.append(text[match.start : match.end])
        at = match.end
    parts.append(text[at:])
    return "".join(parts)


@pytest.mark.parametrize("keep", [False, True])
def test_abstract_writes_what_the_plain_one_wrote(keep):
    matcher = load_model().runtime.concepts.matchers()[0]
    texts = [e.text for e in training_material()]
    texts += [text for case in generate() for text in case.texts]
    texts = [normalize(text) for text in texts]
    texts += [t[:20] + "\ue001 x\uf8ff" + t[20:] for t in texts[::50]]  # marks already there
    order = matcher.concepts
    found = [matcher.find(text) for text in texts]
    got = [concepts.abstract(t, m, order, keep) for t, m in zip(texts, found, strict=True)]
    want = [plain_abstract(t, m, order, keep) for t, m in zip(texts, found, strict=True)]
    assert got == want
    assert sum(bool(m) for m in found) > len(texts) // 2
    # a repeated concept name takes the mark of its first place, as order.index does
    twice = (*order, order[0])
    assert concepts.abstract(texts[0], found[0], twice, keep) == plain_abstract(
        texts[0], found[0], twice, keep
    )
