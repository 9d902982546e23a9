"""parse_price on the written price-string fixture (the rows compared with price-parser)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maskscreen.crawler.extract.prices import parse_price
from tests.crawler.price_strings import PRICE_STRINGS


def test_the_fixture_is_large_and_varied():
    assert len(PRICE_STRINGS) >= 80
    assert len({row[4] for row in PRICE_STRINGS}) >= 35  # currencies


@pytest.mark.parametrize(
    ("text", "language", "domain", "amount", "currency"),
    PRICE_STRINGS,
    ids=[row[0] for row in PRICE_STRINGS],
)
def test_parse_price_reads_printed_prices(text, language, domain, amount, currency):
    expected = (Decimal(amount) if amount else None, currency)
    assert parse_price(text, language=language, domain=domain) == expected
