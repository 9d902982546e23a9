"""decoded_text and detect_encoding over pages saved in their real encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.charsets import (
    declared_encoding,
    decoded_text,
    detect_encoding,
)

PAGES = Path(__file__).parent / "pages"

ZH = "超逼真硅胶人脸面具 男士 全头套 价格：￥1,280.00 有货 提供照片即可定做"
ZH_HANT = "超逼真矽膠人臉面具 男士 全頭套 價格：NT$2,320 現貨 提供照片即可定做"
JA = "リアルなシリコン製の顔マスク 男性用 価格：39,800円 在庫あり 写真から作ります"
FR = "Masque en silicone très réaliste — homme. Prix : 1.299,00 € livré à domicile"


def html(text: str, meta: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head>{meta}<title>t</title></head>"
        f"<body><h1>{text}</h1><p>{text}</p></body></html>"
    )


def response(body: bytes, content_type: str | None = None) -> HtmlResponse:
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse(url="https://shop.example/p/1", body=body, headers=headers)


CASES = [
    # text, codec the page is written in, its declaration, lang attribute
    (ZH, "gbk", '<meta charset="gbk">', "zh-CN"),
    (ZH, "gb18030", '<meta charset="gb2312">', ""),
    (ZH + " 㐀𠀀", "gb18030", '<meta charset="gb18030">', ""),
    (ZH_HANT, "big5", '<meta http-equiv="Content-Type" content="text/html; charset=big5">', ""),
    (JA, "shift_jis", '<meta charset="Shift_JIS">', ""),
    (ZH, "utf-8", '<meta charset="utf-8">', ""),
    # nothing declared
    (ZH, "gbk", "", ""),
    (ZH_HANT, "big5", "", ""),
    (JA, "shift_jis", "", ""),
    (ZH, "utf-8", "", ""),
    (FR, "cp1252", "", "fr"),
    # declared, and wrong
    (ZH, "gbk", '<meta charset="utf-8">', ""),
    (ZH_HANT, "big5", '<meta charset="utf-8">', ""),
    (JA, "shift_jis", '<meta charset="utf-8">', ""),
    (ZH, "utf-8", '<meta charset="gbk">', ""),
    (ZH, "gbk", '<meta charset="iso-8859-1">', "zh-CN"),
]


@pytest.mark.parametrize(
    ("text", "codec", "meta", "lang"),
    CASES,
    ids=[f"{c}-{m[:40] or 'undeclared'}-{lang}" for _t, c, m, lang in CASES],
)
def test_decoded_text_reads_the_page_as_written(text, codec, meta, lang):
    page = html(text, meta, lang)
    assert decoded_text(response(page.encode(codec))) == page


def test_a_header_charset_wins_over_the_meta_when_it_is_right():
    page = html(ZH, '<meta charset="utf-8">')
    got = decoded_text(response(page.encode("gbk"), "text/html; charset=GBK"))
    assert got == page


def test_a_wrong_header_charset_is_overruled():
    page = html(ZH)
    assert decoded_text(response(page.encode("gbk"), "text/html; charset=utf-8")) == page


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("gbk_marketplace.html", "定制真人面具"),
        ("gbk_declared_utf8.html", "定制真人面具"),
        ("gbk_no_charset.html", "定制真人面具"),
        ("gb18030_product.html", "㐀𠀀款"),
        ("big5_product.html", "超逼真矽膠人臉面具"),
        ("big5_no_charset.html", "超逼真矽膠人臉面具"),
        ("shift_jis_product.html", "リアルなシリコン製の顔マスク"),
        ("gbk_product.html", "超逼真硅胶人脸面具"),
    ],
)
def test_saved_pages_decode(name, phrase):
    text = decoded_text(response((PAGES / name).read_bytes()))
    assert phrase in text and "\ufffd" not in text


@pytest.mark.parametrize(
    ("body", "codec"),
    [
        (b"plain ascii", "utf-8"),
        (ZH.encode("utf-8"), "utf-8"),
        (ZH.encode("gbk"), "gb18030"),
        (ZH_HANT.encode("big5"), "big5"),
        (JA.encode("shift_jis"), "shift_jis"),
    ],
)
def test_detect_encoding(body, codec):
    assert detect_encoding(body) == codec


@pytest.mark.parametrize(
    ("meta", "header", "expected"),
    [
        ('<meta charset="gbk">', None, "gb18030"),
        ('<meta charset="GB2312">', None, "gb18030"),
        ('<meta charset="big5">', None, "big5hkscs"),
        ("", "text/html; charset=Shift_JIS", "cp932"),  # what browsers use
        ("", None, None),
        ('<meta charset="no-such-charset">', None, None),
    ],
)
def test_declared_encoding(meta, header, expected):
    assert declared_encoding(response(html("x", meta).encode("ascii"), header)) == expected
