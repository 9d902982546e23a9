"""What the heuristic source (`crawler.extract.heuristic`) reads a page by: named
predicates over compiled patterns, in the languages maskscreen crawls.

Each pattern is tested on its own (tests/crawler/test_extract_heuristic.py); the
availability words themselves live in `crawler.extract.fields` with the other sources'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

# id / class / itemprop / data-* names that say "a price is here".
_PRICE_ATTR_RE = re.compile(
    r"price|offer|amount|sale|cost|preis|prix|precio|preco|prezzo|prijs|cena|fiyat|money|jiage",
    re.IGNORECASE,
)
# ... and that say "this is the regular price, struck through" (Amazon's data-a-strike,
# Shopify's compare-at, Magento's old-price, "was", "list price", MSRP, RRP, UVP).
_WAS_ATTR_RE = re.compile(
    r"(?<![a-z])(?:was|old|regular|strike|before|original|compare|msrp|rrp|uvp|crossed"
    r"|previous|retail|reference|basis|competitor)|list[-_]?price|price[-_]?(?:was|old|before)",
    re.IGNORECASE,
)
# ... and that say "this is what a buyer pays now".
_NOW_ATTR_RE = re.compile(
    r"sale|current|(?<![a-z])now|final|special|deal|actual|promo|discount|topay|to-pay"
    r"|primary|(?<![a-z])core|(?<![a-z])our(?![a-z])",
    re.IGNORECASE,
)
# Labels before a price that make it a "was" price.
_WAS_TEXT_RE = re.compile(
    r"^\W*(?:was|list price|regular price|reg\.?|rrp|msrp|uvp|statt|vorher|früher|antes"
    r"|avant|prix barré|prix de référence|precio anterior|preço antigo|de:|prima|prezzo di"
    r" listino|原价|原價|定价|市场价|市場價|参考価格|通常価格|メーカー希望小売価格|정가|소비자가"
    r"|старая цена|было|retail(?: price)?|why pay|compare at|market price|elsewhere"
    r"|competitors?'?s? price)\b",
    re.IGNORECASE,
)
# Labels before a price that make it the price paid now ("Our Price:", "Online Price").
_NOW_TEXT_RE = re.compile(
    r"(?:^|\W)(?:our price|online price|sale price|your price|price now|now|special price"
    r"|deal price|offer price|angebot|jetzt|aktionspreis|prix promo|prix web|precio oferta"
    r"|oferta|prezzo online|cena promocyjna|现价|現價|特价|特價|促销价|セール価格|할인가)\W*$",
    re.IGNORECASE,
)
# Amounts that are not the product's price: shipping, savings, instalments, coupons.
_OTHER_COST_RE = re.compile(
    r"shipping|delivery|postage|versand|lieferung|envío|envio|livraison|frete|spedizione"
    r"|运费|運費|配送料|送料|배송비|доставка|per (?:month|mo)\b|/\s*(?:mo|month)\b|monatlich"
    r"|\bsave\b|you save|sparen|ahorra|économisez|economize|risparmi|节省|立省|割引額|절약"
    r"|экономия|выгода|kazanç|tasarruf|bespaar|oszczędz|ersparnis|économie|ahorro|economia"
    r"|coupon|gutschein|cupón|cashback|trasporto|porto\b|doprava|szállítás|\bfr(?:agt|akt)\b"
    # instalments and an order minimum ("Taksitli alışveriş için ... en az 75 TL")
    r"|taksit|instal?lment|\braty\b|cuotas|parcelas|ratenzahlung|\ben az\b|minimum order"
    r"|mindestbestell"
    # a payment plan and the spend that opens it ("Payez en 4 fois dès 100€ d'achats")
    r"|pay in \d|en \d+ fois|\bd['’]achats\b|\borders? (?:over|above)\b|\bbestellwert"
    # a price per measure ("£4.38/kg", "1,99 € / 100 g", "per litre", "je kg"), not per item
    r"|/\s*(?:\d+\s*)?(?:kg|g|mg|l|ml|cl|m|m²|m2|lb|oz)\b"
    r"|\b(?:per|je|pro|par) (?:\d+\s*)?(?:kg|g|ml|l|lb|oz|kilo|litre|liter|meter|metre)\b"
    # a deposit paid to reserve an item ("Requires a $2,500 deposit"), not its price
    r"|deposit|down payment|anzahlung|acompte"
    # a surcharge ("+ 4,90 €") and a quantity tier ("Buy 36 or more for $16.14 each")
    r"|^\W*\+|\bor more\b|\bab \d+ st(?:ück|k)\b",
    re.IGNORECASE,
)
_DIGIT_RE = re.compile(r"\d")  # the digits of the price patterns below (`\d`)
# A number with a currency sign, code or word beside it ("$12", "12,99 zł", "3,980円").
_SIGNS = r"[$€£¥￥₩₹₽₺฿₫₱₪₴₦₸৳]|US\$|R\$|NT\$|HK\$|S/"
_WORDS = (
    r"(?<![A-Za-z])(?:USD|EUR|GBP|CNY|JPY|KRW|RUB|BRL|MXN|CAD|AUD|CHF|SEK|NOK|DKK|PLN|CZK|HUF"
    r"|TRY|INR|TWD|HKD|SGD|ARS|CLP|COP|PEN|RON|MDL|UAH|zł|руб|грн|Kč|Ft|lei|Lei|LEI|TL|RM|Rp|kr)"
    r"(?![A-Za-z])|(?<![А-Яа-я])(?:лей|Лей|ЛЕЙ|леев)(?![А-Яа-я])|円|元|원|р\."
    r"|(?<![^\W\d_])(?:VN[ĐD]|vnđ|[đĐ])(?![^\W\d_])"
)
# A text that begins with a currency ("€ incl. VAT") or ends with one ("Price: $").
LEADING_CURRENCY_RE = re.compile(rf"\s*({_SIGNS}|{_WORDS})")
TRAILING_CURRENCY_RE = re.compile(rf"({_SIGNS}|{_WORDS})\s*$")
CURRENCY_AMOUNT_RE = re.compile(
    rf"(?:{_SIGNS}|{_WORDS})\s?\d|\d[\d.,'\u00a0\u202f ]*\s?(?:{_SIGNS}|{_WORDS})"
)
# Portuguese and Spanish shops print the regular price as "de R$ 4.999,00" before the one
# paid now ("por R$ 3.421,47"): "de" (from) alone, or "de" then the amount.
_FROM_PRICE_RE = re.compile(rf"^\W*de\s*:?\s*(?:$|(?:{_SIGNS})\s?\d)", re.IGNORECASE)
# Prices at the end of a text ("Bomber Jacket $24.99 $39.99"): each with its currency.
_TRAILING_PRICES_RE = re.compile(
    rf"(?:\s+(?:(?:{_SIGNS}|{_WORDS})\s?\d[\d.,'\u00a0\u202f]*"
    rf"|\d[\d.,'\u00a0\u202f]*\s?(?:{_SIGNS}|{_WORDS})))+\s*$"
)
# Buttons that buy: "Add to cart", "Buy now", and their translations.
_BUY_TEXT_RE = re.compile(
    r"add to (?:cart|bag|basket|trolley)|buy (?:it )?now|add to shopping|in den (?:warenkorb"
    r"|einkaufswagen)|jetzt kaufen|sofort kaufen|ajouter au panier|acheter maintenant"
    r"|añadir al carrito|agregar al carrito|comprar ahora|aggiungi al carrello|acquista ora"
    r"|adicionar ao carrinho|comprar agora|toevoegen aan winkelwagen|in winkelwagen|do koszyka"
    r"|kup teraz|sepete ekle|hemen al|в корзину|купить|加入购物车|加入購物車|立即购买|立即購買"
    r"|直接購買|马上抢|カートに入れる|カートに追加|今すぐ買う|購入手続き|장바구니|바로\s?구매"
    r"|구매하기|thêm vào giỏ|mua ngay|เพิ่มไปยังรถเข็น|ซื้อเลย"
    r"|do košíka|do košíku|kosárba|læg i kurv|lägg i varukorg|legg i handlekurv"
    r"|lisää ostoskoriin|adaugă în coș|adauga in cos|в кошик|στο καλάθι|in winkelmand"
    r"|購入する|megrendelem|megveszem|add to backpack"
    # "buy now" / "order now" wordings of purchase buttons: 今すぐ購入, 立即購入, 马上购买,
    # "Compra ora", "Hemen satın al", "Nu kopen", "Köp nu", "Beli sekarang"
    r"|今すぐ購入|立即購入|(?:马上|馬上)购买|馬上購買|compra ora|satın al|nu kopen|köp nu"
    r"|beli sekarang|(?<![\w-])order now|jetzt bestellen",
    re.IGNORECASE,
)
# ... and labels that hold those words but do not buy: a payment plan's link ("Buy now,
# pay later", "Jetzt kaufen, später bezahlen"), and a help page's or a store finder's
# ("How to buy", "Как купить", "Where to buy", "Где купить").
_NOT_BUY_TEXT_RE = re.compile(
    r"pay later|pay in \d|später (?:be)?zahlen|payer plus tard|en \d+ fois|pagar? (?:después"
    r"|más tarde|dopo|in \d)|achteraf betalen|sonra öde|później"
    r"|(?:how|where) to buy|(?:как|где) купить|wo (?:zu )?kaufen|wie kaufen|(?:comment|où) acheter"
    r"|(?:cómo|dónde|como|onde) comprar|(?:come|dove) acquistare|(?:jak|gdzie) kupić",
    re.IGNORECASE,
)
# A button whose whole label is the verb "buy" ("Buy!", "Kaufen", "Comprar"); only the
# whole label: "How to buy" is a link to a help page.
_BUY_WORD_RE = re.compile(
    r"\W*(?:buy|kaufen|comprar|acheter|acquista|compra|kopen|kup|köp|osta|køb|kjøp|купить)\W*",
    re.IGNORECASE,
)
_BUY_ATTR_RE = re.compile(
    r"add[-_]?(?:to[-_]?|2)?(?:cart|bag|basket)|buy[-_]?(?:it[-_]?)?(?:now|button|btn)"
    r"|cart[-_]?(?:button|btn|submit)",
    re.IGNORECASE,
)
# A form that puts an item in the cart, by its action, name, id or class: Shopify's and
# Magento's /cart/add, WooCommerce's ?add-to-cart=, "addToTrolleyForm", "OrderItemAdd".
_CART_FORM_RE = re.compile(
    r"add[-_/]?(?:to[-_/]?|2)?(?:cart|bag|basket|trolley)|(?:cart|basket|bag|trolley)[-_/]?add"
    r"|order[-_/]?item[-_/]?add",
    re.IGNORECASE,
)
# A control's target (its link, click handler or form action) that signs the buyer up for
# a notice when the item is back ("backInStock.jsp", "/notify-me", "stock-alert"): a
# control of an item that cannot be bought now, whatever its label says.
_NOTIFY_TARGET_RE = re.compile(
    r"back[-_]?in[-_]?stock|notify[-_]?(?:me|when)|stock[-_]?(?:alert|notif)|restock[-_]?(?:alert"
    r"|notif)|benachrichtig|alerte?[-_]?(?:de[-_]?)?stock",
    re.IGNORECASE,
)
# Containers whose prices belong to other products (carousels, "customers also bought").
_ELSEWHERE_ATTR_RE = re.compile(
    r"related|recommend|similar|also[-_]?(?:bought|viewed|like)|upsell|cross[-_]?sell"
    r"|recently|sponsored|carousel|bundle|frequently",
    re.IGNORECASE,
)
# Where a page says whether the product can be bought.
AVAILABILITY_ATTR_RE = re.compile(
    r"avail|stock|inventory|lager|dispon|zaiko|soldout|sold-out", re.IGNORECASE
)
DESCRIPTION_ATTR_RE = re.compile(
    r"descr|details|beschreibung|product[-_]?info|item[-_]?desc|overview|feature[-_]?bullets",
    re.IGNORECASE,
)
IMAGE_ATTR_RE = re.compile(
    r"product|main|primary|hero|gallery|zoom|landing|item[-_]?im|photo|detail", re.IGNORECASE
)
SELLER_ATTR_RE = re.compile(
    r"seller|merchant|vendor|shop[-_]?name|store[-_]?name|sold[-_]?by|soldby", re.IGNORECASE
)
# "Sold by: X" and its translations; group 1 is the rest of the text (maybe the name).
SELLER_LABEL_RE = re.compile(
    r"^\s*(?:ships from and sold by|sold by|seller|sold and shipped by|vendor|verkauf durch"
    r"|verkauf und versand durch|verkäufer|vendu par|vendeur|vendido por|vendedor|venduto da"
    r"|venditore|verkocht door|sprzedawca|satıcı|продавец|卖家|賣家|店铺|店鋪|商家|販売元"
    r"|出品者|ショップ|판매자|상점)\s*[:：]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A path or query that names one product (/p/…, /dp/…, /item/…, ?id=123).
_PRODUCT_URL_RE = re.compile(
    r"(?:^|/)(?:p|dp|product|products|produkt|produit|producto|produto|prodotto|item|items"
    r"|itm|listing|listings|goods|detail|details|offer|pd|prod|shop/product)(?:[/._-]|$)"
    r"|[/_-]\d{5,}(?:\.html?)?$|[?&](?:id|item_?id|product_?id|pid|sku|goods_?id)=\w",
    re.IGNORECASE,
)
# Class names that hide an element (Bootstrap d-none, Tailwind/Foundation hidden, shop
# templates' displaynone, Amazon's a-hidden, js-hidden until a script shows it), unless another class shows it again at some screen size
# ("hidden md:block", "d-none d-lg-flex").
_HIDDEN_CLASS_RE = re.compile(
    r"(?:^|\s)(?:hidden|hide|d-none|displaynone|display-none|is-hidden|u-hidden|a-hidden"
    r"|js-hidden)(?=\s|$)",
    re.IGNORECASE,
)
# Bootstrap's and Foundation's dialogs: display:none until a script opens them.
_CLOSED_MODAL_RE = re.compile(r"(?:^|\s)(?:modal|reveal)(?=\s|$)", re.IGNORECASE)
_OPEN_MODAL_RE = re.compile(r"(?:^|\s)(?:show|in|is-open|open)(?=\s|$)", re.IGNORECASE)
_SHOWN_AGAIN_RE = re.compile(
    r"(?:^|\s)(?:d-(?:sm|md|lg|xl|xxl)-\w+|(?:sm|md|lg|xl|2xl):(?!hidden)\S+"
    r"|show-for-\S+|visible-\S+)",
    re.IGNORECASE,
)
# Class names of text only screen readers get (`visually-hidden`, `sr-only`,
# `screen-reader-text`): a label a template prints for every swatch ("Variant sold out or
# unavailable", shown by CSS on the unavailable ones), a variant name inside a heading.
_READER_ONLY_RE = re.compile(
    r"(?:^|\s)[\w-]*(?:visually-?hidden|sr-only|screen-?reader(?:-text|-only)?)(?=\s|$)",
    re.IGNORECASE,
)
# Class or id names of a tooltip or popover: text shown only while a control is hovered
# or disabled ("The item is unavailable and cannot be added to your cart" over a cart
# button, a chat widget's "Chat is currently unavailable"), not a statement of the page;
# the element that opens one ("has-tooltip", "tooltip-trigger") is read as it is.
_TOOLTIP_RE = re.compile(r"(?:^|[\s_-])(?:tool-?tip|popover|tip)(?=$|[\s_-])", re.IGNORECASE)
_TOOLTIP_TRIGGER_RE = re.compile(
    r"(?:has|with)-(?:tool-?tip|popover)|(?:tool-?tip|popover)[-_]?(?:trigger|toggle|target"
    r"|anchor|icon|btn|button|link|handle)",
    re.IGNORECASE,
)
# Class, itemprop or data-* names of the part of a heading that holds the brand
# ("<h1><a class="designer">Miu Miu</a><div class="name">Leather boat shoes</div></h1>").
_BRAND_PART_RE = re.compile(
    r"(?:^|[\s_-])(?:brand|designer|vendor|manufacturer)s?(?=$|[\s_-])", re.IGNORECASE
)
# Class, id or data-* names of a marketplace page's shop header, which prints the seller's
# or company's name, often as an <h1> above the product's own heading (1688's
# "shop-company-name" in "od-shop-navigation").
_SHOP_HEADER_RE = re.compile(
    r"(?:shop|store|company|seller|vendor|merchant)[-_]?(?:name|title|header|head|logo"
    r"|nav(?:igation)?|banner|bar)(?![a-z])",
    re.IGNORECASE,
)
# Tags whose text a buyer does not read as the product's.
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "title"})
OUTSIDE_TAGS = frozenset({"header", "nav", "footer", "aside"})
BUTTON_TAGS = frozenset({"button", "input", "a"})


# The attribute tests below run on every element of a page whose class and id strings
# repeat (every card, every menu item): each distinct string is searched once.
_per_string = lru_cache(maxsize=4096)


def folded_search(pattern: re.Pattern) -> Callable[[str], bool]:
    """`bool(pattern.search(text))` for a case-insensitive pattern, about four times
    faster on ASCII text: there the text lower-cased is searched with the pattern's
    case-sensitive copy. The same answer when the pattern is ASCII and already lower
    case (no "A-Z" class, no "\\S"): an ASCII letter then matches only itself and its
    capital (the other letters that match it case-insensitively, "ſ" for "s", "K" for
    "k", are not ASCII), and lower-casing ASCII keeps every character's place. Other
    patterns and non-ASCII texts are searched as they are."""
    source = pattern.pattern
    if not (pattern.flags & re.IGNORECASE and source.isascii() and source == source.lower()):
        return lambda text: bool(pattern.search(text))
    folded = re.compile(source, pattern.flags & ~re.IGNORECASE)

    def search(text: str) -> bool:
        if text.isascii():
            return bool(folded.search(text.lower()))
        return bool(pattern.search(text))

    return search


_availability_attr = folded_search(AVAILABILITY_ATTR_RE)
_hidden_class = folded_search(_HIDDEN_CLASS_RE)
_closed_modal = folded_search(_CLOSED_MODAL_RE)
_open_modal = folded_search(_OPEN_MODAL_RE)
_shown_again = folded_search(_SHOWN_AGAIN_RE)
_reader_only = folded_search(_READER_ONLY_RE)
_brand_part = folded_search(_BRAND_PART_RE)
_shop_header = folded_search(_SHOP_HEADER_RE)
_tooltip = folded_search(_TOOLTIP_RE)
_tooltip_trigger = folded_search(_TOOLTIP_TRIGGER_RE)
_price_attr = folded_search(_PRICE_ATTR_RE)
_was_attr = folded_search(_WAS_ATTR_RE)
_now_attr = folded_search(_NOW_ATTR_RE)


@_per_string
def is_availability_attr(attrs: str) -> bool:
    return _availability_attr(attrs)


def strip_trailing_prices(text: str) -> str:
    if _DIGIT_RE.search(text) is None:  # every price holds a digit
        return text.strip()
    return _TRAILING_PRICES_RE.sub("", text).strip()


@_per_string
def is_hidden_class(classes: str) -> bool:
    if (
        ("modal" in classes or "reveal" in classes)
        and _closed_modal(classes)
        and not _open_modal(classes)
    ):
        return True  # a dialog (log in, newsletter) hidden by the framework until opened
    return _hidden_class(classes) and not _shown_again(classes)


@_per_string
def is_reader_only_class(classes: str) -> bool:
    """Whether the class hides the element from sight but not from screen readers."""
    return _reader_only(classes)


# A link to the shop's cart page itself ("/cart", "/cart/index.jsp", "/checkout/cart/",
# "?route=checkout/cart"), not to an action adding an item to it ("/cart/add?id=1").
_CART_PAGE_RE = re.compile(
    r"(?:^|[/=])(?:cart|basket|bag|trolley|warenkorb|panier|carrito|carrello|winkelwagen"
    r"|koszyk|sepet|корзина)(?:/(?:index\.\w+|view|show)?)?/?$|view[-_]?cart|show[-_]?cart",
    re.IGNORECASE,
)
_ADDS_RE = re.compile(r"add|buy|sku|product|item", re.IGNORECASE)


def is_cart_page_link(href: str) -> bool:
    """Whether a link leads to the cart page (`_CART_PAGE_RE`): the site's cart, a
    header's "Cart 0"; not one adding an item ("/cart?add=1&id_product=12",
    "/cart/?add-to-cart=32768"), which buys."""
    path, _, query = href.partition("#")[0].partition("?")
    if _ADDS_RE.search(query):
        return False
    return bool(_CART_PAGE_RE.search(path) or _CART_PAGE_RE.search(query))


def is_notify_target(target: str) -> bool:
    """Whether a control's link, click handler or form action asks to be told when the
    item is back in stock (`_NOTIFY_TARGET_RE`)."""
    return bool(_NOTIFY_TARGET_RE.search(target))


@_per_string
def is_description_name(names: str) -> bool:
    """Whether an element's class and id name the product's description (its prose)."""
    return "descr" in names.lower()


@_per_string
def might_name_tooltip(attrs: str) -> bool:
    """Whether `heuristic_parts.attributes` may name a tooltip: a cheap test first."""
    lowered = attrs.lower()
    return "tip" in lowered or "popover" in lowered


@_per_string
def is_tooltip_name(names: str) -> bool:
    """Whether an element's class and id (`names`) make it a tooltip or popover."""
    return _tooltip(names) and not _tooltip_trigger(names)


