"""The documented rules of extraction: which offer, which source, which price, bad input."""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import markup as markup_module
from maskscreen.crawler.extract.fields import (
    normalize_availability,
    stated_availabilities,
    trie_pattern,
)
from maskscreen.crawler.extract.markup import detect_syntaxes, parse_jsonld_blocks
from maskscreen.crawler.extract.page import NotAListing, extract_listing, parse_page
from maskscreen.crawler.extract.selectors import validate_profile

D = Decimal


def html_page(head: str = "", body: str = "", lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Page title - Shop</title>{head}</head><body>{body}</body></html>"
    )


def jsonld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def respond(text: str, url: str = "https://shop.example/p/1") -> HtmlResponse:
    return HtmlResponse(url=url, body=text.encode("utf-8"))


def product(**fields) -> dict:
    return {"@context": "https://schema.org", "@type": "Product", "name": "Silicone Mask", **fields}


def offer(price, currency="USD", **fields) -> dict:
    return {"@type": "Offer", "price": price, "priceCurrency": currency, **fields}


def spec(price, price_type=None) -> dict:
    out = {"@type": "UnitPriceSpecification", "price": price, "priceCurrency": "USD"}
    if price_type:
        out["priceType"] = price_type
    return out


# -- which price ----------------------------------------------------------------

PRICE_RULES = [
    (
        "sale price in offers.price beats a ListPrice specification",
        offer(129, priceSpecification=[spec(199, "https://schema.org/ListPrice")]),
        D("129"),
    ),
    (
        "a SalePrice specification below offers.price wins",
        offer(199, priceSpecification=spec(129, "https://schema.org/SalePrice")),
        D("129"),
    ),
    (
        "a StrikethroughPrice never wins over the current price",
        offer("89.00", priceSpecification=[spec("59.00", "StrikethroughPrice")]),
        D("89.00"),
    ),
    (
        "a list price counts when nothing else is stated",
        {"@type": "Offer", "priceSpecification": [spec(75, "ListPrice")]},
        D("75"),
    ),
    ("several offers: the lowest", [offer(300), offer(250), offer(275)], D("250")),
    ("a zero price is a placeholder", [offer(0), offer(49)], D("49")),
    # schema.org's price is a number with a "." decimal point, in any currency
    ("a schema.org number in euros keeps its point", offer("224.904", "EUR"), D("224.90")),
    ("a JSON number is rounded to cents", offer(19.999, "EUR"), D("20.00")),
    ("a printed price in offers is read as printed", offer("1.299,00 €", "EUR"), D("1299.00")),
    (
        "an offer without a price is skipped",
        [{"@type": "Offer", "availability": "InStock"}, offer(30)],
        D("30"),
    ),
    (
        "AggregateOffer: lowPrice",
        {
            "@type": "AggregateOffer",
            "lowPrice": "8800",
            "highPrice": "23000",
            "priceCurrency": "CNY",
        },
        D("8800"),
    ),
    (
        "AggregateOffer without lowPrice: its lowest member",
        {"@type": "AggregateOffer", "offers": [offer(60), offer(45)]},
        D("45"),
    ),
]


@pytest.mark.parametrize(
    ("case", "offers", "price"), PRICE_RULES, ids=[row[0] for row in PRICE_RULES]
)
def test_price_is_what_a_buyer_pays_now(case, offers, price):
    listing = extract_listing(respond(html_page(jsonld(product(offers=offers)))), "s")
    assert listing.price == price


def test_lowest_offer_gives_currency_seller_and_availability():
    offers = [
        offer(90, "EUR", availability="InStock", seller={"name": "A"}),
        offer(
            80,
            "EUR",
            availability="https://schema.org/BackOrder",
            seller={"name": "B", "url": "/sellers/b"},
        ),
    ]
    listing = extract_listing(respond(html_page(jsonld(product(offers=offers)))), "s")
    assert (
        listing.price,
        listing.currency,
        listing.seller,
        listing.seller_url,
        listing.availability,
    ) == (D("80"), "EUR", "B", "https://shop.example/sellers/b", "BackOrder")


