"""Field normalisers shared by every extraction source: text, URLs, availability.

Pure functions of strings (and, for the page-level ones, a response or selector).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urljoin, urlsplit

import tldextract
from lxml import etree
from parsel import Selector
from scrapy.http import TextResponse
from w3lib.html import remove_tags
from w3lib.url import url_query_cleaner

from maskscreen.crawler.extract import cues

# Query parameters that track the visitor rather than name the page.
TRACKING_PARAMS = frozenset(
    {
        "spm",
        "spm_id_from",
        "scm",
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_ga",
        "_gl",
        "ref",
        "ref_",
        "ref_src",
        "srsltid",
        "trk",
        "pvid",
        "algo_pvid",
        "algo_expid",
        "aff_platform",
        "aff_trace_key",
        "aff_fcid",
        "aff_fsk",
        "sk",
        "ttclid",
        "twclid",
        "li_fat_id",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "_branch_match_id",
        "share_from",
        "sharer_userid",
        "tracking_id",
    }
)
TRACKING_PREFIXES = ("utm_", "pd_rd_", "pf_rd_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")

# Compiled once: lxml compiles a string XPath on every call.
_CANONICAL_XPATH = etree.XPath(
    "//link[contains(concat(' ', translate(normalize-space(@rel),"
    " 'CANONICAL', 'canonical'), ' '), ' canonical ')]/@href",
    smart_strings=False,
)
_LANG_XPATH = etree.XPath("/html/@lang", smart_strings=False)
_XML_LANG_XPATH = etree.XPath("//html/@xml:lang", smart_strings=False)
_BLOCK_TAG_RE = re.compile(
    r"<\s*/?\s*(?:br|p|div|li|ul|ol|tr|td|th|h[1-6]|hr)\b[^>]*>", re.IGNORECASE
)
_ESCAPED_TAG_RE = re.compile(
    r"</?(?:p|br|div|span|b|i|u|em|strong|ul|ol|li|h[1-6]|table|tr|td|th|a|img|font|hr)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_SPACE_RE = re.compile(r"\s+")
_PREFIX_RE = re.compile(r"[:/#]")

SCHEMA_AVAILABILITY = (
    "InStock",
    "OutOfStock",
    "PreOrder",
    "PreSale",
    "BackOrder",
    "Discontinued",
    "InStoreOnly",
    "OnlineOnly",
    "LimitedAvailability",
    "SoldOut",
    "Reserved",
    "MadeToOrder",
)
# Made from the buyer's order: it describes how the product is made more than its stock.
MADE_TO_ORDER = "MadeToOrder"
# The names that mean "cannot be bought now" (the others can, now or later).
UNAVAILABLE = frozenset({"OutOfStock", "SoldOut", "Discontinued"})
# Lower-cased words shops print, without spaces, "-" or "_" -> schema.org availability.
_AVAILABILITY_WORDS = {name.lower(): name for name in SCHEMA_AVAILABILITY} | {
    "instock": "InStock",
    "available": "InStock",
    "instockonline": "InStock",
    "有货": "InStock",
    "有貨": "InStock",
    "现货": "InStock",
    "現貨": "InStock",
    "在庫あり": "InStock",
    "outofstock": "OutOfStock",
    "unavailable": "OutOfStock",
    "notavailable": "OutOfStock",
    "缺货": "OutOfStock",
    "缺貨": "OutOfStock",
    "无货": "OutOfStock",
    "無貨": "OutOfStock",
    "暂时缺货": "OutOfStock",
    "在庫切れ": "OutOfStock",
    "在庫なし": "OutOfStock",
    "soldout": "SoldOut",
    "已售罄": "SoldOut",
    "售罄": "SoldOut",
    "已售完": "SoldOut",
    "売り切れ": "SoldOut",
    "完売": "SoldOut",
    "preorder": "PreOrder",
    "预售": "PreOrder",
    "預售": "PreOrder",
    "预订": "PreOrder",
    "預購": "PreOrder",
    "予約": "PreOrder",
    "予約受付中": "PreOrder",
    "backorder": "BackOrder",
    "backordered": "BackOrder",
    "onbackorder": "BackOrder",
    "discontinued": "Discontinued",
    "停产": "Discontinued",
    "停售": "Discontinued",
    "limitedavailability": "LimitedAvailability",
    # "Low stock", "Limited stock", 库存紧张 say some stock is left, as a count above 0
    # does ("Only 2 left", "3 in stock"): the item can be had now, InStock. The schema.org
    # name LimitedAvailability stays the value of structured data declaring it.
    "lowstock": "InStock",
    "limitedstock": "InStock",
    "库存紧张": "InStock",
    "disponible": "InStock",
    "enstock": "InStock",
    "auflager": "InStock",
    "sinstock": "OutOfStock",
    "agotado": "OutOfStock",
    "ausverkauft": "SoldOut",
    "madetoorder": "MadeToOrder",
    "定制": "MadeToOrder",
    "定做": "MadeToOrder",
    # What shops print in the page text and on buttons, in the languages we crawl
    # (the heuristic source reads them; `_AVAILABILITY_PHRASES` finds them in text).
    "currentlyunavailable": "OutOfStock",
    "temporarilyoutofstock": "OutOfStock",
    "售完": "SoldOut",
    "已下架": "Discontinued",
    "品切れ": "OutOfStock",
    "販売終了": "Discontinued",
    "재고있음": "InStock",
    "구매가능": "InStock",
    "품절": "SoldOut",
    "일시품절": "OutOfStock",
    "재고없음": "OutOfStock",
    "вналичии": "InStock",
    "естьвналичии": "InStock",
    "нетвналичии": "OutOfStock",
    "нетнаскладе": "OutOfStock",
    "распродано": "SoldOut",
    "nodisponible": "OutOfStock",
    "agotados": "OutOfStock",
    "agotada": "OutOfStock",
    "enexistencia": "InStock",
    "nichtauflager": "OutOfStock",
    "nichtverfügbar": "OutOfStock",
    "derzeitnichtverfügbar": "OutOfStock",
    "lieferbar": "InStock",
    "nichtlieferbar": "OutOfStock",
    "notinstock": "OutOfStock",
    "sofortlieferbar": "InStock",
    "vergriffen": "SoldOut",
    "épuisé": "SoldOut",
    "epuise": "SoldOut",
    "rupturedestock": "OutOfStock",
    "indisponible": "OutOfStock",
    "nondisponible": "OutOfStock",
    "esgotado": "SoldOut",
    "emestoque": "InStock",
    "disponível": "InStock",
    "indisponível": "OutOfStock",
    "esaurito": "SoldOut",
    "disponibile": "InStock",
    "nondisponibile": "OutOfStock",
    "disponibilitàimmediata": "InStock",
    "dostępny": "InStock",
    "niedostępny": "OutOfStock",
    "wyprzedany": "SoldOut",
    "stoktavar": "InStock",
    "stokta": "InStock",  # "20+ adet ürün stokta": 20+ pieces in stock
    "stoktayok": "OutOfStock",
    "tükendi": "SoldOut",
    "opvoorraad": "InStock",
    "uitverkocht": "SoldOut",
    "nietopvoorraad": "OutOfStock",
    "cònhàng": "InStock",
    # Central and northern Europe: what their shops print beside the price.
    "lagernd": "InStock",
    "amlager": "InStock",  # "Artikel am Lager"
    "nichtamlager": "OutOfStock",
    "nichtlagernd": "OutOfStock",
    "skladem": "InStock",
    "nenískladem": "OutOfStock",
    "vyprodáno": "SoldOut",
    "skladom": "InStock",
    "nasklade": "InStock",
    "niejenasklade": "OutOfStock",
    "vypredané": "SoldOut",
    "raktáron": "InStock",
    "nincsraktáron": "OutOfStock",
    "elfogyott": "SoldOut",
    "pålager": "InStock",
    "ikkepålager": "OutOfStock",
    "udsolgt": "SoldOut",
    "utsolgt": "SoldOut",
    "finnsilager": "InStock",
    "slutilager": "OutOfStock",
    "slutsåld": "SoldOut",
    "varastossa": "InStock",
    "eivarastossa": "OutOfStock",
    "loppuunmyyty": "SoldOut",
    "înstoc": "InStock",
    "stocepuizat": "OutOfStock",
    "внаявності": "InStock",
    "немаєвнаявності": "OutOfStock",
    # "Ships on or about <date>", "at the supplier": orderable, shipped when it comes in.
    "shipsonorabout": "BackOrder",
    "availabletoshiponorabout": "BackOrder",
    "expectedtoship": "BackOrder",
    "awaitingstock": "BackOrder",
    "moreontheway": "BackOrder",  # "More on the Way": orderable, restocking
    # "Purchase now and we'll ship when it's available": orderable, shipped when it comes.
    "shipwhenavailable": "BackOrder",
    "shipswhenavailable": "BackOrder",
    "shipwhenit'savailable": "BackOrder",
    "shipwhenit’savailable": "BackOrder",
    "shipwhenitisavailable": "BackOrder",
    "beimlieferanten": "BackOrder",
    "imzulauf": "BackOrder",
    "enarrivage": "BackOrder",  # French: "arriving", stock on its way to the shop
    # Orderable now, delivered from a date to come (an item not yet released).
    "leveringmogelijkvanaf": "PreOrder",
    "leverbaarvanaf": "PreOrder",
    "vorbestellbar": "PreOrder",
    "précommande": "PreOrder",
    "encomendaantecipada": "PreOrder",
    # A promise to ship soon is a statement that it is in stock.
    "usuallyshipsin": "InStock",
    "usuallyshipswithin": "InStock",
    "readytoship": "InStock",
    "sofortversandfertig": "InStock",
    "versandfertig": "InStock",
    "versandbereit": "InStock",
    "hếthàng": "OutOfStock",
    "สินค้าหมด": "OutOfStock",
}
_AVAILABILITY_SEPARATORS_RE = re.compile(r"[\s_\-.!]+")
# Non-ASCII words that shops write with spaces ("нет в наличии", "재고 있음").
_AVAILABILITY_SPACED = (
    "재고 있음",
    "재고 없음",
    "구매 가능",
    "в наличии",
    "есть в наличии",
    "нет в наличии",
    "нет на складе",
    "nicht verfügbar",
    "derzeit nicht verfügbar",
    "disponibilità immediata",
    "còn hàng",
    "hết hàng",
    "в наявності",
    "немає в наявності",
)
# The same words inside a longer text ("In stock - ships today", "库存：有货"),
# longest first so "out of stock" is found before "in stock".
_AVAILABILITY_PHRASES = sorted(
    {
        "in stock",
        "out of stock",
        "sold out",
        "pre-order",
        "preorder",
        "backorder",
        "back order",
        "discontinued",
        "low stock",
        "limited stock",
        "unavailable",
        "sin stock",
        "agotado",
        "ausverkauft",
        "currently unavailable",
        "temporarily out of stock",
        "no disponible",
        "en existencia",
        "auf lager",
        "nicht auf lager",
        "sofort lieferbar",
        "nicht lieferbar",
        "not in stock",
        "lieferbar",
        "vergriffen",
        "en stock",
        "rupture de stock",
        "indisponible",
        "non disponible",
        "disponible",
        "em estoque",
        "esaurito",
        "disponibile",
        "non disponibile",
        "op voorraad",
        "niet op voorraad",
        "uitverkocht",
        "esgotado",
        "wyprzedany",
        "stokta var",
        "stokta",
        "am lager",
        "nicht am lager",
        "stokta yok",
        "lagernd",
        "nicht lagernd",
        "skladem",
        "není skladem",
        "skladom",
        "na sklade",
        "nie je na sklade",
        "raktáron",
        "nincs raktáron",
        "på lager",
        "ikke på lager",
        "finns i lager",
        "slut i lager",
        "varastossa",
        "ei varastossa",
        "în stoc",
        "stoc epuizat",
        "ships on or about",
        "levering mogelijk vanaf",
        "leverbaar vanaf",
        "vorbestellbar",
        "précommande",
        "encomenda antecipada",
        "available to ship on or about",
        "expected to ship",
        "awaiting stock",
        "more on the way",
        "ship when available",
        "ships when available",
        "ship when it's available",
        "ship when it’s available",
        "ship when it is available",
        "beim lieferanten",
        "im zulauf",
        "en arrivage",
        "usually ships in",
        "usually ships within",
        "ready to ship",
        "sofort versandfertig",
        "versandfertig",
        "versandbereit",
        *(_AVAILABILITY_SPACED),
        *(word for word in _AVAILABILITY_WORDS if not word.isascii()),
    },
    key=len,
    reverse=True,
)


def trie_pattern(words: list[str]) -> str:
    """One regex for many literal words, their common prefixes shared ("in stock",
    "instock" -> "in(?: stock|stock)"): at each position of a text it follows one
    branch instead of trying every word, and it still matches the longest word there."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
        return body

    return pattern(trie)


