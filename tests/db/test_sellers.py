"""Sellers: listings linked by seller URL or name, handles from listing text, linked sellers."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from maskscreen.db import reviews, sellers, store
from maskscreen.db.models import Listing, Review, Seller, SellerHandle, Site
from maskscreen.db.sellers.ranking import rank_sellers
from tests.db.factories import make_listing, make_verdict


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("add ＷｅＣｈａｔ：ＦａｃｅＭａｋｅｒ88 for a quote", {("wechat", "facemaker88")}),
        ("加微信号 abc_12345，扣扣：88776655", {("wechat", "abc_12345"), ("qq", "88776655")}),
        ("V信 mask_studio", {("wechat", "mask_studio")}),
        ("vx: 13800138000", {("wechat", "13800138000"), ("phone", "13800138000")}),
        ("QQ 123456789", {("qq", "123456789")}),
        ("WhatsApp: +1 (555) 123-4567", {("whatsapp", "15551234567")}),
        ("wa.me/4915112345678", {("whatsapp", "4915112345678")}),
        ("Telegram @MaskGuy_x or t.me/MaskGuy99", {("telegram", "maskguy_x"), ("telegram", "maskguy99")}),
        ("纸飞机: facecopy_cn", {("telegram", "facecopy_cn")}),
        ("LINE ID: mask.shop", {("line", "mask.shop")}),
        ("e-mail Me@Example.COM", {("email", "me@example.com")}),
        ("call or text +44 7700 900123", {("phone", "447700900123")}),
        ("手机 13912345678", {("phone", "13912345678")}),
        ("fine line of latex masks, 30 cm, hotel 1234567", set()),
        ("Realistic silicone mask, pastel skin tone", set()),
        ("", set()),
    ],
)  # fmt: skip
def test_extract_handles(text: str, found: set[tuple[str, str]]) -> None:
    assert sellers.extract_handles(text) == found


@pytest.mark.parametrize(
    ("name", "url", "key"),
    [
        ("Mask Maker", "https://shop.example/s/mm/", "https://shop.example/s/mm"),
        ("  ＭＡＳＫ  Maker ", None, "mask maker"),
        (None, None, None),
        ("", "  ", None),
    ],
)
def test_seller_key(name: str | None, url: str | None, key: str | None) -> None:
    assert sellers.seller_key(name, url) == key


def listing(n: int, **overrides) -> dict:
    """A listing whose seller is known by name only (the factory's default has a seller URL)."""
    return make_listing(n, **{"seller_url": None, **overrides})


def seller_of(session: Session, listing_id: int) -> Seller:
    return session.scalars(
        select(Seller).join(Listing, Listing.seller_id == Seller.id).where(Listing.id == listing_id)
    ).one()


def test_listings_link_to_sellers_by_url_else_name(session: Session) -> None:
    site_id = store.get_or_create_site(session, "shop")
    rows = store.upsert_listings(session, site_id, [
        make_listing(1, seller="Mask Maker", seller_url="https://shop.example/s/mm"),
        make_listing(2, seller="MM (renamed)", seller_url="https://shop.example/s/mm/"),
        make_listing(3, seller="mask maker", seller_url=None),
        make_listing(4, seller="MASK MAKER", seller_url=None),
        make_listing(5, seller=None, seller_url=None),
    ])  # fmt: skip
    ids = [r.listing_id for r in rows]
    assert seller_of(session, ids[0]).id == seller_of(session, ids[1]).id
    assert (
        seller_of(session, ids[2]).id
        == seller_of(session, ids[3]).id
        != seller_of(session, ids[0]).id
    )
    assert session.get(Listing, ids[4]).seller_id is None
    assert session.scalar(select(Seller.url).where(Seller.id == seller_of(session, ids[0]).id)) == (
        "https://shop.example/s/mm"
    )


def test_a_listing_without_a_seller_is_known_by_its_contact_handle(session: Session) -> None:
    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    text = "Your face copied from one photo. WhatsApp +1 555 0100 200"
    [lone] = store.upsert_listings(
        session, shop, [listing(3, seller=None, seller_url=None, description=text)]
    )
    [named] = store.upsert_listings(session, market, [listing(4, seller="B", description=text)])
    contact = seller_of(session, lone.listing_id)
    assert contact.key == "contact:phone:15550100200" and contact.name is None
    store.record_classifications(session, [(lone.version_id, make_verdict())])
    ranked = {row.seller_id: row for row in sellers.rank_sellers(session)}
    assert "whatsapp:15550100200" in ranked[contact.id].handles
    peer = seller_of(session, named.listing_id).id
    assert sellers.linked_sellers(session, [contact.id])[contact.id] == {contact.id, peer}


def test_handles_are_recorded_once_and_link_sellers_across_sites(session: Session) -> None:
    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    text = "Custom copy of your face. WeChat: facecopy88"
    [a] = store.upsert_listings(session, shop, [listing(1, seller="A", description=text)])
    store.upsert_listings(session, shop, [listing(1, seller="A", description=text)])  # again
    [b] = store.upsert_listings(
        session, market, [listing(9, seller="B", description="微信：FaceCopy88")]
    )
    [c] = store.upsert_listings(session, market, [listing(7, seller="C")])
    assert session.scalars(select(SellerHandle.value)).all() == ["facecopy88", "facecopy88"]
    sa, sb, sc = (seller_of(session, r.listing_id).id for r in (a, b, c))
    groups = sellers.linked_sellers(session, [sa, sb, sc])
    assert groups == {sa: {sa, sb}, sb: {sa, sb}, sc: {sc}}


def test_seller_history_raises_priority_and_confirming_recomputes_it(session: Session) -> None:
    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    first, second = store.upsert_listings(session, shop, [
        listing(1, seller="A", description="qq: 5551234"),
        listing(2, seller="A"),
    ])  # fmt: skip
    [linked] = store.upsert_listings(
        session, market, [listing(3, seller="Z", description="QQ 5551234")]
    )
    store.record_classifications(session, [
        (first.version_id, make_verdict(score=0.9)),
        (second.version_id, make_verdict(score=0.6)),
        (linked.version_id, make_verdict(score=0.6)),
    ])  # fmt: skip
    case = {r.listing_id: session.scalar(select(Review.id).where(Review.listing_id == r.listing_id))
            for r in (first, second, linked)}  # fmt: skip
    assert session.get(Review, case[second.listing_id]).priority == pytest.approx(0.6)

    reviews.decide(session, case[first.listing_id], "confirmed", reviewer="ana")
    session.expire_all()
    # Same seller and a seller sharing the QQ number: both raised by one confirmed case.
    assert session.get(Review, case[second.listing_id]).priority == pytest.approx(1.1)
    assert session.get(Review, case[linked.listing_id]).priority == pytest.approx(1.1)

    # A new flag of the same seller opens with its history counted.
    [third] = store.upsert_listings(session, shop, [listing(4, seller="A")])
    store.record_classifications(session, [(third.version_id, make_verdict(score=0.5))])
    assert session.scalar(select(Review.priority).where(Review.listing_id == third.listing_id)) == (
        pytest.approx(1.0)
    )


def test_rank_sellers_by_confirmed_then_flagged(session: Session) -> None:
    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    rows = store.upsert_listings(session, shop, [
        listing(1, seller="A", description="WhatsApp +1 555 123 4567"),
        listing(2, seller="A"),
        listing(3, seller="B"),
        listing(4, seller="B"),
        listing(5, seller="B"),
        listing(6, seller="C"),
    ])  # fmt: skip
    store.upsert_listings(session, market, [
        listing(7, seller="A-market", description="wa.me/15551234567"),
    ])  # fmt: skip
    store.record_classifications(session, [(r.version_id, make_verdict()) for r in rows[:5]])
    first_case = session.scalar(select(Review.id).where(Review.listing_id == rows[0].listing_id))
    reviews.decide(session, first_case, "confirmed", reviewer="ana")

    ranked = rank_sellers(session, limit=10)
    assert [(s.name, s.confirmed, s.flagged, s.listings) for s in ranked] == [
        ("A", 1, 2, 2), ("B", 0, 3, 3),
    ]  # fmt: skip
    assert ranked[0].sites == ["market", "shop"]
    assert ranked[0].handles == ["phone:15551234567", "whatsapp:15551234567"]
    assert ranked[0].linked == 1
    assert rank_sellers(session, limit=1)[0].name == "A"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rank_sellers_two_step_matches_one_query(session: Session, seed: int) -> None:
    """Confirmed counts first, flagged counts for the contenders only: the same page as
    counting both for every seller, ties and site filter included."""
    from maskscreen.db.sellers import ranking

    rng = random.Random(seed)
    site_ids = [
        session.execute(insert(Site).values(name=f"site{s}").returning(Site.id)).scalar_one()
        for s in range(3)
    ]
    seller_ids = [
        session.execute(
            insert(Seller)
            .values(site_id=rng.choice(site_ids), name=f"s{k}", key=f"s{k}")
            .returning(Seller.id)
        ).scalar_one()
        for k in range(40)
    ]
    statuses = ["open", "confirmed", "dismissed", "escalated", "actioned", "removed"]
    for n in range(400):
        seller = rng.choice(seller_ids + [None])
        listing_id = session.execute(
            insert(Listing)
            .values(site_id=site_ids[0], url=f"https://x.example/{n}", seller_id=seller)
            .returning(Listing.id)
        ).scalar_one()
        if rng.random() < 0.6:
            session.execute(
                insert(Review).values(
                    listing_id=listing_id,
                    status=rng.choices(statuses, weights=[5, 1, 2, 1, 1, 1])[0],
                    source=rng.choice(["flag", "flag", "audit"]),
                )
            )
    session.flush()
    compared = 0
    for site in [None, "site0", "site1", "nowhere"]:
        for limit in [1, 3, 5, 10, 20, 40, 50]:
            one_query = ranking._top_all(session, site, limit)
            two_step = ranking._top_by_confirmed(session, site, limit)
            if two_step is None:  # fewer than `limit` sellers with a confirmed case
                continue
            assert [tuple(r) for r in two_step] == [tuple(r) for r in one_query], (site, limit)
            compared += 1
        assert [tuple(r) for r in ranking._top_all(session, site, 50)] == [
            (s.seller_id, s.site, s.name, s.url, s.confirmed, s.flagged)
            for s in rank_sellers(session, site=site, limit=50)
        ]
    assert compared >= 10  # the two-step path ran, not only the fallback
