"""The heuristic source's one walk of a page: what `crawler.extract.heuristic` decides on.

`walk(root, language, domain)` visits each element once (script, style, svg, hidden
elements skipped whole; at most `MAX_ELEMENTS`) and collects a `PageReading`: the
first <h1> and the first headings (title candidates), head meta tags, printed prices (`heuristic_parts.price_of`, at most
`MAX_PRICES`) with their context (struck through, in header/nav/footer/aside or a
related-products block, repeated as cards), buy buttons, stock labels and seller labels.
"""

from __future__ import annotations

import re
from itertools import chain, islice

from lxml import etree
from lxml.html import HtmlElement

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import clean_text, normalize_availability
from maskscreen.crawler.extract.heuristic_parts import (
    STRUCK_TAGS,
    Price,
    attributes,
    beside_card_picture,
    heading_text,
    in_link,
    in_shop_header,
    is_card,
    is_hidden,
    joined_text,
    price_of,
    seller_after,
    shape,
    short_text,
)

REPEATED = 3  # a price block shape seen this often is a product card
MAX_HEADINGS = 5  # <h1>s, and <h2>s, kept as title candidates
# Elements read at most: the product sits near the top; a page's tail is reviews.
MAX_ELEMENTS = 30_000
MAX_PRICES = 1_000  # printed prices read at most (a page with more lists products)
_MAX_HEAD_TEXT = 5_000  # a <title> or meta content longer than this is cut
_DIGIT_RE = re.compile(r"\d")
# The page's main part besides <main>: an id/class naming the main content.
_MAIN_ATTR_RE = re.compile(r"(?:^|\s)main[-_]?(?:container|content|wrapper)(?:\s|$)", re.I)
_LABEL_TAGS = cues.BUTTON_TAGS | {"span", "div", "p", "td", "th", "dt", "dd", "li", "b", "strong"}
_META_KEYS = frozenset(
    {
        "description",
        "og:title",
        "og:description",
        "og:site_name",
        "og:image",
        "og:image:secure_url",
        "twitter:image",
        "application-name",
    }
)


class PageReading:
    """What one walk of the page collected."""

    def __init__(self) -> None:
        self.h1: tuple[int, str] | None = None
        # The first `MAX_HEADINGS` <h1> and <h2> outside header/nav/footer: (index, tag, text).
        self.headings: list[tuple[int, str, str]] = []
        self.shop_headings: list[tuple[int, str, str]] = []  # in a shop header
        self.meta: dict[str, str] = {}
        self.title_tag: str | None = None
        self.prices: list[Price] = []
        self.buttons: list[tuple[int, str, bool]] = []  # (index, label, disabled)
        self.stock: list[tuple[int, str]] = []
        self.sellers: list[tuple[int, str, str | None]] = []
        self.elements: list[HtmlElement] = []
        # `id()` of the elements (kept in `elements`) inside a tooltip or popover
        # (`_is_tooltip`): their text states nothing about the product.
        self.tips: set[int] = set()
        # Buy-labelled controls that sign up for a back-in-stock notice (`_notifies`).
        self.notices: list[int] = []
        # Quantity lists with no quantity in them (`_empty_quantity`).
        self.empty_quantities: list[int] = []


