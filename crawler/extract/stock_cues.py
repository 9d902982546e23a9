"""A cheap proof that the visible page states no availability in words.

When structured data completes a listing, `crawler.extract.page` reads the visible page
only for `HeuristicReading.stated`: the availability a stock label, a button's label or
a text by the title states. Every such statement is a match of
`fields.normalize_availability` (an exact stock word, or a stock phrase inside a text)
on a string the walk builds from the page: an element's own text or tail, a comment's
text, the text of a control or of an element named for stock (its text nodes joined,
whitespace collapsed, `heuristic_parts.short_text`), or an attribute a control is
labelled by (value, aria-label, title, an image's alt, a data-*label). So when no
stock word occurs anywhere in the page's text nodes and those attributes, read with the
separators `normalize_availability` ignores removed, the walk cannot state one either,
and `may_state_availability` returns False: `read_page` would give `stated` None.

That holds for a superset of what the walk reads (hidden elements, chrome and the
elements past its limit are searched too), with one exception kept exact: script and
style text, where JSON-LD's "InStock" and scripts' "unavailable" live, is left out. The
walk reads it only inside a short text (`short_text`: at most 800 characters and
`_SHORT_ELEMENTS` descendants) of an element that may be a control or a stock label;
a short script or style inside such an element makes this function answer True.

With `made_to_order=False` only the stock words that state something other than
"MadeToOrder" are searched (定制, 定做 and "made to order" are left out): for a caller to
which a made-to-order statement overrules nothing (`page._stated_over_structured`), a
page whose only stock words are those need not be walked either.

Exact words (a label that is only "Available" or "Reserved") are searched where a string
of the walk can begin and end: at a text node's edges, after ":", "/" or "#" (the
prefix `normalize_availability` splits off); "All rights reserved" is not one.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lxml import etree
from lxml.html import HtmlElement

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import (
    MADE_TO_ORDER,
    availability_keys,
    availability_phrases,
    normalize_availability,
)
from maskscreen.crawler.extract.heuristic_parts import (
    SHORT_ELEMENTS,
    WHOLE_PIECE_RE,  # a bare amount, or the whole part of one printed in pieces
    attributes,
    joined_text,
)

_EDGE = "\x01"  # between two text nodes, in the haystack searched for exact words
_MAX_SHORT = 4 * 200  # characters of the longest short text the walk reads for stock


def _squashed(text: str) -> str:
    """Lower case, without the separators `normalize_availability` ignores
    (`fields._AVAILABILITY_SEPARATORS_RE`: whitespace, which str.split splits on, and
    "_-.!")."""
    squashed = "".join(text.lower().split())
    return squashed.replace("_", "").replace("-", "").replace(".", "").replace("!", "")


_ALL_PHRASES = {_squashed(p): p for p in availability_phrases()}
_ALL_WORDS = {_squashed(w): w for w in availability_keys()}
# Pieces of those words, each word holding one: a text holding none of them holds no
# stock word, found with a scan of a much smaller trie than the words' own.
_ANCHORS = (
    *("stoc", "stok", "lager", "avail", "agotad", "verkauft", "backorder", "preorder"),
    *("madetoorder", "lieferant", "lieferbar", "dispon"),
    *("verfügbar", "discontinued", "dostępn", "varastossa", "estoque", "encomenda"),
    *("existencia", "esaurit", "esgotad", "toship", "shipsonorabout", "usuallyships"),
    *("zulauf", "vanaf", "moreontheway", "sklad", "voorraad", "raktár", "soldout", "slutsåld"),
    *("précommande", "tükendi", "uitverkocht", "vergriffen", "versandfertig"),
    *("versandbereit", "vorbestell", "arrivage"),
    *("vypredané", "vyprodáno", "wyprzedan", "épuisé", "epuise", "presale", "reserved"),
    *("elfogyott", "onlineonly", "instoreonly", "loppuunmyyty", "hàng", "solgt"),
    *("наличи", "наявност", "наскладе", "распродано", "สินค้าหมด"),
    *("予約", "停产", "停售", "品切れ", "售完", "售罄", "在庫", "売り切れ", "完売", "定做"),
    *("定制", "已下架", "库存", "货", "貨", "販売終了", "預售", "預購", "预售", "预订"),
    *("구매가능", "품절", "재고"),
)


# ASCII letters, the most frequent in listing text first (English's order).
_FREQUENT = "etaoinsrhldcumfpgwybvkxjqz"


def _pivot(word: str) -> int:
    """The index of `word`'s least frequent letter: any not in `_FREQUENT` (é, 在)
    before the rarest of those, the first of equals."""
    rarity = [_FREQUENT.index(c) if c in _FREQUENT else len(_FREQUENT) for c in word]
    return rarity.index(max(rarity))


def pivot_pattern(words: list[str]) -> str:
    """A regex that matches where any of `words` occurs (what `trie_pattern(words)`
    finds somewhere, not the same span), for a text searched only for whether one does.

    Each word is matched from its least frequent letter (`_pivot`): that letter, the
    word's start up to it behind (a lookbehind) and the rest ahead. The pattern then
    starts with one of few, rare letters, which the regex engine skips to with a scan
    of the text (its charset prefix) instead of entering the pattern at nearly every
    position, as with a trie of the words, whose first letters are most of the
    alphabet: on the crawl bench's product pages the search takes about a third of
    the trie's time."""
    by_letter: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        at = _pivot(word)
        before = f"(?<={re.escape(word[: at + 1])})" if at else ""
        after = f"(?={re.escape(word[at + 1 :])})" if at + 1 < len(word) else ""
        by_letter.setdefault(word[at], []).append(before + after)
    branches = []
    for letter, rests in sorted(by_letter.items()):
        rest = "" if "" in rests else "(?:" + "|".join(rests) + ")"
        branches.append(re.escape(letter) + rest)
    return "|".join(branches)


