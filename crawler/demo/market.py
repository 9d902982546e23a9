"""The demo Chinese marketplace: GBK pages with no structured data, on 127.0.0.1.

    with MarketShop() as market:         # the Simplified Chinese products of the demo
        crawl(market.base_url)           # needs the CSS profile crawler/profiles/demo-zh-market.toml

Pages are encoded GBK (header and <meta> say so), as many Chinese shops still
serve them. Product pages carry no JSON-LD, microdata, RDFa or OpenGraph: the
bundled site profile `demo-zh-market` reads them with CSS selectors.

    /                          home: links to the category lists
    /list/<category>.html      ten items a page, ?page=N
    /item/<id>.html            an item; on the next day a delisted one shows 该商品已下架
    /shop/<n>.html             a seller's shop (denied by the profile)

`python -m maskscreen.crawler.demo.market [--port N] [--day 2]` serves it until Ctrl-C.
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from html import escape
from urllib.parse import urlencode

from maskscreen.crawler.demo import pages
from maskscreen.crawler.demo.catalog import CATEGORIES, Catalog, paginate
from maskscreen.crawler.demo.server import DemoShop, _Handler, _ShopServer, serve

MARKET_NAME = "假面集市（演示）"
SHOP = "demo-zh-market"
GBK_HTML = "text/html; charset=gbk"
ROBOTS_TXT = "User-agent: *\nDisallow: /cart\nDisallow: /login\n"
_ITEM_RE = re.compile(r"^/item/(\d+)\.html$")
_LIST_RE = re.compile(r"^/list/([a-z-]+)\.html$")
_SHOP_RE = re.compile(r"^/shop/(\d+)\.html$")
_STOCK = {"InStock": "有货", "OutOfStock": "缺货", "PreOrder": "预售"}


def item_path(product: dict) -> str:
    return f"/item/{product['id']}.html"


def seller_number(catalog: Catalog, seller: str) -> int:
    sellers = sorted({p["seller"] for p in catalog.products})
    return sellers.index(seller) + 1 if seller in sellers else 0


def market_layout(title: str, body: str) -> str:
    nav = " | ".join(
        f'<a href="/list/{slug}.html">{escape(zh)}</a>' for slug, (_en, zh) in CATEGORIES.items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n'
        f"<title>{escape(title)} - {escape(MARKET_NAME)}</title>\n</head>\n<body>\n"
        f'<div class="top-bar"><a href="/">{escape(MARKET_NAME)}</a> '
        '<a href="/login">登录</a> <a href="/cart">购物车</a></div>\n'
        f'<div class="cat-nav">{nav}</div>\n{body}\n'
        '<div class="footer">本站是 maskscreen 自带的演示集市，所有商品均为虚构。</div>\n'
        "</body>\n</html>\n"
    )


def home_page(catalog: Catalog) -> str:
    counts = {slug: len(catalog.in_category(slug)) for slug in CATEGORIES}
    items = "\n".join(
        f'<li><a href="/list/{slug}.html">{escape(zh)}</a> ({counts[slug]} 件)</li>'
        for slug, (_en, zh) in CATEGORIES.items()
        if counts[slug]
    )
    return market_layout("首页", f'<h2>商品分类</h2>\n<ul class="cats">\n{items}\n</ul>')


def list_page(catalog: Catalog, slug: str, number: int) -> str | None:
    page = paginate(catalog.in_category(slug), number)
    if page is None:
        return None
    zh = CATEGORIES[slug][1]
    items = "\n".join(
        f'<li><a href="{item_path(p)}">{escape(p["title"])}</a> '
        f'<span class="p">￥{escape(p["price"])}</span></li>'
        for p in page.items
    )
    links = [
        f'<a href="/list/{slug}.html?{urlencode({"page": n})}">{n}</a>'
        if n != page.number
        else f"<b>{n}</b>"
        for n in range(1, page.count + 1)
    ]
    if page.has_next:
        links.append(f'<a class="next" href="/list/{slug}.html?page={page.number + 1}">下一页</a>')
    body = (
        f'<h2>{escape(zh)}</h2>\n<ul class="items">\n{items}\n</ul>\n'
        f'<div class="pager">{" ".join(links)}</div>'
    )
    return market_layout(f"{zh} 第{page.number}页", body)


def item_page(catalog: Catalog, p: dict) -> str:
    """An item with no structured data: the profile's selectors read it."""
    zh = CATEGORIES[p["category"]][1]
    brand = f'品牌：<span class="brand">{escape(p["brand"])}</span> ' if p["brand"] else ""
    price = Decimal(p["price"])
    body = (
        f'<div class="crumbs"><a href="/">首页</a> &gt; '
        f'<a class="cat" href="/list/{p["category"]}.html">{escape(zh)}</a></div>\n'
        '<div class="item-main">\n'
        f'<h1 class="item-title">{escape(p["title"])}</h1>\n'
        f'<div class="price-box">价格：<span class="price">￥{price:.2f}</span></div>\n'
        f'<div class="item-meta">商品编号：<span class="item-id">{p["id"]}</span> {brand}'
        f'库存：<span class="stock">{_STOCK.get(p["availability"], "咨询客服")}</span></div>\n'
        f'<div class="shop-name">店铺：<a href="/shop/{seller_number(catalog, p["seller"])}.html">'
        f"{escape(p['seller'])}</a></div>\n"
        f'<img class="main-img" src="/img/{p["id"]}.svg" alt="">\n</div>\n'
        f'<h3>商品详情</h3>\n<div class="item-desc">{escape(p["description"])}</div>'
    )
    return market_layout(p["title"], body)


