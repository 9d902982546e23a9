"""The HTTP API over a running server (uvicorn on 127.0.0.1), on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from maskscreen.db import reviews
from tests.web.seed import PASSWORD, seed

READER = ("carol", PASSWORD)  # analyst
REVIEWER = ("ana", PASSWORD)


def client(site, auth=None, token=None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=site.url, auth=auth, headers=headers, timeout=30)


def problem(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "message"} and body["status"] == status
    assert body["message"] and "\n" not in body["message"]
    return body["message"]


def test_check_gives_the_same_verdict_as_classify(site, model):
    listing = {"title": "silicone old man mask, passes face ID, add WeChat", "description": "x"}
    with client(site, token=site.seeded.token) as http:
        response = http.post("/api/v1/check", json={**listing, "price": "12.50"})
    assert response.status_code == 200, response.text
    expected = model.predict([listing])[0].to_dict()
    assert response.json() == expected  # JSON round-trips these floats exactly
    assert response.json()["flagged"] is True


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": 5}, "title"),
        ({"title": "mask", "price": "cheap"}, "price"),
        ({"title": "mask", "colour": "red"}, "colour"),
        ({"title": "x" * 2001}, "title"),
        ([1, 2], ""),
    ],
)
def test_check_bad_input_is_422_with_one_message(site, body, where):
    with client(site, token=site.seeded.token) as http:
        message = problem(http.post("/api/v1/check", json=body), 422)
    assert where in message


def test_check_broken_json_is_422_not_500(site):
    with client(site, token=site.seeded.token) as http:
        response = http.post(
            "/api/v1/check", content=b'{"title": "ma', headers={"content-type": "application/json"}
        )
        problem(response, 422)
        problem(http.post("/api/v1/check", content=b"\xff\xfe"), 422)


@pytest.mark.parametrize(
    "path", ["/api/v1/flagged", "/api/v1/cases", "/api/v1/cases/1", "/api/v1/runs"]
)
def test_every_route_needs_an_account(site, path):
    with client(site) as http:
        response = http.get(path)
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Basic")


def test_wrong_password_unknown_and_malformed_tokens_are_401(site):
    with client(site, auth=("carol", "wrong password")) as http:
        problem(http.get("/api/v1/cases"), 401)
    with client(site, token="mst_not-a-token") as http:
        problem(http.get("/api/v1/cases"), 401)
    with client(site) as http:
        problem(http.get("/api/v1/cases", headers={"Authorization": "Basic %%%"}), 401)


def test_basic_and_bearer_read_the_same_cases(site):
    with client(site, auth=READER) as basic, client(site, token=site.seeded.token) as bearer:
        one, two = basic.get("/api/v1/cases"), bearer.get("/api/v1/cases")
    assert one.status_code == two.status_code == 200
    assert one.json() == two.json()
    assert {c["review_id"] for c in one.json()["items"]} <= set(site.seeded.cases.values())


def test_flagged_filters_and_pages(site):
    with client(site, auth=READER) as http:
        first = http.get("/api/v1/flagged", params={"limit": 3}).json()
        second = http.get("/api/v1/flagged", params={"limit": 3, "offset": 3}).json()
        found = http.get("/api/v1/flagged", params={"q": "hyperlink"}).json()
        problem(http.get("/api/v1/flagged", params={"limit": 0}), 422)
        problem(http.get("/api/v1/flagged", params={"label": "nonsense"}), 422)
        problem(http.get("/api/v1/flagged", params={"since": "yesterday-ish"}), 422)
        odd = http.get("/api/v1/flagged", params={"site": "'; DROP TABLE listings;--", "q": "%_\\"})
    assert len(first["items"]) == 3 and first["next_offset"] == 3
    assert not {i["listing_id"] for i in first["items"]} & {
        i["listing_id"] for i in second["items"]
    }
    assert [i["title"] for i in found["items"]][0].startswith("=HYPERLINK")
    assert odd.status_code == 200 and odd.json()["items"] == []  # data, not SQL or wildcards


def test_one_case_has_listing_evidence_and_history(site):
    case_id = site.seeded.hostile_case
    with client(site, auth=READER) as http:
        body = http.get(f"/api/v1/cases/{case_id}").json()
        problem(http.get("/api/v1/cases/999999"), 404)
        problem(http.get("/api/v1/cases/not-a-number"), 422)
        problem(http.get("/api/v1/cases/99999999999999999999"), 422)  # no overflow, no 500
        problem(http.get("/api/v1/cases/0"), 422)
    assert body["case"]["review_id"] == case_id
    assert body["case"]["title"].startswith("<script>")  # data, as stored
    assert body["evidence"][0]["href"] == f"/cases/{case_id}/evidence/{body['evidence'][0]['id']}"
    assert body["events"][0]["to_status"] == "open"


def test_analyst_cannot_decide(site):
    case_id = site.seeded.cases["https://shop.example/products/8"]
    with client(site, token=site.seeded.token) as http:
        message = problem(
            http.post(f"/api/v1/cases/{case_id}/decision", json={"decision": "confirm"}), 403
        )
    assert "reviewer" in message


def test_decision_is_written_with_the_reviewer_and_a_stale_version_conflicts(site):
    case_id = site.seeded.cases["https://shop.example/products/7"]
    path = f"/api/v1/cases/{case_id}/decision"
    with client(site, auth=REVIEWER) as ana, client(site, auth=("bob", PASSWORD)) as bob:
        seen = ana.get(f"/api/v1/cases/{case_id}").json()["case"]["version"]
        won = ana.post(path, json={"decision": "confirm", "note": "same as 17", "version": seen})
        lost = bob.post(path, json={"decision": "dismiss", "version": seen})
        wrong = bob.post(path, json={"decision": "escalate"})  # confirmed cannot escalate
        bad = bob.post(path, json={"decision": "maybe"})
        huge = bob.post(path, json={"decision": "dismiss", "version": 10**30})
    assert won.status_code == 200, won.text
    assert won.json() == {"review_id": case_id, "status": "confirmed", "version": seen + 1,
                          "reviewer": "ana"}  # fmt: skip
    assert "moved by someone else" in problem(lost, 409)
    assert "can move to" in problem(wrong, 409)
    problem(bad, 422)
    problem(huge, 422)
    with Session(site.engine) as session:
        trail = reviews.review_history(session, case_id)
    assert [(e.reviewer, e.to_status, e.note) for e in trail[1:]] == [
        ("ana", "confirmed", "same as 17")
    ]


def test_runs(site):
    with client(site, auth=READER) as http:
        body = http.get("/api/v1/runs").json()
        problem(http.get("/api/v1/runs", params={"status": "exploded"}), 422)
    assert body["items"][0]["site"] == "shop" and body["items"][0]["status"] == "finished"


def test_openapi_and_its_page(site):
    with client(site) as http:
        schema = http.get("/api/openapi.json").json()
        page = http.get("/api/docs")
    assert {"/api/v1/check", "/api/v1/flagged", "/api/v1/cases", "/api/v1/cases/{review_id}",
            "/api/v1/cases/{review_id}/decision", "/api/v1/runs"} <= set(schema["paths"])  # fmt: skip
    assert page.status_code == 200 and "/api/v1/check" in page.text
    assert "<script" not in page.text


def test_failed_passwords_are_rate_limited(tmp_path, model):
    from maskscreen.db import open_database
    from tests.web.server import Served

    url = f"sqlite:///{tmp_path / 'limits.sqlite'}"
    engine = open_database(url)
    seed(engine, listings=1)
    served = Served(url, model).start()
    try:
        with httpx.Client(base_url=served.url, timeout=30) as http:
            for _ in range(5):
                problem(http.get("/api/v1/cases", auth=("bob", "guess")), 401)
            # Now even the right password waits: the name is blocked for a while.
            assert "too many" in problem(http.get("/api/v1/cases", auth=("bob", PASSWORD)), 429)
            assert http.get("/api/v1/cases", auth=READER).status_code == 200
    finally:
        served.stop()
        engine.dispose()


GARBAGE = [
    ("GET", "/api/v1/flagged?limit=-1&offset=abc&min_score=2"),
    ("GET", "/api/v1/flagged?since=2026-13-45&q=" + "%00" * 10),
    ("GET", "/api/v1/cases?status=nope&limit=1000000"),
    ("GET", "/api/v1/cases/-5"),
    ("GET", "/api/v1/runs?limit=0&failed_monitors=maybe"),
    ("POST", "/api/v1/cases/1/decision"),
    ("POST", "/api/v1/check"),
    ("GET", "/api/v1/nothing-here"),
    ("DELETE", "/api/v1/check"),
]


@pytest.mark.parametrize(("method", "path"), GARBAGE)
def test_bad_requests_are_4xx_json_never_500(site, method, path):
    with client(site, auth=REVIEWER) as http:
        response = http.request(method, path, content=b"\x00not json")
    assert 400 <= response.status_code < 500, response.text
    problem(response, response.status_code)
