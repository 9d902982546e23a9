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

Without spaCy at all, where its answer is certain (`_plain_piece`, `_plain_chinese`):
a piece of lowercase letters or digits, with at most one bracket or hash before it and
one punctuation mark after it, is one word to spaCy unless it is one of its
tokenizer's special cases (`cannot`, `a.`) or a number word; a Chinese word of
ideographs none of which is a numeral is its own NORM. The special cases, number
words, numeral characters, NORM exceptions and stop words are read from the
installed spaCy once and kept in the user cache (`spacy_facts`), so a one-off
check imports spaCy (about a second) only for a piece outside those shapes.
tests/classifier/test_speed_tokens.py holds the fast path to spaCy's own tokens.
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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


@functools.cache
def _segmenter() -> _FastJieba:
    """The jieba cut, shared by spaCy's Chinese pipeline and the words cut without it."""
    return _FastJieba()


@functools.cache
def spacy_pipeline(language: str):
    """A blank spaCy pipeline, made once per process; nothing is downloaded.

    Its vocabulary computes only the lexical attributes we read: spaCy works out every
    attribute (shape, stop word, URL-like...) of each word it has not seen before, which
    was half the cost of tokenizing a new word. Tokens and the attributes read are the same.
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, NORM

    nlp = _blank_pipeline(language)
    getters = nlp.vocab.lex_attr_getters
    read = (IS_SPACE, IS_PUNCT, LIKE_NUM, NORM)  # the attributes _token_strings reads
    nlp.vocab.lex_attr_getters = {attr: getters[attr] for attr in read if attr in getters}
    return nlp


def _blank_pipeline(language: str):
    import spacy

    if language == "zh":
        # Made with the "char" segmenter and switched to jieba by hand: spaCy's own
        # jieba set-up first loads jieba's pure-Python dictionary (most of a second
        # of a one-off check), which _FastJieba does not use.
        nlp = spacy.blank("zh")
        nlp.tokenizer.segmenter = "jieba"
        nlp.tokenizer.jieba_seg = _segmenter()
        return nlp
    return spacy.blank(language)


def _token_strings(doc, keep: bool = False) -> list:
    """The NORM of each word token; numbers become one placeholder.

    Reads token attributes as an array: building a Token object per token
    costs more than the segmentation itself. With `keep`, spaces and
    punctuation stay in the list as None (one item per token).
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, NORM

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
    in a long crawl: listings bring new numbers and codes all the time). Values are
    tuples of strings, which the garbage collector stops walking after one look."""

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


@dataclass(frozen=True)
class SpacyFacts:
    """What the fast path needs to know of the installed spaCy (see spacy_facts)."""

    special: frozenset[str]  # the English tokenizer's special cases
    numbers: frozenset[str]  # English words LIKE_NUM holds true of (besides digits)
    numerals: frozenset[str]  # characters of the Chinese numerals LIKE_NUM knows
    norms: frozenset[str]  # strings whose NORM is not their lower case (spaCy's table)
    stop_words: frozenset[str]  # English and Chinese

    def dump(self) -> bytes:
        return json.dumps({k: sorted(v) for k, v in self.__dict__.items()}).encode("utf-8")

    @classmethod
    def load(cls, data: bytes) -> SpacyFacts:
        fields = json.loads(data.decode("utf-8"))
        return cls(**{name: frozenset(map(str, fields[name])) for name in cls.__dataclass_fields__})


FACTS_FORMAT = 1  # bump when SpacyFacts or what is read from spaCy changes


def facts_from_spacy() -> SpacyFacts:
    """Read the facts from spaCy itself (imports it). The number words and Chinese numerals
    are module lists of spaCy's language data: AttributeError if a version renames them."""
    import spacy.lang.en.lex_attrs as en
    import spacy.lang.zh.lex_attrs as zh
    from spacy.attrs import NORM
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
    from spacy.lang.zh.stop_words import STOP_WORDS as ZH_STOP_WORDS

    getters = spacy_pipeline("en").vocab.lex_attr_getters
    norm = getters[NORM]
    tables = norm.args[1] if isinstance(norm, functools.partial) else None  # add_lookups
    if not (isinstance(tables, tuple) and all(isinstance(t, dict) for t in tables)):
        raise AttributeError("spaCy's NORM is not a lower case with lookup tables")
    numerals = zh._single_num_words + zh._count_num_words + zh._base_num_words
    return SpacyFacts(
        special=frozenset(spacy_pipeline("en").tokenizer.rules),
        numbers=frozenset(en._num_words) | frozenset(en._ordinal_words),
        numerals=frozenset("".join(numerals)),
        norms=frozenset(key for table in tables for key in table),
        stop_words=frozenset(EN_STOP_WORDS) | frozenset(ZH_STOP_WORDS),
    )


