"""Policy concepts: versioned multilingual word lists (patterns/concepts.json), their
matches in a listing, and the concept features the model reads (no scikit-learn here).

The guidelines are written in concepts: a *human subject*, *realism*, a *material*,
*wearable* coverage make a dangerous listing; a *creature*, a *caricature*, *skincare*,
*medical* use, a *display head*, a *printed photo*, a *figurine*, another look-alike
product make a look-alike. Each concept is a word list per language, split into
training words and held-out test words; the behavioural tests (behaviour.py) put held-out
words in one slot of each case, and the shipped model matches the whole lexicon
(train.WHOLE_LEXICON: adding a word is how the policy grows; docs/model.md says what the
tests then measure).

Matching runs on normalised text, by three expressions of per-concept tries, each run only
on text of its script (see ConceptMatcher); a listing is read once whatever the number of
words. Measured on the corpus with the shipped lexicon: about 17 µs a listing
(`python bench/classify.py --stages`, "concepts").
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from maskscreen.classifier import regexes
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatch, SignalMatcher, maker
from maskscreen.classifier.verdict import SIGNALS

DEFAULT_LEXICON = "patterns/concepts.json"
_CJK_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-zà-ɏ]")
# Letters and digits of the scripts written with spaces between words.
_SPACED_LETTERS = r"0-9a-zß-ɏ\u0400-\u04ff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_WORD_SCRIPT = re.compile(f"[{_SPACED_LETTERS}]")
# A word of a space-delimited script ends (and starts) where no letter of those scripts
# follows (precedes) it: Chinese or Japanese right after it is a boundary ("realistic硅胶").
_NOT_LETTER_AFTER = f"(?![{_SPACED_LETTERS}_])"
_NOT_LETTER_BEFORE = f"(?<![{_SPACED_LETTERS}_])"


# Realism words that state a life size (classifier/GUIDELINES.md: size, not realism, decides
# whether a likeness made from a photo is a figurine or a custom face copy). A look-alike's
# synthetic title or behavioural case never holds one. Compiled when first used: training
# and the behavioural tests read it, a prediction never does.
_LIFE_SIZE = (
    r"(?<!half )life[- ]?size|1:1(?!\d)|等身大|実物大|原寸大|натуральн\w* величин|tamaño (?:real|natural)"
    r"|escala natural|lebensgr|grandeur nature|taille (?:réelle|humaine)|tamanho (?:real|natural)"
    r"|grandezza (?:naturale|reale)"
)


@functools.cache
def life_size() -> re.Pattern[str]:
    """The expression of the realism words that state a life size."""
    return re.compile(_LIFE_SIZE)


def without_life_size(words: dict[str, list[str]]) -> dict[str, list[str]]:
    """A concept -> words mapping with the realism words that state a life size left out."""
    return {
        concept: [w for w in ws if concept != "realism" or not life_size().search(w)]
        for concept, ws in words.items()
    }


_MISSING = object()
MAX_LITERAL_CHECKS = 16  # words looked for one by one before a search (_may_hold_free)
_ANY = "\x00"  # in a normal form: any letters (a "*" inside a phrase)


class LexiconError(ValueError):
    """A concept lexicon that cannot be read or compiled."""


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    concept: str
    start: int  # offsets in the normalised text
    end: int
    text: str


_concept_match = maker(ConceptMatch)


def _trie(words: list[tuple[str, str]]) -> dict:
    root: dict = {}
    for word, ending in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node.setdefault("", set()).add(ending)
    return root


def _trie_pattern(node: dict) -> str:
    """A regular expression for a trie: longer words tried before their prefixes."""
    if _bucketed(node):
        return _in_buckets(node)
    return _whole(node)


def _whole(node: dict) -> str:
    pattern, bounded = _factored(node)
    return pattern + _NOT_LETTER_AFTER if bounded else pattern


MIN_BUCKETED = 32  # first characters of a trie from which they are split (_in_buckets)


def _bucketed(node: dict) -> bool:
    return len(node) >= MIN_BUCKETED and "" not in node and _ANY not in node


def _in_buckets(node: dict) -> str:
    """The trie's expression as a few tries of its first characters, each behind a test of
    its own (`(?=[abc])(?:trie of a, b, c)|(?=[def])(?:...)`).

    `re` tries the branches of an alternation one after another, each tested against the
    character at hand: at a position where the root of a trie of 320 first characters (the
    Chinese and Japanese words) is tried, that was 160 tests on average; split into k
    groups, k/2 class tests and n/2k literal ones. The branches begin with different
    characters, so at most one can match and their order is free: the matches are the
    same (tests/classifier/test_speed_buckets.py). Measured on the corpus, the Chinese
    trie took 5.1 µs a listing whole and 2.7 split, the trie of bounded words 7.7 and 5.4.
    """
    chars = sorted(node)
    count = max(2, round(math.sqrt(len(chars)) / 2))
    size = -(-len(chars) // count)
    parts = []
    for at in range(0, len(chars), size):
        own = chars[at : at + size]
        firsts = "".join(re.escape(ch) for ch in own)
        parts.append(f"(?=[{firsts}])(?:{_whole({ch: node[ch] for ch in own})})")
    return "(?:" + "|".join(parts) + ")"


def _factored(node: dict) -> tuple[str, bool]:
    """A trie's expression and whether every word in it ends with the test that no letter
    follows, which is then left off for the caller to add once.

    (?:a(?!X)|b(?!X)) matches as (?:a|b)(?!X) does, alternative for alternative, so
    runs of such alternatives share one test. Compiling that class (its ranges walked
    character by character) once per word was most of the start-up: 1,147 copies of it in
    the shipped lexicon's trie of bounded words took 2.1 s of its 2.4 s to compile.
    """
    alternatives = []
    for ch in sorted(k for k in node if k):
        step = r"\w*" if ch == _ANY else re.escape(ch)  # a stem inside a phrase: "уход* за кож*"
        inner, bounded = _factored(node[ch])
        alternatives.append((step + inner, bounded))
    # Branches that begin with a letter (all but the wildcard's, which sorts first) exclude
    # each other, so their order is free: those that end with the test go last, beside
    # the endings that do too.
    first = 1 if _ANY in node else 0
    alternatives[first:] = sorted(alternatives[first:], key=lambda alternative: alternative[1])
    for ending in sorted(node.get("", ())):  # "" (a stem: nothing more needed) sorts first
        bounded = ending.endswith(_NOT_LETTER_AFTER)
        alternatives.append((ending.removesuffix(_NOT_LETTER_AFTER), bounded))
    if all(bounded for _, bounded in alternatives):
        return _either([pattern for pattern, _ in alternatives]), True
    parts = []
    for bounded, run in itertools.groupby(alternatives, key=lambda alternative: alternative[1]):
        patterns = [pattern for pattern, _ in run]
        parts += [_either(patterns) + _NOT_LETTER_AFTER] if bounded else patterns
    return _either(parts), False


def _either(patterns: list[str]) -> str:
    return patterns[0] if len(patterns) == 1 else "(?:" + "|".join(patterns) + ")"


# What may follow a whole word: Latin plurals, then no further letter.
_WORD_END = {
    "latin": r"(?:e?s)?" + _NOT_LETTER_AFTER,
    "other": _NOT_LETTER_AFTER,
    "stem": "",
}


def _normal_part(part: str) -> str:
    """The normal form of the text between two "*" of a phrase, its outer spaces kept
    ("восков* фигур*": normalising the whole turned the "*" into a space, so the stem
    matched only its own letters followed by a space)."""
    body = normalize(part)
    return (" " if part[:1].isspace() else "") + body + (" " if part[-1:].isspace() else "")


def _entry(word: str, language: str) -> tuple[str, bool, str]:
    """(normal form, bounded on the left, ending) of one lexicon entry."""
    infix = word.startswith("*")
    stem = word.endswith("*") or language == "ko"  # Korean particles follow the word
    body = _ANY.join(_normal_part(part) for part in word.strip("*").split("*"))
    if _CJK_OR_KANA.search(body):
        return body, False, ""  # Chinese and Japanese: anywhere
    if stem:
        return body, not infix, ""
    ending = _WORD_END["latin" if _LATIN.search(body[-1:]) else "other"]
    return body, not infix, ending


class ConceptMatcher:
    def __init__(self, version: str, concepts: dict[str, dict[str, list[str]]], dangerous, benign):
        self.version = version
        self.dangerous = tuple(dangerous)
        self.benign = tuple(benign)
        self.concepts = self.dangerous + self.benign
        # One trie for all concepts (words bounded on the left, and words that may start
        # inside another): a match is named by its text, so each normal form belongs to
        # one concept (tests/classifier/test_concepts.py holds the file to that).
        bounded, free, cjk = [], [], []
        self._concept_of: dict[str, str] = {}
        self._wildcards: list[tuple[re.Pattern[str], str]] = []
        for concept in self.concepts:
            for language, words in concepts.get(concept, {}).items():
                for word in words:
                    body, left, ending = _entry(word, language)
                    if body:
                        if _CJK_OR_KANA.search(body):
                            cjk.append((body, ending))
                        else:
                            (bounded if left else free).append((body, ending))
                        self._concept_of.setdefault(body, concept)
                        if _ANY in body:
                            pattern = ".*".join(map(re.escape, body.split(_ANY)))
                            self._wildcards.append((re.compile(pattern), concept))
        # Three expressions, each run only on text of its script: a trie of words bounded
        # on the left (one test of the boundary), one of words that may start inside a
        # word, one of Chinese and Japanese words (anywhere). Measured on the corpus, one
        # expression for all took 130 µs a listing; these take about 50. Each is compiled
        # when first needed (a one-off check of Chinese text never compiles the others).
        self._words = {"bounded": bounded, "free": free, "cjk": cjk}
        # What each word that may start inside another begins with (see _may_hold_free).
        firsts = sorted({body.split(_ANY)[0] for body, _ in free})
        self._free_firsts = tuple(firsts) if len(firsts) <= MAX_LITERAL_CHECKS else None
        # Of those, the ones holding no other ("figuren" holds "figur": a text with it
        # holds "figur"), shortest first: looked for, the same answer from fewer searches.
        self._free_checks = _outermost_free(firsts) if self._free_firsts is not None else None
        self._compiled: dict[str, re.Pattern[str] | None] = {}
        self.compiled("bounded")  # a broken lexicon fails here, not mid-prediction

    def _may_hold_free(self, normalized: str) -> bool:
        """Whether `normalized` holds the letters a word that may start inside another
        begins with (up to a "*"), without which its expression cannot match. Those are a
        handful of words ("silikon", "latex") searched in every text of a spaced script:
        looking for each with `in` took a tenth of the time of the search."""
        checks = self._free_checks
        if checks is None:
            return True
        for first in checks:  # noqa: SIM110  (a loop: `any` of a generator costs twice as much)
            if first in normalized:
                return True
        return False

    def compiled(self, part: str) -> re.Pattern[str] | None:
        pattern = self._compiled.get(part, _MISSING)
        if pattern is _MISSING:
            try:
                pattern = _compile(self._words[part], bounded=part == "bounded")
            except re.error as exc:
                raise LexiconError(f"cannot compile lexicon {self.version}: {exc}") from exc
            self._compiled[part] = pattern
        return pattern

    @classmethod
    def from_data(cls, data: dict, split: str = "train") -> ConceptMatcher:
        """A matcher of one split ("train", "test" or "all") of a lexicon's data."""
        try:
            words = {
                concept: {
                    language: (lists["train"] if split != "test" else [])
                    + (lists["test"] if split != "train" else [])
                    for language, lists in by_language.items()
                }
                for concept, by_language in data["concepts"].items()
            }
            return cls(data["version"], words, data["dangerous"], data["benign"])
        except (KeyError, TypeError, AttributeError) as exc:
            raise LexiconError(f"not a concept lexicon: {exc}") from exc

    def find(self, normalized: str) -> list[ConceptMatch]:
        """Every concept word in `normalized` text, in text order (no overlaps: of two
        matches at one place the first found, bounded words before the others, is kept)."""
        lists: list[list[tuple[int, int, int, str]]] = []
        if _WORD_SCRIPT.search(normalized):
            for rank, part in ((0, "bounded"), (1, "free")):
                if rank and not self._may_hold_free(normalized):
                    continue
                pattern = self.compiled(part)
                if pattern is not None:
                    found = [
                        (m.start(), rank, m.end(), m.group(0)) for m in pattern.finditer(normalized)
                    ]
                    if found:
                        lists.append(found)
        # (ASCII text holds no Chinese or Japanese: `isascii` reads a flag of the string,
        # where the search reads all of it)
        if not normalized.isascii() and _CJK_OR_KANA.search(normalized):
            cjk = self.compiled("cjk")
            if cjk is not None:
                found = [(m.start(), 2, m.end(), m.group(0)) for m in cjk.finditer(normalized)]
                if found:
                    lists.append(found)
        if not lists:
            return []
        # The matches of one expression come in text order, apart: sorted already.
        found = lists[0] if len(lists) == 1 else sorted(itertools.chain(*lists))
        out = []
        concept_of = self._concept_of
        make = _concept_match
        end = -1
        for start, _, stop, text in found:
            if start < end or stop == start:
                continue
            concept = concept_of.get(text)
            if concept is None:  # a Latin plural of a whole word, or a phrase with a stem in it
                concept = (
                    concept_of.get(text[:-1])
                    or concept_of.get(text[:-2])
                    or next((c for p, c in self._wildcards if p.fullmatch(text)), None)
                )
            if concept is not None:
                out.append(make(concept, start, stop, text))
                end = stop
        return out