@_per_string
def is_brand_attr(attrs: str) -> bool:
    return _brand_part(attrs)


@_per_string
def is_shop_header_attr(attrs: str) -> bool:
    """Whether an element's attributes name a shop's header or the seller's name."""
    return _shop_header(attrs)


@_per_string
def is_price_attr(attrs: str) -> bool:
    return _price_attr(attrs)


@_per_string
def is_was_attr(attrs: str) -> bool:
    return _was_attr(attrs)


@_per_string
def is_now_attr(attrs: str) -> bool:
    return _now_attr(attrs)


def is_was_label(text: str) -> bool:
    return bool(_WAS_TEXT_RE.search(text) or _FROM_PRICE_RE.match(text))


def is_now_label(text: str) -> bool:
    return bool(_NOW_TEXT_RE.search(text))


def is_other_cost(text: str) -> bool:
    return bool(_OTHER_COST_RE.search(text))


def has_currency_amount(text: str) -> bool:
    # Every match holds a digit: a text without one (most headings) is not searched.
    return _DIGIT_RE.search(text) is not None and CURRENCY_AMOUNT_RE.search(text) is not None


def is_buy_label(text: str) -> bool:
    # A page's and a shop's labels repeat ("Add to cart", "Home"): each short one is
    # searched once.
    return _is_short_buy_label(text) if len(text) <= _CACHED_LABEL else _is_buy_label(text)