def availability_keys() -> tuple[str, ...]:
    """The exact stock words `normalize_availability` maps (lower case, no separators)."""
    return tuple(_AVAILABILITY_WORDS)


def availability_phrases() -> tuple[str, ...]:
    """The stock phrases `normalize_availability` searches a longer text for."""
    return tuple(_AVAILABILITY_PHRASES)


# Searched in lower-cased text: case-insensitive matching of so many words is slow.
# "定制版" / "定做版" name an edition ("移动定制版", a carrier's edition of a phone), not
# an item made to order: no match starts there.
# A count of items in stock ("12 pieces available", "0 available", "In Stock: 7088",
# "在庫数：1", "3件在庫", "còn 5 sản phẩm"): any count above 0 is InStock, 0 OutOfStock.
# Tried before the words, so "0 in stock" is not read as "in stock". One text only: no
# newline between the count and its word (texts are searched joined by newlines).
_COUNT_UNITS = r"(?:pieces?|pcs\.?|items?|units?|stück|stk\.?|stuks?|sản phẩm|件|点|個|개)"
COUNT_PATTERN = (
    rf"(?<![\d.,:])(?P<count>\d[\d.,]*)\+?[ \xa0]?(?:{_COUNT_UNITS}[ \xa0]?)?"
    r"(?:available|in stock|left in stock|auf lager|op voorraad|en stock|có sẵn|在庫|库存)"
    r"|(?:in stock|auf lager|op voorraad|vorrätig|stock|在庫数?|库存|còn)[ \xa0]?[:：]?[ \xa0]?"
    r"(?P<stock>\d[\d.,]*)(?![\d.,]*(?:[ \xa0]?[%/×]|[a-z]))"  # not "20%", "2x", "5cm"
)
_AVAILABILITY_TEXT_RE = re.compile(
    f"(?!定[制做]版)(?:{COUNT_PATTERN}|{trie_pattern(_AVAILABILITY_PHRASES)})"
)