def walk(
    root: HtmlElement,
    language: str | None,
    domain: str | None,
    limit: int = MAX_ELEMENTS,
    *,
    sellers: bool = True,
) -> PageReading:
    """The page read once, at most `limit` elements (`MAX_ELEMENTS`). Without `sellers`,
    seller labels are not looked for (`PageReading.sellers` stays empty)."""
    page = PageReading()
    outside = elsewhere = struck = tip = 0
    # Each open element: its context flags, and its index (None when skipped).
    stack: list[tuple[tuple[int, int, int, int], int | None]] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            flags = stack.pop()[0]
            outside, elsewhere, struck = outside - flags[0], elsewhere - flags[1], struck - flags[2]
            tip -= flags[3]
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        attrs = attributes(el) if el.attrib else ""
        flags = (
            -outside  # the main part is never chrome, even inside an unclosed <nav>
            if tag == "main" or ("main" in attrs and _MAIN_ATTR_RE.search(attrs))
            else (
                tag in cues.OUTSIDE_TAGS
                and not (tag == "aside" and _in_main(el))
                and not (tag == "header" and _in_main(el, _ARTICLE_TAGS))
            )
            or (bool(attrs) and "header" in attrs and _names_site_header(el)),
            bool(attrs) and cues.is_elsewhere_attr(attrs),
            tag in STRUCK_TAGS or "line-through" in (el.get("style") or ""),
            bool(attrs) and _is_tooltip(el, attrs),
        )
        parent = stack[-1] if stack else None
        skip = tag in cues.SKIP_TAGS or (bool(attrs) and is_hidden(el))
        stack.append(((0, 0, 0, 0), None) if skip else (flags, len(page.elements)))
        if tag in ("title", "meta"):
            _head(page, el, tag)
        tail = el.tail
        if tail and parent is not None and parent[1] is not None and _DIGIT_RE.search(tail):
            # Text after this element belongs to its parent: "<b>Price:</b> $12.99".
            context = (outside, elsewhere, struck)
            _add_price(
                page, page.elements[parent[1]], "", parent[1], context, tail, language, domain
            )
        if skip:
            walker.skip_subtree()  # its "end" still comes, and pops its flags
            continue
        if len(page.elements) >= limit:
            break
        outside, elsewhere, struck = outside + flags[0], elsewhere + flags[1], struck + flags[2]
        tip += flags[3]
        index = len(page.elements)
        page.elements.append(el)
        if tip:
            page.tips.add(id(el))
        if tag in ("h1", "h2") and not outside and len(page.headings) < 2 * MAX_HEADINGS:
            text = heading_text(el)
            if text and in_shop_header(el):
                # The seller's name in a shop header: no candidate, and no place taken.
                if len(page.shop_headings) < MAX_HEADINGS:
                    page.shop_headings.append((index, tag, text))
            # A text printed again is a repeated widget ("Unlock 15% savings" in every
            # purchase box), not a new name: it takes no second place among the candidates.
            elif (
                text
                and sum(h[1] == tag for h in page.headings) < MAX_HEADINGS
                and all(h[2] != text for h in page.headings)
            ):
                page.headings.append((index, tag, text))
                if tag == "h1" and page.h1 is None:
                    page.h1 = (index, text)
        # `price_of` reads an element only by a price-naming id/class or a digit in its
        # own text: any other element prints no price of its own.
        if (attrs and cues.is_price_attr(attrs)) or (el.text and _DIGIT_RE.search(el.text)):
            _add_price(page, el, attrs, index, (outside, elsewhere, struck), None, language, domain)
        elif (joined := joined_text(el)) and _DIGIT_RE.search(joined):
            context = (outside, elsewhere, struck)
            _add_price(page, el, attrs, index, context, joined, language, domain)
        if outside or elsewhere:
            continue
        if tag == "select" and el.attrib and _empty_quantity(el, attrs):
            page.empty_quantities.append(index)
        if tag in _LABEL_TAGS or attrs or el.text:
            _buttons_and_labels(page, el, tag, attrs, index, sellers, labels=not tip)
    _mark_cards(page.prices)
    return page


def _add_price(
    page: PageReading,
    el: HtmlElement,
    attrs: str,
    index: int,
    context: tuple[int, int, int],
    text: str | None,
    language: str | None,
    domain: str | None,
) -> None:
    if len(page.prices) >= MAX_PRICES:
        return
    price = price_of(el, attrs, index, language, domain, text)
    if price is None:
        return
    price.was = price.was or bool(context[2])
    price.elsewhere = bool(context[0] or context[1])
    if page.prices and _nested_in(page.prices[-1], price):
        # The same price again, inside the element that printed it: struck through
        # there ("Retail: <s>$9.99</s>"), the whole block is the was price.
        page.prices[-1].was = page.prices[-1].was or bool(context[2])
        return
    page.prices.append(price)


_MAIN_TAGS = frozenset({"main"})
# A <header> inside these is the heading block of the item, not the site's header
# (a blog shop's <article><header class="entry-header"><h1>Name</h1>).
_ARTICLE_TAGS = frozenset({"main", "article"})


def _is_tooltip(el: HtmlElement, attrs: str) -> bool:
    """A tooltip or popover: role=tooltip, or a class or id naming one
    (`cues.is_tooltip_name`) on an element that holds the tip as its content; not the
    control that opens one, whose own text a buyer reads ("<a class=tooltip rel='More
    about stock'>nicht lagernd</a>": a link, a button, or the tip in an attribute)."""
    if el.get("role") == "tooltip":
        return True
    if not cues.might_name_tooltip(attrs) or el.tag in cues.BUTTON_TAGS:
        return False
    if any(el.get(key) is not None for key in _TIP_ATTRIBUTES):
        return False
    return cues.is_tooltip_name(f"{el.get('class') or ''} {el.get('id') or ''}")


# Attributes holding a tooltip's text on the control that opens it.
_TIP_ATTRIBUTES = ("title", "rel", "data-tip", "data-tooltip", "data-content", "data-title")


def _names_site_header(el: HtmlElement) -> bool:
    """Whether the element's id names it the site's header: a "<div id=header>", or a
    "<header id=header>" inside a <main> that wraps the whole page. An item's heading
    block is named otherwise ("entry-header"), and a class word "header" is not enough
    (measured: it takes product boxes' heading blocks on three development pages)."""
    return (el.get("id") or "").strip().casefold() == "header"


