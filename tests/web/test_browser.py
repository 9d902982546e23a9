"""The web app in a real Chromium (Playwright): keyboard review, a race, hostile listings."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy.orm import Session

from maskscreen.db import reviews
from tests.web.browser import Watch, launch, sign_in
from tests.web.seed import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    yield context
    context.close()


def trail(site, case_id: int) -> list[tuple[str, str | None, str, str | None]]:
    with Session(site.engine) as session:
        events = reviews.review_history(session, case_id)
    return [(e.reviewer, e.from_status, e.to_status, e.note) for e in events[1:]]


@pytest.mark.parametrize(
    "path", ["/queue", "/cases/1", "/flagged", "/stats", "/api/docs/../../runs"]
)
def test_signed_out_visitor_sees_only_the_login_page(sqlite_site, context, path):
    page = context.new_page()
    page.goto(sqlite_site.url + path)
    assert page.url == f"{sqlite_site.url}/login"
    assert page.locator("form.login").is_visible()
    assert page.locator("nav").count() == 0 and page.locator("table").count() == 0


def test_reviewer_works_the_queue_by_keyboard(fresh_site, context):
    with Session(fresh_site.engine) as session:
        order = [case.review_id for case in reviews.review_queue(session, limit=5)]
    page = sign_in(context, fresh_site.url, "ana", PASSWORD)
    with page.expect_navigation():
        page.click("#start")
    assert page.url.startswith(f"{fresh_site.url}/cases/{order[0]}")

    with page.expect_navigation():
        page.keyboard.press("c")  # confirm
    assert page.url.startswith(f"{fresh_site.url}/cases/{order[1]}")
    assert "Saved: case" in page.inner_text(".notice")

    page.keyboard.press("n")  # to the note
    page.keyboard.type("a printed paper mask")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("d")  # dismiss, with the note
    assert page.url.startswith(f"{fresh_site.url}/cases/{order[2]}")

    with page.expect_navigation():
        page.keyboard.press("s")  # skip
    assert page.url.startswith(f"{fresh_site.url}/cases/{order[3]}")

    with page.expect_navigation():
        page.keyboard.press("e")  # escalate: the next case follows, not this one again
    assert page.url.startswith(f"{fresh_site.url}/cases/{order[4]}")

    assert trail(fresh_site, order[0]) == [("ana", "open", "confirmed", None)]
    assert trail(fresh_site, order[1]) == [("ana", "open", "dismissed", "a printed paper mask")]
    assert trail(fresh_site, order[2]) == []
    assert trail(fresh_site, order[3]) == [("ana", "open", "escalated", None)]


def test_two_reviewers_race_one_case(fresh_site, browser):
    case_id = fresh_site.seeded.cases["https://shop.example/products/5"]
    first, second = browser.new_context(), browser.new_context()
    try:
        ana = sign_in(first, fresh_site.url, "ana", PASSWORD)
        bob = sign_in(second, fresh_site.url, "bob", PASSWORD)
        ana.goto(f"{fresh_site.url}/cases/{case_id}")
        bob.goto(f"{fresh_site.url}/cases/{case_id}")
        with ana.expect_navigation():
            ana.keyboard.press("c")
        with bob.expect_navigation():
            bob.keyboard.press("d")
        conflict = bob.locator("#conflict")
        assert conflict.is_visible()
        assert "Another reviewer decided first: ana moved this case to confirmed" in (
            conflict.inner_text()
        )
        assert "confirmed" in bob.inner_text("h1")  # the page now shows the case as it is
    finally:
        first.close()
        second.close()
    assert trail(fresh_site, case_id) == [("ana", "open", "confirmed", None)]


def test_hostile_listing_and_evidence_stay_inert(sqlite_site, context):
    watch = Watch()
    watch.attach(context)
    page = sign_in(context, sqlite_site.url, "carol", PASSWORD)
    page.goto(f"{sqlite_site.url}/cases/{sqlite_site.seeded.hostile_case}")
    page.wait_for_load_state("networkidle")
    title = page.inner_text("h2.title")
    assert title.startswith('<script>alert("title")</script><img src=')  # shown as text
    kept = page.frame_locator("iframe.evidence").locator("h1")
    assert kept.inner_text() == "Silicone mask"  # the page is there, inert
    kept.hover()  # its onmouseover handler must not run
    page.locator("mark").first.hover()
    page.wait_for_timeout(300)
    assert watch.dialogs == []
    assert watch.outside == []
    frame = next(f for f in page.frames if "/evidence/" in f.url)
    assert frame.evaluate("() => document.scripts.length") >= 1  # present, never run
