"""HTML for the demo shop. Every text is HTML-escaped; JSON-LD is escaped for <script>.

Product pages vary their JSON-LD the way real shops do (plain Product, @graph,
a top-level array, AggregateOffer, productID and numeric prices) so a crawl of
the demo exercises the extractor's branches. With `markup="microdata"` the same
page carries schema.org microdata (itemscope/itemprop) and no JSON-LD.
"""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape
from urllib.parse import quote, urlencode

from maskscreen.crawler.demo.catalog import (
    BAD_LINKS_CATEGORY,
    BROKEN_JSONLD_PATH,
    CATEGORIES,
    DEAD_LINK_PATH,
    DISALLOWED_PATH,
    NO_STRUCTURED_DATA_PATH,
    SEARCHES,
    Page,
)

SHOP_NAME = "Mask & More Demo Shop"
ROBOTS_TXT = f"User-agent: *\nDisallow: {DISALLOWED_PATH}\n"
_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "CNY": "￥", "TWD": "NT$"}
PLACEHOLDER_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300">'
    '<rect width="100%" height="100%" fill="#ddd"/></svg>'
)


def script_json(data: object) -> str:
    """JSON safe inside <script>: no "</script>", "<!--" or "&" can end or confuse it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def jsonld_tag(data: object) -> str:
    return f'<script type="application/ld+json">\n{script_json(data)}\n</script>'


def product_path(product: dict) -> str:
    return f"/p/{product['slug']}"


def seller_path(seller: str) -> str:
    return "/seller/" + quote(seller, safe="")


def display_price(product: dict) -> str:
    amount = Decimal(product["price"])
    digits = f"{amount:,.0f}" if product["currency"] == "TWD" else f"{amount:,.2f}"
    return f"{_SYMBOLS.get(product['currency'], product['currency'] + ' ')}{digits}"


def layout(
    title: str, body: str, *, lang: str = "en", head: str = "", charset: str = "utf-8"
) -> str:
    nav = " | ".join(
        f'<a href="/c/{slug}">{escape(en)}</a>' for slug, (en, _zh) in CATEGORIES.items()
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n'
        f'<meta charset="{charset}">\n<title>{escape(title)} - {escape(SHOP_NAME)}</title>\n'
        f"{head}\n</head>\n<body>\n"
        f'<header><a href="/">{escape(SHOP_NAME)}</a> | <a href="{DISALLOWED_PATH}">Cart</a>'
        f"<nav>{nav}</nav></header>\n<main>\n{body}\n</main>\n"
        "<footer>A demo shop bundled with maskscreen. No real products.</footer>\n"
        "</body>\n</html>\n"
    )


def home_page(base: str) -> str:
    categories = "\n".join(
        f'<li><a href="/c/{slug}">{escape(en)} / {escape(zh)}</a></li>'
        for slug, (en, zh) in CATEGORIES.items()
    )
    searches = "\n".join(
        f'<li><a href="/search?{urlencode({"q": q})}">{escape(q)}</a></li>' for q in SEARCHES
    )
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": SHOP_NAME,
        "url": base + "/",
        "potentialAction": {
            "@type": "SearchAction",
            "target": base + "/search?q={search_term_string}",
            "query-input": "required name=search_term_string",
        },
    }
    body = (
        f"<h1>{escape(SHOP_NAME)}</h1>\n<h2>Categories</h2>\n<ul>{categories}</ul>\n"
        f"<h2>Popular searches</h2>\n<ul>{searches}</ul>"
    )
    return layout("Home", body, head=jsonld_tag(website))


def _product_list(items: list[dict]) -> str:
    return (
        '<ul class="products">\n'
        + "\n".join(
            f'<li><a href="{product_path(p)}">{escape(p["title"])}</a> '
            f'<span class="price">{escape(display_price(p))}</span></li>'
            for p in items
        )
        + "\n</ul>"
    )


def _pagination(path: str, params: dict, page: Page) -> tuple[str, str]:
    """(head links, body links) for rel=prev/next and numbered pages."""

    def url(n: int) -> str:
        query = {**params, **({"page": n} if n > 1 else {})}
        return path + ("?" + urlencode(query) if query else "")

    head, links = [], []
    if page.has_prev:
        head.append(f'<link rel="prev" href="{escape(url(page.number - 1))}">')
        links.append(f'<a rel="prev" href="{escape(url(page.number - 1))}">&laquo; Prev</a>')
    for n in range(1, page.count + 1):
        links.append(
            f"<strong>{n}</strong>" if n == page.number else f'<a href="{escape(url(n))}">{n}</a>'
        )
    if page.has_next:
        head.append(f'<link rel="next" href="{escape(url(page.number + 1))}">')
        links.append(f'<a rel="next" href="{escape(url(page.number + 1))}">Next &raquo;</a>')
    return "\n".join(head), f'<nav class="pagination">{" ".join(links)}</nav>'


def category_page(base: str, slug: str, page: Page, clearance: bool = True) -> str:
    en, zh = CATEGORIES[slug]
    head, pager = _pagination(f"/c/{slug}", {}, page)
    collection = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": en,
        "url": f"{base}/c/{slug}",
        "breadcrumb": {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": base + "/"},
                {"@type": "ListItem", "position": 2, "name": en, "item": f"{base}/c/{slug}"},
            ],
        },
    }
    extra = ""
    if clearance and slug == BAD_LINKS_CATEGORY and page.number == 1:
        extra = (
            '<h2>Clearance</h2>\n<ul class="clearance">\n'
            f'<li><a href="{BROKEN_JSONLD_PATH}">Mystery mask (clearance)</a></li>\n'
            f'<li><a href="{NO_STRUCTURED_DATA_PATH}">Gift card</a></li>\n'
            f'<li><a href="{DEAD_LINK_PATH}">Latex pig mask (discontinued)</a></li>\n</ul>'
        )
    body = f"<h1>{escape(en)} / {escape(zh)}</h1>\n{_product_list(page.items)}\n{pager}\n{extra}"
    return layout(f"{en} - page {page.number}", body, head=head + "\n" + jsonld_tag(collection))


def search_page(base: str, query: str, page: Page, total: int) -> str:
    head, pager = _pagination("/search", {"q": query}, page)
    results = {
        "@context": "https://schema.org",
        "@type": "SearchResultsPage",
        "name": f"Search: {query}",
        "url": f"{base}/search?{urlencode({'q': query})}",
    }
    body = (
        f"<h1>Search results for &ldquo;{escape(query)}&rdquo; ({total})</h1>\n"
        f"{_product_list(page.items)}\n{pager}"
    )
    return layout(f"Search: {query}", body, head=head + "\n" + jsonld_tag(results))


def seller_page(base: str, seller: str, items: list[dict]) -> str:
    profile = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": seller,
        "url": base + seller_path(seller),
    }
    body = f"<h1>{escape(seller)}</h1>\n{_product_list(items)}"
    return layout(seller, body, head=jsonld_tag(profile))


def product_jsonld(base: str, p: dict) -> object:
    """schema.org Product for `p`, in one of five shapes chosen by its id."""
    url = base + product_path(p)
    image = f"{base}/img/{p['slug']}.svg"
    seller = {"@type": "Organization", "name": p["seller"], "url": base + seller_path(p["seller"])}
    availability = f"https://schema.org/{p['availability']}"
    offer = {
        "@type": "Offer",
        "price": p["price"],
        "priceCurrency": p["currency"],
        "availability": availability,
        "url": url,
        "seller": seller,
    }
    product: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": p["title"],
        "description": p["description"],
        "sku": f"MS-{p['id']:04d}",
        "image": [image],
        "category": CATEGORIES[p["category"]][0],
        "url": url,
        "offers": offer,
    }
    if p["brand"]:
        product["brand"] = {"@type": "Brand", "name": p["brand"]}
    shape = p["id"] % 5
    if shape == 1:  # @graph, offers as a list, brand as a string, ImageObject
        product.pop("@context")
        product["offers"] = [offer]
        product["image"] = {"@type": "ImageObject", "url": image}
        if p["brand"]:
            product["brand"] = p["brand"]
        return {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "@id": url, "url": url, "name": p["title"]},
                {"@type": "Organization", "name": SHOP_NAME, "url": base + "/"},
                product,
            ],
        }
    if shape == 2:  # a top-level array, "@type" as a list
        product["@type"] = ["Product"]
        product["image"] = image
        crumbs = {
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": base + "/"}
            ],
        }
        return [crumbs, product]
    if shape == 3:  # AggregateOffer
        product["offers"] = {
            "@type": "AggregateOffer",
            "lowPrice": p["price"],
            "highPrice": str(Decimal(p["price"]) * 2),
            "offerCount": 2,
            "priceCurrency": p["currency"],
            "availability": availability,
            "seller": seller,
        }
    if shape == 4:  # productID instead of sku, a numeric price, http:// availability
        product["productID"] = product.pop("sku")
        offer["price"] = float(p["price"])
        offer["availability"] = availability.replace("https://", "http://")
    return product


def product_microdata(base: str, p: dict) -> str:
    """The product as schema.org microdata: name, image, description, sku, brand, offer."""
    brand = (
        '<div itemprop="brand" itemscope itemtype="https://schema.org/Brand">Brand: '
        f'<span itemprop="name">{escape(p["brand"])}</span></div>\n'
        if p["brand"]
        else ""
    )
    return (
        '<div itemscope itemtype="https://schema.org/Product">\n'
        f'<h1 itemprop="name">{escape(p["title"])}</h1>\n'
        f'<img itemprop="image" src="/img/{p["slug"]}.svg" alt="">\n'
        f'<meta itemprop="sku" content="MS-{p["id"]:04d}">\n'
        f'<meta itemprop="category" content="{escape(CATEGORIES[p["category"]][0])}">\n{brand}'
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">\n'
        f'<meta itemprop="priceCurrency" content="{escape(p["currency"])}">'
        f'<p class="price"><span itemprop="price" content="{escape(p["price"])}">'
        f"{escape(display_price(p))}</span></p>\n"
        f'<link itemprop="availability" href="https://schema.org/{escape(p["availability"])}">\n'
        '<p itemprop="seller" itemscope itemtype="https://schema.org/Organization">Sold by '
        f'<a itemprop="url" href="{escape(base + seller_path(p["seller"]))}">'
        f'<span itemprop="name">{escape(p["seller"])}</span></a></p>\n</div>\n'
        f'<div class="description" itemprop="description">{escape(p["description"])}</div>\n'
        "</div>"
    )


def product_page(
    base: str, p: dict, related: list[dict], charset: str = "utf-8", markup: str = "jsonld"
) -> str:
    canonical = base + product_path(p)
    en, _zh = CATEGORIES[p["category"]]
    brand = f"<p>Brand: {escape(p['brand'])}</p>\n" if p["brand"] else ""
    related_links = "\n".join(
        f'<li><a href="{product_path(r)}?ref=related&amp;utm_source=demo&amp;utm_medium=related">'
        f"{escape(r['title'])}</a></li>"
        for r in related
    )
    body = (
        f'<p><a href="/">Home</a> &rsaquo; <a href="/c/{p["category"]}">{escape(en)}</a></p>\n'
        f'<h1>{escape(p["title"])}</h1>\n<img src="/img/{p["slug"]}.svg" alt="">\n'
        f'<p class="price">{escape(display_price(p))}</p>\n{brand}'
        f'<p>Sold by <a href="{seller_path(p["seller"])}">{escape(p["seller"])}</a></p>\n'
        f'<div class="description">{escape(p["description"])}</div>\n'
        f"<h2>Related</h2>\n<ul>{related_links}</ul>"
    )
    head = f'<link rel="canonical" href="{escape(canonical)}">'
    if markup == "microdata":
        crumbs = body.split("\n", 1)[0]
        body = f"{crumbs}\n{product_microdata(base, p)}\n<h2>Related</h2>\n<ul>{related_links}</ul>"
    else:
        head += "\n" + jsonld_tag(product_jsonld(base, p))
    return layout(p["title"], body, lang=p["language"], head=head, charset=charset)


def broken_jsonld_page(base: str) -> str:
    """A product page whose JSON-LD was cut off mid-object (a real template bug)."""
    broken = (
        '<script type="application/ld+json">\n{"@context": "https://schema.org", '
        '"@type": "Product", "name": "Mystery Mask (clearance)", "offers": {"price": '
        "\n</script>"
    )
    head = f'<link rel="canonical" href="{base}{BROKEN_JSONLD_PATH}">\n{broken}'
    body = '<h1>Mystery Mask (clearance)</h1>\n<p class="price">$5.00</p>'
    return layout("Mystery Mask (clearance)", body, head=head)


def no_structured_data_page() -> str:
    body = (
        "<h1>Gift card</h1>\n<p>Choose an amount: $25, $50 or $100.</p>\n"
        '<p class="price">$25.00</p>'
    )
    return layout("Gift card", body)


def delisted_page() -> str:
    """What a Chinese marketplace shows for a product taken down: no product, a notice."""
    body = (
        '<div class="notice"><h1>该商品已下架</h1>\n'
        "<p>很抱歉，您查看的商品已下架或不存在。</p></div>\n"
        '<p><a href="/">返回首页</a></p>'
    )
    return layout("商品已下架", body, lang="zh-CN")


def moved_page() -> str:
    return layout("Moved", '<p>This item has moved: <a href="/">home</a></p>')


def not_found_page() -> str:
    return layout("Not found", "<h1>404 - this page is gone</h1>")


def cart_page() -> str:
    return layout("Cart", "<h1>Your cart is empty</h1>")