def _outermost_free(firsts: list[str]) -> tuple[str, ...]:
    """The words of `firsts` that hold no other word of it, shortest first: a text holds
    one of `firsts` exactly when it holds one of these."""
    kept = sorted(set(firsts), key=lambda word: (len(word), word))
    return tuple(
        word for at, word in enumerate(kept) if not any(other in word for other in kept[:at])
    )


def _compile(words: list[tuple[str, str]], bounded: bool) -> re.Pattern[str] | None:
    if not words:
        return None
    # The trie written out as an expression once per machine (regexes.derived, by this
    # code, Python's version and the words), not in every process: 0.07 s of CPU, about
    # a ninth of a one-off check, for the bounded words the matcher compiles at once.
    pattern = regexes.derived(
        f"concept trie {regexes.code_version(__file__)} {bounded}",
        tuple(f"{body}\0{ending}" for body, ending in words),
        lambda: _pattern_of(words, bounded),
    )
    return regexes.compile(pattern)


def _pattern_of(words: list[tuple[str, str]], bounded: bool) -> str:
    firsts = "".join(sorted({re.escape(body[0]) for body, _ in words}))
    lead = _NOT_LETTER_BEFORE if bounded else ""
    return f"{lead}(?=[{firsts}]){_trie_pattern(_trie(words))}"