class _Words(NamedTuple):
    """The regexes of one set of stock words, separators removed."""

    anchor: re.Pattern  # a piece of some word: none found, no word is there
    phrase: re.Pattern  # a phrase, found inside any text ("in stock" is "instock")
    exact: re.Pattern | None  # an exact word that is no phrase, anywhere
    bounded: re.Pattern | None  # ... as a whole string of the walk


def _words(made_to_order: bool) -> _Words:
    """The regexes of every stock word, or (`made_to_order` False) of those that state
    something other than "made to order" (定制, 定做)."""

    def kept(words: dict[str, str]) -> set[str]:
        return {
            squashed
            for squashed, word in words.items()
            if made_to_order or normalize_availability(word) != MADE_TO_ORDER
        }

    phrases = kept(_ALL_PHRASES)
    exact = sorted(kept(_ALL_WORDS) - phrases, key=len)
    anchors = sorted(a for a in _ANCHORS if any(a in w for w in phrases.union(exact)))
    assert not any(c in w for w in phrases.union(exact) for c in "σς:/#"), (
        "lower-casing a Greek sigma depends on the letters after it; a separator ends a word"
    )
    assert all(any(a in w for a in anchors) for w in phrases.union(exact)), [
        w for w in phrases.union(exact) if not any(a in w for a in anchors)
    ]
    bounded = (
        rf"(?:^|[{_EDGE}:/#])(?:"
        + "|".join(f"{_EDGE}*".join(re.escape(c) for c in w) for w in exact)
        + rf")[/{_EDGE}]*(?:{_EDGE}|$)"
    )
    return _Words(
        re.compile(pivot_pattern(anchors)),
        re.compile(pivot_pattern(phrases)),
        re.compile(pivot_pattern(exact)) if exact else None,
        re.compile(bounded) if exact else None,
    )


# `fields.COUNT_PATTERN` ("12 pieces available", "在庫数：1", "còn 5 sản phẩm") on the
# squashed text: any text it matches in, this matches once squashed.
_COUNT = re.compile(
    r"\d\+?(?:pieces?|pcs|items?|units?|stück|stk|stuks?|sảnphẩm|件|点|個|개)?"
    r"(?:available|instock|leftinstock|auflager|opvoorraad|enstock|cósẵn|在庫|库存)"
    r"|(?:instock|auflager|opvoorraad|vorrätig|stock|在庫|库存|còn)(?:数)?[:：]?\d"
)
# A word every match of `_COUNT` holds: a text with none is not searched.
_COUNT_WORDS = ("stock", "available", "auflager", "opvoorraad", "vorrätig", "cósẵn", "còn")
_COUNT_WORDS += ("在庫", "库存")
_EVERY_WORD = _words(made_to_order=True)
_STOCK_WORDS = _words(made_to_order=False)  # no made-to-order word

_TEXTS = etree.XPath(
    "/descendant::text()[not(parent::script)][not(parent::style)]", smart_strings=False
)
_CODE = etree.XPath("//script[text()] | //style[text()]")
_NODES = etree.XPath("//comment() | //processing-instruction()")
_LABELS = etree.XPath(
    "//@value | //@aria-label | //@title | //@alt | //@*[starts-with(name(), 'data-')]",
    smart_strings=False,
)
_CONTROL_LIKE = frozenset({"div", "span", "li"})
_LENGTH = etree.XPath("string-length(.)")  # of the text nodes inside, scripts' included