def _spacy_version() -> tuple[str, str] | None:
    """The installed spaCy's folder and version, read without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent
    found = re.search(r"""__version__\s*=\s*["']([^"']+)["']""", (folder / "about.py").read_text())
    return (str(folder), found.group(1)) if found else None


@functools.cache
def spacy_facts() -> SpacyFacts | None:
    """The facts of the installed spaCy, from the user cache (named by spaCy's folder and
    version), read from spaCy and written there the first time. None when they cannot be
    had: then every word goes through spaCy."""
    import hashlib

    from maskscreen.classifier.usercache import cache_dir, replace_atomically

    try:
        version = _spacy_version()
    except (OSError, UnicodeDecodeError):
        version = None
    if version is None:
        return None
    key = hashlib.sha256(json.dumps([FACTS_FORMAT, *version]).encode()).hexdigest()
    path = cache_dir("spacy-facts", f"{key}.json")
    try:
        return SpacyFacts.load(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not written yet, or damaged: read spaCy again
    try:
        facts = facts_from_spacy()
    except (AttributeError, ImportError, TypeError) as exc:
        logging.getLogger(__name__).debug("no spaCy facts: %s: %s", type(exc).__name__, exc)
        return None
    try:
        replace_atomically(path, lambda stream: stream.write(facts.dump()))
    except OSError:
        pass  # a read-only home: read from spaCy again next time
    return facts


def stop_words() -> frozenset[str]:
    """spaCy's English and Chinese stop words."""
    facts = spacy_facts()
    return facts.stop_words if facts is not None else facts_from_spacy().stop_words


# A piece whose tokens spaCy's English tokenizer leaves in no doubt: lowercase letters or
# digits, at most one of `#(` before and one punctuation mark after (each a token of its
# own, which is dropped), unless a special case or a number word is in it (_plain_piece).
_PLAIN_PIECE = re.compile(r"([#(]?)([a-z]+|[0-9]+)([,.!?:;)]?)")


def _plain_piece(piece: str, facts: SpacyFacts) -> tuple[str, ...] | None:
    """The words of an English piece without spaCy, or None where spaCy must say."""
    if len(piece) == 1 and "\ue000" <= piece <= "\uf8ff" and piece not in facts.norms:
        return (piece,)  # a private-use character: a concept mark (concepts.abstract)
    found = _PLAIN_PIECE.fullmatch(piece)
    if found is None:
        return None
    before, core, after = found.groups()
    special = facts.special
    if (
        piece in special
        or core in special
        or (before and core + after in special)
        or (after and before + core in special)
        or core in facts.norms
    ):
        return None
    if core[0] <= "9" or core in facts.numbers:
        return (NUMBER_TOKEN,)
    return (core,)


def _english_words(texts: list[str]) -> list[list[str]]:
    split, words_of = _english_pieces(texts)
    return [[word for piece in pieces for word in words_of[piece]] for pieces in split]


def _english_joined(texts: list[str]) -> list[str]:
    """`" ".join(words)` of each text's `_english_words`, without the lists of words: each
    piece's words joined once a batch, then a text's pieces joined (map and filter in C,
    where flattening the words and joining them took 4 µs a corpus listing). A piece
    without words is left out, as its words were."""
    split, words_of = _english_pieces(texts)
    joined = {piece: " ".join(words) if words else None for piece, words in words_of.items()}
    kept = functools.partial(operator.is_not, None)
    return [" ".join(filter(kept, map(joined.__getitem__, pieces))) for pieces in split]