def clean_url(url: str) -> str:
    """The URL without tracking parameters (utm_*, spm, fbclid, gclid, ref…) or fragment."""
    query = urlsplit(url).query
    tracking = sorted(
        {
            key
            for key, _ in parse_qsl(query, keep_blank_values=True)
            if key.lower() in TRACKING_PARAMS or key.lower().startswith(TRACKING_PREFIXES)
        }
    )
    return url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=False)


def clean_text(value: Any) -> str | None:
    """Plain text: HTML tags stripped, entities unescaped, whitespace collapsed."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    if not isinstance(value, str):
        return None
    text = remove_tags(_BLOCK_TAG_RE.sub(" ", value))
    text = html.unescape(text)
    text = _ESCAPED_TAG_RE.sub(" ", text)  # tags that were entity-escaped in the source
    text = _SPACE_RE.sub(" ", text).strip()
    return text or None


def normalize_availability(value: Any, *, search: bool = False) -> str | None:
    """A schema.org availability name from a URL, a short name or shop text; None if unknown.

    "https://schema.org/InStock", "schema:SoldOut", "in stock", "out_of_stock",
    "有货", "缺货", "已售罄", "在庫あり" all map; anything else is None, not invented.
    With `search`, a longer text is searched for those words ("库存：有货").
    """
    value = first(value)
    if not isinstance(value, str) or not value.strip():
        return None
    short = _PREFIX_RE.split(value.strip().rstrip("/"))[-1]
    key = _AVAILABILITY_SEPARATORS_RE.sub("", short.lower())
    found = _AVAILABILITY_WORDS.get(key)
    if found is None and search:
        lowered = value[:500].lower()
        match = next(_statements(lowered), None)
        if match:
            found = _stated(lowered, match)
    return found


# Words before a stock word that make it a condition, not a statement ("Notify me when
# in stock", "Benachrichtigen, sobald verfügbar", "Prévenez-moi quand disponible").
_CONDITION_RE = re.compile(
    r"(?:^|\W)(?:when|once|as soon as|wenn|sobald|quand|dès que|lorsque|cuando|quando|zodra"
    r"|gdy|jak tylko|как только|когда|olunca)(?:\W|$)"
)
_CONDITION_WINDOW = 25  # characters before a stock word searched for a condition


def _statements(lowered: str):
    """The stock words a lower-cased text states, skipping those stated as a condition."""
    for match in _AVAILABILITY_TEXT_RE.finditer(lowered):
        before = lowered[max(0, match.start() - _CONDITION_WINDOW) : match.start()]
        before = before.rpartition("\n")[2]  # the same text's words only
        if not _CONDITION_RE.search(before):
            yield match


def _stated(lowered: str, match: re.Match) -> str | None:
    """The availability a stock word states: "not in stock" followed by a promise to ship
    within days once ordered ("Nicht lagernd, ab Bestellung versandfertig in 8 Tagen",
    "Out of stock - ships in 5 days") is a back order, not an item that cannot be had."""
    count = match.group("count") or match.group("stock")
    if count is not None:
        value = "InStock" if count.strip("0.,") else "OutOfStock"
    else:
        value = _AVAILABILITY_WORDS.get(_AVAILABILITY_SEPARATORS_RE.sub("", match.group(0)))
    if value == "OutOfStock" and cues.promises_delivery(lowered[match.end() :]):
        return "BackOrder"
    return value


def stated_availabilities(texts: list[str]) -> list[str]:
    """The availability each text states (`normalize_availability`'s words found in it,
    the first of each text), in order; one search over all of them."""
    joined = "\n".join(texts).lower()  # no word spans two texts: none holds a newline
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    found: list[str] = []
    last = -1
    for match in _statements(joined):
        owner = bisect_right(starts, match.start()) - 1
        if owner == last:
            continue
        end = starts[owner + 1] - 1 if owner + 1 < len(starts) else len(joined)
        value = _stated(joined[:end], match)
        if value:
            found.append(value)
            last = owner
    return found


def first(value: Any) -> Any:
    """The first item of a non-empty list, else the value itself."""
    return value[0] if isinstance(value, list) and value else value


def name_of(value: Any) -> str | None:
    """A name from "Acme", {"name": "Acme"} or a list of either."""
    value = first(value)
    if isinstance(value, dict):
        value = value.get("name")
    return clean_text(value)


def absolute_urls(value: Any, base: TextResponse | str) -> list[str]:
    """Distinct absolute http(s) URLs from a URL, an ImageObject or a list of either."""
    urls: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = first(item.get("url") or item.get("contentUrl") or item.get("@id"))
        if isinstance(item, str) and item.strip():
            url = (
                base.urljoin(item.strip())
                if isinstance(base, TextResponse)
                else urljoin(base, item.strip())
            )
            if urlsplit(url).scheme in ("http", "https") and url not in urls:
                urls.append(url)
    return urls


# The public suffix list as tldextract ships it: never fetched at run time
# (suffix_list_urls=()), private suffixes included, so two shops on myshopify.com or
# github.io are two sites.
_SUFFIXES = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)
_HOST_PREFIXES = ("www.", "m.", "mobile.")


@lru_cache(maxsize=4096)
def site_key(host: str) -> str:
    """What makes two hosts one site: the registrable domain ("shop.example.co.uk" ->
    "example.co.uk"; "a.myshopify.com" stays whole), else, for an IP address or a name
    with no public suffix, the host without a leading www./m./mobile.
    """
    host = host.strip().lower().rstrip(".")
    registrable = _SUFFIXES(host).top_domain_under_public_suffix
    if registrable:
        return registrable
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix):
            return host.removeprefix(prefix)
    return host


def same_site(url: str, other: str) -> bool:
    """Whether two http(s) URLs are on one site: same `site_key`, same non-default port."""
    a, b = urlsplit(url), urlsplit(other)
    if not a.hostname or not b.hostname:
        return False
    try:
        ports = (_explicit_port(a.port, a.scheme), _explicit_port(b.port, b.scheme))
    except ValueError:  # a port out of range: not a URL we key anything on
        return False
    return ports[0] == ports[1] and site_key(a.hostname) == site_key(b.hostname)


def _explicit_port(port: int | None, scheme: str) -> int | None:
    return None if port == {"http": 80, "https": 443}.get(scheme) else port


class ListingUrls(NamedTuple):
    """A page's URLs: the listing's key, the URL fetched, and an off-site canonical."""

    key: str
    fetched: str
    canonical: str | None  # as declared, only when it was not used as the key


def listing_urls(response: TextResponse, selector: Selector | None = None) -> ListingUrls:
    """The key is <link rel=canonical> (cleaned of tracking) when it is on the page's own
    site (`same_site`), else the fetched URL cleaned; an off-site canonical is kept
    beside it as the page declared it (resolved against the page).
    """
    root = (selector if selector is not None else response.selector).root
    href = _first(_CANONICAL_XPATH(root))
    declared = response.urljoin(href.strip()) if href and href.strip() else None
    if declared and urlsplit(declared).scheme not in ("http", "https"):
        declared = None
    if declared is None:
        return ListingUrls(clean_url(response.url), response.url, None)
    if same_site(declared, response.url):
        return ListingUrls(clean_url(declared), response.url, None)
    return ListingUrls(clean_url(response.url), response.url, declared)


def canonical_url(response: TextResponse, selector: Selector | None = None) -> str:
    """The listing's key (`listing_urls`): the canonical when on the same site, else
    the page URL; no tracking parameters."""
    return listing_urls(response, selector).key


def page_language(response: TextResponse, selector: Selector | None = None) -> str | None:
    """The <html lang> (or xml:lang) of the page, "_" written as "-"."""
    root = (selector if selector is not None else response.selector).root
    lang = _first(_LANG_XPATH(root)) or _first(_XML_LANG_XPATH(root))
    return lang.strip().replace("_", "-") if lang and lang.strip() else None


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def short_type(name: str) -> str:
    """ "https://schema.org/Product", "schema:Product", "product" -> "product"."""
    return _PREFIX_RE.split(name)[-1].lower()