def test_product_group_takes_its_name_and_the_lowest_variant_a_buyer_can_have():
    group = {
        "@context": "https://schema.org",
        "@type": "ProductGroup",
        "name": "Realistic Face Mask",
        "description": "Choose a skin tone.",
        "productGroupID": "RFM",
        "image": "/img/rfm.jpg",
        "hasVariant": [
            {
                "@type": "Product",
                "name": "Realistic Face Mask - Light",
                "sku": "RFM-L",
                "offers": offer(320, availability="InStock"),
            },
            {
                "@type": "Product",
                "name": "Realistic Face Mask - Dark",
                "sku": "RFM-D",
                "offers": offer(299, availability="OutOfStock"),
            },
        ],
    }
    listing = extract_listing(respond(html_page(jsonld(group))), "s")
    assert (
        listing.title,
        listing.description,
        listing.external_id,
        listing.price,
        listing.availability,
        listing.images,
    ) == (
        "Realistic Face Mask",
        "Choose a skin tone.",
        "RFM",
        D("320"),
        "InStock",
        ["https://shop.example/img/rfm.jpg"],
    )


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ("SoldOut", (D("199"), "InStock")),  # the cheaper variant cannot be had
        ("InStock", (D("150"), "InStock")),
    ],
)
def test_sold_out_offer_does_not_set_the_price(second, expected):
    offers = [
        offer(199, availability="https://schema.org/InStock"),
        offer(150, availability=f"https://schema.org/{second}"),
    ]
    listing = extract_listing(respond(html_page(jsonld(product(offers=offers)))), "s")
    assert (listing.price, listing.availability) == expected


def test_every_offer_sold_out_still_gives_the_lowest_price():
    offers = [
        offer(199, availability="https://schema.org/OutOfStock"),
        offer(150, availability="https://schema.org/SoldOut"),
    ]
    listing = extract_listing(respond(html_page(jsonld(product(offers=offers)))), "s")
    assert (listing.price, listing.availability) == (D("150"), "SoldOut")


def test_product_group_variants_by_reference_in_a_graph():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Product",
                "@id": "#v1",
                "name": "Mask - S",
                "offers": offer(60),
                "isVariantOf": {"@id": "#group"},
            },
            {
                "@type": "ProductGroup",
                "@id": "#group",
                "name": "Mask",
                "hasVariant": [{"@id": "#v1"}, {"@id": "#v2"}],
            },
            {"@type": "Product", "@id": "#v2", "name": "Mask - L", "offers": offer(55)},
        ],
    }
    listing = extract_listing(respond(html_page(jsonld(graph))), "s")
    assert (listing.title, listing.price) == ("Mask", D("55"))


@pytest.mark.parametrize(
    "type_",
    [
        "Product",
        "product",
        "schema:Product",
        "http://schema.org/Product",
        ["Thing", "Product"],
        "IndividualProduct",
    ],
)
def test_product_types_in_any_spelling(type_):
    data = {**product(offers=offer(10)), "@type": type_}
    assert extract_listing(respond(html_page(jsonld(data))), "s").price == D("10")


# -- which source --------------------------------------------------------------

OG = (
    '<meta property="og:type" content="product">'
    '<meta property="og:title" content="OG title">'
    '<meta property="og:description" content="OG description">'
    '<meta property="product:price:amount" content="5.00">'
    '<meta property="product:price:currency" content="GBP">'
)
PROFILE = {
    "title": "xpath://title/text()",
    "description": "css:#d::text",
    "price": "css:.price::text",
}


@pytest.mark.parametrize(
    ("og_title", "heading", "title"),
    [
        ("Latex Cardigan Mask 6468744 | Maskhouse", "Latex Cardigan Mask", "Latex Cardigan Mask"),
        ("HEART CLUBKnit Mask | Maskhouse", "HEART CLUB<br>Knit Mask", "HEART CLUB Knit Mask"),
        ("Latex Cardigan Mask", "Reviews", "Latex Cardigan Mask"),
    ],
    ids=["sku-and-site", "glued-words", "heading-not-inside"],
)
def test_visible_heading_beats_an_og_title_that_decorates_it(og_title, heading, title):
    head = (
        '<meta property="og:type" content="product">'
        f'<meta property="og:title" content="{og_title}">'
        '<meta property="product:price:amount" content="5.00">'
        '<meta property="product:price:currency" content="GBP">'
    )
    text = html_page(head, f"<h1>{heading}</h1><p>In stock</p>")
    listing = extract_listing(respond(text), "s")
    assert (listing.title, listing.source_format) == (title, "opengraph")


