"""Words of listing text, with blank spaCy pipelines (no scikit-learn here).

The English tokenizer for Latin text and the Chinese tokenizer with the jieba
segmenter (offline) for text with Chinese characters. spaCy objects live in a
module cache (`spacy_pipeline`), never on an estimator, so a saved model holds
no spaCy state. `features.SpacyTokenizer` is the scikit-learn face of `tokenize`.

Speed without changing a token: English text is cut at whitespace and each
piece's words are remembered (spaCy tokenizes pieces independently); Chinese
words come from the same jieba cut spaCy uses, given the same lexical
attributes spaCy's Doc would give them, without building a Doc (and jieba too
cuts at spaces, so a piece's words are remembered as well).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LIKE_NUM, NORM

_HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
NUMBER_TOKEN = "<num>"


class _FastJieba:
    """jieba's exact mode without the HMM pass for unknown words.

    The HMM guesses new words from character statistics; on short listing
    text it adds little and costs a third of the tokenizer's time (character
    n-grams cover the words it would have found). Where the compiled port
    jieba_fast_dat is installed (Linux x86-64) it does the same cut with the
    same dictionary about seven times faster.
    """

    def __init__(self):
        try:
            import jieba_fast_dat as segmenter

            segmenter.setLogLevel(logging.WARNING)
            segmenter.initialize()
        except ImportError:
            # imported only here: jieba's own import costs a sixth of a second (pkg_resources)
            import jieba as segmenter

            segmenter.setLogLevel(logging.WARNING)
        self._segmenter = segmenter

    def cut(self, text: str, cut_all: bool = False):
        return self._segmenter.cut(text, cut_all=cut_all, HMM=False)


# The lexical attributes a token's word is read from (see _token_strings).
_READ_ATTRS = (IS_SPACE, IS_PUNCT, LIKE_NUM, NORM)


@functools.cache
def spacy_pipeline(language: str):
    """A blank spaCy pipeline, made once per process; nothing is downloaded.

    Its vocabulary computes only the lexical attributes we read: spaCy works out every
    attribute (shape, stop word, URL-like...) of each word it has not seen before, which
    was half the cost of tokenizing a new word. Tokens and the attributes read are the same.
    """
    nlp = _blank_pipeline(language)
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attr: getters[attr] for attr in _READ_ATTRS if attr in getters}
    return nlp


def _blank_pipeline(language: str):
    import spacy

    if language == "zh":
        # Made with the "char" segmenter and switched to jieba by hand: spaCy's own
        # jieba set-up first loads jieba's pure-Python dictionary (most of a second
        # of a one-off check), which _FastJieba does not use.
        nlp = spacy.blank("zh")
        nlp.tokenizer.segmenter = "jieba"
        nlp.tokenizer.jieba_seg = _FastJieba()
        return nlp
    return spacy.blank(language)


def _token_strings(doc, keep: bool = False) -> list:
    """The NORM of each word token; numbers become one placeholder.

    Reads token attributes as an array: building a Token object per token
    costs more than the segmentation itself. With `keep`, spaces and
    punctuation stay in the list as None (one item per token).
    """
    strings = doc.vocab.strings
    words = []
    for is_space, is_punct, like_num, norm in doc.to_array(
        [IS_SPACE, IS_PUNCT, LIKE_NUM, NORM]
    ).tolist():
        if is_space or is_punct:
            if keep:
                words.append(None)
            continue
        words.append(NUMBER_TOKEN if like_num else strings[norm])
    return words


class _Memo(dict):
    """A dict that forgets everything when it grows past `limit` (no unbounded growth
    in a long crawl: listings bring new numbers and codes all the time)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def remember(self, key, value):
        if len(self) >= self.limit:
            self.clear()
        self[key] = value


# spaCy splits text at whitespace first and then tokenizes each piece on its
# own (prefixes, suffixes, infixes, exceptions), so the words of a piece never
# depend on its neighbours: a piece seen before is looked up, not tokenized.
_PIECES = _Memo(100_000)
# What a jieba word becomes: the lexical attributes spaCy's Chinese Doc would give it.
_ZH_WORDS = _Memo(100_000)
# The words of a space-separated piece of Chinese text (see _chinese_words).
_ZH_PIECES = _Memo(100_000)
_UNSEEN = object()


def _english_words(texts: list[str]) -> list[list[str]]:
    split = [text.split() for text in texts]
    words_of: dict[str, list[str]] = {}
    unknown = []
    for piece in {piece for pieces in split for piece in pieces}:
        known = _PIECES.get(piece)
        if known is None:
            unknown.append(piece)
        else:
            words_of[piece] = known
    if unknown:
        # one Doc for all new pieces (a Doc per piece costs more than its tokens)
        doc = spacy_pipeline("en").tokenizer(" ".join(unknown))
        starts = np.cumsum([0] + [len(piece) + 1 for piece in unknown[:-1]])
        found: list[list[str]] = [[] for _ in unknown]
        owner = np.searchsorted(starts, doc.to_array([IDX]).ravel(), side="right") - 1
        for piece_index, word in zip(owner.tolist(), _token_strings(doc, keep=True), strict=False):
            if word is not None:
                found[piece_index].append(word)
        for piece, words in zip(unknown, found, strict=False):
            words_of[piece] = words
            _PIECES.remember(piece, words)
    return [[word for piece in pieces for word in words_of[piece]] for pieces in split]


def _chinese_word(word: str) -> str | None:
    """A jieba word as spaCy's Chinese pipeline would give it (None: space or punctuation)."""
    getters = spacy_pipeline("zh").vocab.lex_attr_getters
    if getters[IS_SPACE](word) or getters[IS_PUNCT](word):
        return None
    return NUMBER_TOKEN if getters[LIKE_NUM](word) else getters[NORM](word)


def _chinese_words(texts: list[str]) -> list[list[str]]:
    """jieba's words, as spaCy's Chinese tokenizer cuts them, without building a Doc.

    jieba cuts at every space (a space is a word of its own, which spaCy drops), so
    the words of a text are those of its space-separated pieces: a piece seen before
    is looked up, not cut again.
    """
    out = []
    for text in texts:
        words: list[str] = []
        for piece in text.split(" "):
            known = _ZH_PIECES.get(piece)
            if known is None:
                known = _chinese_piece(piece)
                _ZH_PIECES.remember(piece, known)
            words += known
        out.append(words)
    return out


def _chinese_piece(piece: str) -> list[str]:
    words = []
    for word in spacy_pipeline("zh").tokenizer.jieba_seg.cut(piece):
        norm = _ZH_WORDS.get(word, _UNSEEN)
        if norm is _UNSEEN:
            norm = _chinese_word(word)
            _ZH_WORDS.remember(word, norm)
        if norm:
            words.append(norm)
    return words


def tokenize(texts: Iterable[str]) -> list[list[str]]:
    """Words of each (already normalised) text: spaCy's English tokenizer, or jieba through
    spaCy's Chinese language data for text with Chinese characters."""
    texts = list(texts)
    out: list[list[str]] = [[] for _ in texts]
    groups: dict[str, list[int]] = {"en": [], "zh": []}
    for index, text in enumerate(texts):
        groups["zh" if _HAS_CJK.search(text) else "en"].append(index)
    for language, words_of in (("en", _english_words), ("zh", _chinese_words)):
        indices = groups[language]
        if indices:
            for index, words in zip(indices, words_of([texts[i] for i in indices]), strict=False):
                out[index] = words
    return out


def token_texts(texts: Iterable[str]) -> list[str]:
    """Each text's words joined by single spaces: what the word n-grams are made of."""
    return [" ".join(words) for words in tokenize(texts)]