def _english_pieces(texts: list[str]) -> tuple[list[list[str]], dict[str, tuple[str, ...]]]:
    """Each text's whitespace-separated pieces, and the words of every piece."""
    split = [text.split() for text in texts]
    words_of: dict[str, tuple[str, ...]] = {}
    unknown = []
    facts = spacy_facts()
    for piece in {piece for pieces in split for piece in pieces}:
        known = _PIECES.get(piece)
        if known is None and facts is not None:
            known = _plain_piece(piece, facts)
            if known is not None:
                _PIECES.remember(piece, known)
        if known is None:
            unknown.append(piece)
        else:
            words_of[piece] = known
    if unknown:
        from spacy.attrs import IDX

        # one Doc for all new pieces (a Doc per piece costs more than its tokens)
        doc = spacy_pipeline("en").tokenizer(" ".join(unknown))
        starts = np.cumsum([0] + [len(piece) + 1 for piece in unknown[:-1]])
        found: list[list[str]] = [[] for _ in unknown]
        owner = np.searchsorted(starts, doc.to_array([IDX]).ravel(), side="right") - 1
        for piece_index, word in zip(owner.tolist(), _token_strings(doc, keep=True), strict=False):
            if word is not None:
                found[piece_index].append(word)
        for piece, words in zip(unknown, found, strict=False):
            words_of[piece] = tuple(words)
            _PIECES.remember(piece, words_of[piece])
    return split, words_of


# A jieba word spaCy's Chinese attributes leave in no doubt: ideographs (none a numeral),
# lowercase letters or a concept mark (their own NORM) or digits (a number).
_PLAIN_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z]+|[0-9]+|[\ue000-\uf8ff]")


def _plain_chinese(word: str, facts: SpacyFacts) -> str | None:
    """A jieba word's NORM (or the number token) without spaCy; None where spaCy must say."""
    if _PLAIN_CHINESE.fullmatch(word) is None or word in facts.norms:
        return None
    if word[0] <= "9":
        return NUMBER_TOKEN
    if word[0] >= "\u3400" and not facts.numerals.isdisjoint(word):
        return None
    return word


def _chinese_word(word: str) -> str | None:
    """A jieba word as spaCy's Chinese pipeline would give it (None: space or punctuation)."""
    facts = spacy_facts()
    if facts is not None:
        plain = _plain_chinese(word, facts)
        if plain is not None:
            return plain
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, NORM

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
                known = tuple(_chinese_piece(piece))
                _ZH_PIECES.remember(piece, known)
            words += known
        out.append(words)
    return out


def _chinese_piece(piece: str) -> list[str]:
    words = []
    for word in _segmenter().cut(piece):
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
    return _per_script(list(texts), _english_words, _chinese_words, list)


def token_texts(texts: Iterable[str]) -> list[str]:
    """Each text's words joined by single spaces: what the word n-grams are made of
    (`tokenize`'s words, English text's joined without their lists)."""
    return _per_script(
        list(texts), _english_joined, lambda part: [" ".join(w) for w in _chinese_words(part)], str
    )


def _per_script(texts: list[str], english_of, chinese_of, empty) -> list:
    """`english_of` on the texts without Chinese characters (spaCy's tokenizer), `chinese_of`
    on those with them (jieba), each result back in its text's place (`empty()` elsewhere)."""
    out = [empty() for _ in texts]
    english: list[int] = []
    chinese: list[int] = []
    for index, text in enumerate(texts):
        (chinese if _HAS_CJK.search(text) else english).append(index)
    for indices, results_of in ((english, english_of), (chinese, chinese_of)):
        if indices:
            for index, result in zip(indices, results_of([texts[i] for i in indices]), strict=True):
                out[index] = result
    return out