def test_jsonld_name_beats_opengraph_profile_and_page_title():
    text = html_page(
        jsonld(product(offers=offer(10))) + OG,
        '<p id="d">profile description</p><p class="price">$1</p>',
    )
    listing = extract_listing(respond(text), "s", profile=PROFILE)
    assert (listing.title, listing.source_format) == ("Silicone Mask", "jsonld")


def test_later_sources_only_fill_missing_fields():
    text = html_page(jsonld(product(offers=offer(10))) + OG, '<p id="d">profile description</p>')
    listing = extract_listing(respond(text), "s", profile=PROFILE)
    # description: JSON-LD has none, OpenGraph is next; price stays with JSON-LD
    assert (listing.description, listing.price, listing.currency) == (
        "OG description",
        D("10"),
        "USD",
    )


def test_a_product_without_a_name_takes_a_later_source_title():
    data = {"@context": "https://schema.org", "@type": "Product", "offers": offer(10)}
    listing = extract_listing(respond(html_page(jsonld(data) + OG)), "s")
    assert (listing.title, listing.price, listing.source_format) == ("OG title", D("10"), "jsonld")


def test_price_and_currency_stay_together_and_a_declared_currency_fills_in():
    data = product(offers={"@type": "Offer", "price": "88"})  # no currency
    listing = extract_listing(respond(html_page(jsonld(data) + OG)), "s")
    assert (listing.price, listing.currency) == (D("88"), "GBP")


def test_a_currency_code_that_is_no_currency_gives_way_to_the_printed_one():
    # microdata declares "UAN" (a typo); the visible price says грн
    body = (
        '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Battery BL-44</h1>'
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        '<meta itemprop="price" content="253"><meta itemprop="priceCurrency" content="UAN">'
        '</div></div><p class="price">Цена: 253.0 грн</p><button>Купить</button>'
    )
    listing = extract_listing(respond(html_page(body=body, lang="ru")), "s")
    assert (listing.price, listing.currency) == (D("253"), "UAH")


def test_profile_alone_gives_a_css_listing_with_a_literal_currency():
    text = html_page(body='<h1 class="t">定制面具</h1><span class="p">8800</span>', lang="zh")
    profile = {"title": "css:h1.t::text", "price": "css:.p::text", "currency": "CNY"}
    listing = extract_listing(respond(text), "s", profile=profile)
    assert (listing.title, listing.price, listing.currency, listing.source_format) == (
        "定制面具",
        D("8800"),
        "CNY",
        "css",
    )


def test_profile_that_matches_nothing_is_not_a_listing():
    with pytest.raises(NotAListing) as info:
        extract_listing(
            respond(html_page(body="<p>hi</p>")), "s", profile={"title": "css:h1::text"}
        )
    assert info.value.reason == "not_a_product"  # nor does the page read as a product


# -- ¥ is never guessed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "lang", "currency"),
    [
        ("https://masks.example.com/p/1", "en", None),
        ("https://masks.example.jp/p/1", "en", "JPY"),
        ("https://masks.example.com.cn/p/1", "en", "CNY"),
        ("https://masks.example.com/p/1", "ja-JP", "JPY"),
        ("https://masks.example.jp/p/1", "zh-CN", "CNY"),  # the language before the domain
    ],
)
def test_yen_resolved_from_language_or_domain(url, lang, currency, caplog):
    data = product(offers={"@type": "Offer", "price": "¥8800"})
    with caplog.at_level(logging.INFO, logger="maskscreen.crawler.extract.prices"):
        listing = extract_listing(respond(html_page(jsonld(data), lang=lang), url), "s")
    assert (listing.price, listing.currency) == (D("8800"), currency)
    if currency is None:
        assert "¥ left without a currency" in caplog.text


