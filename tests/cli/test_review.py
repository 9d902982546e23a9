"""`maskscreen review …` and `maskscreen sellers` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db import store
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Review, ReviewEvent
from tests.db.factories import make_listing, make_verdict

HOSTILE = "Face copy \x1b[31mfrom\x1b[0m your photo\u202e\nWeChat: facecopy88"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.sqlite'}"
    return pg_database_url("cli")


@pytest.fixture
def seeded(url):
    """Three flagged listings: 1 (custom copy, hostile text, top priority), 2, 3 (market)."""
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        shop = store.get_or_create_site(session, "shop")
        market = store.get_or_create_site(session, "market")
        rows = store.upsert_listings(session, shop, [
            make_listing(1, title=HOSTILE, description=HOSTILE, seller="Copy\x1b]0;pwn\x07Co",
                         seller_url=None),
            make_listing(2, seller="Copy\x1b]0;pwn\x07Co", seller_url=None),
        ])  # fmt: skip
        rows += store.upsert_listings(
            session, market, [make_listing(3, seller="other", seller_url=None)]
        )
        store.record_classifications(session, [
            (rows[0].version_id, make_verdict(label="custom_face_copy", score=0.97,
                                              signals={"made_to_order": True})),
            (rows[1].version_id, make_verdict(score=0.8)),
            (rows[2].version_id, make_verdict(score=0.6)),
        ])  # fmt: skip
        cases = [
            session.scalar(select(Review.id).where(Review.listing_id == r.listing_id)) for r in rows
        ]
    engine.dispose()
    return url, cases


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def events(url):
    engine = open_database(url)
    with Session(engine) as session:
        found = [(e.review_id, e.reviewer, e.to_status, e.note)
                 for e in session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))]  # fmt: skip
    engine.dispose()
    return found


def test_review_next_no_input_shows_the_top_case_safely(seeded):
    url, cases = seeded
    result = run("review", "next", "--no-input", "--db", url)
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"case {cases[0]}  open" in out
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "custom_face_copy" in out and "made to order" in out
    assert "handles:  wechat:facecopy88" in out
    assert "seller's other listings:" in out and "[open] shop" in out
    assert "maskscreen  - -> open  flagged" in out
    assert len(events(url)) == 3  # nothing written


def test_review_next_decides_with_one_key_and_a_note(seeded):
    url, cases = seeded
    result = run("review", "next", "--db", url, "--reviewer", "ana", input="cseen it before\nsq")
    assert result.exit_code == 0, result.output
    assert f"case {cases[0]}: open -> confirmed" in result.output
    assert f"case {cases[1]}  open" in result.output  # the next one follows, then skipped
    assert events(url)[3:] == [(cases[0], "ana", "confirmed", "seen it before")]


def test_review_next_escalate_moves_on_to_the_next_case(seeded):
    url, cases = seeded
    result = run("review", "next", "--db", url, "--reviewer", "ana", input="e\nq")
    assert result.exit_code == 0, result.output
    assert f"case {cases[0]}: open -> escalated" in result.output
    after = result.output.split(f"case {cases[0]}: open -> escalated", 1)[1]
    assert f"case {cases[1]}  open" in after and f"case {cases[0]}  " not in after
    assert events(url)[3:] == [(cases[0], "ana", "escalated", None)]


@pytest.mark.parametrize("keys", ["q", "sssq", ""])
def test_review_next_skip_and_quit_write_nothing(seeded, keys):
    url, _ = seeded
    result = run("review", "next", "--db", url, "--reviewer", "ana", input=keys)
    assert result.exit_code == 0, result.output
    assert len(events(url)) == 3


def test_review_decide_moves_and_refuses_bad_moves(seeded):
    url, cases = seeded
    ok = run("review", "decide", str(cases[1]), "--confirm", "--note", "same seller", "--db", url,
             env={"MASKSCREEN_REVIEWER": "bo"})  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert f"case {cases[1]}: confirmed by bo (version 2)" in ok.output
    assert (
        run(
            "review", "decide", str(cases[1]), "--actioned", "--db", url, "--reviewer", "bo"
        ).exit_code
        == 0
    )

    for args, message in [
        ((str(cases[1]), "--dismiss"), "is actioned: it can move to open, removed, not dismissed"),
        (("999999", "--confirm"), "no review case 999999"),
        ((str(cases[2]), "--confirm", "--if-version", "7"), "moved by someone else"),
    ]:
        bad = run("review", "decide", *args, "--db", url, "--reviewer", "bo")
        assert bad.exit_code == 2, bad.output
        assert bad.output == f"maskscreen: error: {bad.output.split('error: ', 1)[1]}"
        assert message in bad.output and bad.output.count("\n") == 1
    assert [e[2] for e in events(url)[3:]] == ["confirmed", "actioned"]


def test_review_decide_needs_a_decision(seeded):
    url, cases = seeded
    result = run("review", "decide", str(cases[0]), "--db", url, "--reviewer", "bo")
    assert result.exit_code == 2 and "--confirm" in result.output


def test_missing_reviewer_is_one_line_and_writes_nothing(seeded, monkeypatch):
    url, cases = seeded

    def no_user():
        raise OSError("no user name")

    monkeypatch.setattr("getpass.getuser", no_user)
    monkeypatch.delenv("MASKSCREEN_REVIEWER", raising=False)
    for args in (("decide", str(cases[0]), "--confirm"), ("next",)):
        result = run("review", *args, "--db", url, input="c\n")
        assert result.exit_code == 2, result.output
        assert result.output == (
            "maskscreen: error: no reviewer: pass --reviewer NAME or set MASKSCREEN_REVIEWER\n"
        )
    assert len(events(url)) == 3


def test_review_list_filters_and_formats(seeded):
    url, cases = seeded
    rows = [
        json.loads(line)
        for line in run("review", "list", "--db", url, "--json").output.splitlines()
    ]
    assert [r["review_id"] for r in rows] == cases  # by priority
    assert rows[0]["title"] == HOSTILE  # JSON keeps the text as it is
    market = run("review", "list", "--db", url, "--json", "--site", "market").output.splitlines()
    assert [json.loads(line)["review_id"] for line in market] == [cases[2]]
    copy = run("review", "list", "--db", url, "--json", "--label", "custom_face_copy").output
    assert copy.count("\n") == 1
    run("review", "decide", str(cases[2]), "--dismiss", "--db", url, "--reviewer", "bo")
    dismissed = run(
        "review", "list", "--db", url, "--csv", "--status", "dismissed"
    ).output.splitlines()
    assert dismissed[0].startswith("review_id,listing_id,site") and len(dismissed) == 2
    table = run("review", "list", "--db", url).output
    assert table.splitlines()[0].split()[:4] == ["review_id", "status", "source", "priority"]
    assert "\x1b" not in table


def test_needs_human_cases_show_their_reason_and_filter(seeded):
    url, cases = seeded
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        shop = store.get_or_create_site(session, "shop")
        [row] = store.upsert_listings(session, shop, [make_listing(7, title="Маска лица")])
        verdict = make_verdict(label="benign", score=0.99, flagged=False, language="ru",
                               language_supported=False)  # fmt: skip
        assert store.record_classifications(session, [(row.version_id, verdict)]) == 1
    engine.dispose()
    listed = run("review", "list", "--db", url, "--json", "--reason", "needs_human").output
    [only] = [json.loads(line) for line in listed.splitlines()]
    assert only["source"] == "needs_human" and only["review_id"] not in cases
    flagged = run("review", "list", "--db", url, "--json", "--reason", "flag").output
    assert [json.loads(line)["review_id"] for line in flagged.splitlines()] == cases
    shown = run("review", "next", "--no-input", "--reason", "needs_human", "--db", url).output
    assert "reason needs_human" in shown and "Маска лица" in shown
    assert run("review", "list", "--db", url, "--reason", "bogus").exit_code == 2


def test_sellers_ranks_with_sites_and_handles(seeded):
    url, cases = seeded
    run("review", "decide", str(cases[2]), "--confirm", "--db", url, "--reviewer", "bo")
    rows = [json.loads(line) for line in run("sellers", "--db", url, "--json").output.splitlines()]
    assert [(r["name"], r["confirmed"], r["flagged"]) for r in rows] == [
        ("other", 1, 1), ("Copy\x1b]0;pwn\x07Co", 0, 2),
    ]  # fmt: skip
    assert rows[1]["handles"] == ["wechat:facecopy88"] and rows[1]["sites"] == ["shop"]
    table = run("sellers", "--db", url).output
    assert "\x1b" not in table and "\x07" not in table
    assert table.splitlines()[0].split()[:3] == ["confirmed", "flagged", "listings"]
