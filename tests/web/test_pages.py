"""The pages over HTTP (no browser): sign-in, CSRF, roles, headers, evidence, CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from maskscreen.web.headers import EVIDENCE_CSP, PAGE_CSP
from tests.web.seed import FORMULA_TITLE, PASSWORD

PAGES = ["/queue", "/flagged", "/sellers", "/stats", "/runs", "/users"]


def hidden_csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@contextmanager
def signed_in(site, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, timeout=30) as http:
        form = http.get("/login")
        done = http.post(
            "/login", data={"name": name, "password": PASSWORD, "csrf": hidden_csrf(form.text)}
        )
        assert done.status_code == 303 and done.headers["location"] == "/queue", done.text
        cookie = done.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        yield http


@pytest.mark.parametrize("path", [*PAGES, "/cases/1", "/cases/1/evidence/1", "/"])
def test_signed_out_visitor_is_sent_to_the_login_page(sqlite_site, path):
    with httpx.Client(base_url=sqlite_site.url, timeout=30) as http:
        response = http.get(path)
    assert response.status_code == 303 and response.headers["location"] in ("/login", "/queue")


def test_login_needs_the_forms_csrf_token(sqlite_site):
    with httpx.Client(base_url=sqlite_site.url, timeout=30) as http:
        http.get("/login")
        response = http.post("/login", data={"name": "ana", "password": PASSWORD, "csrf": "x"})
    assert response.status_code == 403 and "maskscreen_session" not in response.headers.get(
        "set-cookie", ""
    )


def test_non_ascii_csrf_tokens_are_refused_not_crashed_on(sqlite_site):
    with signed_in(sqlite_site, "ana") as http:
        response = http.post("/cases/1/decision", data={"decision": "confirm", "version": 1,
                                                         "csrf": "jeton-été"})  # fmt: skip
        login = http.post("/login", data={"name": "ana", "password": PASSWORD, "csrf": "été"})
    assert response.status_code == 403 and login.status_code == 403


def test_wrong_password_says_so(sqlite_site):
    with httpx.Client(base_url=sqlite_site.url, timeout=30) as http:
        token = hidden_csrf(http.get("/login").text)
        response = http.post("/login", data={"name": "root", "password": "no", "csrf": token})
    assert response.status_code == 401 and "Wrong name or password" in response.text


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_csp_and_has_no_inline_script(sqlite_site, path):
    with signed_in(sqlite_site, "root") as http:
        response = http.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert re.fullmatch(r'<script src="/static/[a-z]+\.js" defer>', tag)


def test_case_page_escapes_listing_text_and_frames_evidence_in_a_sandbox(sqlite_site):
    case_id = sqlite_site.seeded.hostile_case
    with signed_in(sqlite_site, "carol") as http:
        page = http.get(f"/cases/{case_id}").text
        evidence_src = re.search(r'<iframe class="evidence" sandbox src="([^"]+)"', page).group(1)
        kept = http.get(evidence_src)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "onerror=" not in page.replace("onerror=&#34;", "")
    assert kept.headers["content-security-policy"] == EVIDENCE_CSP
    assert kept.headers["x-frame-options"] == "SAMEORIGIN"
    assert kept.content.startswith(b"<!doctype html>")  # as kept; made inert by its headers


def test_analyst_sees_no_decision_form_and_cannot_post_one(sqlite_site):
    case_id = sqlite_site.seeded.cases["https://shop.example/products/6"]
    with signed_in(sqlite_site, "carol") as http:
        page = http.get(f"/cases/{case_id}").text
        token = hidden_csrf(page)  # the sign-out form's
        response = http.post(
            f"/cases/{case_id}/decision", data={"decision": "confirm", "version": 1, "csrf": token}
        )
    assert 'id="decide"' not in page
    assert response.status_code == 403


def test_decision_without_csrf_token_is_refused(sqlite_site):
    case_id = sqlite_site.seeded.cases["https://shop.example/products/6"]
    with signed_in(sqlite_site, "ana") as http:
        response = http.post(
            f"/cases/{case_id}/decision", data={"decision": "confirm", "version": 1}
        )
        bad = http.post(f"/cases/{case_id}/decision", data={"decision": "confirm", "version": "x"})
    assert response.status_code == 403 and "CSRF" in response.text
    assert bad.status_code == 400


def test_only_admins_see_users(sqlite_site):
    with signed_in(sqlite_site, "ana") as http:
        assert http.get("/users").status_code == 403


def test_sign_out_ends_the_session(sqlite_site):
    with signed_in(sqlite_site, "bob") as http:
        token = hidden_csrf(http.get("/queue").text)
        kept = dict(http.cookies)
        assert http.post("/logout", data={"csrf": token}).status_code == 303
    with httpx.Client(base_url=sqlite_site.url, cookies=kept, timeout=30) as replay:
        assert replay.get("/queue").headers["location"] == "/login"


def test_flagged_csv_guards_formula_cells(sqlite_site):
    with signed_in(sqlite_site, "carol") as http:
        response = http.get("/flagged.csv")
        bad = http.get("/flagged.csv", params={"status": "bogus"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    titles = {row["title"] for row in rows}
    assert "'" + FORMULA_TITLE in titles and FORMULA_TITLE not in titles
    assert all(not row["title"].startswith(("=", "+", "-", "@")) for row in rows)
    assert bad.status_code == 400


def test_stats_shows_both_times_to_removal_labelled(sqlite_site):
    with signed_in(sqlite_site, "carol") as http:
        page = http.get("/stats").text
    assert "from the flag" in page and "from the reviewer" in page


def test_queue_filters_by_signal_and_the_walk_keeps_them(sqlite_site):
    with signed_in(sqlite_site, "carol") as http:
        queue = http.get("/queue", params={"signal": "off_platform_contact"}).text
        first = http.get("/queue/next", params={"signal": "off_platform_contact"})
        bad = http.get("/queue", params={"signal": "<script>"})
    only = sqlite_site.seeded.cases["https://shop.example/products/3"]
    assert re.findall(r'<a href="/cases/(\d+)\?', queue) == [str(only)]
    assert first.headers["location"] == f"/cases/{only}?signal=off_platform_contact"
    assert bad.status_code == 400 and "<script>" not in bad.text
