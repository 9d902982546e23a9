"""Signals: review-priority flags found by versioned patterns (patterns/signals.json).

Patterns run on normalised text, so one pattern covers full-width, spaced-out
and traditional spellings. Each match is mapped back to the listing's own
words for the reviewer (see spans.py).
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from maskscreen.classifier import dispatch, regexes
from maskscreen.classifier.verdict import SIGNALS

DEFAULT_PATTERNS = "patterns/signals.json"
# Patterns run by script: Chinese ones on text with Chinese characters (and on Japanese),
# Japanese on kana, Korean on Hangul, Russian on Cyrillic, and the Latin-script languages'
# patterns, joined into one alternation a signal, on text with Latin letters or digits.
# Most listings need one or two sets, not all.
GROUPS = {"en": "latin", "es": "latin", "de": "latin", "fr": "latin", "pt": "latin", "it": "latin"}
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_KANA = r"\u3040-\u30ff"
_HANGUL = r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
_CYRILLIC = r"\u0400-\u04ff"
_HAS_KANA = re.compile(f"[{_KANA}]")
_HAS_HANGUL = re.compile(f"[{_HANGUL}]")
_HAS_CYRILLIC = re.compile(f"[{_CYRILLIC}]")
_HAS_LATIN = re.compile(r"[a-z0-9+@]")
# Kana, Hangul or Cyrillic: one search says whether any of their three is needed (Chinese
# text, most non-ASCII listings, has none of them).
_HAS_KANA_HANGUL_CYRILLIC = re.compile(f"[{_KANA}{_HANGUL}{_CYRILLIC}]")


def grouped(data: dict) -> dict[tuple[str, str], list[str]]:
    """(signal, script group) -> that group's patterns, in file order, as normalised text
    spells them (traditional Chinese characters, Japanese kanji included, simplified)."""
    return _by_group({signal: data["signals"][signal] for signal in SIGNALS})


def _by_group(section: dict) -> dict[tuple[str, str], list[str]]:
    """A section of the pattern file ({signal: {language: pattern or patterns}}) as
    (signal, script group) -> its patterns in file order, spelled as normalised text."""
    from maskscreen.classifier.normalize import _traditional_to_simplified

    table = _traditional_to_simplified()
    out: dict[tuple[str, str], list[str]] = {}
    for signal in SIGNALS:
        for language, patterns in section.get(signal, {}).items():
            key = (signal, GROUPS.get(language, language))
            listed = [patterns] if isinstance(patterns, str) else patterns
            out.setdefault(key, []).extend(p.translate(table) for p in listed)
    return out


def groups_of(normalized: str) -> set[str]:
    """The script groups whose patterns can match `normalized` text."""
    if normalized.isascii():  # (the other scripts' letters are not ASCII)
        return {"latin"} if _HAS_LATIN.search(normalized) else set()
    groups = set()
    if _HAS_CJK.search(normalized):
        groups.add("zh")
    if _HAS_KANA_HANGUL_CYRILLIC.search(normalized):
        if _HAS_KANA.search(normalized):
            groups |= {"ja", "zh"}
        if _HAS_HANGUL.search(normalized):
            groups.add("ko")
        if _HAS_CYRILLIC.search(normalized):
            groups.add("ru")
    if _HAS_LATIN.search(normalized):
        groups.add("latin")
    return groups


class PatternFileError(ValueError):
    """A pattern file that cannot be read or compiled."""


@dataclass(frozen=True, slots=True)
class SignalMatch:
    signal: str
    start: int  # offsets in the normalised text
    end: int
    text: str


def maker(cls):
    """A constructor of the frozen, slotted dataclass `cls` taking its fields in order,
    that sets its slots directly: the generated `__init__` of a frozen dataclass sets each
    field through `object.__setattr__`, 0.66 µs a match where this takes 0.28, and a
    listing has several matches. The object is the same (equal, same hash, same repr):
    tests/classifier/test_speed_construct.py holds it to the generated one."""
    new = object.__new__
    setters = tuple(cls.__dict__[field.name].__set__ for field in fields(cls))
    if len(setters) != 4:
        raise TypeError(f"{cls.__name__}: four fields expected")
    set_a, set_b, set_c, set_d = setters

    def make(a, b, c, d):
        obj = new(cls)
        set_a(obj, a)
        set_b(obj, b)
        set_c(obj, c)
        set_d(obj, d)
        return obj

    return make


_signal_match = maker(SignalMatch)


class SignalMatcher:
    def __init__(
        self,
        version: str,
        patterns: dict[tuple[str, str], re.Pattern[str]] | None,
        negation: dict[str, re.Pattern[str]] | None = None,
        sources: dict[tuple[str, str], list[str]] | None = None,
        disclaimers: dict[tuple[str, str], re.Pattern[str]] | None = None,
        contexts: dict[str, ObjectContext] | None = None,
    ):
        self.version = version
        # signal -> the sentences whose matches of it are about an object, not a person
        # (patterns/signals.json "context": "nobody can tell" of a wig or a doll)
        self._contexts = contexts or {}
        self._given = patterns or {}  # (signal, language) -> one alternation
        self._negation = negation or {}  # language -> cue that must end the text before a match
        # (signal, language) -> a disclaimer anywhere in the text that drops that signal's
        # matches ("it will not unlock your phone": patterns/signals.json "disclaimer")
        self._disclaimers = disclaimers or {}
        self._cues: dict[tuple[str, str], re.Pattern[str] | None] = {}  # (see _cue)
        # Patterns that can only match a text holding one of a few rare characters (an
        # e-mail address needs "@"): left out of the alternation for a text without them.
        self._sources = sources or {}  # (signal, language) -> the patterns, in order
        self._keys = list(self._sources or self._given)
        # Compiled when a text first needs them: a one-off check of Chinese text compiles
        # the Chinese alternations (and the Latin ones if it holds Latin letters), once,
        # without the patterns its missing rare characters rule out.
        self._needs: dict[tuple[str, str], tuple[str, list[frozenset[str] | None]]] = {}
        self._variants: dict[tuple[tuple[str, str], str], re.Pattern[str] | None] = {}
        self._compiled: dict[tuple[str, ...], re.Pattern[str]] = {}
        self._solid: set[re.Pattern[str]] = set()  # compiled by dispatch: no empty match
        self._gates: dict[tuple, re.Pattern[str] | str | None] = {}  # "": no patterns
        # By the script groups of a text: its keys and their rare characters; and by those
        # groups and the rare characters the text lacks, what find searches it with.
        self._plans: dict[frozenset[str], tuple[tuple[tuple[str, str], ...], str]] = {}
        self._runs: dict[tuple[frozenset[str], str], tuple[list, list]] = {}

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> SignalMatcher:
        try:
            raw = read_patterns(path)
        except OSError as exc:
            raise PatternFileError(
                f"cannot load signal patterns {path or DEFAULT_PATTERNS}: {exc}"
            ) from exc
        return cls.from_text(raw, str(path or DEFAULT_PATTERNS))

    @classmethod
    def from_text(cls, raw: str, name: str = "signal patterns") -> SignalMatcher:
        """A matcher of a pattern file's text (a model keeps the text it was trained with).

        Every pattern is parsed here (a broken file fails now, not mid-prediction); the
        alternations are compiled when first needed."""
        try:
            data = json.loads(raw)
            version = data["version"]
            sources = grouped(data)
            _validate(tuple(pattern for patterns in sources.values() for pattern in patterns))
            negation = {
                GROUPS.get(lang, lang): re.compile(p)
                for lang, p in data.get("negation", {}).items()
                if lang != "about"
            }
            disclaimers = _disclaimers(data.get("disclaimer", {}))
            contexts = {
                signal: ObjectContext(*(re.compile(part[k]) for k in ObjectContext._fields))
                for signal, part in data.get("context", {}).items()
                if signal in SIGNALS
            }
        except (ValueError, KeyError, TypeError, re.error) as exc:
            raise PatternFileError(f"cannot load signal patterns {name}: {exc}") from exc
        return cls(version, None, negation, sources, disclaimers, contexts)

    @property
    def _patterns(self) -> dict[tuple[str, str], re.Pattern[str] | None]:
        """Every alternation whole, as the file writes it, with none of the rewrites that
        make it fast (the tests' plain reference)."""
        return {
            key: self._given[key]
            if key in self._given
            else re.compile("|".join(f"(?:{p})" for p in self._sources[key]))
            for key in self._keys
        }

    def find(self, normalized: str) -> list[SignalMatch]:
        """Every match in `normalized` text, for all signals, in text order."""
        languages = frozenset(groups_of(normalized))
        plan = self._plans.get(languages)
        if plan is None:
            keys = tuple(key for key in self._keys if key[1] in languages)
            plan = self._plans[languages] = (keys, self._rare_of(keys) if keys else "")
        keys, rare = plan
        if not keys:
            return []
        if len(rare) == 1:  # the Latin-script patterns' one rare character ("@"): no generator
            missing = "" if rare in normalized else rare
        else:
            missing = "".join(c for c in rare if c not in normalized) if rare else ""
        run = self._runs.get((languages, missing))
        if run is None:
            run = self._runs[(languages, missing)] = self._run(keys, missing)
        gates_by_group, patterns, listed = run
        # Most listings match no pattern at all: one search of all the text's patterns of a
        # script group together says so (no match of the union: no match of any of them),
        # and where it first matches, the first match of any of them starts: that group's
        # searches start there (\b and look-behinds still see what is before). One search
        # a group, not one for all: a group without a match is not searched again, and
        # the Latin-script patterns' union starts with \b (see dispatch._hoisted), which
        # the Chinese ones' first characters beside it would undo.
        starts: dict[str, int] = {}
        places: dict[str, list[int]] = {}  # (the `listed` groups) every place a match starts
        for group, gates in gates_by_group:
            if gates is None:
                starts[group] = 0
            elif group in listed:
                at = _places(normalized, gates)
                if at:
                    starts[group] = at[0]
                    if len(at) <= MAX_PLACES:
                        places[group] = at
            elif firsts := [first.start() for gate in gates if (first := gate.search(normalized))]:
                starts[group] = min(firsts)
        if not starts:
            return []
        found = [
            _signal_match(signal, m.start(), m.end(), m.group(0))
            for signal, language, pattern in patterns
            if language in starts
            for m in (
                _matches_at(pattern, normalized, places[language])
                if language in places
                else pattern.finditer(normalized, starts[language])
            )
            if m.end() > m.start() and not self._negated(normalized, m.start(), language)
        ]
        disclaimed = self._disclaimed(normalized, {m.signal for m in found}, languages)
        if disclaimed:
            found = [match for match in found if match.signal not in disclaimed]
        if self._contexts and found:
            found = self._not_about_objects(normalized, found)
        return sorted(found, key=lambda match: (match.start, match.signal))

    def _not_about_objects(self, text: str, found: list[SignalMatch]) -> list[SignalMatch]:
        """`found` without the matches that speak of an object, not of a person passing as
        someone: the listing names a context object (a wig, a doll) and no mask, and the
        match itself says nothing of recognising or disguise ("nobody will know it's a
        toupee", but not "even your mom won't recognise you" beside a wig, nor a mask's
        "with the wig nobody looks twice"). What the listing names is looked for once a
        signal, not once a match."""
        named: dict[str, bool] = {}  # signal -> the text names its object and no mask
        kept = []
        for match in found:
            context = self._contexts.get(match.signal)
            if context is not None:
                about = named.get(match.signal)
                if about is None:
                    about = named[match.signal] = bool(
                        context.object.search(text) and not context.mask.search(text)
                    )
                if about and not context.keep.search(match.text):
                    continue
            kept.append(match)
        return kept

    def _run(self, keys: tuple[tuple[str, str], ...], missing: str) -> tuple[list, list, set]:
        """What `find` searches a text of these keys' scripts lacking the `missing` rare
        characters with (made once for each such kind of text): the gates of each script
        group (None: no shortcut), (signal, group, alternation) in the keys' order, and
        the groups whose alternations `find` tries only where their gates match (each a
        first-character dispatch, which matches no empty string: see `_matches_at`)."""
        by_group: dict[str, list[tuple[str, str]]] = {}
        for key in keys:
            by_group.setdefault(key[1], []).append(key)
        gates = [(group, self._gate(tuple(own), missing)) for group, own in by_group.items()]
        patterns = [
            (signal, language, pattern)
            for signal, language in keys
            if (pattern := self._pattern((signal, language), missing)) is not None
        ]
        listed = {
            group
            for group, gate in gates
            if gate is not None
            and all(
                pattern in self._solid for _, language, pattern in patterns if language == group
            )
        }
        return gates, patterns, listed

    def _disclaimed(self, text: str, signals: set[str], languages: set[str]) -> set[str]:
        """The signals among `signals` whose matches a disclaimer in the text cancels (only
        searched for when such a signal matched: rare)."""
        return {
            signal
            for signal in signals
            for language in languages
            if (cue := self._cue((signal, language))) is not None and cue.search(text)
        }

    def _cue(self, key: tuple[str, str]) -> re.Pattern[str] | None:
        """The disclaimer of `key` as dispatch rewrites it (made when first needed): it
        matches where the file's does, so it finds one exactly when that does (the
        evasion claims' disclaimers searched through a listing that has a claim, 4.3 µs
        a corpus listing as written, 2.0 rewritten)."""
        cue = self._cues.get(key, _UNSEEN)
        if cue is _UNSEEN:
            cue = plain = self._disclaimers.get(key)
            source = _dispatched([plain.pattern]) if plain is not None else None
            if source:
                try:
                    cue = regexes.compile(source)
                except re.error:  # (the file's own, then)
                    cue = plain
            self._cues[key] = cue
        return cue

    def _rare_of(self, keys: tuple[tuple[str, str], ...]) -> str:
        """The rare characters the patterns of `keys` need (see _required_chars)."""
        needed: set[str] = set()
        for key in keys:
            if key in self._sources:
                if key not in self._needs:
                    self._needs[key] = _needs_of(self._sources[key])
                needed.update(self._needs[key][0])
        return "".join(sorted(needed))

    def _kept(self, key: tuple[str, str], missing: str) -> list[str]:
        """The patterns of `key` that can match a text lacking the `missing` characters."""
        rare, each = self._needs[key]
        lacking = set(missing) & set(rare)
        return [
            source
            for source, need in zip(self._sources[key], each, strict=True)
            if not (need and need <= lacking)
        ]

    def _gate(
        self, keys: tuple[tuple[str, str], ...], missing: str
    ) -> list[re.Pattern[str]] | None:
        """Expressions that together match where any pattern of `keys` kept for the text
        would (first-character dispatch of them); None: no such shortcut.

        Two: one of the patterns that need no rare character, the same for every text of
        these scripts, and one of those kept that need one (a few short patterns, cheap to
        compile for each set of missing characters)."""
        if self._given:
            return None
        gates = []
        for part, need_rare in (((keys, None), False), ((keys, missing), True)):
            gate = self._gates.get(part, _UNSEEN)
            if gate is _UNSEEN:
                kept = [
                    source
                    for key in keys
                    for source, need in zip(self._sources[key], self._needs[key][1], strict=True)
                    if bool(need) == need_rare and not (need and need <= set(missing))
                ]
                gate = self._gates[part] = _compiled_gate(kept) if kept else ""
            if gate is None:
                return None
            gates += gate  # ("": none)
        return gates

    def _pattern(self, key: tuple[str, str], missing: str) -> re.Pattern[str] | None:
        """The alternation of `key` for a text lacking the `missing` rare characters:
        without the patterns that need one of them. They could not match anywhere in it,
        and the others are tried in the same order at every position, so the matches are
        the same. None: no pattern left."""
        if key in self._given:
            return self._given[key]
        rare = self._needs[key][0]
        own = "".join(c for c in missing if c in rare)
        pattern = self._variants.get((key, own), _UNSEEN)
        if pattern is _UNSEEN:
            kept = self._kept(key, own)
            pattern = self._variants[(key, own)] = self._compile(kept) if kept else None
        return pattern

    def _compile(self, patterns: list[str]) -> re.Pattern[str]:
        kept = tuple(patterns)
        if kept not in self._compiled:
            try:
                dispatched = _dispatched(patterns)
                fast = dispatched or _guarded(_alternation(patterns), patterns)
                self._compiled[kept] = regexes.compile(fast)
                if dispatched:
                    self._solid.add(self._compiled[kept])
            except re.error as exc:
                raise PatternFileError(
                    f"cannot compile signal patterns {self.version}: {exc}"
                ) from exc
        return self._compiled[kept]

    def _negated(self, text: str, start: int, language: str) -> bool:
        """A negation cue of the pattern's script group just before the match."""
        cue = self._negation.get(language)
        return bool(cue and cue.search(text[max(0, start - 16) : start]))

    def flags(self, matches: list[SignalMatch]) -> dict[str, bool]:
        fired = {match.signal for match in matches}
        return {signal: signal in fired for signal in SIGNALS}


_UNSEEN = object()
# More places than this where a group's gates match (keyword stuffing): its alternations
# are searched from the first, as without the places (one call a place costs more).
MAX_PLACES = 24


def _places(text: str, gates: list[re.Pattern[str]]) -> list[int]:
    """Every place in `text` where a match of a gate starts, in order: where a match of any
    of its patterns starts (the gates match where their patterns do, and only there)."""
    found: set[int] = set()
    for gate in gates:
        search = gate.search
        match = search(text)
        while match is not None:  # (each gate's first match at least: the first place)
            at = match.start()
            found.add(at)
            if len(found) > MAX_PLACES:
                break
            match = search(text, at + 1)
    return sorted(found)


def _matches_at(pattern: re.Pattern[str], text: str, places: list[int]) -> list[re.Match[str]]:
    """`pattern.finditer(text, places[0])`, trying `pattern` only at `places`: those hold
    every place where it matches (see _places), where finditer tries every position. A
    match at a place is the one the scan finds there (the same engine at the same place;
    \\b and look-behinds see the text before it), and the next is looked for from its
    end on, as finditer does after a match that is not empty (`pattern` is dispatch's: no
    empty match). Matched texts, about a third of the corpus: the three alternations of
    a script group each scanned the text from the first place to its end; now one scan
    of the gates finds the places, and an alternation is tried at a few of them."""
    out = []
    match, end = pattern.match, 0
    for at in places:
        if at >= end and (found := match(text, at)) is not None:
            out.append(found)
            end = found.end()
    return out


class ObjectContext(NamedTuple):
    """A signal's object context (patterns/signals.json "context"): what names an object
    whose realism a match may speak of, what names a mask or hood (in the listing: then
    its matches stay), and what in a match speaks of a person (recognising, disguise:
    then it stays)."""

    object: re.Pattern[str]
    mask: re.Pattern[str]
    keep: re.Pattern[str]


def _disclaimers(data: dict) -> dict[tuple[str, str], re.Pattern[str]]:
    """(signal, script group) -> one expression of the file's disclaimers for it (the
    Latin-script languages' joined, like their patterns)."""
    joined = _by_group(data)
    return {key: re.compile("|".join(f"(?:{p})" for p in parts)) for key, parts in joined.items()}


def _compiled_gate(patterns: list[str]) -> list[re.Pattern[str]] | None:
    """The gate of `patterns` as expressions searched one by one, the first match of any
    of them where the first match of a pattern starts: the parts of `gate_parts`, or where
    they cannot be written (or compiled), dispatch's rewrite of their alternation; None:
    neither (no shortcut)."""
    parts = _gate_text(patterns)
    try:
        sources = json.loads(parts) if parts else None
        if sources:
            return [regexes.compile(source) for source in sources]
    except (ValueError, TypeError, re.error):
        pass
    source = _dispatched(patterns)
    if source:
        try:
            return [regexes.compile(source)]
        except re.error:
            pass
    return None


def _gate_text(patterns: list[str]) -> str | None:
    """gate_parts(patterns) as a JSON list, written once per machine (see regexes.derived)."""
    return regexes.derived(
        f"gate {regexes.code_version(__file__)} {regexes.code_version(dispatch.__file__)}",
        tuple(patterns),
        lambda: json.dumps(parts) if (parts := gate_parts(patterns)) else None,
    )


def gate(patterns: list[str]) -> str | None:
    """The parts of `gate_parts` as one expression (its first match starts where the
    first of theirs does)."""
    parts = gate_parts(patterns)
    return "|".join(parts) if parts else None


def gate_parts(patterns: list[str]) -> list[str] | None:
    """Expressions that match where a pattern of `patterns` matches, and nowhere else,
    for `SignalMatcher.find`'s gates (with several, where the first of their first
    matches starts): only where its first match starts counts, not what
    it matches, so the patterns' order is free. None: a pattern dispatch cannot spread.

    Searched one by one, not as one alternation: the trie of the pieces without a shared
    test in front begins each alternative with a literal character, so the engine skips
    in C every position that holds none of them (re's charset prefix), but only when no
    alternative begins otherwise; the pieces behind a hoisted test (\\b), and those that
    begin with a class, are each an expression of their own. (The Chinese gate, whose
    hoisted test is a look-behind that holds almost everywhere: 28 µs a corpus listing
    of Chinese text as one alternation, 10 as three.)

    The patterns' pieces (dispatch: one a first character) are put in a trie of the
    literal characters each begins with, the rest of each piece after its run of them:
    at a word of the text the engine follows one path of the trie, where the first-
    character dispatch tried each piece of that character in turn (the Latin-script
    gate: 9.3 µs a corpus listing, 6.1 as a trie). Pieces behind one same zero-width test
    (\\b) share it in front where they begin with MIN_HOISTED characters or more, as
    dispatch._hoisted counts them (the Chinese gate's `(?<!非)` in front of eight pieces
    of five first characters made an expression tried at every position of a text, 1.5
    µs a corpus listing; with the others, those are tried where their characters stand);
    the others test theirs after their literal prefix, `ab(?<=Zab)rest` (Z where the
    piece starts).
    tests/classifier/test_speed_gate.py holds it to the plain alternation's first
    match, on the training material, the behavioural cases and mutated texts."""
    try:
        pieces = _gate_pieces(patterns)
    except (dispatch.Unsupported, RecursionError):  # a piece dispatch cannot write out
        return None
    if pieces is None:
        return None
    firsts: dict[str, set[str | None]] = {}  # test -> the first characters behind it
    for test, literal, _ in pieces:
        firsts.setdefault(test, set()).add(literal[0] if literal else None)
    counts = {test: len(chars) for test, chars in firsts.items()}
    hoisted = max((test for test in counts if test), key=counts.__getitem__, default="")
    if counts.get(hoisted, 0) < dispatch.MIN_HOISTED:
        hoisted = ""
    out = []
    for shared in dict.fromkeys([hoisted, ""]):  # the hoisted test's pieces, then the others
        root: dict = {}
        classes = []
        for test, literal, rest in pieces:
            if shared and test != shared or not shared and hoisted and test == hoisted:
                continue  # (each piece in one of the two passes)
            own = "" if shared else test
            if literal is None:
                classes.append(own + rest)
                continue
            node = root
            for char in literal:
                node = node.setdefault(char, {})
            node.setdefault("", []).append(f"(?<={own}{re.escape(literal)}){rest}" if own else rest)
        trie, classes = _trie_alternatives(root), list(dict.fromkeys(classes))  # (once each)
        for body in [trie + classes] if shared else [trie, classes]:
            if body is trie and not shared and len(root) >= MIN_BUCKETED and "" not in root:
                out.append(_in_buckets(root, trie))
            elif body:
                either = "(?:" + "|".join(body) + ")" if len(body) > 1 else body[0]
                # behind the shared test, a look at the first character (one class test
                # at a word's start, where the alternation tested each branch's in turn)
                out.append(shared + _first_look(root, classes) + either if shared else either)
    return out or None


MIN_BUCKETED = 32  # first characters of a trie from which they are split (_in_buckets)


def _in_buckets(root: dict, alternatives: list[str]) -> str:
    """The alternatives of the trie `root` (one a first character, in order: a root has no
    piece that ends there) as a look at the first character, then a few groups of them,
    each behind a look of its own: `(?=[a-f])(?:(?=[abc])(?:a..|b..|c..)|(?=[def])(?:..))`.

    `re` tries the branches of an alternation one after another, each tested against the
    character at hand, all of them where none matches: the Chinese gate's trie has over
    200 first characters, many of them common, so a text's every other character cost
    200 tests; in k groups, k/2 look-aheads and a group's literal tests. The groups begin
    with different characters, so at most one can match there and their order is free:
    the matches are the same (as concepts._in_buckets does for the concept tries). The
    look in front stands where the alternation's first-character skip did (an expression
    that begins with a look-ahead has none). Measured on the corpus, the Chinese gate's
    trie: 11 µs a listing whole, 5 in groups."""
    chars = sorted(root)
    count = max(2, round(math.sqrt(len(chars)) / 2))
    size = -(-len(chars) // count)
    groups = [
        f"(?=[{_class_of(chars[at : at + size])}])(?:{'|'.join(alternatives[at : at + size])})"
        for at in range(0, len(chars), size)
    ]
    return f"(?=[{_class_of(chars)}])(?:{'|'.join(groups)})"


def _class_of(chars: list[str]) -> str:
    return "".join(re.escape(char) for char in chars)


def _first_look(root: dict, classes: list[str]) -> str:
    """A look-ahead at the characters a match of the trie `root` or of a piece of `classes`
    can begin with ("": unknown, or a piece that can match nothing): the trie's first
    characters as they are, only the few class-first pieces parsed."""
    firsts = [re.escape(char) for char in sorted(key for key in root if key)]
    for piece in classes:
        try:
            found = _first_chars(_parsed(piece).data)
        except (AttributeError, re.error):
            return ""
        if found is None or found[1]:
            return ""
        firsts += found[0]
    return f"(?=[{''.join(dict.fromkeys(firsts))}])" if firsts else ""


def _gate_pieces(patterns: list[str]) -> list[tuple[str, str | None, str]] | None:
    """The pieces of `gate`: (zero-width test, literal prefix or None for a class, rest),
    as text; None: a pattern dispatch cannot spread.

    A literal piece whose test is \\b followed by more (`\\b(?=[dm])(?<!you )`, the
    contact invitations) has \\b alone as its test, the rest checked after its literal
    prefix (`dm (?<=(?=[dm])(?<!you )dm )...`, what `dm (?<=\\b(?=[dm])(?<!you )dm )`
    tests): then it shares the hoisted \\b of the Latin-script gate, where alone such
    pieces made a trie of their own that tried each common letter they begin with at
    every position (10 of the 25 µs a corpus listing the gates took, 1 after)."""
    from re import _constants as C

    pieces: list[tuple[str, str | None, str]] = []
    for pattern in patterns:
        expanded = dispatch._expanded(pattern)
        if expanded is None:
            return None
        for zero_width, first, rest in expanded:
            test = dispatch.text(zero_width)
            if not isinstance(first, int):  # a class: not in the trie
                pieces.append((test, None, first + dispatch.text(rest)))
                continue
            at = 0
            while at < len(rest) and rest[at][0] is C.LITERAL:
                at += 1
            literal = chr(first) + "".join(chr(value) for _, value in rest[:at])
            tail = dispatch.text(rest[at:])
            if len(zero_width) > 1 and zero_width[0] == (C.AT, C.AT_BOUNDARY):
                behind = dispatch.text(zero_width[1:])
                test, tail = r"\b", f"(?<={behind}{re.escape(literal)}){tail}"
            pieces.append((test, literal, tail))
    return pieces


def _trie_alternatives(node: dict) -> list[str]:
    """The alternatives of a trie node of `gate`: a child a character, then what ends
    there. A piece that ends there whole ("" left) makes the rest moot: the node matches."""
    ends = node.get("", [])
    if "" in ends:
        return [""]
    out = []
    for char in sorted(key for key in node if key):
        inner = _trie_alternatives(node[char])
        body = inner[0] if len(inner) == 1 else "(?:" + "|".join(inner) + ")"
        out.append(re.escape(char) + body)
    return out + list(dict.fromkeys(ends))


def _dispatched(patterns: list[str]) -> str | None:
    """dispatch.dispatched(patterns), written once per machine (see regexes.derived)."""
    return regexes.derived(
        f"dispatch {regexes.code_version(dispatch.__file__)}",
        tuple(patterns),
        lambda: dispatch.dispatched(patterns),
    )


def _needs_of(patterns: list[str]) -> tuple[str, list[frozenset[str] | None]]:
    """The rare characters each pattern needs (see _required_chars), and all of them.

    Only for the patterns worth leaving out: one that first-character dispatch tries
    only where one of its literal first characters stands costs next to nothing where
    it cannot match, and keeping it spares compiling another alternation (one a set of
    missing characters: 22 of them in a process reading the corpus, which took as long
    as the matching). Worked out once per machine (regexes.derived): it parses every
    pattern of the key, 0.08 s of CPU for the Latin-script ones of a one-off check."""
    text = regexes.derived(
        f"needs {regexes.code_version(__file__)} {regexes.code_version(dispatch.__file__)}",
        tuple(patterns),
        lambda: json.dumps(
            [sorted(need) if need is not None else None for need in _needs_made(patterns)]
        ),
    )
    each = [frozenset(need) if need is not None else None for need in json.loads(text)]
    return "".join(sorted({c for need in each if need for c in need})), each


def _needs_made(patterns: list[str]) -> list[frozenset[str] | None]:
    return [_required_chars(p) if not dispatch.literal_first(p) else None for p in patterns]


def _validate(patterns: tuple[str, ...]) -> None:
    """Every pattern parsed by re's parser (re.error for a broken one), once per machine:
    a record in the user cache (regexes.derived, by this code, Python's version and the
    patterns) says they all parsed, and a one-off check does not parse the file's 646
    patterns again (0.09-0.10 s of CPU, an eighth of `check --text`). A record is made
    only when every pattern parsed, so a broken file still fails here each time."""
    regexes.derived(
        f"parsed {regexes.code_version(__file__)}", patterns, lambda: _parse_all(patterns)
    )


def _parse_all(patterns: tuple[str, ...]) -> str:
    for pattern in patterns:
        _parsed(pattern)
    return "parsed"


def _parsed(pattern: str):
    """The parse of one pattern (re's own parser), made once: validating a file, finding
    the characters a pattern needs and whether it starts at a word boundary, and the
    first-character dispatch of its alternations all read it."""
    try:
        return dispatch.parse(pattern)
    except ImportError:  # a private module: without it, still refuse a broken pattern
        re.compile(pattern)
        return None


# Characters in most listings: a pattern needing one of them is always tried.
_COMMON = set(".,-")


def _required_chars(pattern: str) -> frozenset[str] | None:
    """A few rare characters (not letters, digits, spaces or common punctuation) of which
    every match of `pattern` holds at least one; None when there are none such."""
    try:
        parsed = _parsed(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        return _rarest(_mandatory_sets(parsed.data))
    except (ImportError, AttributeError, re.error):  # a private module: when in doubt, none
        return None


def _rarest(sets: list[frozenset[str]]) -> frozenset[str] | None:
    rare = [s for s in sets if not any(c.isalnum() or c.isspace() or c in _COMMON for c in s)]
    return min(rare, key=len) if rare else None


def _mandatory_sets(items) -> list[frozenset[str]]:
    """Sets of characters such that every match of the parsed sequence `items` holds a
    character of each set (the parts it cannot skip: literals, classes, groups, + repeats)."""
    from re import _parser

    out: list[frozenset[str]] = []
    for op, value in items:
        if op is _parser.LITERAL:
            out.append(frozenset(chr(value)))
        elif op is _parser.IN:
            chars = _class_chars(value)
            if chars:
                out.append(chars)
        elif op is _parser.SUBPATTERN:
            if not value[1] & re.IGNORECASE:  # (group, add flags, del flags, items)
                out += _mandatory_sets(value[-1])
        elif op is _parser.BRANCH:
            branches = [_rarest(_mandatory_sets(branch)) for branch in value[1]]
            if all(branches):
                out.append(frozenset().union(*branches))
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and value[0] >= 1:
            out += _mandatory_sets(value[2])
    return out


def _class_chars(items) -> frozenset[str] | None:
    """The characters of a parsed character class made of literals and short ranges."""
    from re import _parser

    chars: set[str] = set()
    for op, value in items:
        if op is _parser.LITERAL:
            chars.add(chr(value))
        elif op is _parser.RANGE and value[1] - value[0] < 16:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:
            return None
    return frozenset(chars)


def _starts_at_word_boundary(pattern: str) -> bool:
    """Every match of `pattern` begins with a \\b test (all its alternatives do)."""
    try:
        from re import _parser  # the parser behind re.compile

        items = _parsed(pattern).data
    except (ImportError, AttributeError, re.error):  # a private module: when in doubt, say no
        return False
    return bool(items) and items[0] == (_parser.AT, _parser.AT_BOUNDARY)


def _alternation(patterns: list[str]) -> str:
    """One regular expression for a list of patterns, trying them in order at each position.

    Python's engine tries every alternative at every position of the text. Runs of
    patterns that all begin with \\b share one \\b test in front, so inside a word a
    position fails once instead of once per pattern. Same matches, same order.
    """
    parts: list[str] = []
    run: list[str] = []
    for pattern in patterns:
        if _starts_at_word_boundary(pattern):
            run.append(f"(?:{pattern})")
            continue
        if run:
            parts.append(r"\b(?:" + "|".join(run) + ")")
            run = []
        parts.append(f"(?:{pattern})")
    if run:
        parts.append(r"\b(?:" + "|".join(run) + ")")
    return "|".join(parts)


def _class_items(items) -> list[str] | None:
    """A parsed character class as text for [...], or None for one we do not rebuild."""
    from re import _parser

    categories = {
        _parser.CATEGORY_DIGIT: r"\d",
        _parser.CATEGORY_WORD: r"\w",
        _parser.CATEGORY_SPACE: r"\s",
    }
    out = []
    for op, value in items:
        if op is _parser.LITERAL:
            out.append(re.escape(chr(value)))
        elif op is _parser.RANGE:
            out.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op is _parser.CATEGORY and value in categories:
            out.append(categories[value])
        else:
            return None
    return out


def _first_chars(items) -> tuple[list[str], bool] | None:
    """What the first character of a match of the parsed sequence `items` can be (as
    items for [...]), and whether the sequence can match nothing; None: unknown."""
    from re import _parser

    out: list[str] = []
    for op, value in items:
        if op in (_parser.AT, _parser.ASSERT, _parser.ASSERT_NOT):
            continue  # zero width: the next item gives the first character
        if op is _parser.LITERAL:
            return [*out, re.escape(chr(value))], False
        if op is _parser.IN:
            found = _class_items(value)
            return None if found is None else ([*out, *found], False)
        if op is _parser.SUBPATTERN:
            inner = _first_chars(value[-1])
        elif op is _parser.BRANCH:
            branches = [_first_chars(branch) for branch in value[1]]
            if any(b is None for b in branches):
                return None
            inner = ([c for b in branches for c in b[0]], any(b[1] for b in branches))
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT):
            body = _first_chars(value[2])
            inner = None if body is None else (body[0], body[1] or value[0] == 0)
        else:
            return None
        if inner is None:
            return None
        out += inner[0]
        if not inner[1]:
            return out, False
    return out, True


def _guarded(pattern: str, parts: list[str] | None = None) -> str:
    """`pattern` behind a test of the first character, where every match must start with
    one of a known set: the engine then skips most positions with one cheap test.
    Same matches (only non-empty ones count, see SignalMatcher.find).

    With `parts`, the patterns `pattern` is the _alternation of: the first characters are
    theirs, in order (what parsing the alternation finds, without parsing it again)."""
    try:
        from re import _parser

        if parts is None:
            first = _first_chars(_parser.parse(pattern).data)
        else:
            each = [_first_chars(_parsed(part).data) for part in parts]
            first = (
                None
                if any(f is None for f in each)
                else ([c for f in each for c in f[0]], any(f[1] for f in each))
            )
    except (ImportError, AttributeError, re.error):  # a private module: when in doubt, no guard
        return pattern
    if first is None or first[1]:
        return pattern
    return f"(?=[{''.join(dict.fromkeys(first[0]))}])(?:{pattern})"


def read_patterns(path: str | Path | None = None) -> str:
    """The text of a pattern file (default: the one shipped with maskscreen)."""
    if path is None:
        return (
            resources.files("maskscreen.classifier").joinpath(DEFAULT_PATTERNS).read_text("utf-8")
        )
    return Path(path).read_text("utf-8")


@functools.lru_cache(maxsize=4)
def default_matcher() -> SignalMatcher:
    return SignalMatcher.from_file(None)