_CACHED_LABEL = 200  # characters of the longest label kept in the cache


def _is_buy_label(text: str) -> bool:
    if _NOT_BUY_TEXT_RE.search(text):
        return False
    return bool(_BUY_TEXT_RE.search(text) or _BUY_WORD_RE.fullmatch(text.strip()))


_is_short_buy_label = _per_string(_is_buy_label)


# An element that acts as a button without being one: a class, id or data-* word
# "button"/"btn" ("box-show-form-button", "add-to-basket-button-wrapper"), or a click
# handler; read as a control only when it holds no real control (a wrapper's button is
# read on its own).
_CONTROL_ATTR_RE = re.compile(r"(?:^|[\s_-])(?:button|btn)(?:$|[\s_-])", re.IGNORECASE)


_control_attr = folded_search(_CONTROL_ATTR_RE)


@_per_string
def is_control_attr(attrs: str) -> bool:
    return _control_attr(attrs)


# A picture's notice ("Image unavailable", "Bild nicht verfügbar", "画像なし"): the
# picture is missing, not the product.
# The text begins with the picture it is about ("No image available", "Keine Abbildung").
_PICTURE_RE = re.compile(
    r"\W*(?:(?:no|kein\w*|pas d'|sin|nessuna|geen|brak|нет)\s*)?(?:images?|pictures?|photos?"
    r"|bild(?:er)?|abbildung|imagen|immagine|foto|afbeelding|zdjęcia?|görsel|resim"
    r"|изображени\w*|фото|画像|图片|圖片|이미지)(?:\W|$)",
    re.IGNORECASE,
)


