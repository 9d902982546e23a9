"""An alternation of patterns rewritten so that Python's engine skips by first character.

`re` searches an alternation by trying it at every position of the text, each of its
alternatives in turn. It skips positions quickly in one case only: when the expression
starts with a choice between literal characters, it scans for one of those characters
in a tight loop (the "charset" of the compiled INFO block). `dispatched` rewrites an
alternation into that shape: one branch per first character, each holding, in their
order, the alternatives (or the parts of alternatives, branches and optional pieces
spread out) that can begin with it:

    \\b(?:fool|trick)s? (?:the )?camera|\\bnobody (?:can|will) tell
    ->  f(?<=\\bf)(?:ools? (?:the )?camera)|t(?<=\\bt)(?:ricks? (?:the )?camera)|n(?<=\\bn)(?:obody (?:can|will) tell)

Why the matches are the same: at any position only the branch of the character there
can match, and it tries the alternatives that can start with that character in the
order the alternation does (a spread-out branch `(?:a|b)r` is `ar|br`, an optional
piece `x?r` is `xr|r`, greedy first, so the backtracking order is kept); what comes
before the first character (\\b, a look-behind) is zero-width, and `c(?<=Zc)` checks
`Z` at the position of `c`, as `Zc` does. Only group 0 is used, so groups may be
dropped; a pattern with a back-reference, flags, or a first character that is not one
of a few literals (`.`, `\\w`) is not rewritten (None).
tests/classifier/test_speed_dispatch.py holds the rewrite to the plain alternation's
matches, and the text of each piece to the pattern it came from (same compiled code).
"""

from __future__ import annotations

import functools
import re

try:
    from re import _constants as C
    from re import _parser
except ImportError:  # another Python's private modules: no rewrite
    _parser = None

MAX_EXPANSIONS = 256  # pieces one pattern may spread into (optional runs multiply)
MAX_CLASS = 16  # characters of a class spread into one branch each
MIN_HOISTED = 8  # branches sharing a zero-width test that is then put in front (_hoisted)


class Unsupported(ValueError):
    """A pattern this module does not rewrite."""


def dispatched(patterns: list[str]) -> str | None:
    """An expression whose matches are those of the alternation of `patterns` tried in
    order (the same span at every position), beginning with a choice of first
    characters; None when a pattern cannot be rewritten."""
    if _parser is None or not patterns:
        return None
    pieces: list[tuple[str, int | str, str]] = []  # (zero-width text, first, rest text)
    for pattern in patterns:
        own = _pieces(pattern)
        if own is None:
            return None
        pieces += own
    # A character that begins a literal piece has its own branch, with every piece that
    # can begin with it (those of a class holding it too), in their order; the pieces of
    # classes also have one branch of their own, tried last, for the other characters.
    literals = {first for _, first, _ in pieces if isinstance(first, int)}
    branches: dict[int | str, list[tuple[str, str]]] = {}
    classes: list[tuple[str, str]] = []
    for zw, first, rest in pieces:
        if isinstance(first, int):
            branches.setdefault(first, []).append((zw, rest))
            continue
        holds = re.compile(first)
        for char in literals:
            if holds.fullmatch(chr(char)):
                branches.setdefault(char, []).append((zw, rest))
        classes.append((f"{zw}{first}", rest))
    out = _hoisted(branches)
    if classes:
        union = "[" + "".join(first[1:-1] for _, first, _ in pieces if isinstance(first, str)) + "]"
        out.append(union + "(?:" + "|".join(f"(?<={test}){rest}" for test, rest in classes) + ")")
    return "|".join(out)


def _hoisted(branches: dict[int, list[tuple[str, str]]]) -> list[str]:
    """The branches of literal first characters as text, those whose pieces all begin with
    one same zero-width test (\\b: every Latin-script signal pattern) sharing it in front:
    `\\b(?:f(?:ools)|t(?:ricks))` rather than `f(?<=\\bf)ools|t(?<=\\bt)ricks`.

    The branches exclude each other (each needs its own character where it starts), so
    their order is free, and `Zc...` tests Z where `c(?<=Zc)...` does. Where most letters
    begin some branch the engine's first-character skip passes nearly every position, and
    then tried each branch's character in turn; with the test in front, a position inside
    a word fails once. Measured on the corpus, the Latin-script gate of signals.py: 22.9
    µs a listing with the skip, 15.8 with \\b in front. With few first characters the skip
    wins, so the test is put in front only where at least MIN_HOISTED branches share it."""
    shared: dict[str, list[int]] = {}
    for first, group in branches.items():
        tests = {zw for zw, _ in group}
        if len(tests) == 1 and (zw := next(iter(tests))):
            shared.setdefault(zw, []).append(first)
    zw, chars = max(shared.items(), key=lambda item: len(item[1]), default=("", []))
    if len(chars) < MIN_HOISTED:
        chars = []
    inside = [_branch(re.escape(chr(c)), [("", rest) for _, rest in branches[c]]) for c in chars]
    out = [f"{zw}(?:{'|'.join(inside)})"] if inside else []
    hoisted = set(chars)
    out += [_branch(re.escape(chr(c)), g) for c, g in branches.items() if c not in hoisted]
    return out