def may_state_availability(root: HtmlElement | None, *, made_to_order: bool = True) -> bool:
    """False only when no string the heuristic walk reads can state an availability;
    with `made_to_order` False, an availability other than "MadeToOrder" (a page whose
    only stock words are 定制 or "made to order" is then not read: the walk could state
    MadeToOrder there, or nothing)."""
    words = _EVERY_WORD if made_to_order else _STOCK_WORDS
    if root is None:
        return False
    sizes: dict[HtmlElement, bool] = {}
    if any(_in_reader(code, sizes) for code in _CODE(root)):
        return True
    texts = _TEXTS(root)
    others = [node.text for node in _NODES(root) if node.text]
    others += _LABELS(root)
    joined = _squashed("".join(texts) + "\n" + "\n".join(others))
    if any(word in joined for word in _COUNT_WORDS) and _COUNT.search(joined):
        return True
    if not words.anchor.search(joined):
        return False
    if words.phrase.search(joined):
        return True
    if words.exact is None or not words.exact.search(joined):
        return False
    edged = _squashed(_EDGE.join(texts) + _EDGE + _EDGE.join(others))
    return bool(words.bounded.search(edged))


def _in_reader(code: HtmlElement, sizes: dict[HtmlElement, bool]) -> bool:
    """Whether a script's or style's text may be part of a short text the walk reads
    for stock: an ancestor that may be a control or stock label, short enough."""
    if len(code.text) > _MAX_SHORT:
        return False
    for up in code.iterancestors():
        short = sizes.get(up)
        if short is None:
            short = sizes[up] = _short_enough(up)
        if not short:
            return False  # nor is any element around it
        tag = up.tag if isinstance(up.tag, str) else ""
        attrs = attributes(up) if up.attrib else ""
        if (
            tag in cues.BUTTON_TAGS
            or up.get("role") == "button"
            or (tag in _CONTROL_LIKE and (up.get("onclick") or cues.is_control_attr(attrs)))
            or (attrs and cues.AVAILABILITY_ATTR_RE.search(attrs))
        ):
            return True  # `heuristic_walk._control`, a stock label: read with short_text
    return False


def _short_enough(el: HtmlElement) -> bool:
    """Not ruled out as a short text by size (`short_text`'s first two tests: at most
    `SHORT_ELEMENTS` descendants, at most `_MAX_SHORT` characters of text)."""
    if len(el) > SHORT_ELEMENTS or _LENGTH(el) > _MAX_SHORT:
        return False
    return all(count < SHORT_ELEMENTS for count, _ in enumerate(el.iterdescendants()))


def has_price_candidates(root: HtmlElement, wanted: int) -> bool:
    """Whether the page holds at least `wanted` places the heuristic walk may read a
    price from. `heuristic_walk.walk` reads at most one price a call of `_add_price`:
    from an element's own text or a tail, never from the text of an element it skips
    (`cues.SKIP_TAGS`: script, title, ...). `heuristic_parts.price_of` finds one in an
    element only when it is named for a price (`cues.is_price_attr`), or its own text
    names a currency beside an amount (`cues.has_currency_amount`), or that text is a
    bare amount (a price set in pieces, `pieced_price`, or beside its currency,
    `_split_price`: digits and separators only, `WHOLE_PIECE_RE`), or, when comments open
    it, those on its text joined across them (`joined_text`); in a tail only when the tail
    names a currency beside an amount. Counted here over every other node
    (those the walk skips as hidden or stops before included), so False proves that
    the walk's `prices` are fewer than `wanted`. A product page whose only digits are
    in names ("3D", "16pcs") and one printed price is not walked."""
    found = 0
    for el in root.iter():
        text, tail = el.text, el.tail
        if el.tag in cues.SKIP_TAGS:
            pass  # skipped by the walk (its tail still read)
        elif (
            (el.attrib and cues.is_price_attr(attributes(el)))
            or (text and _may_be_price(text))
            or ((joined := joined_text(el)) is not None and _may_be_price(joined))
        ):
            found += 1
        if tail and cues.has_currency_amount(tail):
            found += 1
        if found >= wanted:
            return True
    return False


def _may_be_price(text: str) -> bool:
    """A currency beside an amount, or a bare amount: what `price_of` may read a price from."""
    return bool(cues.has_currency_amount(text) or WHOLE_PIECE_RE.fullmatch(text.strip()))