def _in_main(el: HtmlElement, tags: frozenset[str] = _MAIN_TAGS) -> bool:
    """Inside the page's <main> (or role=main): an <aside> there is the product's own
    box (the price and buy button beside the pictures), not the site's sidebar."""
    return any(a.tag in tags or a.get("role") == "main" for a in el.iterancestors())


def _nested_in(outer: Price, inner: Price) -> bool:
    """The inner price is the outer one again, or one of the pieces it was read from."""
    if outer.amount != inner.amount and not outer.pieced:
        return False
    node = inner.element
    for _ in range(64):  # a price's element has at most 60 descendants (short_text)
        if node is outer.element:
            return True
        node = node.getparent()
        if node is None:
            return False
    return False


def _head(page: PageReading, el: HtmlElement, tag: str) -> None:
    if tag == "title" and page.title_tag is None:
        page.title_tag = clean_text((el.text or "")[:_MAX_HEAD_TEXT])
        return
    key = (el.get("property") or el.get("name") or "").strip().lower()
    content = (el.get("content") or "")[:_MAX_HEAD_TEXT].strip()
    if key in _META_KEYS and content and key not in page.meta:
        page.meta[key] = content


def _buttons_and_labels(
    page: PageReading,
    el: HtmlElement,
    tag: str,
    attrs: str,
    index: int,
    sellers: bool,
    labels: bool = True,
) -> None:
    """A buy control, a stock label and a seller label of one element; no stock label
    when `labels` is False (inside a tooltip, `_is_tooltip`)."""
    control = _control(el, tag, attrs)
    if control:
        label = (
            el.get("value") if tag == "input" else short_text(el, 60)
        ) or el.get("aria-label") or el.get("title") or _image_label(el) or _data_label(el)  # fmt: skip
        real = control == "real"
        if cues.is_buy_label(label):
            # "Add To Cart" opening a back-in-stock sign-up buys nothing now.
            notifies = _notifies(el)
            page.buttons.append((index, label, notifies or _disabled(el, attrs)))
            if notifies:
                page.notices.append(index)
        elif real and attrs and cues.is_buy_attr(attrs):
            # A link named "cartButton" to the cart page is the site's cart ("Cart 0"):
            # a control of the page, which buys nothing.
            cart = tag == "a" and cues.is_cart_page_link(el.get("href") or "")
            page.buttons.append((index, label, cart or _disabled(el, attrs)))
        elif labels and tag != "a" and normalize_availability(label, search=True):
            page.stock.append((index, label))  # a button's label: "Sold out", "品切れ"
        elif real and label and label.strip() and _submits_to_cart(el, tag):
            page.buttons.append((index, label, _disabled(el, attrs)))  # "Add", "+"
    if (
        labels
        and attrs
        and cues.is_availability_attr(attrs)
        # A label only screen readers get, which the template prints on every swatch
        # ("Variant sold out or unavailable") and CSS shows on some: no statement.
        and not cues.is_reader_only_class(el.get("class") or "")
    ):
        text = short_text(el, 200)
        if (
            text
            and normalize_availability(text, search=True)
            and not cues.is_picture_notice(text)
            # A label inside a link to another page is that page's: a product card's
            # "Sold Out" tag over its picture, below the product's own box; and so is
            # a badge set beside a card's linked picture.
            and not in_link(el)
            and not beside_card_picture(el)
        ):
            page.stock.append((index, text))
    if sellers and len(page.sellers) < 3:
        seller = seller_after(el, attrs)
        if seller:
            page.sellers.append((index, *seller))


# A list's name, id, title or class naming the quantity to order.
_QUANTITY_ATTR_RE = re.compile(
    r"qty|quantit|menge|anzahl|cantidad|aantal|ilość|количеств|кількість|数量|수량|adet|antal",
    re.IGNORECASE,
)


def _empty_quantity(el: HtmlElement, attrs: str) -> bool:
    """A quantity list with no quantity to choose (<select name=qty></select>): shops
    print one option per orderable piece, up to the stock left, so an empty list is an
    item that cannot be ordered now, whatever the buy button beside it says."""
    names = f"{attrs} {el.get('name') or ''} {el.get('title') or ''}"
    return _QUANTITY_ATTR_RE.search(names) is not None and next(el.iter("option"), None) is None


def _notifies(el: HtmlElement) -> bool:
    """A control whose link or click handler signs up for a back-in-stock notice
    (`cues.is_notify_target`): the item's, shown where the buy control would be."""
    target = (el.get("href") or "") + " " + (el.get("onclick") or "")
    return len(target) > 1 and cues.is_notify_target(target)