# -- syntaxes: detect before parsing -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "syntaxes"),
    [
        ('<script type="application/ld+json">{}</script>', ["json-ld"]),
        ("<SCRIPT TYPE='Application/LD+JSON'>{}</SCRIPT>", ["json-ld"]),
        ('<div itemscope itemtype="https://schema.org/Product">', ["microdata"]),
        ('<body vocab="https://schema.org/"><div typeof="Product">', ["rdfa"]),
        ('<meta property="og:title" content="x">', ["opengraph"]),
        ('<meta property="product:price:amount" content="1">', ["opengraph"]),
        ('<div TYPEOF = "Product">', ["rdfa"]),
        ('<body vocab\n="https://schema.org/">', ["rdfa"]),
        ("<p>a blog: typeof x, nothing here</p>", []),
        (
            '<script type="application/ld+json"></script><meta property="og:type" content="x">',
            ["json-ld", "opengraph"],
        ),
    ],
)
def test_detect_syntaxes(text, syntaxes):
    assert detect_syntaxes(text) == syntaxes


@pytest.mark.parametrize(
    "block",
    [
        '{"a": 1}',
        ' \n{"a": 1}\n ',
        '<!--\n{"a": 1}\n-->',
        '  <!-- {"a": 1} -->  \n',
        '//<![CDATA[\n{"a": 1}\n//]]>',
        '// <![CDATA[{"a": 1}// ]]>\n',
        '<![CDATA[{"a": 1}]]>',
        '{"a": 1}\n-->',
        '<!--{"a": 1}',
    ],
)
def test_jsonld_blocks_lose_comment_and_cdata_wrappers(block):
    selector = parse_page(html_page(head=f'<script type="application/ld+json">{block}</script>'))
    assert parse_jsonld_blocks(selector) == ([{"a": 1}], 0)


def test_jsonld_text_that_only_looks_like_a_wrapper_is_kept():
    block = '{"a": "<!-- x -->"}'
    selector = parse_page(html_page(head=f'<script type="application/ld+json">{block}</script>'))
    assert parse_jsonld_blocks(selector) == ([{"a": "<!-- x -->"}], 0)


@pytest.mark.parametrize(
    ("head", "body", "called"),
    [
        (jsonld(product(offers=offer(1))), "", []),
        (
            "",
            (
                '<div itemscope itemtype="https://schema.org/Product">'
                '<span itemprop="name">M</span></div>'
            ),
            [["microdata"]],
        ),
        (OG, "", [["opengraph"]]),
    ],
)
def test_extruct_runs_only_for_the_syntaxes_present(head, body, called, monkeypatch):
    calls = []
    real = markup_module.extruct.extract

    def spy(*args, **kwargs):
        calls.append(kwargs["syntaxes"])
        return real(*args, **kwargs)

    monkeypatch.setattr(markup_module.extruct, "extract", spy)
    extract_listing(respond(html_page(head, body)), "s")
    assert calls == called


# -- bad input: never anything but NotAListing --------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not_a_product"),
        (b"   \n ", "not_a_product"),
        (b"\x00\x01\x02\xff\xfe garbage \x80\x81", "not_a_product"),
        (b"<html><head><script type='application/ld+json'>null</script>", "no_product"),
        (b"<script type='application/ld+json'>[1, \"x\", null, []]</script>", "no_product"),
        (b'<script type=\'application/ld+json\'>{"@type": 5, "name": {}}</script>', "no_product"),
        (
            (b'<script type=\'application/ld+json\'>{"@type": "Product", "name": [null]}</script>'),
            "no_title",
        ),
        (
            (
                b"<div itemscope itemtype='https://schema.org/Product'><div itemprop='offers' itemscope>"
                b"</div></div>"
            ),
            "no_title",
        ),
        (
            (
                b"<div vocab='https://schema.org/' typeof='Product'><span property='price'>x</span>"
                b"</div>"
            ),
            "no_title",
        ),
        (b"<meta property='og:type' content='product'>", "no_title"),
    ],
)
def test_bad_input_raises_only_not_a_listing(body, reason):
    with pytest.raises(NotAListing) as info:
        extract_listing(HtmlResponse(url="https://shop.example/x", body=body), "s")
    assert info.value.reason == reason