def delisted_page() -> str:
    body = (
        '<div class="notice"><h2>该商品已下架</h2>\n'
        "<p>很抱歉，您查看的商品已下架或不存在。</p></div>\n"
        '<p><a href="/">返回首页</a></p>'
    )
    return market_layout("商品已下架", body)


def seller_page(catalog: Catalog, number: int) -> str | None:
    sellers = sorted({p["seller"] for p in catalog.products})
    if not 1 <= number <= len(sellers):
        return None
    seller = sellers[number - 1]
    items = "\n".join(
        f'<li><a href="{item_path(p)}">{escape(p["title"])}</a></li>'
        for p in catalog.by_seller(seller)
    )
    return market_layout(seller, f"<h2>{escape(seller)}</h2>\n<ul>{items}</ul>")


class _MarketHandler(_Handler):
    server: _ShopServer

    def _route(self, base: str, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        catalog = self.server.catalog
        number = int(query["page"]) if query.get("page", "").isdigit() else 1
        if path == "/":
            return 200, home_page(catalog), GBK_HTML
        if path == "/robots.txt":
            return 200, ROBOTS_TXT, "text/plain; charset=utf-8"
        if path.startswith("/img/"):
            return 200, pages.PLACEHOLDER_SVG, "image/svg+xml; charset=utf-8"
        found = _LIST_RE.match(path)
        if found and found[1] in CATEGORIES:
            body = list_page(catalog, found[1], number)
            if body:
                return 200, body, GBK_HTML
        found = _ITEM_RE.match(path)
        if found:
            by_id = {str(p["id"]): p for p in catalog.source}
            product = by_id.get(found[1])
            if product and product["slug"] in catalog.delisted:
                return 200, delisted_page(), GBK_HTML
            if product and product["slug"] in catalog.by_slug:
                return 200, item_page(catalog, catalog.by_slug[product["slug"]]), GBK_HTML
        found = _SHOP_RE.match(path)
        if found:
            body = seller_page(catalog, int(found[1]))
            if body:
                return 200, body, GBK_HTML
        return 404, market_layout("页面不存在", "<h2>404 页面不存在</h2>"), GBK_HTML


class MarketShop(DemoShop):
    """The GBK marketplace of the demo's Simplified Chinese products (a background thread)."""

    def __init__(self, *, catalog: Catalog | None = None, day: int = 1, **kwargs):
        super().__init__(catalog=catalog or Catalog.of_shop(SHOP, day=day), day=day, **kwargs)

    def start(self) -> str:
        if self._server is None:
            self._server = _ShopServer((self.host, self.port), self.catalog)
            self._server.RequestHandlerClass = _MarketHandler
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="maskscreen-demo-market",
                daemon=True,
            )
            self._thread.start()
        return self.base_url


def main(argv: list[str] | None = None) -> None:
    serve(argv, MarketShop, "Serve the demo Chinese marketplace (GBK).", "Demo marketplace")


if __name__ == "__main__":
    main()