# Input types that are fields, not controls: a quantity box inside an add-to-cart form
# ("add-cart-qty") is not a second buy button.
_FIELD_INPUTS = frozenset({"text", "number", "tel", "email", "search", "password"})
# Elements read as controls when their attributes say so (`cues.is_control_attr`).
_CONTROL_LIKE = frozenset({"div", "span", "li"})
_REAL_CONTROLS = ("button", "a", "input")
_FORM_CONTROLS = ("button", "input")
_CONTROL_DEPTH = 4  # ancestors searched for the real control a label belongs to
_CONTROL_BOX = 50  # elements around a control-like one searched for a real control


def _control(el: HtmlElement, tag: str, attrs: str) -> str | None:
    """Return "real" for a button, a link, an input that submits or an element with
    role=button; "like" for a div/span/li that acts as one (a click handler, a
    "button"/"btn" class or data name) and holds no real control of its own: such an
    element buys only when its label says so (a wrapper named "below-add-to-cart-button"
    is not a button); else None."""
    if tag == "input":
        return "real" if (el.get("type") or "text").lower() not in _FIELD_INPUTS else None
    if tag in cues.BUTTON_TAGS or el.get("role") == "button":
        return "real"
    if tag not in _CONTROL_LIKE or not (
        el.get("onclick") or (attrs and cues.is_control_attr(attrs))
    ):
        return None
    if any(a.tag in _REAL_CONTROLS for a in islice(el.iterancestors(), _CONTROL_DEPTH)):
        return None  # a real control's label: that control is read
    # A wrapper of a real control, or the label beside one (<span class="a-button-text">
    # next to its <input type=submit>): that control is read.
    if any(d.tag in _REAL_CONTROLS for d in islice(el.iterdescendants(), _CONTROL_BOX)):
        return None
    siblings = chain(
        islice(el.itersiblings(preceding=True), _CONTROL_BOX),
        islice(el.itersiblings(), _CONTROL_BOX),
    )
    return None if any(_clickable(s) for s in siblings) else "like"


def _clickable(el: HtmlElement) -> bool:
    """A button, or an input one clicks: not a field (a quantity box beside a div that
    acts as the add-to-cart button leaves that div the control) nor a hidden value."""
    if el.tag == "input":
        kind = (el.get("type") or "text").lower()
        return kind not in _FIELD_INPUTS and kind != "hidden"
    return el.tag in _FORM_CONTROLS


def _disabled(el: HtmlElement, attrs: str) -> bool:
    return (
        el.get("disabled") is not None
        or el.get("aria-disabled") == "true"
        or "disabled" in attrs.lower()
    )


_FORM_DEPTH = 8  # ancestors searched for the form a submit control belongs to


def _submits_to_cart(el: HtmlElement, tag: str) -> bool:
    """A submit control ("Add", "+", an icon) of a form that adds the item to the cart
    (`cues.is_cart_form`: its action, name, id or class): it buys whatever its label."""
    if tag == "input":
        if (el.get("type") or "").lower() not in ("submit", "image"):
            return False
    elif tag != "button" or (el.get("type") or "submit").lower() != "submit":
        return False
    form = next((a for a in islice(el.iterancestors(), _FORM_DEPTH) if a.tag == "form"), None)
    if form is None:
        return False
    named = " ".join(form.get(k) or "" for k in ("action", "name", "id", "class"))
    return cues.is_cart_form(named)


def _data_label(el: HtmlElement) -> str:
    """The label a script will print on a control it renders, kept in a data-*label
    attribute (<div data-button-label="Add to basket">)."""
    return next(
        (v.strip() for k, v in el.attrib.items() if k.startswith("data-") and k.endswith("label")),
        "",
    )


def _image_label(el: HtmlElement) -> str | None:
    """A button or link that is only a picture is labelled by the picture's alt text
    (<a href=…><img alt="Add to Cart"></a>)."""
    if el.tag == "input" and (el.get("type") or "").lower() == "image":
        return el.get("alt")
    image = el.find(".//img") if len(el) else None
    return image.get("alt") if image is not None else None


def _mark_cards(prices: list[Price]) -> None:
    shapes: dict[tuple, int] = {}
    for price in prices:
        price.shape = shape(price.element)
        shapes[price.shape] = shapes.get(price.shape, 0) + 1
    for price in prices:
        price.card = shapes[price.shape] >= REPEATED or is_card(price.element)
    # A price printed inside a card's price ("$40.00 Special Price $32.00", the sale
    # price in the card's price box) is that card's too.
    boxes = {id(price.element) for price in prices if price.card}
    for price in prices:
        if not price.card and boxes:
            price.card = any(id(up) in boxes for up in price.element.iterancestors())