def is_picture_notice(text: str) -> bool:
    """Whether a short text is about a picture ("Image not available for Color:")."""
    return len(text) <= 120 and bool(_PICTURE_RE.match(text))


_buy_attr = folded_search(_BUY_ATTR_RE)
_seller_attr = folded_search(SELLER_ATTR_RE)
_elsewhere_attr = folded_search(_ELSEWHERE_ATTR_RE)


@_per_string
def is_buy_attr(attrs: str) -> bool:
    return _buy_attr(attrs)


@_per_string
def is_seller_attr(attrs: str) -> bool:
    return _seller_attr(attrs)


@_per_string
def is_elsewhere_attr(attrs: str) -> bool:
    return _elsewhere_attr(attrs)


def is_cart_form(attrs: str) -> bool:
    """Whether a form's action, name, id or class says it adds an item to the cart."""
    return bool(_CART_FORM_RE.search(attrs))


def is_product_url(path_and_query: str) -> bool:
    return bool(_PRODUCT_URL_RE.search(path_and_query))


# A search's URL: a path segment naming a search, or a query term parameter
# (/search/sram, /s?k=…, /catalog/?q=…, ?keyword=…, /suche?…).
_SEARCH_URL_RE = re.compile(
    r"(?:^|/)(?:search|suche|recherche|busca|buscar|ricerca|zoeken|szukaj|poisk)(?:[/?.]|$)"
    r"|[?&](?:q|k|keywords?|query|search|searchterm|search_query|text)=[^&]",
    re.I,
)


