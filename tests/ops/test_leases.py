"""Leases: one holder per key, taken over only once expired, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from maskscreen.db import leases, migrate, runs
from maskscreen.db.leases import LeaseHeld, LeaseKeeper
from maskscreen.db.models import utcnow
from maskscreen.db.session import make_engine


def test_a_held_lease_is_refused_with_its_holder(session):
    leases.acquire(session, "crawl:a", "host:1:aa", ttl=60)
    with pytest.raises(LeaseHeld) as raised:
        leases.acquire(session, "crawl:a", "host:2:bb", ttl=60)
    assert raised.value.holder == "host:1:aa"
    assert "crawl:a is held by host:1:aa until" in str(raised.value)
    leases.acquire(session, "crawl:b", "host:2:bb", ttl=60)  # another site is free


def test_a_lease_of_a_dead_process_here_is_taken_over_at_once(session):
    import socket
    import subprocess
    import sys

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(child.stdout)  # exited and waited for: no such process now
    here = socket.gethostname()
    site_id = runs.get_or_create_site(session, "dead-here")
    run_id = runs.start_crawl_run(session, site_id, "maskscreen crawl dead-here")
    leases.acquire(session, "crawl:dead-here", f"{here}:{dead_pid}:aa", ttl=600)
    leases.renew(session, "crawl:dead-here", f"{here}:{dead_pid}:aa", 600, run_id=run_id)
    # Alive (this process), or on another machine: held until it expires.
    import os

    leases.acquire(session, "crawl:alive-here", f"{here}:{os.getpid()}:bb", ttl=600)
    leases.acquire(session, "crawl:elsewhere", f"other-{here}:{dead_pid}:cc", ttl=600)

    assert leases.reap_expired(session) == [run_id]
    row = runs.run_row(session, run_id)
    assert row["status"] == "failed" and row["status_reason"].startswith("worker_lost")
    assert "is no longer running" in row["monitors"][0]["message"]
    assert {lease["key"] for lease in leases.current(session)} == {
        "crawl:alive-here", "crawl:elsewhere"}  # fmt: skip
    with pytest.raises(LeaseHeld):
        leases.acquire(session, "crawl:alive-here", "x:1:dd", ttl=60)


def test_a_reused_pid_is_not_the_holder():
    import os
    from datetime import timedelta

    from maskscreen.db.leases import holder_process, process_alive

    assert holder_process("my.host:123:ab12cd") == ("my.host", 123)
    assert holder_process("not-a-holder") is None
    assert process_alive(os.getpid(), utcnow())
    # This process started after a lease taken a day ago: not that lease's holder.
    assert not process_alive(os.getpid(), utcnow() - timedelta(days=1))


def test_an_expired_lease_is_taken_over_and_its_run_closed_as_failed(session):
    site_id = runs.get_or_create_site(session, "lease-site")
    run_id = runs.start_crawl_run(session, site_id, "maskscreen crawl lease-site")
    past = utcnow() - timedelta(minutes=10)
    leases.acquire(session, "crawl:lease-site", "dead:1:aa", ttl=60, now=past)
    assert leases.renew(session, "crawl:lease-site", "dead:1:aa", 60, run_id=run_id, now=past)

    lease = leases.acquire(session, "crawl:lease-site", "alive:2:bb", ttl=60)
    assert lease.holder == "alive:2:bb"
    row = runs.run_row(session, run_id)
    assert row["status"] == "failed" and row["finished_at"] is not None
    assert row["monitors_failed"] == 1 and row["monitors"][0]["name"] == "worker_lost"


def test_renew_and_release_only_by_the_holder(session):
    leases.acquire(session, "crawl:c", "me:1:aa", ttl=60)
    assert leases.renew(session, "crawl:c", "other:2:bb", 60) is None
    assert leases.renew(session, "crawl:c", "me:1:aa", 120) is not None
    assert not leases.release(session, "crawl:c", "other:2:bb")
    assert leases.release(session, "crawl:c", "me:1:aa")
    leases.acquire(session, "crawl:c", "other:2:bb", ttl=60)


def test_reap_expired_closes_runs_of_dead_workers_only(session):
    site_id = runs.get_or_create_site(session, "reap-site")
    dead_run = runs.start_crawl_run(session, site_id)
    live_run = runs.start_crawl_run(session, site_id)
    past = utcnow() - timedelta(hours=1)
    leases.acquire(session, "crawl:reap-dead", "dead:1:aa", ttl=5, now=past)
    leases.renew(session, "crawl:reap-dead", "dead:1:aa", 5, run_id=dead_run, now=past)
    leases.acquire(session, "crawl:reap-live", "live:1:aa", ttl=600)
    leases.renew(session, "crawl:reap-live", "live:1:aa", 600, run_id=live_run)
    assert dead_run in leases.reap_expired(session)
    assert runs.run_row(session, dead_run)["status"] == "failed"
    assert runs.run_row(session, live_run)["status"] == "running"
    assert [lease["key"] for lease in leases.current(session) if lease["key"].startswith("crawl:reap")] == [
        "crawl:reap-live"]  # fmt: skip


def test_racing_acquirers_get_exactly_one_lease(database_url):
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    # An expired lease too, so that the racers also race to take it over.
    with Session(engine) as session, session.begin():
        leases.acquire(session, "crawl:race", "dead:0:00", ttl=1, now=utcnow() - timedelta(hours=1))
    winners, refused, barrier = [], [], threading.Barrier(6)

    def race(n: int) -> None:
        barrier.wait()
        try:
            with Session(engine) as session, session.begin():
                leases.acquire(session, "crawl:race", f"racer:{n}:00", ttl=60)
            winners.append(n)
        except LeaseHeld:
            refused.append(n)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert len(winners) == 1 and len(refused) == 5


def test_the_keeper_renews_and_says_when_it_lost_the_lease(database_url):
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    lost = threading.Event()
    keeper = LeaseKeeper(engine, "crawl:kept", ttl=30, interval=0.05, on_lost=lambda r: lost.set())
    keeper.acquire()
    first = keeper.expires_at
    keeper.start()
    time.sleep(0.3)
    assert keeper.expires_at > first and keeper.lost is None
    with pytest.raises(LeaseHeld):
        LeaseKeeper(engine, "crawl:kept").acquire()
    # Someone takes it over (as after an expiry): the keeper notices at its next beat.
    with Session(engine) as session, session.begin():
        leases.release(session, "crawl:kept", keeper.holder)
        leases.acquire(session, "crawl:kept", "thief:9:99", ttl=60)
    assert lost.wait(5)
    assert keeper.lost == "taken over by another holder"
    keeper.release()  # does not release the thief's lease
    with Session(engine) as session:
        assert [lease["holder"] for lease in leases.current(session)] == ["thief:9:99"]
    engine.dispose()


def test_the_keeper_releases_its_lease(database_url):
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    keeper = LeaseKeeper(engine, "crawl:done", ttl=30)
    keeper.acquire()
    keeper.start()
    keeper.release()
    LeaseKeeper(engine, "crawl:done").acquire()
    engine.dispose()


def test_the_keeper_gives_up_once_the_database_is_gone_past_the_expiry(database_url):
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    reasons = []
    keeper = LeaseKeeper(engine, "crawl:gone", ttl=30, on_lost=reasons.append)
    keeper.acquire()
    keeper.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # unreachable
    assert keeper.renew_now()  # a blip: the lease has not expired yet, keep crawling
    keeper.expires_at = utcnow() - timedelta(seconds=1)
    assert not keeper.renew_now()
    assert reasons == ["not renewed before it expired (database unreachable)"]
    keeper.release()  # nothing to release: it is lost (and the database is gone)
    keeper.engine.dispose()
    engine.dispose()
