"""Round two of the speed work on verdict building (issue #13): the batch's settings looked
up once, concepts ordered by a rank table, reason names made once a name, the glued run
around a quote found by two searches. Each is held to the plain computation it stands in
for: edge cases (empty text, a batch of one, mixed scripts, names that repeat)."""

import random

import pytest

from maskscreen.classifier import model as model_module
from maskscreen.classifier import spans
from maskscreen.classifier.language import identify
from maskscreen.classifier.model import _rank_of, _spoken, load_model
from maskscreen.classifier.normalize import normalize

TEXTS = [
    "",
    "   ",
    "Realistic silicone old man mask, full head with neck",
    "超逼真硅胶真人面具 全头套 可过人脸识别 加V信",
    "リアルなシリコン製の人の顔マスク",
    "Masque en latex réaliste visage humain, tête complète",
    "3D-Figur nach Ihrem Foto — mixed 中文 and English, 한국어 too",
    "12345 !!! ###",
]


@pytest.fixture(scope="module")
def model():
    return load_model()


def _plain_threshold(model, norm, language):
    return model.threshold_for(norm, language)


@pytest.mark.parametrize("batch", [TEXTS, TEXTS[:1], TEXTS[2:3], TEXTS[3:4], TEXTS[6:7]])
@pytest.mark.parametrize("by", ["language", None])
def test_batch_thresholds_are_threshold_for_each_listing(model, batch, by):
    normalized = [normalize(t) for t in batch]
    languages = identify(normalized)
    metadata = dict(model.metadata)
    metadata["thresholds"] = {"en": 0.31, "zh": 0.62, "ja": 0.44, "fr": 0.5}
    if by is None:
        metadata.pop("thresholds_by", None)
    else:
        metadata["thresholds_by"] = by
    other = model_module.Model(runtime=model.runtime, metadata=metadata, matcher=model.matcher)
    expected = [
        _plain_threshold(other, n, lang) for n, lang in zip(normalized, languages, strict=True)
    ]
    assert other._thresholds(normalized, languages) == expected


def test_concept_rank_sorts_as_list_index():
    rng = random.Random(13)
    order = ("human_subject", "realism", "material", "wearable", "costume", "skincare", "toy")
    for _ in range(200):
        chosen = rng.sample(order, rng.randint(0, len(order)))
        assert sorted(chosen, key=_rank_of(order)) == sorted(chosen, key=list(order).index)
    # a name twice in the order: its first place counts, as list.index says
    doubled = ("b", "a", "b", "c")
    assert _rank_of(doubled)("b") == list(doubled).index("b")


@pytest.mark.parametrize("name", ["made_to_order", "evasion_claim", "realism", "", "_a__b_"])
def test_spoken_names(name):
    assert _spoken(name) == name.replace("_", " ")


def _plain_whole_chunks(original: str, start: int, end: int) -> bool:
    while start > 0 and (original[start - 1].isalnum() or original[start - 1] in spans._GLUE):
        start -= 1
    while end < len(original) and (original[end].isalnum() or original[end] in spans._GLUE):
        end += 1
    return not any(ch in spans._GLUE_DROPPED for ch in original[start:end])


def test_whole_chunks_is_the_character_loops():
    rng = random.Random(7)
    alphabet = "ab9Zé中文한ー_ \t*·•~|@$-.,/\u00b2\u0663"
    texts = ["", "-", "a-b", "full-head mask", "3-5 photos", "a*b c", "中-文 x"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(600)]
    for text in texts:
        for start in range(len(text) + 1):
            for end in range(start, min(len(text), start + 6) + 1):
                assert spans._whole_chunks(text, start, end) == _plain_whole_chunks(
                    text, start, end
                ), (text, start, end)


def test_glued_run_accepts_what_isalnum_accepts():
    # [^\W_] in _GLUED_RUN stands for str.isalnum: the same characters, all of Unicode
    every = "".join(map(chr, range(0x110000)))
    run = spans._GLUED_RUN
    letters = [ch for ch in every if run.fullmatch(ch) and ch not in spans._GLUE]
    assert letters == [ch for ch in every if ch.isalnum()]


def test_a_batch_gives_what_each_listing_alone_gives(model):
    # the batch-wide look-ups must not leak one listing's settings into another's verdict
    together = [v.to_dict() for v in model.predict(TEXTS)]
    assert together == [model.predict([text])[0].to_dict() for text in TEXTS]
    quiet = [v.to_dict() for v in model.predict(TEXTS, explain=False)]
    assert quiet == [{**v, "reasons": []} for v in together]
    assert model.predict([]) == []


def _plain_top_words(model, words, ngrams, columns, labels):
    """Row by row: the columns by contribution (ties: column order), the first seven, each
    named by its first occurrence in the listing, the telling ones kept, five at most."""
    from maskscreen.classifier.verdict import LABELS

    towards = model._towards_weights()
    first: dict[tuple[int, int], int] = {}
    for i, (doc, column) in enumerate(zip(ngrams.doc.tolist(), columns.tolist(), strict=True)):
        if column >= 0:
            first.setdefault((doc, column), i)
    out = []
    for row, label in enumerate(labels):
        lo, hi = words.indptr[row], words.indptr[row + 1]
        weights = towards[LABELS.index(label)]
        pairs = [
            (-(value * weights[column]), column)
            for value, column in zip(words.data[lo:hi], words.indices[lo:hi], strict=True)
            if value * weights[column] > 0
        ]
        phrases = []
        for _, column in sorted(pairs)[: model_module.MAX_REASONS + 2]:
            i = first[(row, column)]
            phrase = ngrams.joined[ngrams.start[i] : ngrams.end[i]]
            if len(phrases) < model_module.MAX_REASONS and model_module._telling(phrase):
                phrases.append(phrase)
        out.append(phrases)
    return out


@pytest.mark.parametrize("size", [1, 2, 60])
def test_top_words_are_those_of_the_plain_row_by_row_choice(model, size):
    from maskscreen.classifier.corpus import load_corpus

    examples = load_corpus()
    texts = [f"{e.title} {e.description}" for e in examples[:: max(1, len(examples) // 60)]]
    texts = (texts + TEXTS)[:size] if size > 2 else [TEXTS[0], TEXTS[2]][:size]
    features = model.runtime.featurize(texts)
    for labels in (
        ["benign"] * len(texts),
        ["realistic_face_mask"] * len(texts),
        [("custom_face_copy", "benign", "realistic_face_mask")[i % 3] for i in range(len(texts))],
    ):
        args = (features.words, features.word_ngrams, features.word_columns, labels)
        assert model._top_words(*args) == _plain_top_words(model, *args)
