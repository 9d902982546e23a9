"""The heuristic source's readings of one element: prices, seller labels, images, text.

Pure functions of lxml elements; `crawler.extract.heuristic` walks the page and decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from lxml.html import HtmlElement

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import site_key
from maskscreen.crawler.extract.prices import parse_price

# Elements that strike their text through: a price printed in one is the price before a sale.
STRUCK_TAGS = frozenset({"del", "s", "strike"})

_DIGIT_RE = re.compile(r"\d")
_SPACE_RE = re.compile(r"\s+")
_BARE_NUMBER_RE = re.compile(r"^\W*\d[\d.,'\u00a0\u202f ]*\W*$")
_CLASS_DIGITS_RE = re.compile(r"\d+")
_MONEY_RE = re.compile(r"\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})*(?:[.,]\d{2})?|\d+(?:[.,]\d{2})?")
_ALNUM_RE = re.compile(r"[\W_]+")
_CODE_RE = re.compile(r"[\W_]*(?:\d{6,}[\W_]*)?")  # a <title> part that is no name
# " | Shop", " - Amazon.com", "Amazon.com: …", " :: Store", "｜楽天市場".
_TITLE_SEPARATORS_RE = re.compile(r"(\s+[-–—:·•»/]\s+|\s*[|｜]\s*|(?<=\w):\s+|\s+::\s+)")
_OPTION_ELEMENTS = 200  # descendants of a list item or label searched for its control
_SHORT_ELEMENTS = 60  # descendants a short text (a price, a label) may have
SHORT_ELEMENTS = _SHORT_ELEMENTS
_MAX_PRICE = Decimal(1_000_000_000)  # a bigger "price" is a phone or an order number
_IMAGE_SOURCES = ("data-old-hires", "data-zoom-image", "data-large", "data-src", "src")
# Form controls: a quantity chooser ("1 2 3 … 10", id "amount") prints no price.
_CONTROL_TAGS = frozenset({"select", "option", "textarea", "input"})
# A price set in pieces, one element each: "39", ".", "99" or "74.", "<sup>99*</sup>".
_PIECES = 6  # at most this many text pieces
_CENTS_PIECE_RE = re.compile(r"\d{2}\W{0,3}")
WHOLE_PIECE_RE = re.compile(r"\d[\d.,'\u00a0\u202f ]*")
_SEPARATOR_PIECE_RE = re.compile(r"[.,]")
_CENTS_ATTR_RE = re.compile(r"decimal|cent|fraction|minor|small", re.IGNORECASE)
# A text that ends with an amount is another price's label ("UVP.: 19.95").
_ENDS_WITH_AMOUNT_RE = re.compile(r"\d[.,]\d{2}\W*$")


@dataclass(eq=False)
class Price:
    """One printed price: where it is, what it says, and what kind it seems to be."""

    element: HtmlElement
    index: int
    text: str
    amount: Decimal
    currency: str | None
    marked: bool  # a currency sign, code or word printed with it
    now: bool  # its class or label says "the price now" (sale, current, now)
    was: bool  # struck through or labelled as the regular price
    labelled: bool = False  # its id/class/itemprop/data-* says price
    elsewhere: bool = False  # header, nav, footer, aside, related products
    card: bool = False  # one of a repeated block, or inside a link to another page
    pieced: bool = False  # printed in pieces, one element each (`pieced_price`)
    shape: tuple = field(default=())


_LEGEND_RE = re.compile(r"(?:^|[\s_-])legend(?:$|[\s_-])", re.IGNORECASE)


def attributes(el: HtmlElement) -> str:
    """id, class, itemprop and data-* names (and short values) as one string to search."""
    ident = classes = prop = ""
    data: list[str] = []
    for name, value in el.items():  # one pass over the attributes, not a look-up each
        if name.startswith("data-"):
            data.append(name)
            if len(value) <= 40:
                data.append(value)
        elif name == "id":
            ident = value
        elif name == "class":
            classes = value
        elif name == "itemprop":
            prop = value
    return " ".join([ident, classes, prop, *data]) if data else f"{ident} {classes} {prop}"


def is_hidden(el: HtmlElement) -> bool:
    """Hidden from a buyer: the hidden attribute, display:none, a hidden input, or a
    class that CSS frameworks and shop templates hide (`cues.is_hidden_class`)."""
    style = (el.get("style") or "").replace(" ", "").lower()
    return (
        el.get("hidden") is not None
        or "display:none" in style
        or (el.tag == "input" and (el.get("type") or "").lower() == "hidden")
        or cues.is_hidden_class(el.get("class") or "")
    )


def short_text(el: HtmlElement, limit: int, spaced: bool = False) -> str | None:
    """The element's visible text when it is at most `limit` characters, else None
    (None too for an element with more than `_SHORT_ELEMENTS` descendants, and for a
    comment or processing instruction: a page's nodes are not all elements).

    With `spaced`, two text nodes whose letters would run together are read apart
    ("59,90 <span>TL</span><span>KDV DAHİL</span>": the currency, then a VAT note), and
    so are two numbers of two digits or more, one ending an element's text and one
    starting the next text ("<span>119</span>99 ₽": the old price, then the price; cents
    set apart in a <sup> or a cents class are `pieced_price`'s, read before this)."""
    if not isinstance(el.tag, str):
        return None
    for count, _ in enumerate(el.iterdescendants()):
        if count >= _SHORT_ELEMENTS:
            return None
    total, parts = 0, []
    for text in el.itertext():
        total += len(text)
        if total > limit * 4:
            return None
        if (
            spaced
            and parts
            and (
                (parts[-1][-1:].isalpha() and text[:1].isalpha())
                or (parts[-1][-2:].isdigit() and text[:2].isdigit())
            )
        ):
            parts.append(" ")
        parts.append(text)
    text = _SPACE_RE.sub(" ", "".join(parts)).strip()
    return text if text and len(text) <= limit else None


def heading_text(el: HtmlElement, limit: int = 300) -> str | None:
    """A heading's text: a <br> in it is a space ("HEART CLUB<br>Knit Cardigan"), and
    prices printed at its end are not part of the name ("Bomber Jacket $24.99 $39.99");
    None for a heading that offers a cost ("Free Shipping above $35"): no product's name."""
    text = short_text(el, limit)
    if text and el.find(".//br") is not None:
        text = _SPACE_RE.sub(" ", " ".join(_texts_between_breaks(el))).strip() or None
    elif text and len(el) > 1:
        text = _spaced_siblings(el, text)
    if text and cues.has_currency_amount(text) and cues.is_other_cost(text):
        return None  # an offer, not a name: "Free Standard Shipping above $35"
    if text:
        text = cues.strip_trailing_prices(text) or text
    return text


def _spaced_siblings(el: HtmlElement, text: str) -> str:
    """The heading's text with a space between two of its child elements whose words
    would run together ("<span>Braqeez</span><span>sandalen blauw</span>": a brand set
    on its own line above the name); text then an element ("Super<i>man</i>") stays."""
    children = [c for c in el if isinstance(c.tag, str) and c.tag not in cues.SKIP_TAGS]
    for left, right in zip(children, children[1:], strict=False):
        if (left.tail or "").strip() or right.getprevious() is not left:
            continue
        a, b = "".join(left.itertext()).rstrip(), "".join(right.itertext()).lstrip()
        if a and b and a[-1].isalpha() and b[0].isalpha() and (a + b) in text:
            text = text.replace(a + b, f"{a} {b}", 1)
    return text


def _texts_between_breaks(el: HtmlElement) -> list[str]:
    """The element's visible text in pieces, a new piece after each <br>."""
    pieces = [""]
    for node in el.iter():
        if node is not el and node.tag == "br":
            pieces.append("")
        elif isinstance(node.tag, str) and node.text and node.tag not in cues.SKIP_TAGS:
            pieces[-1] += node.text
        if node is not el and node.tail:
            pieces[-1] += node.tail
    return pieces


def joined_text(el: HtmlElement) -> str | None:
    """The element's own text joined across the comments that open it (None when no
    comment opens it): React prints one text as two around an empty comment
    ("R$ <!-- -->2.463,73"), and the walk does not visit comments, so the amount after
    one is nobody's text otherwise."""
    if not len(el) or isinstance(el[0].tag, str):
        return None
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            break
        parts.append(child.tail or "")
    return "".join(parts)


def shape(el: HtmlElement) -> tuple:
    """Tag and class (digits dropped) of the element and three ancestors: a card's shape.
    The ancestors' class words are compared as words, modifier words ("card--wide")
    dropped; the element's own class is kept whole ("price--old" is not "price--now")."""
    found = [(el.tag, _CLASS_DIGITS_RE.sub("", el.get("class") or ""))]
    node = el.getparent()
    for _ in range(3):
        if node is None:
            break
        found.append((node.tag, _box_class(node.get("class") or "")))
        node = node.getparent()
    return tuple(found)


def _box_class(classes: str) -> str:
    """A box's class words, digits and modifier words ("card--wide") dropped: a card
    set apart by a modifier (a wide or featured first card) is the same block."""
    return " ".join(w for w in _CLASS_DIGITS_RE.sub("", classes).split() if "--" not in w)


def price_of(
    el: HtmlElement,
    attrs: str,
    index: int,
    language: str | None,
    domain: str | None,
    text: str | None = None,
) -> Price | None:
    """The price this element prints, if it prints one (see the heuristic's docstring).

    `text` is a text of the element's to read instead of its own (a child's tail).
    """
    if el.tag in _CONTROL_TAGS:
        return None
    raw = pieced = None
    labelled = bool(attrs) and cues.is_price_attr(attrs)
    parent = el.getparent()
    if labelled:
        content = el.get("content") if el.get("itemprop") == "price" else None
        pieced = None if content else pieced_price(el)
        raw = content or pieced or short_text(el, 60, spaced=True)
        if raw and not (cues.has_currency_amount(raw) or _BARE_NUMBER_RE.match(raw)):
            raw = None
        elif raw and not cues.has_currency_amount(raw):
            if _price_piece(el, raw):
                return None
            # A bare amount whose currency is printed alone just before it (a currency
            # picker's "US$" beside "55.<sup>99</sup>"): one price set in two elements.
            sign = cues.TRAILING_CURRENCY_RE.search(_label_before(el) or "")
            raw = f"{sign.group(1)} {raw}" if sign else raw
    labelled = raw is not None
    if labelled and raw is not pieced and len(el):
        raw = _without_was_child(el, raw)
    if (
        raw is None
        and text is None
        and len(el)
        and el.text
        and WHOLE_PIECE_RE.fullmatch(el.text.strip())  # "74." of 74.<sup>99</sup>
        and _in_price_block(parent)
    ):
        raw = pieced = pieced_price(el)  # "<span class=price><b>74.<sup>99</sup></b>…"
        labelled = raw is not None
    if raw is None and text is None:
        raw = _split_price(el)
    if raw is None:
        own = text if text is not None else el.text
        if not own or len(own.strip()) > 40 or not cues.has_currency_amount(own):
            return None
        raw = (short_text(el, 60, spaced=True) if text is None else None) or own.strip()
    if "%" in raw or cues.is_other_cost(raw):
        return None
    label = (_label_before(el) or "")[-40:]
    if cues.is_other_cost(label):
        return None  # "You save: <b>$10.46</b>", "Versand: <span>4,90 €</span>"
    amount, currency = parse_price(raw, language=language, domain=domain)
    if amount is None or not 0 < amount < _MAX_PRICE:
        return None
    nearby = [attrs] + [attributes(n) for n in (parent, _parent(parent)) if n is not None]
    role = _role(nearby)
    printed = cues.CURRENCY_AMOUNT_RE.search(raw)
    lead = raw[: printed.start()] if printed else ""
    return Price(
        element=el,
        index=index,
        text=raw,
        amount=amount,
        currency=currency,
        marked=cues.has_currency_amount(raw),
        labelled=labelled,
        now=role == "now" or cues.is_now_label(label) or cues.is_now_label(lead),
        was=role == "was" or cues.is_was_label(raw) or cues.is_was_label(label),
        pieced=raw is pieced,
    )


def _without_was_child(el: HtmlElement, raw: str) -> str:
    """A price block's text without the regular price a child of it prints, when the
    block prints another amount beside it ("<p class=price><span class=old-price>₹ 399.00
    </span> ₹ 249.00 Incl. GST</p>" is ₹ 249.00): struck (<del>, <s>) or marked old, was,
    compare-at by its class, that child is the price before the sale, whichever comes first."""
    if len(cues.CURRENCY_AMOUNT_RE.findall(raw)) < 2:
        return raw
    for child in el.iterchildren():
        if not isinstance(child.tag, str):
            continue
        attrs = attributes(child) if child.attrib else ""
        if child.tag in STRUCK_TAGS or (attrs and cues.is_was_attr(attrs)):
            was = _SPACE_RE.sub(" ", "".join(child.itertext())).strip()
            rest = _SPACE_RE.sub(" ", raw.replace(was, " ", 1)).strip() if was else raw
            if was and rest != raw and cues.has_currency_amount(rest):
                return rest
    return raw


def _price_piece(el: HtmlElement, raw: str) -> bool:
    """Whether a bare amount is one piece of a price printed in pieces, its whole part
    ("12." before <span class=fraction>48</span>) or its cents ("48" after an element
    ending in "12."): the price is its parent's (or printed again whole beside it)."""
    if raw.strip()[-1:] in ".,":
        return True
    previous = el.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        if previous.tail and previous.tail.strip():  # text after a comment: not pieces
            return False
        previous = previous.getprevious()  # a comment or instruction prints nothing
    if previous is None or previous.tail and previous.tail.strip():
        return False
    whole = "".join(previous.itertext()).strip()
    return bool(whole) and whole[-1] in ".," and whole[:-1].replace(",", "").isdigit()


def pieced_price(el: HtmlElement) -> str | None:
    """The price an element prints in pieces, one element each, read as one: "39.99"
    from <div>39</div><div>.</div><div>99</div>, "74.99*" from 74.<sup>99*</sup>,
    "£ 12.99" from £<span>12</span><span class=decimal>99</span> (cents with no
    separator printed only in a <sup> or an element whose class says so); None when
    the element is not such a price (the cents a piece of their own, after a whole)."""
    if not len(el) or len(el) > _PIECES:
        return None
    pieces: list[tuple[str, HtmlElement]] = []
    for count, node in enumerate(el.iter()):
        if count > _SHORT_ELEMENTS or not isinstance(node.tag, str) or node.tag in cues.SKIP_TAGS:
            return None
        for text, owner in ((node.text, node), (node.tail if node is not el else None, el)):
            if text and text.strip():
                pieces.append((text.strip(), owner))
        if len(pieces) > _PIECES:
            return None
    numbers = [i for i, (piece, _) in enumerate(pieces) if _DIGIT_RE.search(piece)]
    if len(numbers) != 2 or numbers[1] - numbers[0] > 2:
        return None
    (whole, _), (cents, cents_owner) = pieces[numbers[0]], pieces[numbers[1]]
    between = [piece for piece, _ in pieces[numbers[0] + 1 : numbers[1]]]
    if not _CENTS_PIECE_RE.fullmatch(cents) or not WHOLE_PIECE_RE.fullmatch(whole):
        return None
    if between:  # "39", ".", "99"
        if not _SEPARATOR_PIECE_RE.fullmatch(between[0]):
            return None
        whole += between[0]
    elif whole[-1].isdigit():  # "12", "99": the cents set apart, no separator printed
        if cents_owner.tag != "sup" and not _CENTS_ATTR_RE.search(attributes(cents_owner)):
            return None
        whole += "."
    texts = [piece for piece, _ in pieces]
    return " ".join([*texts[: numbers[0]], whole + cents, *texts[numbers[1] + 1 :]])


def _in_price_block(el: HtmlElement | None) -> bool:
    """The element or its parent has an id/class that says price."""
    for node in (el, el.getparent() if el is not None else None):
        if node is not None and node.attrib and cues.is_price_attr(attributes(node)):
            return True
    return False


def _role(nearby: list[str]) -> str | None:
    """ "now" or "was" as the nearest id/class that says only one of them says (the
    element's own, then its parent's, then its grandparent's): a "sale" inside an
    "old-price" block is the block's, a class saying both ("product-sale
    product-retail") decides nothing."""
    for attrs in nearby:
        if not attrs:
            continue
        now, was = cues.is_now_attr(attrs), cues.is_was_attr(attrs)
        if now != was:
            return "now" if now else "was"
    return None


def _split_price(el: HtmlElement) -> str | None:
    """ "225,00 €" when the element prints only the number and its currency is the next
    text ("<b>225,00</b><br><small>€ incl. VAT</small>") or the text before it
    ("<sup>€</sup><b>225</b>"): one price set in two elements."""
    number = (el.text or "").strip()
    if len(el) or not number or len(number) > 20 or not _MONEY_RE.fullmatch(number):
        return None
    after = el.tail if el.tail and el.tail.strip() else None
    node = el.getnext()
    for _ in range(3):  # past a few <br>, never a hostile run of them
        if after is not None or node is None or node.tag != "br":
            break
        after = node.tail if node.tail and node.tail.strip() else None
        node = node.getnext()
    if after is None and node is not None and isinstance(node.tag, str):
        after = node.text
    sign = cues.LEADING_CURRENCY_RE.match(after or "")
    if sign:
        return f"{number} {sign.group(1)}"
    sign = cues.TRAILING_CURRENCY_RE.search(_label_before(el) or "")
    return f"{sign.group(1)}{number}" if sign else None


def _parent(el: HtmlElement) -> HtmlElement | None:
    return el.getparent()


def _label_before(el: HtmlElement) -> str | None:
    """The text printed just before the element: the previous sibling's tail or text,
    or, for a first child, its parent's own text; None when that text is a price."""
    previous = el.getprevious()
    if previous is None:
        parent = el.getparent()
        text = parent.text if parent is not None else None
    elif previous.tail and previous.tail.strip():
        text = previous.tail
    else:
        text = short_text(previous, 40)
    text = text.strip() if text else None
    if not text or cues.has_currency_amount(text) or _ENDS_WITH_AMOUNT_RE.search(text):
        return None
    return text


def is_card(el: HtmlElement) -> bool:
    """Inside a link to another page, or a list item / article that links to one and
    does not hold an <h1> (the page's heading is in the product's own box: an
    <article class=productbox> with its links to the brand and the reviews is no card)."""
    node = el
    for _ in range(4):
        if node is None:
            return False
        if node.tag == "a" and _real_link(node.get("href")):
            return True
        if node.tag in ("li", "article", "tr"):
            return (
                any(
                    _real_link(a.get("href")) and len(short_text(a, 300) or "") >= 8
                    for a in node.iter("a")
                )
                and next(node.iter("h1"), None) is None
            )
        node = node.getparent()
    return False


def in_link(el: HtmlElement | None) -> bool:
    """Inside a link to another page (its text is a way elsewhere, not a statement)."""
    for _ in range(6):
        if el is None:
            return False
        if el.tag == "a" and _real_link(el.get("href")):
            return True
        el = el.getparent()
    return False


def only_links(el: HtmlElement) -> bool:
    """All of the element's text is in links to other pages: a heading that is a way
    elsewhere (the brand's page over the product's name: "<h1><a href=/godiva>Godiva</a>"),
    not the product's name."""
    if (el.text or "").strip():
        return False
    links = 0
    for child in el:
        if (child.tail or "").strip():
            return False
        if not isinstance(child.tag, str) or child.tag in cues.SKIP_TAGS:
            continue
        if child.tag != "a" or not _real_link(child.get("href")):
            return False
        links += 1
    return links > 0


SHOP_HEADER_DEPTH = 4  # ancestors of a heading searched for a shop header


def in_shop_header(el: HtmlElement) -> bool:
    """Inside a marketplace page's shop header (`cues.is_shop_header_attr`): a heading
    there is the seller's or company's name ("<div class=od-shop-navigation>…<a
    class=shop-company-name><h1>山东…有限公司</h1>"), not the product's."""
    node: HtmlElement | None = el
    for _ in range(SHOP_HEADER_DEPTH + 1):
        if node is None:
            return False
        if node.attrib and cues.is_shop_header_attr(attributes(node)):
            return True
        node = node.getparent()
    return False


def in_disabled_option(el: HtmlElement | None) -> bool:
    """Inside an option a buyer cannot choose: a disabled <option>, or a list item or
    label holding a disabled radio/checkbox ("Used: <s>Not available</s>" beside the
    new copy that is): its text is that option's state, not the product's."""
    for _ in range(5):
        if el is None:
            return False
        if el.tag == "option" and el.get("disabled") is not None:
            return True
        if el.tag in ("li", "label") and any(
            c.tag == "input"
            and c.get("disabled") is not None
            and (c.get("type") or "").lower() in ("radio", "checkbox")
            for c in islice(el.iterdescendants(), _OPTION_ELEMENTS)
        ):
            return True
        if el.tag == "li":
            return False
        el = el.getparent()
    return False


_DESCRIPTION_DEPTH = 4  # ancestors of a text searched for the description it is part of


def in_description(el: HtmlElement | None) -> bool:
    """Inside the product's description (a class or id naming it): its prose tells of
    other things too ("The complimentary tote has sold out!"), it states no stock."""
    for _ in range(_DESCRIPTION_DEPTH + 1):
        if el is None:
            return False
        if el.attrib and cues.is_description_name(f"{el.get('class') or ''} {el.get('id') or ''}"):
            return True
        el = el.getparent()
    return False


_PICTURE_FILE_RE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.IGNORECASE)
_CARD_DEPTH = 3  # ancestors of a stock label searched for the card's picture link


def beside_card_picture(el: HtmlElement | None) -> bool:
    """A label set over a picture that links to another page: a product card's badge
    ("<div class=image><a href=/other-product><img></a><ul><li>Sold out</li></ul></div>"
    in a related-products row or a popup), not a statement about the page's product.
    The product's own picture links to nothing, or to its larger image file; a block
    holding the page's <h1> is the product's own box."""
    node = el.getparent() if el is not None else None
    for _ in range(_CARD_DEPTH):
        if node is None or node.tag in ("body", "main"):
            return False
        for child in node.iterchildren("a"):
            href = child.get("href")
            if (
                _real_link(href)
                and not _PICTURE_FILE_RE.search(href)
                and next(child.iter("img"), None) is not None
            ):
                return next(node.iter("h1"), None) is None
        node = node.getparent()
    return False


def in_legend(el: HtmlElement | None) -> bool:
    """Inside a key to the page's symbols (a class or id "legend": "Low stock: <icon>",
    "Sold out: <icon>" explain the marks on the sizes), not a statement about the item."""
    for _ in range(2):
        if el is None:
            return False
        if _LEGEND_RE.search((el.get("class") or "") + " " + (el.get("id") or "")):
            return True
        el = el.getparent()
    return False


def _real_link(href: str | None) -> bool:
    href = (href or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript:"))


def seller_after(el: HtmlElement, attrs: str) -> tuple[str, str | None] | None:
    """(seller name, its link) when the element labels a seller ("Sold by X", "卖家：X"):
    in its own text, followed by the name or by an element holding it, or by its
    id/class ("seller", "merchant")."""
    text = el.text
    if text and len(text) <= 80:
        match = cues.SELLER_LABEL_RE.match(text)
        if match:
            rest = match.group(1).strip(" :：-")
            if len(rest) >= 2:
                return rest[:80], None
            nxt = el[0] if len(el) else el.getnext()
            name = short_text(nxt, 80) if nxt is not None else None
            if name:
                return name, _link_of(nxt)
    if attrs and cues.is_seller_attr(attrs):
        name = short_text(el, 80)
        match = cues.SELLER_LABEL_RE.match(name) if name else None
        name = match.group(1).strip(" :：-") if match else name
        if name and len(name) >= 2 and not _DIGIT_RE.fullmatch(name):
            return name, _link_of(el)
    return None


def _link_of(el: HtmlElement) -> str | None:
    links = [el] if el.tag == "a" else el.iter("a")
    return next((a.get("href").strip() for a in links if _real_link(a.get("href"))), None)


def description_of(elements: list[HtmlElement], start: int) -> str | None:
    """A description block after the title, else the longest paragraph after it."""
    window = elements[start : start + 400]
    for el in window:
        if el.attrib and cues.DESCRIPTION_ATTR_RE.search(attributes(el)):
            text = short_text(el, 5000)
            if text and len(text) >= 30 and not _mostly_prices(text):
                return text
    paragraphs = (short_text(el, 5000) for el in window[:300] if el.tag == "p")
    longest = max((p for p in paragraphs if p), key=len, default=None)
    return longest if longest and len(longest) >= 30 else None


def _mostly_prices(text: str) -> bool:
    return len(text) < 120 and len(cues.CURRENCY_AMOUNT_RE.findall(text)) >= 2


def images_of(meta: dict[str, str], elements: list[HtmlElement], start: int) -> list[str]:
    """og:image and twitter:image, then product images near the title (raw URLs)."""
    found = [meta[k] for k in ("og:image", "og:image:secure_url", "twitter:image") if k in meta]
    main: list[str] = []
    other: list[str] = []
    for el in elements[max(0, start - 150) : start + 300]:
        if el.tag != "img":
            continue
        src = next((el.get(a).strip() for a in _IMAGE_SOURCES if (el.get(a) or "").strip()), "")
        if not src or src.startswith("data:") or _tiny(el):
            continue
        parent = el.getparent()
        context = attributes(el) + " " + (attributes(parent) if parent is not None else "")
        (main if cues.IMAGE_ATTR_RE.search(context) else other).append(src)
    for src in main or other[:1]:
        if src not in found:
            found.append(src)
    return found[:10]


def _tiny(el: HtmlElement) -> bool:
    for name in ("width", "height"):
        value = (el.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) < 50:
            return True
    return False


def names_site(text: str | None, domain: str | None, site_name: str | None) -> bool:
    """Whether a text is only the shop's name ("Amazon.com", "Mask & More | Home")."""
    norm = _ALNUM_RE.sub("", (text or "").lower())
    if not norm:
        return False
    site = _ALNUM_RE.sub("", (site_name or "").lower())
    if site and (norm == site or (site in norm and len(norm) <= len(site) + 8)):
        return True
    label = site_key(domain).split(".")[0] if domain else ""
    label = _ALNUM_RE.sub("", label)
    return len(label) >= 3 and not label.isdigit() and label in norm and len(norm) <= len(label) + 8


def strip_site_name(title: str | None, domain: str | None, site_name: str | None) -> str | None:
    """The title without a leading or trailing site name ("X | Shop", "Amazon.com: X")."""
    if not title:
        return None
    parts = _TITLE_SEPARATORS_RE.split(title)  # texts at even indexes, separators between
    start, end = 0, len(parts)
    while end - start > 1 and names_site(parts[start], domain, site_name):
        start += 2
    while end - start > 1 and (
        names_site(parts[end - 1], domain, site_name) or _CODE_RE.fullmatch(parts[end - 1])
    ):
        end -= 2  # the site's name, an empty part or a code ("X: 724819255917 | | Shop")
    text = "".join(parts[start:end]).strip()
    return None if names_site(text, domain, site_name) else text or None