def read_lexicon(path: str | Path | None = None) -> dict:
    """The lexicon file's data (default: the one shipped with maskscreen)."""
    try:
        if path is None:
            raw = (
                resources.files("maskscreen.classifier")
                .joinpath(DEFAULT_LEXICON)
                .read_text("utf-8")
            )
        else:
            raw = Path(path).read_text("utf-8")
        return json.loads(raw)
    except (OSError, ValueError) as exc:
        raise LexiconError(f"cannot read lexicon {path or DEFAULT_LEXICON}: {exc}") from exc


def training_lexicon(data: dict, held_out: bool = False) -> str:
    """The training half of a lexicon as compact JSON: what a model keeps and matches.

    With `held_out`, the test words join the training words: the whole lexicon is the
    policy a model matches, while concept abstraction (see `abstract`) keeps every one of
    those words out of the text the model is fitted on.
    """
    slim = {
        "version": data["version"],
        "dangerous": data["dangerous"],
        "benign": data["benign"],
        "concepts": {
            concept: {
                language: {
                    "train": lists["train"] + (lists["test"] if held_out else []),
                    "test": [],
                }
                for language, lists in langs.items()
            }
            for concept, langs in data["concepts"].items()
        },
    }
    return json.dumps(slim, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@functools.lru_cache(maxsize=8)
def matchers(lexicon_json: str, signals_json: str) -> tuple[ConceptMatcher, SignalMatcher]:
    """The matchers a model's concept features use (compiled once per process)."""
    concepts = ConceptMatcher.from_data(json.loads(lexicon_json), "train")
    return concepts, SignalMatcher.from_text(signals_json)


# The interactions the guidelines turn on: a linear model cannot AND two concepts itself.
_PAIRS = (
    ("human_subject", "realism"),
    ("human_subject", "material"),
    ("human_subject", "wearable"),
    ("realism", "material"),
    ("realism", "wearable"),
    ("material", "wearable"),
)


# Interactions of the second feature set: the triples a dangerous listing is made of, and
# what made-to-order wording means with and without something worn.
_TRIPLES = (
    ("human_subject", "realism", "wearable"),
    ("human_subject", "material", "wearable"),
    ("human_subject", "realism", "material"),
    ("realism", "material", "wearable"),
)
_LOOKALIKE_OBJECTS = ("figurine", "printed_photo", "display_head")
INTERACTIONS = (1, 2)  # feature sets: 1 (pairs and counts), 2 (and triples, made-to-order)


def feature_names(matcher: ConceptMatcher, interactions: int = 1) -> list[str]:
    names = [f"concept:{c}" for c in matcher.concepts]
    names += [f"signal:{s}" for s in SIGNALS]
    names += [f"pair:{a}+{b}" for a, b in _PAIRS]
    names += [
        "dangerous>=3",
        "dangerous=4",
        "benign>=1",
        "dangerous>=2&benign=0",
        "made_to_order+human_subject",
        "made_to_order+figurine",
        "evasion_claim+dangerous>=2",
    ]
    if interactions >= 2:
        names += [f"triple:{a}+{b}+{c}" for a, b, c in _TRIPLES]
        names += [
            "benign>=2",
            "made_to_order+wearable",
            "made_to_order+human_subject+wearable",
            "made_to_order&wearable=0",
            "made_to_order+lookalike_object",
            "evasion_claim",
            "evasion_claim&dangerous=0",
            "off_platform_contact+dangerous>=2",
            "benign>=1&dangerous<=1",
        ]
    return names


# Concept abstraction: before n-grams are taken, each concept word becomes one mark of its
# concept (a character of the private-use area, which normalised listing text never holds:
# `abstract` blanks any it finds), so the model learns "a human subject" rather than
# "grandpa", and a person word it never saw in training reads like one it saw.
_MARK_BASE = 0xE000
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def concept_mark(index: int) -> str:
    return chr(_MARK_BASE + index)


@functools.lru_cache(maxsize=16)
def _spaced_marks(order: tuple[str, ...]) -> dict[str, str]:
    """Each concept's mark as `abstract` puts it (spaced apart), that of its first place in
    `order` (what order.index gives), looked up once for all matches."""
    marks: dict[str, str] = {}
    for index, concept in enumerate(order):
        marks.setdefault(concept, f" {concept_mark(index)} ")
    return marks


def abstract(
    normalized: str, matches: list[ConceptMatch], order: tuple[str, ...], keep: bool = False
) -> str:
    """`normalized` with each concept match replaced by its concept's mark (spaced apart);
    with `keep`, the mark is put before the word, which stays."""
    text = (
        _PRIVATE_USE.sub(" ", normalized)
        if not normalized.isascii() and _PRIVATE_USE.search(normalized)
        else normalized
    )
    if not matches:
        return text
    marks = _spaced_marks(order)
    parts, at = [], 0
    for match in matches:
        parts.append(text[at : match.start])
        parts.append(marks[match.concept])
        if keep:
            parts.append(text[match.start : match.end])
        at = match.end
    parts.append(text[at:])
    return "".join(parts)


@dataclass
class ConceptFeatures:
    matrix: sp.csr_matrix  # float32, one row a text
    concepts: list[list[ConceptMatch]]
    signals: list[list[SignalMatch]]


def concept_features(
    normalized: list[str],
    concepts: ConceptMatcher,
    signals: SignalMatcher,
    scale: float,
    interactions: int = 1,
) -> ConceptFeatures:
    """Binary concept, signal and interaction features of normalised texts, times `scale`.

    Presence, not counts: repeating a word (keyword stuffing) changes nothing.
    """
    index = {c: i for i, c in enumerate(concepts.concepts)}
    n = len(normalized)
    found_concepts = [concepts.find(text) for text in normalized]
    found_signals = [signals.find(text) for text in normalized]
    on = np.zeros((n, len(concepts.concepts)), dtype=bool)
    rows = [row for row, matches in enumerate(found_concepts) for _ in matches]
    cols = [index[m.concept] for matches in found_concepts for m in matches]
    on[rows, cols] = True
    fired = [{m.signal for m in matches} for matches in found_signals]
    flags = np.array([[s in names for s in SIGNALS] for names in fired], dtype=bool).reshape(
        n, len(SIGNALS)
    )
    col = {c: on[:, i] for c, i in index.items()}
    n_danger = on[:, [index[c] for c in concepts.dangerous]].sum(axis=1)
    any_benign = on[:, [index[c] for c in concepts.benign]].any(axis=1)
    made, evasion = (
        flags[:, SIGNALS.index("made_to_order")],
        flags[:, SIGNALS.index("evasion_claim")],
    )
    columns = [on, flags]
    columns += [(col[a] & col[b])[:, None] for a, b in _PAIRS]
    columns += [
        x[:, None]
        for x in (
            n_danger >= 3,
            n_danger == 4,
            any_benign,
            (n_danger >= 2) & ~any_benign,
            made & col["human_subject"],
            made & col["figurine"],
            evasion & (n_danger >= 2),
        )
    ]
    if interactions >= 2:
        wearable = col["wearable"]
        n_benign = on[:, [index[c] for c in concepts.benign]].sum(axis=1)
        lookalike = np.zeros(n, dtype=bool)
        for c in _LOOKALIKE_OBJECTS:
            if c in col:
                lookalike |= col[c]
        contact = flags[:, SIGNALS.index("off_platform_contact")]
        columns += [(col[a] & col[b] & col[c])[:, None] for a, b, c in _TRIPLES]
        columns += [
            x[:, None]
            for x in (
                n_benign >= 2,
                made & wearable,
                made & col["human_subject"] & wearable,
                made & ~wearable,
                made & lookalike,
                evasion,
                evasion & (n_danger == 0),
                contact & (n_danger >= 2),
                any_benign & (n_danger <= 1),
            )
        ]
    dense = np.hstack(columns).astype(np.float32) * np.float32(scale)
    return ConceptFeatures(sp.csr_matrix(dense), found_concepts, found_signals)
