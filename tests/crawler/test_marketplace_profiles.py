"""The bundled marketplace profiles: they load, they are polite, their link rules fit the
marketplaces' URL shapes, and their crawls can reach the product pages they look for.

Real saved pages were found for few of these marketplaces, mostly in layouts they have
since replaced (tests/crawler/marketplace_pages/, tested in test_marketplace_pages.py;
amazon, ebay and etsy in test_profiles_real.py). Every profile's comments say how far its
CSS/XPath selectors were verified, and the last test holds them to saying so.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from maskscreen.crawler.profiles import DEFAULT_PAGE_BUDGET, bundled_files, scan_profiles

MARKETPLACES = {
    "taobao", "jd", "xianyu", "pinduoduo", "1688", "aliexpress", "amazon", "ebay", "etsy",
    "mercari", "rakuten", "shopee", "lazada", "temu",
}  # fmt: skip
CHINESE = {"taobao", "jd", "xianyu", "pinduoduo", "1688"}
JAPANESE = {"mercari", "rakuten"}
# The marketplaces' own URL shapes: (product pages, a next results page, a page to avoid).
URLS = {
    "amazon": (
        ["https://www.amazon.com/Realistic-Silicone-Mask/dp/B07XYZ1234/ref=sr_1_3",
         "https://www.amazon.com/gp/product/B07XYZ1234"],
        "https://www.amazon.com/s?k=silicone+mask&page=2",
        "https://www.amazon.com/ap/signin?openid.return_to=x",
    ),
    "ebay": (
        ["https://www.ebay.com/itm/285012345678",
         "https://www.ebay.com/itm/Realistic-Silicone-Mask/285012345678?hash=item1"],
        "https://www.ebay.com/sch/i.html?_nkw=silicone+mask&_pgn=2",
        "https://www.ebay.com/signin/?sgfl=x",
    ),
    "etsy": (
        ["https://www.etsy.com/listing/1234567890/realistic-silicone-mask"],
        "https://www.etsy.com/search?q=silicone+mask&page=2",
        "https://www.etsy.com/signin?from_page=x",
    ),
    "aliexpress": (
        ["https://www.aliexpress.com/item/1005001234567890.html"],
        "https://www.aliexpress.com/wholesale?SearchText=mask&page=2",
        "https://www.aliexpress.com/p/order/index.html",
    ),
    "taobao": (
        ["https://item.taobao.com/item.htm?id=612345678901",
         "https://detail.tmall.com/item.htm?spm=a1z10&id=612345678901"],
        "https://s.taobao.com/search?q=%E7%A1%85%E8%83%B6%E9%9D%A2%E5%85%B7&s=44",
        "https://login.taobao.com/member/login.jhtml?redirectURL=x",
    ),
    "jd": (
        ["https://item.jd.com/100012345678.html"],
        "https://search.jd.com/Search?keyword=x&enc=utf-8&page=3",
        "https://passport.jd.com/new/login.aspx?ReturnUrl=x",
    ),
    "xianyu": (
        ["https://www.goofish.com/item?spm=a21ybx&id=712345678901"],
        "https://www.goofish.com/search?q=x&page=2",
        "https://www.goofish.com/login?redirect=x",
    ),
    "pinduoduo": (
        ["https://mobile.yangkeduo.com/goods.html?goods_id=123456789",
         "https://mobile.yangkeduo.com/goods2.html?goods_id=123456789"],
        None,
        "https://mobile.yangkeduo.com/login.html?from=x",
    ),
    "1688": (
        ["https://detail.1688.com/offer/612345678901.html"],
        "https://s.1688.com/selloffer/offer_search.htm?keywords=x&beginPage=2",
        "https://login.1688.com/member/signin.htm?Done=x",
    ),
    "mercari": (
        ["https://jp.mercari.com/item/m12345678901",
         "https://jp.mercari.com/shops/product/AbCdEf123456"],
        "https://jp.mercari.com/search?keyword=x&page_token=v1%3A1",
        "https://jp.mercari.com/signin?login_callback=x",
    ),
    "rakuten": (
        ["https://item.rakuten.co.jp/someshop/mask-001/"],
        "https://search.rakuten.co.jp/search/mall/mask/?p=2",
        "https://grp01.id.rakuten.co.jp/rms/nid/login?service_id=x",
    ),
    "shopee": (
        ["https://shopee.sg/Realistic-Silicone-Mask-i.123456.7890123"],
        "https://shopee.sg/search?keyword=mask&page=1",
        "https://shopee.sg/buyer/login?next=x",
    ),
    "lazada": (
        ["https://www.lazada.sg/products/realistic-silicone-mask-i123456789-s987654321.html",
         "https://www.lazada.sg/products/realistic-silicone-mask-i123456789.html"],
        "https://www.lazada.sg/catalog/?q=mask&page=2",
        "https://www.lazada.sg/customer/account/login/",
    ),
    "temu": (
        ["https://www.temu.com/realistic-silicone-mask-g-601099512345678.html"],
        "https://www.temu.com/search_result.html?search_key=mask&page=2",
        "https://www.temu.com/login.html?from=x",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def profiles():
    found, errors = scan_profiles(None)
    assert errors == []
    return {name: p for name, p in found.items() if name in MARKETPLACES}


def test_every_marketplace_has_a_bundled_profile(profiles):
    assert set(profiles) == MARKETPLACES == set(URLS)
    assert all(p.source == "bundled" for p in profiles.values())


def test_marketplace_profiles_are_polite(profiles):
    for name, p in profiles.items():
        assert p.download_delay is not None and p.download_delay >= 3, name
        assert p.concurrency == 1, name
        assert p.obey_robots, name
        assert p.max_pages and p.max_pages <= 300, name
        assert p.notes, name  # what needs a login, what is drawn by script


def test_login_walled_marketplaces_are_examples(profiles):
    walled = {n for n, p in profiles.items() if p.requires_login}
    assert walled >= {"taobao", "jd", "xianyu", "pinduoduo", "1688", "shopee"}
    for name in walled:
        assert profiles[name].example, name
        assert profiles[name].description.startswith("EXAMPLE"), name


def test_script_drawn_marketplaces_render_within_a_budget(profiles):
    drawn = {n for n, p in profiles.items() if p.render}
    assert drawn >= {"aliexpress", "mercari", "lazada", "shopee", "temu", "xianyu"}
    assert not {"amazon", "ebay", "etsy", "rakuten"} & drawn  # plain HTML there
    for name in drawn:
        assert 1 <= (profiles[name].page_budget or DEFAULT_PAGE_BUDGET) <= 100, name
        assert profiles[name].page_budget <= profiles[name].max_pages, name


def test_keywords_are_in_the_marketplaces_languages(profiles):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    kana = re.compile(r"[\u30a0-\u30ff]")
    for name, p in profiles.items():
        assert p.search_url and len(p.keywords) >= 4, name
        if name in CHINESE:
            assert "硅胶面具" in p.keywords and all(cjk.search(k) for k in p.keywords), name
        elif name in JAPANESE:
            assert sum(bool(kana.search(k)) for k in p.keywords) >= 4, name
        else:
            assert "realistic silicone mask" in p.keywords, name


def _matches(patterns, url):
    return any(re.search(p, url) for p in patterns)


@pytest.mark.parametrize("name", sorted(URLS))
def test_link_rules_fit_the_marketplace_urls(profiles, name):
    p = profiles[name]
    products, next_page, avoid = URLS[name]
    for url in products:
        assert _matches(p.product_links, url) and not _matches(p.deny_links, url), url
    if next_page:
        assert _matches(p.pagination_links, next_page), next_page
        assert not _matches(p.product_links, next_page), next_page
    assert _matches(p.deny_links, avoid) or not _on_the_crawl_s_domains(p, avoid), avoid
    for url in p.crawl_urls():  # the start pages are not products
        assert not _matches(p.product_links, url), url


def _on_the_crawl_s_domains(profile, url):
    """Whether the crawl may follow `url`: the spider keeps to its start URLs' hosts
    and their subdomains (crawler/spiders/profiled.py)."""
    hosts = {urlsplit(u).hostname for u in profile.crawl_urls()}
    host = urlsplit(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in hosts)


@pytest.mark.parametrize("name", sorted(URLS))
def test_product_pages_are_on_the_crawl_s_domains(profiles, name):
    """Search on one host, products on another (search.jd.com, item.jd.com): the start
    URLs must cover both, or the crawl never reaches a product."""
    for url in URLS[name][0]:
        assert _on_the_crawl_s_domains(profiles[name], url), url


def test_render_profiles_ask_scrapy_for_the_renderer(profiles):
    settings = profiles["mercari"].scrapy_settings()
    assert settings["MASKSCREEN_PAGE_BUDGET"] == profiles["mercari"].page_budget
    handler = settings["DOWNLOAD_HANDLERS"]["https"]
    assert handler.endswith("render.RenderingDownloadHandler")
    assert settings["DOWNLOAD_DELAY"] >= 3
    assert "DOWNLOAD_HANDLERS" not in profiles["ebay"].scrapy_settings()


def test_each_profile_states_whether_its_selectors_were_verified():
    files = {p.stem: p for p in bundled_files()}
    for name in MARKETPLACES:
        text = Path(files[name]).read_text("utf-8")
        header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
        assert "Selectors: unverified" in header, name
