"""needs_human cases in the web app and the API: shown with their reason, filtered by it."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from maskscreen.db import store
from tests.db.factories import benign_verdict, make_listing
from tests.web.test_api import READER, client
from tests.web.test_pages import signed_in

URL = "https://shop.example/products/ru-1"


def add_unsupported(site) -> None:
    with Session(site.engine) as session, session.begin():
        shop = store.get_or_create_site(session, "shop")
        [row] = store.upsert_listings(session, shop, [make_listing(url=URL, title="Маска")])
        verdict = benign_verdict(language="ru", language_supported=False)
        assert store.record_classifications(session, [(row.version_id, verdict)]) == 1


def test_queue_shows_and_filters_the_reason(fresh_site):
    add_unsupported(fresh_site)
    with signed_in(fresh_site, "carol") as http:
        everything = http.get("/queue").text
        only = http.get("/queue", params={"reason": "needs_human"}).text
        flagged = http.get("/queue", params={"reason": "flag"}).text
        bad = http.get("/queue", params={"reason": "<script>"})
    assert '<td class="reason">needs human</td>' in everything
    listed = re.findall(r'<a href="/cases/(\d+)\?', only)
    assert len(listed) == 1 and "Маска" in only
    assert listed[0] not in re.findall(r'<a href="/cases/(\d+)\?', flagged)
    assert len(re.findall(r'<a href="/cases/(\d+)\?', flagged)) == len(fresh_site.seeded.cases)
    assert bad.status_code == 400 and "<script>" not in bad.text


def test_api_cases_carry_and_filter_the_reason(fresh_site):
    add_unsupported(fresh_site)
    with client(fresh_site, auth=READER) as http:
        only = http.get("/api/v1/cases", params={"reason": "needs_human"}).json()["items"]
        every = http.get("/api/v1/cases", params={"limit": 500}).json()["items"]
        bad = http.get("/api/v1/cases", params={"reason": "nonsense"})
    assert [(c["url"], c["reason"], c["source"]) for c in only] == [
        (URL, "needs_human", "needs_human")
    ]
    assert {c["reason"] for c in every} == {"flag", "needs_human"}
    assert bad.status_code == 422
