"""Matches built without the frozen dataclasses' generated __init__ (signals.maker), and
the literal checks before the expression of words that may start inside another
(concepts._outermost_free), are the plain computation's."""

import dataclasses
import pickle

import pytest

from maskscreen.classifier import concepts
from maskscreen.classifier.concepts import ConceptMatch, ConceptMatcher, read_lexicon
from maskscreen.classifier.signals import SignalMatch, maker
from tests.classifier.test_speed_matching import _texts


@pytest.mark.parametrize("cls", [ConceptMatch, SignalMatch])
@pytest.mark.parametrize(
    "values", [("human_subject", 0, 5, "grandpa"), ("", 3, 3, ""), ("x", -1, 2**40, "面具")]
)
def test_made_match_is_the_generated_one(cls, values):
    made, plain = maker(cls)(*values), cls(*values)
    assert type(made) is cls
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert dataclasses.astuple(made) == values
    # multiprocessing pickles what `classify --jobs` workers send back (objects made in
    # the process, never read from outside): the slots-built match must survive it.
    assert pickle.loads(pickle.dumps(made)) == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.start = 1  # still frozen


def test_maker_refuses_another_shape():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Three:
        a: int
        b: int
        c: int

    with pytest.raises(TypeError):
        maker(Three)


@pytest.mark.parametrize(
    "firsts, expected",
    [
        (["figuren", "figur", "wachsfigur", "latex"], ("figur", "latex")),
        (["ab", "b", "abc"], ("b",)),
        (["", "latex"], ("",)),
        ([], ()),
    ],
)
def test_outermost_free_words(firsts, expected):
    assert concepts._outermost_free(firsts) == expected


def _with_nested_free_words() -> dict:
    """The shipped lexicon plus a word that may start inside another and holds a shorter
    such word ("*figur" in "*wachsfigur*"), whatever the shipped lists hold today."""
    data = read_lexicon()
    data["concepts"]["figurine"]["de"]["train"] = [
        *data["concepts"]["figurine"]["de"]["train"],
        "*figur",
    ]
    return data


@pytest.mark.parametrize("nested", [False, True])
def test_free_checks_answer_as_every_first_word(nested):
    matcher = ConceptMatcher.from_data(
        _with_nested_free_words() if nested else read_lexicon(), "all"
    )
    firsts = matcher._free_firsts
    assert firsts is not None
    if nested:  # a first word holding another is not looked for itself
        assert len(matcher._free_checks) < len(firsts)
    texts = [*_texts(), "", "figuren", "wachsfigur", "fi gur", "silikonmaske", "LATEX"]
    texts += [first for first in firsts] + [first[:-1] for first in firsts]
    answers = [matcher._may_hold_free(text) for text in texts]
    assert answers == [any(first in text for first in firsts) for text in texts]
    assert any(answers) and not all(answers)