def is_search_url(path_and_query: str) -> bool:
    """Whether the URL's path and query are a search's (a page of results)."""
    return bool(_SEARCH_URL_RE.search(path_and_query))


# A promise to deliver soon: a shop that says when it ships an item has it to ship
# ("Ships in 2 business days", "Lieferzeit: 1-3 Werktage", "Wysyłka 24h", "Aynı gün
# kargo", "3営業日以内に発送"). Days and hours only: weeks or a date ("ships on or about
# 12 May") are a back order, not stock. Searched in lower-cased text.
_DELIVERY_WORDS = (
    r"ship(?:s|ping|ped)?|dispatch(?:es|ed)?|deliver(?:y|ed|s)?|arrives?|lieferzeit|lieferung"
    r"|geliefert|versand(?:t|fertig)?|zustellung|livraison|livré|expédi\w*|envío|envio"
    r"|enviado|entrega|consegna|spedizione|spedito|levertijd|bezorg\w*|geleverd|verzonden"
    r"|verzending|wysyłka|wysyłamy|dostawa|kargo\w*|teslimat|доставка|отправка|отгрузка"
    r"|odeslání|expedice|doručení"
)
_DELIVERY_UNITS = (
    r"(?:business |working )?(?:days?|hours?|hrs?|h)|werktage?n?|arbeitstage?n?|tage?n?"
    r"|stunden?|jours?(?: ouvrés| ouvrables)?|heures?|días(?: hábiles)?|dias(?: úteis)?"
    r"|horas?|giorni(?: lavorativi)?|ore|dagen|werkdag(?:en)?|uur|iş günü|gün|saat"
    r"|дн(?:я|ей)|день|час(?:а|ов)?|dni(?: robocz\w+)?|godzin\w*|dn[ůíy]|hodin"
)
_DELIVERY_RE = re.compile(
    rf"(?<!\w)(?:{_DELIVERY_WORDS})(?!\w)[^|\n]{{0,45}}?(?<![\d.,])\d{{1,2}}"
    rf"(?:\s*(?:-|–|/|bis|à|a|to)\s*\d{{1,2}})?\s*(?:{_DELIVERY_UNITS})(?!\w)"
    r"|same[- ]day (?:dispatch|shipping|delivery)|next[- ]day (?:dispatch|delivery)"
    r"|(?:ships|dispatched) today|noch heute versand\w*|morgen (?:in huis|geleverd|bezorgd)"
    r"|vandaag (?:bezorgd|verzonden)|aynı gün kargo\w*|natychmiastowa wysyłka"
    r"|expédié sous 24 ?h|envío en 24 ?h|当日発送|翌日発送|当日出荷|即日発送|当天发货|当日发货"
    r"|当天發貨|(?:\d{1,2})\s*(?:営業日|日|天|小时|小時|時間|일)\s*(?:以内|内|內|이내)?\s*に?"
    r"\s*(?:発送|出荷|发货|發貨|出货|出貨|발송|배송)|당일\s?(?:발송|배송|출고)"
)
# ... and what makes such a text no promise: returns, a warranty, a cooling-off period.
_NOT_DELIVERY_RE = re.compile(
    r"return|retour|rückgabe|rücksend|widerruf|devoluci|devolu|reso|recesso|iade|возврат"
    r"|zwrot|bedenktijd|garantie|garanzia|garantía|warranty|refund|remboursement|erstattung"
)


def promises_delivery(text: str) -> bool:
    """Whether a (lower-cased) text promises to deliver within days or hours."""
    return any(not _NOT_DELIVERY_RE.search(match.group(0)) for match in _DELIVERY_RE.finditer(text))
