"""The heuristic source: pages without structured data, read as a buyer reads them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import normalize_availability, same_site, site_key
from maskscreen.crawler.extract.heuristic_parts import names_site, strip_site_name
from maskscreen.crawler.extract.page import REASONS, NotAListing, extract_listing
from maskscreen.crawler.items import SOURCE_FORMATS, Listing

PAGES = Path(__file__).parent / "pages"
SHOP = "https://shop.example.com/products/mask-1"


def page(name: str, url: str = SHOP) -> HtmlResponse:
    return HtmlResponse(url=url, body=(PAGES / name).read_bytes())


def html(body: str, head: str = "", lang: str = "en") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    ).encode()


# -- whole pages: (file, url, title, price, currency, availability, seller) -------------

READ = [
    (
        "heuristic_plain_shop.html",
        SHOP,
        "Realistic Silicone Old Man Mask",
        "1299.00",
        "USD",
        "InStock",
        "FaceWorks Studio",
    ),
    (
        "heuristic_was_price_de.html",
        "https://maskenwerk.de/produkt/opa",
        "Silikonmaske „Opa“, täuschend echt",
        "1199.00",
        "EUR",
        "InStock",
        "Maskenwerk GmbH",
    ),
    (
        "heuristic_sold_out_ja.html",
        "https://koubou.example.jp/item/77",
        "リアルなシリコンマスク 老人",
        "12800",
        "JPY",
        "OutOfStock",
        "マスク工房",
    ),
    (
        "heuristic_korean.html",
        "https://www.maskmall.co.kr/goods/view?goods_id=77123",
        "실리콘 리얼 마스크 (남성)",
        "298000",
        "KRW",
        "InStock",
        "마스크공방",
    ),
    (
        "heuristic_russian.html",
        "https://maskapro.ru/catalog/maska-starika",
        "Силиконовая маска старика",
        "24990",
        "RUB",
        "OutOfStock",
        None,
    ),
    (
        "heuristic_chinese.html",
        "https://item.example.cn/item.htm?id=6012345",
        "仿真硅胶人脸面具 定制真人脸",
        "2680.00",
        "CNY",
        "InStock",
        "面具工坊旗舰店",
    ),
    (
        "heuristic_title_only_es.html",
        "https://tiendamascaras.es/producto/latex-realista",
        "Máscara de látex realista",
        "29.95",
        "EUR",
        "OutOfStock",
        None,
    ),
    (
        "heuristic_amazon_like.html",
        "https://www.amazon.com/Realistic-Latex/dp/B0C1234567",
        "Realistic Latex Old Man Mask, Full Head",
        "34.99",
        "USD",
        "InStock",
        "MaskMakers LLC",
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "title", "price", "currency", "availability", "seller"),
    READ,
    ids=[row[0] for row in READ],
)
def test_page_without_structured_data_is_read_by_the_heuristic_source(
    name, url, title, price, currency, availability, seller
):
    listing = extract_listing(page(name, url), site="s")
    assert listing.source_format == "heuristic"
    assert (listing.title, listing.price, listing.currency) == (title, Decimal(price), currency)
    assert listing.availability == availability
    assert listing.seller == seller
    assert 0.5 <= listing.extraction_confidence <= 1.0


def test_struck_through_was_price_and_shipping_are_not_the_price():
    listing = extract_listing(page("heuristic_was_price_de.html"), site="s")
    assert listing.price == Decimal("1199.00")  # not 1.499,00 € (del) nor 4,90 € (Versand)


def test_comments_beside_the_price_are_not_elements():
    # Real shops leave comments everywhere; one right before the price crashed the reader.
    body = (
        "<h1>Realistic silicone old man mask</h1><!-- price block -->"
        '<span class="price">$349.00</span><?php echo 1 ?><button>Add to cart</button>'
    )
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(body)), site="s")
    assert listing.price == Decimal("349.00") and listing.currency == "USD"


def test_related_products_prices_lose_to_the_price_by_the_title():
    listing = extract_listing(page("heuristic_plain_shop.html"), site="s")
    assert listing.price == Decimal("1299.00")
    assert listing.description == "Hand-made silicone mask of an old man, hand-punched hair."
    assert listing.images == ["https://shop.example.com/img/old-man-1.jpg"]
    assert listing.seller_url == "https://shop.example.com/seller/faceworks"


def test_amazon_like_page_skips_the_list_price_and_the_carousel():
    listing = extract_listing(
        page("heuristic_amazon_like.html", "https://www.amazon.com/x/dp/B0C1234567"), site="s"
    )
    assert listing.price == Decimal("34.99")  # not the struck $49.99, not a carousel's $9.99
    assert listing.images == ["https://m.media-amazon.example/images/I/71abc.jpg"]
    assert listing.description.startswith("Full head latex mask")


def test_was_now_in_one_text_gives_the_now_price():
    body = "<h1>Latex mask</h1><p class='price'>Was $30 Now $20</p><button>Add to cart</button>"
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(body)), site="s")
    assert (listing.price, listing.currency) == (Decimal(20), "USD")


def test_prose_with_amounts_loses_to_the_labelled_price():
    listing = extract_listing(page("no_jsonld.html"), site="s")
    assert listing.price == Decimal("25.00") and str(listing.price) == "25.00"


def test_title_comes_from_the_title_tag_without_the_site_name():
    listing = extract_listing(page("heuristic_title_only_es.html"), site="s")
    assert listing.title == "Máscara de látex realista"
    assert listing.extraction_confidence < 0.7  # no h1, no buy button


def test_confidence_is_high_with_every_signal_and_lower_with_fewer():
    full = extract_listing(page("heuristic_plain_shop.html"), site="s")
    body = "<h1>Latex mask</h1><p>Some words.</p><span class='price'>$20.00</span>"
    bare = extract_listing(HtmlResponse(url="https://shop.example.com/", body=html(body)), "s")
    assert full.extraction_confidence == 1.0
    assert bare.extraction_confidence == 0.65  # h1 0.25 + price 0.25 + near 0.15


# -- refused pages: every one with its reason --------------------------------------

REFUSED = [
    ("heuristic_category.html", "listing_page"),  # 20 cards with prices and cart buttons
    ("heuristic_article.html", "not_a_product"),  # an h1 and prose, no price, no button
    ("heuristic_no_title.html", "no_title"),  # a price and a cart button, but no name
]


@pytest.mark.parametrize(("name", "reason"), REFUSED, ids=[row[0] for row in REFUSED])
def test_page_that_is_not_a_product_is_refused_with_its_reason(name, reason):
    with pytest.raises(NotAListing) as info:
        extract_listing(page(name), site="s")
    assert info.value.reason == reason
    assert reason in REASONS


def test_one_card_on_a_short_category_page_is_not_a_product():
    body = (
        "<h1>Silicone masks</h1><ul class='products'><li><a href='/p/old-man'>"
        "Realistic old man mask</a> <span class='price'>$99.00</span></li></ul>"
    )
    with pytest.raises(NotAListing) as info:
        extract_listing(HtmlResponse(url="https://shop.example.com/c/masks", body=html(body)), "s")
    assert info.value.reason == "not_a_product"


def test_a_comparison_page_of_offer_cards_without_buttons_is_a_listing_page():
    # no buy button, no stock label: a heading, a featured offer, then offer cards
    card = (
        "<div class='offer'><dl><dt><a href='/go/{0}'>Body {0}</a></dt><dd>£{0}.00</dd></dl></div>"
    )
    head = "<h1>Bodies</h1><ul class='info'><li class='price'>£47.95 Visit store</li></ul>"
    body = head + "".join(card.format(n) for n in range(41, 48))
    url = "https://compare.example.co.uk/c-100-bodies.html"
    with pytest.raises(NotAListing) as info:
        extract_listing(HtmlResponse(url=url, body=html(body)), "s")
    assert info.value.reason == "listing_page"


def test_category_page_with_structured_data_keeps_no_product():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "CollectionPage", "name": "Masks"}</script>'
    )
    body = (PAGES / "heuristic_category.html").read_text("utf-8")
    response = HtmlResponse(url=SHOP, body=body.replace("<head>", "<head>" + head).encode())
    with pytest.raises(NotAListing) as info:
        extract_listing(response, site="s")
    assert info.value.reason == "no_product"


# -- with structured data: it wins per field, the heuristic fills gaps ----------------


def test_jsonld_with_a_trailing_comma_falls_back_to_the_visible_page():
    listing = extract_listing(page("heuristic_trailing_comma.html"), site="s")
    assert listing.source_format == "heuristic"
    assert (listing.title, listing.price, listing.currency) == (
        "Masque réaliste en silicone",
        Decimal("349.00"),
        "EUR",
    )
    assert listing.availability == "InStock"


def test_structured_data_wins_and_the_heuristic_only_fills_its_gaps():
    data = {"@type": "Product", "name": "JSON-LD name", "sku": "A1"}  # no offers at all
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = "<h1>Visible name</h1><span class='price'>€80,00</span><p>Sold out</p>"
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(body, head, "de")), "s")
    assert listing.source_format == "jsonld" and listing.extraction_confidence is None
    assert listing.title == "JSON-LD name" and listing.external_id == "A1"
    assert (listing.price, listing.currency) == (Decimal("80.00"), "EUR")


def test_complete_structured_data_keeps_its_fields_but_not_against_a_stated_stock_word():
    data = {
        "@type": "Product",
        "name": "Mask",
        "offers": {"price": "10", "priceCurrency": "USD", "availability": "InStock"},
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = "<h1>Other</h1><span class='price'>$99.00</span><p>Sold out</p>"
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(body, head)), "s")
    # Title and price stay the shop's structured ones; the visible "Sold out" is what a
    # shopper reads about stock, and the structured "InStock" gives way to it.
    assert (listing.title, listing.price) == ("Mask", Decimal(10))
    assert listing.availability == "SoldOut" and listing.source_format == "jsonld"


def test_a_buy_button_alone_does_not_overrule_structured_availability():
    data = {
        "@type": "Product",
        "name": "Mask",
        "offers": {"price": "10", "priceCurrency": "USD", "availability": "OutOfStock"},
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = "<h1>Mask</h1><span class='price'>$10.00</span><button>Add to cart</button>"
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(body, head)), "s")
    assert listing.availability == "OutOfStock"
    stated = body.replace("</button>", "</button><p class='stock'>In stock</p>")
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(stated, head)), "s")
    assert listing.availability == "InStock"


def test_heuristic_is_a_known_source_format():
    assert "heuristic" in SOURCE_FORMATS


# -- URLs: the fetched URL is kept, a canonical is the key only on the same site --------


def test_off_site_canonical_is_recorded_beside_the_fetched_url():
    fetched = "https://shop.example.com/products/face?utm_source=ad&id=9"
    listing = extract_listing(page("heuristic_offsite_canonical.html", fetched), site="s")
    assert listing.url == "https://shop.example.com/products/face?id=9"
    assert listing.fetched_url == fetched
    assert listing.canonical_url == "https://www.other-shop.com/products/custom-face?ref=copy"


def test_same_site_canonical_is_the_key_without_tracking():
    fetched = "https://www.maskshop.co.uk/item/123?utm_source=feed&colour=beige&gclid=1"
    listing = extract_listing(page("heuristic_samesite_canonical.html", fetched), site="s")
    assert listing.url == "https://m.maskshop.co.uk/item/123?colour=beige"
    assert listing.fetched_url == fetched
    assert listing.canonical_url is None


def test_to_record_carries_the_new_fields():
    listing = extract_listing(page("heuristic_offsite_canonical.html"), site="s")
    record = listing.to_record()
    assert record["fetched_url"] == SHOP
    assert record["canonical_url"].startswith("https://www.other-shop.com/")
    assert record["extraction_confidence"] == listing.extraction_confidence
    assert Listing(url="u", site="s").to_record()["extraction_confidence"] is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://shop.com/p/1", "https://www.shop.com/p/1", True),
        ("https://m.shop.co.uk/p", "https://www.shop.co.uk/p", True),
        ("http://shop.com/p", "https://shop.com/p", True),
        ("https://item.taobao.com/x", "https://detail.tmall.com/x", False),
        ("https://a.myshopify.com/p", "https://b.myshopify.com/p", False),  # private suffix
        ("https://shop.com/p", "https://shop.com.evil.net/p", False),
        ("http://127.0.0.1:8001/p", "http://127.0.0.1:8001/q", True),
        ("http://127.0.0.1:8001/p", "http://127.0.0.1:8002/p", False),
        ("https://shop.example/p", "https://www.shop.example/p", True),  # no public suffix
        ("https://shop.com/p", "mailto:x@shop.com", False),
    ],
)
def test_same_site(a, b, same):
    assert same_site(a, b) is same
    assert same_site(b, a) is same


def test_site_key_is_the_registrable_domain():
    assert site_key("www.Amazon.co.jp") == "amazon.co.jp"
    assert site_key("m.localhost") == "localhost"


# -- the cues, one language at a time ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "availability"),
    [
        ("In stock", "InStock"),
        ("Only 3 left in stock - order soon.", "InStock"),
        ("Currently unavailable.", "OutOfStock"),
        ("有货", "InStock"),
        ("缺货", "OutOfStock"),
        ("在庫あり", "InStock"),
        ("在庫：品切れ", "OutOfStock"),
        ("재고 있음", "InStock"),
        ("품절", "SoldOut"),
        ("В наличии", "InStock"),
        ("Нет в наличии", "OutOfStock"),
        ("Agotado", "OutOfStock"),
        ("No disponible", "OutOfStock"),
        ("Disponible", "InStock"),
        ("Ausverkauft", "SoldOut"),
        ("Auf Lager", "InStock"),
        ("Nicht auf Lager", "OutOfStock"),
        ("Épuisé", "SoldOut"),
        ("En stock", "InStock"),
        ("Rupture de stock", "OutOfStock"),
        ("Esgotado", "SoldOut"),
        ("Em estoque", "InStock"),
        ("Esaurito", "SoldOut"),
        ("Disponibile", "InStock"),
        ("Non disponibile", "OutOfStock"),
        ("Stokta yok", "OutOfStock"),
        ("Delivery in 3 days", None),
        ("Dostupnost: Skladem", "InStock"),
        ("Není skladem", "OutOfStock"),
        ("Na sklade", "InStock"),
        ("Nincs raktáron", "OutOfStock"),
        ("Ikke på lager", "OutOfStock"),
        ("Finns i lager", "InStock"),
        ("Loppuunmyyty", "SoldOut"),
        ("În stoc", "InStock"),
        ("Немає в наявності", "OutOfStock"),
        ("nicht lagernd", "OutOfStock"),
        ("sofort lagernd", "InStock"),
        ("12 Stück verfügbar beim Lieferanten", "BackOrder"),
        ("Available to ship on or about 03/14/27.", "BackOrder"),
        ("Usually ships within 24 hours", "InStock"),
    ],
)
def test_availability_words_in_page_text(text, availability):
    assert normalize_availability(text, search=True) == availability


@pytest.mark.parametrize(
    ("label", "buys"),
    [
        ("Add to Cart", True),
        ("Buy It Now", True),
        ("In den Warenkorb", True),
        ("Ajouter au panier", True),
        ("Añadir al carrito", True),
        ("Aggiungi al carrello", True),
        ("Adicionar ao carrinho", True),
        ("加入购物车", True),
        ("立即购买", True),
        ("カートに入れる", True),
        ("장바구니", True),
        ("В корзину", True),
        ("Sepete ekle", True),
        ("Pridať do košíka", True),
        ("Vložit do košíku", True),
        ("Kosárba", True),
        ("Læg i kurv", True),
        ("Lägg i varukorgen", True),
        ("Lisää ostoskoriin", True),
        ("Adaugă în coș", True),
        ("Додати в кошик", True),
        ("Add to wishlist", False),
        ("Sign in", False),
    ],
)
def test_buy_button_labels(label, buys):
    assert cues.is_buy_label(label) is buys


@pytest.mark.parametrize(
    ("text", "was"),
    [
        ("Was $30", True),
        ("List Price:", True),
        ("UVP 99 €", True),
        ("statt 99 €", True),
        ("原价：", True),
        ("通常価格", True),
        ("$20", False),
        ("Now $20", False),
        ("Retail Price: $9.99", True),
        ("Why pay:", True),
        ("Compare at", True),
    ],
)
def test_was_price_labels(text, was):
    assert cues.is_was_label(text) is was


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("$12.99", True),
        ("12,99 zł", True),
        ("3,980円", True),
        ("₩25,000", True),
        ("1 299 руб.", True),
        ("EUR 10", True),
        ("25,000원", True),
        ("Size 12", False),
        ("4.5 out of 5", False),
    ],
)
def test_currency_amounts_in_text(text, found):
    assert cues.has_currency_amount(text) is found


@pytest.mark.parametrize(
    ("path", "product"),
    [
        ("/p/old-man-mask", True),
        ("/Realistic-Mask/dp/B0C1234567", True),
        ("/itm/1234567890", True),
        ("/item.htm?id=6012345", True),
        ("/products/mask", True),
        ("/c/masks", False),
        ("/blog/how-masks-work", False),
    ],
)
def test_product_like_urls(path, product):
    assert cues.is_product_url(path) is product


@pytest.mark.parametrize(
    ("title", "domain", "site_name", "stripped"),
    [
        ("Old Man Mask | FaceWorks Shop", "faceworks.com", None, "Old Man Mask"),
        ("Amazon.com: Latex Mask : Toys", "www.amazon.com", None, "Latex Mask : Toys"),
        ("Máscara | TiendaMascaras", "x.es", "TiendaMascaras", "Máscara"),
        ("Mask - Old Man", "shop.com", None, "Mask - Old Man"),
        ("FaceWorks", "faceworks.com", None, None),
    ],
)
def test_strip_site_name(title, domain, site_name, stripped):
    assert strip_site_name(title, domain, site_name) == stripped


def test_names_site_needs_more_than_a_short_label():
    assert names_site("Amazon.com", "www.amazon.com", None)
    assert not names_site("Amazon basics latex mask, full head", "www.amazon.com", None)


def test_beside_structured_data_the_heuristic_fills_only_title_price_and_availability():
    data = {"@type": "Product", "name": "Mask", "offers": {"price": "10", "priceCurrency": "USD"}}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = (
        "<h1>Mask</h1><span class='price'>$10.00</span><p class='stock'>In stock</p>"
        "<p>Sold by: Someone Else</p><div class='description'>A description the shop's"
        " structured data does not give, long enough to count.</div>"
    )
    listing = extract_listing(HtmlResponse(url=SHOP, body=html(body, head)), "s")
    assert listing.availability == "InStock"  # the gap that sent the page to the heuristic
    assert (listing.seller, listing.description) == (None, None)  # not the shop's own data


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("<h1>Mask</h1>" + "<span class='price'>$1</span>" * 5000, "listing_page"),
        ("<h1>Mask</h1>" + "<div class='price'>" * 200 + "$5" + "</div>" * 200, None),
        ("<title>" + "a | " * 20000 + "</title>", "not_a_product"),
        ("<h1>Mask</h1><div><b>12,00</b>" + "<br>" * 20000 + "€</div>", "not_a_product"),
    ],
    ids=["five-thousand-prices", "deep-nesting", "huge-title", "number-then-many-breaks"],
)
def test_hostile_pages_end_in_a_listing_or_a_reason(body, reason):
    response = HtmlResponse(url=SHOP, body=html(body))
    if reason is None:
        assert extract_listing(response, "s").title == "Mask"
    else:
        with pytest.raises(NotAListing) as info:
            extract_listing(response, "s")
        assert info.value.reason == reason


def test_without_the_heuristic_source_a_plain_page_has_no_structured_data():
    response = page("heuristic_sold_out_ja.html")
    with pytest.raises(NotAListing) as info:
        extract_listing(response, "s", heuristic=False)
    assert info.value.reason == "no_structured_data"
    with pytest.raises(NotAListing) as info:
        extract_listing(page("heuristic_trailing_comma.html"), "s", heuristic=False)
    assert info.value.reason == "broken_jsonld"
    assert extract_listing(response, "s").source_format == "heuristic"


# -- rules found on real pages, each on a page written for it ---------------------------


def read(body: str, url: str = SHOP, head: str = "", lang: str = "en") -> Listing:
    return extract_listing(HtmlResponse(url=url, body=html(body, head, lang)), site="s")


def test_a_stated_out_of_stock_beats_the_buy_button_left_on_the_page():
    body = (
        "<h1>Latex old man mask</h1><p>Weight 1 kg</p><p><b>Availability</b>"
        "<span>Currently not in stock, ask us</span></p><span class='price'>$40.00</span>"
        "<button>Add to cart</button>"
    )
    assert read(body).availability == "OutOfStock"


def test_stock_labels_of_related_product_cards_are_not_the_products():
    card = (
        "<div class='tile'><a href='/p/{0}'>Mask {0}</a><span class='price'>${0}.00</span>"
        "<div class='stock-status'>Out of stock</div></div>"
    )
    body = (
        "<h1>Latex old man mask</h1><span class='price'>$40.00</span>"
        "<button>Add to cart</button><p>Hand-painted latex.</p><h2>You may also like</h2>"
        + "".join(card.format(n) for n in range(11, 15))
    )
    listing = read(body)
    assert (listing.price, listing.availability) == (Decimal("40.00"), "InStock")


def test_a_statement_after_a_long_description_is_still_read():
    filler = "<p>" + "Soft silicone, hand-punched hair, painted by hand. " * 20 + "</p>"
    body = f"<h1>Silicone mask</h1>{filler}<p>In stock: 6</p><span class='price'>$90</span>"
    assert read(body).availability == "InStock"


def test_without_a_heading_the_statement_near_the_price_is_read():
    body = (
        "<div><b>Silicone mask, old man</b><p>Nur noch wenige</p><span class='preis'>"
        "89,00 €</span><p>Derzeit nicht verfügbar</p></div>"
    )
    listing = read(body, head="<title>Silicone mask, old man</title>", lang="de")
    assert listing.availability == "OutOfStock"


@pytest.mark.parametrize(
    ("options", "button", "availability"),
    [
        ("<li>S [Low Stock]</li><li>M [In Stock]</li><li>L [In Stock]</li>", "", "InStock"),
        ("<li>38 sold out</li><li>40 sold out</li><li>42</li>", "<button>Add</button>", "InStock"),
        ("<li>38 sold out</li><li>40 sold out</li>", "", "SoldOut"),
    ],
    ids=["most-available-option", "sold-out-sizes-beside-a-buy-button", "every-option-sold-out"],
)
def test_statements_on_options_give_the_most_available_option(options, button, availability):
    body = (
        f"<h1>Latex mask</h1><span class='price'>$20</span><ul class='sizes'>{options}</ul>"
        + button.replace("Add", "Add to cart")
    )
    assert read(body).availability == availability


def test_out_of_our_stock_but_at_the_supplier_is_a_back_order():
    body = (
        "<h1>Silikonmaske Opa</h1><p><b>nicht lagernd</b><br>44 Stück verfügbar beim "
        "Lieferanten</p><span class='preis'>225,00 €</span><a class='btn'>In den Warenkorb</a>"
    )
    assert read(body, url="https://maskenwerk.de/p/1", lang="de").availability == "BackOrder"


@pytest.mark.parametrize(
    ("prices", "price"),
    [
        (  # a labelled block whose amount is struck through inside it
            "<td class='our-price'>Retail: <strike>$9.99</strike></td>"
            "<td class='our-price'>Online Price: $9.54</td>",
            "9.54",
        ),
        (  # "Why pay" is the comparison price, "Our Price" the one paid; savings never
            "<div><strong>Why Pay:</strong> <span>$19.95</span></div>"
            "<div><strong>Our Price:</strong> <span>$9.49</span></div>"
            "<div><strong>You Save:</strong> <span>$10.46</span></div>",
            "9.49",
        ),
        (  # a class saying both sale and retail decides nothing; the struck one is was
            "<div class='product-sale product-retail'><em>$16.99</em></div>"
            "<div>Retail: <span><strike>$22.99</strike></span></div><p>Gift box $3.00</p>",
            "16.99",
        ),
        (  # quantity tiers and surcharges are not the price of one item
            "<p>Buy 36 or more for $16.14 each.</p><p>+ $4.90 handling</p><p>$16.99</p>",
            "16.99",
        ),
    ],
    ids=["struck-inside-block", "why-pay-our-price-you-save", "both-classes", "tier-surcharge"],
)
def test_the_price_paid_now_among_printed_prices(prices, price):
    body = f"<h1>Latex mask</h1>{prices}<button>Add to cart</button>"
    assert read(body).price == Decimal(price)


def test_shipping_in_italian_is_not_the_price():
    body = (
        "<h1>Maschera in silicone</h1><div>+ &euro; 90,00 di trasporto<br>"
        "<b>&euro; 430,00</b> prezzo online</div>"
    )
    listing = read(body, url="https://negozio.example.it/p/1", lang="it")
    assert (listing.price, listing.currency) == (Decimal("430.00"), "EUR")


def test_a_regular_price_block_without_a_sale_is_the_price():
    body = (
        "<h1>Maska</h1><select><option>G/VS2 +3 500,00 zł</option></select>"
        "<div class='price-box'><span class='regular-price'><span class='price'>"
        "9 900,00 zł</span></span></div>"
    )
    listing = read(body, url="https://sklep.example.pl/p/1", lang="pl")
    assert (listing.price, listing.currency) == (Decimal("9900.00"), "PLN")


def test_a_heading_with_a_stock_statement_and_no_price_is_a_product():
    body = "<h1>Silikonmaske Opa</h1><p>EAN 4006381333931</p><p>Lagerstand: nicht lagernd</p>"
    listing = read(body, url="https://maskenwerk.de/p/2", lang="de")
    assert (listing.title, listing.price, listing.availability) == (
        "Silikonmaske Opa",
        None,
        "OutOfStock",
    )
    with pytest.raises(NotAListing) as info:
        read("<h1>Our story</h1><p>We started in 2009 in a small workshop.</p>")
    assert info.value.reason == "not_a_product"


def test_elements_hidden_by_class_are_not_read_unless_shown_at_some_size():
    body = (
        "<h1>Latex mask</h1><span class='price'>$43.80</span>"
        "<a href='#' class='btn'>Add to cart</a><a href='#' class='displaynone soldout'>"
        "SOLD OUT</a><p class='d-none'>$1.00</p>"
    )
    listing = read(body)
    assert (listing.price, listing.availability) == (Decimal("43.80"), "InStock")
    shown = "<h1>Latex mask</h1><span class='price hidden md:block'>$43.80</span>"
    assert read(shown).price == Decimal("43.80")


@pytest.mark.parametrize(
    ("classes", "hidden"),
    [
        ("hidden", True),
        ("d-none", True),
        ("product displaynone", True),
        ("hidden md:block", False),
        ("d-none d-lg-flex", False),
        ("hidden-xs", False),
        ("sr-only", False),
        ("unhidden", False),
    ],
)
def test_hidden_classes(classes, hidden):
    assert cues.is_hidden_class(classes) is hidden


@pytest.mark.parametrize(
    ("price_html", "price", "currency"),
    [
        (
            "<a><font>225,00</font><br><font>€ inkl. 20% USt.<br>Einzelpreis</font></a>",
            "225.00",
            "EUR",
        ),
        ("<div><sup>€</sup><b>89</b></div>", "89", "EUR"),
        ("<p><b>1.299,00</b> EUR</p>", "1299.00", "EUR"),
        ("<p>Artikel <b>4711</b> in Farbe <b>12</b></p>", None, None),
    ],
    ids=["currency-in-next-element", "currency-before", "currency-in-tail", "no-currency"],
)
def test_a_price_set_in_two_elements(price_html, price, currency):
    body = f"<h1>Silikonmaske</h1>{price_html}<button>In den Warenkorb</button>"
    listing = read(body, url="https://maskenwerk.at/p/3", lang="de")
    assert listing.price == (Decimal(price) if price else None)
    assert listing.currency == currency


@pytest.mark.parametrize(
    ("headings", "title_tag", "title"),
    [
        (
            "<h1>Menu</h1><h1>Silicone mask, old man</h1>",
            "Silicone old man mask | Shop",
            "Silicone mask, old man",
        ),
        (
            "<h1>New arrivals</h1><h2>Latex mask M-42</h2>",
            "Latex mask M-42 | Shop",
            "Latex mask M-42",
        ),
        ("<h1>Latex mask</h1><h2>Latex mask reviews</h2>", "Latex mask - Shop", "Latex mask"),
        ("<h1>Welcome</h1>", "Latex mask | Shop", "Welcome"),
        ("<h1>Bomber mask <span class='p'>$24.99</span> <s>$39.99</s></h1>", "", "Bomber mask"),
        ("<h1>HEART CLUB<br>Knit mask</h1>", "", "HEART CLUB Knit mask"),
    ],
    ids=["menu-h1", "h2-agrees", "h1-wins-a-tie", "nothing-agrees", "prices-in-h1", "br"],
)
def test_the_heading_that_agrees_with_the_title_tag_is_the_title(headings, title_tag, title):
    head = f"<title>{title_tag}</title>" if title_tag else ""
    body = f"{headings}<span class='price'>$20.00</span><button>Add to cart</button>"
    assert read(body, head=head).title == title


def test_a_page_of_cards_each_with_its_buy_button_is_a_listing_page():
    card = (
        "<div class='item'><a href='/p/{n}'>Shopping bag {n}</a>"
        "<span class='price'>230 руб.</span><button>В корзину</button></div>"
    )
    body = "<h1>Хозяйственные сумки</h1>" + "".join(card.format(n=n) for n in range(3))
    with pytest.raises(NotAListing) as info:
        read(body, url="https://sumki.example.ru/catalog/1", lang="ru")
    assert info.value.reason == "listing_page"
    # one product's own price beside the cards keeps it a product page
    own = "<h1>Сумка</h1><p class='cost'>990 руб.</p><button>В корзину</button>"
    listing = read(own + "".join(card.format(n=n) for n in range(3)), lang="ru")
    assert listing.price == Decimal("990")


def test_link_texts_are_not_stock_statements():
    body = (
        "<h1>Mask &amp; More</h1><h2>Popular searches</h2><ul>"
        "<li><a href='/search?q=made+to+order'>custom face mask made to order</a></li>"
        "<li><a href='/c/in-stock'>In stock now</a></li></ul>"
    )
    with pytest.raises(NotAListing) as info:
        read(body, url="http://127.0.0.1:8080/")
    assert info.value.reason == "not_a_product"
    in_page = "<h1>Latex mask</h1><p><a href='#stock'>Out of stock</a></p>"
    assert read(in_page).availability == "OutOfStock"  # a link within the page still says it


def test_the_state_of_an_option_a_buyer_cannot_choose_is_not_the_products():
    offers = (
        "<ul><li><input type='radio' name='o' disabled><label><div>Used</div>"
        "<strong>Non disponible</strong></label></li><li><input type='radio' name='o'>"
        "<label><div>New</div><strong>22,50 €</strong></label></li></ul>"
    )
    listing = read(
        f"<h1>Masque réaliste</h1>{offers}", url="https://boutique.example.fr/p/1", lang="fr"
    )
    assert (listing.price, listing.availability) == (Decimal("22.50"), None)
    chosen = offers.replace(" disabled", "")
    listing = read(
        f"<h1>Masque réaliste</h1>{chosen}", url="https://boutique.example.fr/p/1", lang="fr"
    )
    assert listing.availability == "OutOfStock"