@functools.lru_cache(maxsize=4096)
def parse(pattern: str):
    """re's own parse of one pattern, made once (validating a pattern file, rewriting its
    alternations and finding what their patterns need all read it)."""
    if _parser is None:
        raise ImportError("re._parser")
    return _parser.parse(pattern)


@functools.lru_cache(maxsize=4096)
def _expanded(pattern: str) -> list | None:
    """A pattern spread into pieces (see _expand); None: not rewritten."""
    try:
        parsed = parse(pattern)
        if parsed.state.flags & ~re.UNICODE:
            raise Unsupported("flags")
        # One walk of the whole pattern: where nothing in it is refused, the walks of
        # each remaining tail during the expansion (most of its cost) would refuse
        # nothing either, and are skipped; otherwise they decide, as before.
        try:
            _check(parsed.data)
        except Unsupported:
            check = _check
        else:
            check = _unchecked
        expanded = _expand(list(parsed.data), check)
        if len(expanded) > MAX_EXPANSIONS:
            raise Unsupported("too many pieces")
        return expanded
    except (Unsupported, re.error, RecursionError):
        return None


@functools.lru_cache(maxsize=4096)
def _pieces(pattern: str) -> tuple[tuple[str, int | str, str], ...] | None:
    """The pieces of a pattern as text; None: not rewritten. (Cached: the alternations of
    one text's scripts share their patterns.)"""
    expanded = _expanded(pattern)
    try:
        return (
            None
            if expanded is None
            else tuple((text(zw), first, text(rest)) for zw, first, rest in expanded)
        )
    except (Unsupported, RecursionError):
        return None


def literal_first(pattern: str) -> bool:
    """Whether every match of `pattern` begins with one of a few literal characters, so
    that dispatch tries it only where one of them stands."""
    pieces = _expanded(pattern)
    return pieces is not None and all(isinstance(first, int) for _, first, _ in pieces)


def _branch(char: str, pieces: list[tuple[str, str]]) -> str:
    """`char` and the pieces after it, consecutive pieces with the same zero-width test
    sharing one look-behind."""
    alternatives = []
    at = 0
    while at < len(pieces):
        zero_width = pieces[at][0]
        run = []
        while at < len(pieces) and pieces[at][0] == zero_width:
            run.append(pieces[at][1])
            at += 1
        body = run[0] if len(run) == 1 else "(?:" + "|".join(run) + ")"
        alternatives.append(f"(?<={zero_width}{char}){body}" if zero_width else body)
    if len(alternatives) == 1:
        return char + (f"(?:{alternatives[0]})" if "|" in alternatives[0] else alternatives[0])
    return f"{char}(?:{'|'.join(alternatives)})"


def _expand(items: list, check) -> list[tuple[list, int, list]]:
    """The parsed sequence `items` as an ordered list of pieces (zero-width items, first
    character, the rest): their alternation tries what `items` tries, in the same order.
    `check` refuses what a rewrite could change in a part (_check, or _unchecked for a
    pattern already checked whole)."""
    if not items:
        raise Unsupported("can match the empty string")
    (op, av), tail = items[0], items[1:]
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        check(av[1].data if op is not C.AT else [])
        return [([items[0], *zero_width], c, rest) for zero_width, c, rest in _expand(tail, check)]
    if op is C.LITERAL:
        check(tail)
        return [([], av, tail)]
    if op is C.IN:
        check(tail)
        chars = _class_chars(av)
        if chars is None:  # a class of its own (\\d, \\w...), tested after the character
            return [([], _item(op, av), tail)]
        return [([], c, tail) for c in chars]
    if op is C.SUBPATTERN:
        group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            raise Unsupported("flags in a group")
        return _expand(list(body.data) + tail, check)
    if op is C.BRANCH:
        return [piece for alternative in av[1] for piece in _expand(alternative.data + tail, check)]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, high, body = av
        if high == 0:
            return _expand(tail, check)
        if high > 1 and body.getwidth()[0] == 0:
            raise Unsupported("a repeat that can match nothing")
        fewer = (op, (max(low - 1, 0), high if high == C.MAXREPEAT else high - 1, body))
        once = list(body.data) + ([fewer] if fewer[1][1] else []) + tail
        if low >= 1:
            return _expand(once, check)
        if op is C.MAX_REPEAT:  # greedy: one more first, then none
            return _expand(once, check) + _expand(tail, check)
        return _expand(tail, check) + _expand(once, check)
    raise Unsupported(f"a pattern starting with {op}")