def test_broken_jsonld_does_not_hide_microdata():
    text = html_page(
        '<script type="application/ld+json">{"@type": "Product", "name": </script>',
        '<div itemscope itemtype="https://schema.org/Product">'
        '<span itemprop="name">Latex Mask</span></div>',
    )
    listing = extract_listing(respond(text), "s")
    assert (listing.title, listing.price, listing.source_format) == (
        "Latex Mask",
        None,
        "microdata",
    )


def test_a_five_megabyte_page_is_extracted():
    filler = "<div class='review'><p>Great mask, looks real! ★★★★★</p></div>\n" * 80_000
    text = html_page(jsonld(product(offers=offer("59.00"))), filler + "<p>" + "x" * 500_000)
    assert len(text.encode("utf-8")) > 5_000_000
    listing = extract_listing(respond(text), "s")
    assert (listing.title, listing.price) == ("Silicone Mask", D("59.00"))


# -- profiles and availability ----------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "problems"),
    [
        (
            {
                "title": "css:h1::text",
                "price": ["css:.sale::text", "xpath://span[@class='p']"],
                "currency": "CNY",
                "language": "zh-CN",
            },
            [],
        ),
        ({"titel": "css:h1"}, ["titel: unknown field"]),
        ({"title": "h1.title"}, ["title: 'h1.title' must start with css: or xpath:"]),
        ({"title": "css:h1[[["}, ["title: 'css:h1[[[': invalid css selector"]),
        ({"price": "xpath://div[@"}, ["price: 'xpath://div[@': invalid xpath selector"]),
        ({"images": 3}, ["images: expected a selector string, got 3"]),
    ],
)
def test_validate_profile(profile, problems):
    got = validate_profile(profile)
    assert len(got) == len(problems)
    assert all(line.startswith(expected) for line, expected in zip(got, problems, strict=False))


def test_an_invalid_profile_is_a_value_error():
    with pytest.raises(ValueError, match="titel: unknown field"):
        extract_listing(respond(html_page(body="<h1>x</h1>")), "s", profile={"titel": "css:h1"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.org/InStock", "InStock"),
        ("http://schema.org/OutOfStock", "OutOfStock"),
        ("schema:SoldOut", "SoldOut"),
        ("PreOrder", "PreOrder"),
        ("discontinued", "Discontinued"),
        ("LimitedAvailability", "LimitedAvailability"),
        ("https://schema.org/BackOrder/", "BackOrder"),
        ("in stock", "InStock"),
        ("out_of_stock", "OutOfStock"),
        ("Sold Out!", "SoldOut"),
        ("pre-order", "PreOrder"),
        ("有货", "InStock"),
        ("缺货", "OutOfStock"),
        ("已售罄", "SoldOut"),
        ("在庫あり", "InStock"),
        ("現貨", "InStock"),
        ("maybe", None),
        ("", None),
        (None, None),
        (["InStock", "OutOfStock"], "InStock"),
    ],
)
def test_normalize_availability(value, expected):
    assert normalize_availability(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("库存：有货", "InStock"),
        ("In stock - ships today", "InStock"),
        ("Currently out of stock", "OutOfStock"),
        ("该商品已售罄", "SoldOut"),
        ("Ask the seller", None),
    ],
)
def test_normalize_availability_searches_shop_text(text, expected):
    assert normalize_availability(text, search=True) == expected


def test_trie_pattern_matches_the_longest_word_like_an_alternation():
    words = ["in stock", "instock", "out of stock", "not in stock", "in", "品切れ", "品"]
    trie = re.compile(trie_pattern(words))
    plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    for text in ["not in stock", "x instock y", "品切れです", "品", "inn", "zzz", "out of sto"]:
        a, b = trie.search(text), plain.search(text)
        assert (a and a.span()) == (b and b.span()), text


def test_stated_availabilities_gives_the_first_statement_of_each_text():
    texts = ["Size S: sold out", "Size M: In stock, in stock", "Delivery", "Nicht lagernd"]
    assert stated_availabilities(texts) == ["SoldOut", "InStock", "OutOfStock"]
    assert stated_availabilities(["in", "stock"]) == []  # no statement spans two texts
