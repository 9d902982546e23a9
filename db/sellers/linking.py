"""Sellers: who sells each listing, and the contact handles found in their listings.

A seller belongs to one site and is known by its seller URL there, else by its name
(``seller_key``). Contact handles (WeChat, QQ, WhatsApp, Telegram, LINE, phone,
e-mail) are pulled from listing titles and descriptions with compiled patterns on
normalised text (``normalise``: NFKC + casefold, so full-width ＷｅＣｈａｔ：ａｂｃ
reads as wechat:abc). Two sellers that share a handle are linked: a query over
``seller_handles`` (``linked_sellers``), not a table of its own.

Functions take a session and never commit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BindParameter, CompoundSelect, and_, bindparam, select, union
from sqlalchemy.orm import Session

from maskscreen.db.models import utcnow
from maskscreen.db.sql import chunks, in_values, insert_rows, param_mark
from maskscreen.db.tables import seller_handles as handles
from maskscreen.db.tables import sellers

KEY_LENGTH = 300
VALUE_LENGTH = 200

_SEP = r"\s*(?:[:=]|號|号|id|是)?\s*"
_PHONE = r"\+?\d[\d\s().-]{5,}\d"
# kind -> patterns; group 1 is the handle. Text is normalised first (lower case, NFKC).
HANDLE_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    "wechat": [
        re.compile(
            r"(?:(?<![a-z])(?:we\s?chat|weixin|wx|vx)(?![a-z])|微信|威信|v信|薇信)"
            + _SEP
            + r"([a-z][-_a-z0-9]{5,19}|"
            + _PHONE
            + ")"
        )
    ],
    "qq": [re.compile(r"(?:(?<![a-z])qq(?![a-z])|扣扣|企鹅)" + _SEP + r"(\d{5,11})(?!\d)")],
    "whatsapp": [
        re.compile(r"(?<![a-z])whats\s?app" + _SEP + "(" + _PHONE + ")"),
        re.compile(r"wa\.me/(\d{6,15})"),
    ],
    "telegram": [
        re.compile(
            r"(?:(?<![a-z])(?:telegram|tg)(?![a-z])|电报|纸飞机)"
            + _SEP
            + r"@?([a-z][a-z0-9_]{4,31})"
        ),
        re.compile(r"t\.me/([a-z][a-z0-9_]{4,31})"),
    ],
    "line": [re.compile(r"(?<![a-z])line\s*(?:id\s*[:=]?|[:=])\s*@?([a-z0-9][-._a-z0-9]{3,19})")],
    "phone": [
        re.compile(
            r"(?:(?<![a-z])(?:phone|tel|mobile|call|text|sms)|电话|手机|致电)"
            + _SEP
            + "("
            + _PHONE
            + ")"
        ),
        re.compile(r"(?<![\d+])(\+\d[\d\s-]{7,}\d)"),
        re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)"),  # mainland China mobile
    ],
    "email": [re.compile(r"([a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})")],
}
_DIGITS_ONLY = {"phone", "whatsapp", "qq"}

# ASCII handles without a digit, @ or + need a label (wx, vx, weixin, chat, telegram,
# tg, t.me, line: see _no_handle_possible); QQ, WhatsApp and phone numbers are digits,
# e-mail has @.
_NOT_TRIGGER_BYTES = bytes(b for b in range(256) if chr(b) not in "0123456789@+")


def normalise(text: str | None) -> str:
    """NFKC + casefold: full-width letters and digits read as ASCII, case ignored."""
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


def seller_key(name: str | None, url: str | None) -> str | None:
    """How a seller is known on its site: its URL if given, else its name; None if neither."""
    if url and url.strip():
        return url.strip().rstrip("/")[:KEY_LENGTH]
    if name and name.strip():
        return " ".join(normalise(name).split())[:KEY_LENGTH]
    return None


def _no_handle_possible(ascii_text: str) -> bool:
    """ASCII text with no digit, @ or + and no label (any case) cannot hold a handle.

    The cheap pre-check run on each text before any pattern: most listing text fails it.
    """
    if ascii_text.encode("ascii").translate(None, _NOT_TRIGGER_BYTES):
        return False
    text = ascii_text.lower()
    if "x" in text and ("wx" in text or "vx" in text or "weixin" in text):
        return False
    return not ("chat" in text or "line" in text or "tg" in text or "telegram" in text
                or "t.me" in text)  # fmt: skip


def extract_handles(*texts: str | None) -> set[tuple[str, str]]:
    """(kind, value) of every contact handle in the texts, values normalised."""
    found: set[tuple[str, str]] = set()
    text = "\n".join([t for t in texts if t])
    if text.isascii() and _no_handle_possible(text):
        return found  # no casefolding, no pattern run
    text = normalise(text)
    for kind, patterns in HANDLE_PATTERNS.items():
        for pattern in patterns:
            for match in pattern.finditer(text):
                value = match.group(1)
                if kind in _DIGITS_ONLY or (kind == "wechat" and not value[0].isalpha()):
                    value = re.sub(r"\D", "", value)
                    if not 5 <= len(value) <= 15:
                        continue
                found.add((kind, value[:VALUE_LENGTH]))
    return found


CONTACT_KEY = "contact:"  # the key of a seller known only by a handle in its listing


def seller_keys(records: Iterable[dict[str, Any]]) -> list[str | None]:
    """``seller_key`` of each record (a batch repeats its sellers: each pair computed once).

    A listing that names no seller but carries a contact handle is the handle's seller
    (key ``contact:<kind>:<value>``, the first handle in order): custom face copies are
    sold through such handles, and they would otherwise appear in no seller list.
    """
    known: dict[tuple[Any, Any], str | None] = {}
    keys = []
    for record in records:
        pair = (record.get("seller"), record.get("seller_url"))
        if pair not in known:
            known[pair] = seller_key(*pair)
        key = known[pair]
        if key is None:
            found = extract_handles(record.get("title"), record.get("description"))
            if found:
                kind, value = min(found)
                key = f"{CONTACT_KEY}{kind}:{value}"[:KEY_LENGTH]
        keys.append(key)
    return keys


def resolve_sellers(
    session: Session,
    site_id: int,
    named: dict[str, dict[str, Any]],
    *,
    seen_at: datetime | None = None,
) -> dict[str, int]:
    """Seller id of each key (key -> the first record naming it), new sellers inserted.

    A few statements for the batch: known sellers read, new ones inserted (ON CONFLICT
    DO NOTHING). The caller has written in this transaction already (SQLite: see db.session).
    """
    if not named:
        return {}
    ids: dict[str, int] = {}

    def look_up(wanted: list[str]) -> None:
        ids.update(_seller_ids(session, site_id, wanted))

    look_up(list(named))
    # Sorted, so that two workers inserting the same new sellers take their row locks
    # in the same order (PostgreSQL would otherwise deadlock one of the two batches).
    missing = sorted(key for key in named if key not in ids)
    if missing:
        rows = [(key, named[key].get("seller"), named[key].get("seller_url")) for key in missing]
        inserted = insert_rows(
            session, sellers, ("key", "name", "url"), rows,
            same={"site_id": site_id, "first_seen_at": seen_at or utcnow()},
            on_conflict="ON CONFLICT (site_id, key) DO NOTHING",
            returning=("key", "id"),
        )  # fmt: skip
        ids.update(dict(inserted))
        look_up([key for key in missing if key not in ids])  # inserted meanwhile by another
    return ids


def _seller_ids(session: Session, site_id: int, keys: Sequence[str]) -> dict[str, int]:
    """key -> id of the known sellers among ``keys``; a driver-level SELECT per chunk."""
    connection = session.connection()
    mark = param_mark(connection.dialect)
    key = connection.dialect.identifier_preparer.quote("key")  # a keyword on SQLite
    found: dict[str, int] = {}
    for batch in chunks(keys):
        sql = (
            f"SELECT {key}, id FROM sellers WHERE site_id = {mark}"
            f" AND {key} IN ({', '.join([mark] * len(batch))})"
        )
        found.update(dict(connection.exec_driver_sql(sql, (site_id, *batch)).all()))
    return found


def link_sellers(
    session: Session,
    site_id: int,
    listing_rows: Sequence[tuple[int, int | None, str, dict[str, Any]]],
    *,
    seen_at: datetime | None = None,
) -> dict[int, int]:
    """Link listings to their sellers: rows of (listing_id, seller_id now, key, record).

    Sellers resolved (``resolve_sellers``), the listings whose seller differs re-pointed,
    one UPDATE each. Returns listing -> seller. ``db.store.upsert_listings`` instead
    sets the seller with the listing's current version, in the same statement.
    """
    named: dict[str, dict[str, Any]] = {}  # key -> the first record naming it
    for _, _, key, record in listing_rows:
        named.setdefault(key, record)
    ids = resolve_sellers(session, site_id, named, seen_at=seen_at)
    linked = {listing_id: ids[key] for listing_id, _, key, _ in listing_rows}
    moved = [(ids[key], lid) for lid, now_id, key, _ in listing_rows if now_id != ids[key]]
    if moved:
        mark = param_mark(session.get_bind().dialect)
        sql = f"UPDATE listings SET seller_id = {mark} WHERE id = {mark}"
        session.connection().exec_driver_sql(sql, moved)
    return linked


def record_handles(
    session: Session,
    rows: Iterable[tuple[int | None, dict[str, Any]]],
    *,
    seen_at: datetime | None = None,
) -> int:
    """Record the handles in each (seller_id, record)'s title and description; one statement.

    Returns how many (seller, kind, value) were offered; those known already are left alone.
    """
    found: dict[tuple[int, str, str], None] = {}  # (seller, kind, value), first seen first
    for seller_id, record in rows:
        if seller_id is None:
            continue
        for kind, value in extract_handles(record.get("title"), record.get("description")):
            found[(seller_id, kind, value)] = None
    insert_rows(
        session, handles, ("seller_id", "kind", "value"), sorted(found),
        same={"first_seen_at": seen_at or utcnow()},
        on_conflict="ON CONFLICT (seller_id, kind, value) DO NOTHING",
    )  # fmt: skip
    return len(found)


_MINE, _THEIRS = handles.alias("mine"), handles.alias("theirs")  # built once: aliases are costly


def peer_pairs(seller_ids: Any) -> CompoundSelect[Any]:
    """(seller_id, peer) rows: each seller with itself and with each seller sharing a handle.

    ``seller_ids``: a list of ids, or an expanding ``bindparam`` (a statement built once
    and run many times, as ``PEER_PAIRS`` is: building one costs about a millisecond).
    """
    ids = seller_ids if isinstance(seller_ids, BindParameter) else in_values(seller_ids)
    itself = select(sellers.c.id.label("seller_id"), sellers.c.id.label("peer")).where(
        sellers.c.id.in_(ids)
    )
    shared = (
        select(_MINE.c.seller_id, _THEIRS.c.seller_id.label("peer"))
        .join(_THEIRS, and_(_THEIRS.c.kind == _MINE.c.kind, _THEIRS.c.value == _MINE.c.value))
        .where(_MINE.c.seller_id.in_(ids))
    )
    return union(itself, shared)


PEER_PAIRS = peer_pairs(bindparam("seller_ids", expanding=True))


def linked_sellers(session: Session, seller_ids: Iterable[int]) -> dict[int, set[int]]:
    """Each seller with the sellers sharing a handle with it (itself included)."""
    wanted = sorted(set(seller_ids))
    groups: dict[int, set[int]] = {sid: {sid} for sid in wanted}
    for batch in chunks(wanted):
        for sid, peer in session.execute(PEER_PAIRS, {"seller_ids": list(batch)}):
            groups[sid].add(peer)
    return groups