def _unchecked(items) -> None:
    """_check's stand-in inside a pattern that passed _check whole."""


def _check(items) -> None:
    """Refuse what a rewrite could change: back-references and possessive forms anywhere."""
    for op, av in items:
        if op in (C.GROUPREF, C.GROUPREF_EXISTS) or op.name in (
            "ATOMIC_GROUP",
            "POSSESSIVE_REPEAT",
        ):
            raise Unsupported(str(op))
        if op is C.SUBPATTERN:
            if av[1] or av[2]:
                raise Unsupported("flags in a group")
            _check(av[3].data)
        elif op is C.BRANCH:
            for alternative in av[1]:
                _check(alternative.data)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            _check(av[2].data)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _check(av[1].data)


def _class_chars(items) -> list[int] | None:
    """The characters of a small class of literals and ranges; None for another class
    (a negated one is refused: its branch could not be joined with the others')."""
    chars: list[int] = []
    for op, av in items:
        if op is C.NEGATE:
            raise Unsupported("a negated class first")
        if op is C.LITERAL:
            chars.append(av)
        elif op is C.RANGE and av[1] - av[0] < MAX_CLASS:
            chars.extend(range(av[0], av[1] + 1))
        else:
            return None
    chars = list(dict.fromkeys(chars))
    return chars if len(chars) <= MAX_CLASS else None


# --- parsed items back to text ------------------------------------------------------------

_AT = {
    "AT_BEGINNING": "^",
    "AT_END": "$",
    "AT_BOUNDARY": r"\b",
    "AT_NON_BOUNDARY": r"\B",
    "AT_BEGINNING_STRING": r"\A",
    "AT_END_STRING": r"\Z",
}
_CATEGORY = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def text(items) -> str:
    """Regular-expression text for a parsed sequence (what re._parser.parse gives)."""
    out, run = [], []
    for op, av in items:
        if op is C.LITERAL:  # runs of literal characters escaped at once
            run.append(chr(av))
            continue
        if run:
            out.append(re.escape("".join(run)))
            run = []
        out.append(_item(op, av))
    if run:
        out.append(re.escape("".join(run)))
    return "".join(out)


def _alternatives(items) -> str:
    """The inside of a group: an alternation written bare."""
    items = list(items)
    if len(items) == 1 and items[0][0] is C.BRANCH:
        return "|".join(text(alternative) for alternative in items[0][1][1])
    return text(items)


def _item(op, av) -> str:
    if op is C.LITERAL:
        return re.escape(chr(av))
    if op is C.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is C.ANY:
        return "."
    if op is C.IN:
        return "[" + "".join(_class_item(o, a) for o, a in av) + "]"
    if op is C.AT:
        return _AT[av.name]
    if op in (C.ASSERT, C.ASSERT_NOT):
        direction, body = av
        sign = "=" if op is C.ASSERT else "!"
        return f"(?{'<' if direction < 0 else ''}{sign}{_alternatives(body.data)})"
    if op is C.SUBPATTERN:
        group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            raise Unsupported("flags in a group")
        return ("(" if group is not None else "(?:") + _alternatives(body.data) + ")"
    if op is C.BRANCH:
        return "(?:" + "|".join(text(alternative) for alternative in av[1]) + ")"
    if op in (C.MAX_REPEAT, C.MIN_REPEAT):
        low, high, body = av
        inner = list(body.data)
        atom = (
            _item(*inner[0])
            if len(inner) == 1
            and inner[0][0] in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN, C.SUBPATTERN)
            else f"(?:{_alternatives(inner)})"
        )
        if (low, high) == (0, C.MAXREPEAT):
            count = "*"
        elif (low, high) == (1, C.MAXREPEAT):
            count = "+"
        elif (low, high) == (0, 1):
            count = "?"
        elif high == C.MAXREPEAT:
            count = f"{{{low},}}"
        elif low == high:
            count = f"{{{low}}}"
        else:
            count = f"{{{low},{high}}}"
        return atom + count + ("?" if op is C.MIN_REPEAT else "")
    raise Unsupported(f"cannot write {op}")


def _class_item(op, av) -> str:
    if op is C.NEGATE:
        return "^"
    if op is C.LITERAL:
        return re.escape(chr(av))
    if op is C.RANGE:
        return f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"
    if op is C.CATEGORY and av.name in _CATEGORY:
        return _CATEGORY[av.name]
    raise Unsupported(f"cannot write {op} {av}")
