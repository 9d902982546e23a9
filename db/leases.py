"""Leases: at most one crawl of a site at a time, across every machine sharing the database.

    keeper = LeaseKeeper(engine, "crawl:shop.example", ttl=300)
    keeper.acquire()            # raises LeaseHeld if another live holder has it
    keeper.start()              # a thread renews it every ttl/4 seconds
    ...                         # crawl; keeper.set_run(run_id) once the run exists
    keeper.release()

A lease is one ``crawl_leases`` row, unique by key, with an expiry its holder keeps
pushing forward. A holder that dies stops renewing; once the row has expired, the
next ``acquire`` deletes it, closes the dead holder's run as failed, and inserts its
own: one DELETE and one INSERT … ON CONFLICT DO NOTHING in one transaction, which is
atomic on PostgreSQL (row locks) and on SQLite (one writer at a time).

Times come from this machine's clock: machines sharing a database need their clocks
in step (NTP) to well within the TTL.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from maskscreen.db.errors import StoreError
from maskscreen.db.models import utcnow
from maskscreen.db.runs import fail_run
from maskscreen.db.sql import insert_for, rowcount
from maskscreen.db.tables import leases

logger = logging.getLogger(__name__)


DEFAULT_TTL = 300.0  # seconds a lease lives without a renewal


class LeaseHeld(StoreError):
    """Another live holder has the lease."""

    def __init__(self, key: str, holder: str, expires_at: datetime):
        super().__init__(
            f"{key} is held by {holder} until {expires_at:%Y-%m-%d %H:%M:%S} UTC "
            "(renewed while it runs)"
        )
        self.key, self.holder, self.expires_at = key, holder, expires_at


@dataclass(frozen=True)
class Lease:
    key: str
    holder: str
    expires_at: datetime


def new_holder() -> str:
    """host:pid:random, unique per process and attempt."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def holder_process(holder: str) -> tuple[str, int] | None:
    """(host, pid) of a holder named by `new_holder`, None if it is not one."""
    host, _, rest = holder.rpartition(":")
    host, _, pid = host.rpartition(":")
    return (host, int(pid)) if host and pid.isdigit() else None


def _boot_time() -> float | None:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            for line in stat:
                if line.startswith("btime "):
                    return float(line.split()[1])
    except OSError:
        return None
    return None


def process_alive(pid: int, since: datetime | None = None) -> bool:
    """Whether process `pid` of this machine is alive, and (where /proc tells) the same
    process that started no later than `since` (a pid reused since then is another
    process). Unsure means alive: only a process known dead loses its lease early."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return True
    if fields and fields[0] in ("Z", "X"):  # a zombie: dead, not yet waited for
        return False
    boot = _boot_time()
    if since is None or boot is None or len(fields) < 20:
        return True
    started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return started <= since.timestamp() + 5  # seconds of slack for clock granularity


def _dead_here(holder: str, acquired_at: datetime) -> bool:
    """A holder on this machine whose process is gone."""
    process = holder_process(holder)
    if process is None or process[0] != socket.gethostname():
        return False
    return not process_alive(process[1], acquired_at)


def _reap(session: Session, now: datetime, key: str | None = None) -> list[int]:
    """Delete leases whose holder is gone (of ``key``, or all): expired ones, and those of
    a process on this machine that is no longer alive (killed before it could renew
    or release). Close their runs as failed (worker_lost)."""
    # The write first (see db.session on SQLite): the expired ones, then the dead ones.
    expired = delete(leases).where(leases.c.expires_at < now)
    if key is not None:
        expired = expired.where(leases.c.key == key)
    gone = [(row.key, row.holder, row.run_id, "expired") for row in session.execute(
        expired.returning(leases.c.key, leases.c.holder, leases.c.run_id))]  # fmt: skip
    stmt = select(leases.c.key, leases.c.holder, leases.c.acquired_at)
    if key is not None:
        stmt = stmt.where(leases.c.key == key)
    for row in session.execute(stmt).all():
        if not _dead_here(row.holder, row.acquired_at):
            continue
        deleted = session.execute(
            delete(leases)
            .where(leases.c.key == row.key, leases.c.holder == row.holder)
            .returning(leases.c.run_id)
        ).all()
        if deleted:
            gone.append((row.key, row.holder, deleted[0].run_id, "process gone"))
    failed = []
    for lease_key, holder, run_id, why in gone:
        logger.warning("lease %s of %s: %s; its run is closed as failed", lease_key, holder, why)
        what = "stopped renewing its lease" if why == "expired" else "is no longer running"
        note = {"name": "worker_lost", "passed": False,
                "message": f"the worker {holder} {what} (killed or disconnected); the run "
                           "was closed by the next command that saw it"}  # fmt: skip
        if run_id is not None and fail_run(session, run_id, note):
            failed.append(run_id)
    return failed


def reap_expired(session: Session, now: datetime | None = None) -> list[int]:
    """Delete every lease whose holder is gone (expired, or a dead process on this
    machine) and close its run as failed; the runs' ids."""
    return _reap(session, now or utcnow())


def acquire(
    session: Session, key: str, holder: str, ttl: float = DEFAULT_TTL, now: datetime | None = None
) -> Lease:
    """Take the lease ``key`` for ``holder``, or raise LeaseHeld. The caller commits."""
    now = now or utcnow()
    _reap(session, now, key)
    expires = now + timedelta(seconds=ttl)
    stmt = (
        insert_for(session, leases)
        .values(key=key, holder=holder, acquired_at=now, renewed_at=now, expires_at=expires)
        .on_conflict_do_nothing(index_elements=[leases.c.key])
        .returning(leases.c.key)
    )
    if session.execute(stmt).first() is None:
        row = session.execute(
            select(leases.c.holder, leases.c.expires_at).where(leases.c.key == key)
        ).one()
        raise LeaseHeld(key, row.holder, row.expires_at)
    return Lease(key, holder, expires)


def renew(
    session: Session,
    key: str,
    holder: str,
    ttl: float = DEFAULT_TTL,
    *,
    run_id: int | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """Push the lease's expiry forward; its new expiry, or None if ``holder`` lost it."""
    now = now or utcnow()
    expires = now + timedelta(seconds=ttl)
    values: dict[str, datetime | int] = {"renewed_at": now, "expires_at": expires}
    if run_id is not None:
        values["run_id"] = run_id
    stmt = update(leases).where(leases.c.key == key, leases.c.holder == holder).values(**values)
    return expires if rowcount(session.execute(stmt)) else None


def release(session: Session, key: str, holder: str) -> bool:
    """Give the lease up; False if ``holder`` no longer had it."""
    stmt = delete(leases).where(leases.c.key == key, leases.c.holder == holder)
    return rowcount(session.execute(stmt)) > 0


def current(session: Session) -> list[dict[str, Any]]:
    """Every lease, as dicts (key, holder, run_id, acquired_at, renewed_at, expires_at)."""
    return [dict(row) for row in session.execute(select(leases).order_by(leases.c.key)).mappings()]


class LeaseKeeper:
    """Holds one lease for the length of a job and renews it from a thread.

    ``on_lost(reason)`` is called (from the renewing thread) when the lease is gone:
    taken over by another holder, or not renewed before it expired (database
    unreachable). The job should then stop: someone else may start the same crawl.
    """

    def __init__(
        self,
        engine: Engine,
        key: str,
        *,
        ttl: float = DEFAULT_TTL,
        interval: float | None = None,
        on_lost: Callable[[str], None] | None = None,
        run_source: Callable[[], int | None] | None = None,
    ):
        self.engine = engine
        self.key = key
        self.ttl = ttl
        self.interval = interval if interval is not None else ttl / 4
        self.on_lost = on_lost
        self.run_source = run_source  # asked at each renewal: the run this lease covers
        self.holder = new_holder()
        self.expires_at: datetime | None = None
        self.run_id: int | None = None
        self.lost: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def acquire(self) -> None:
        with Session(self.engine) as session, session.begin():
            self.expires_at = acquire(session, self.key, self.holder, self.ttl).expires_at
        logger.info("lease %s taken by %s", self.key, self.holder)

    def set_run(self, run_id: int | None) -> None:
        self.run_id = run_id

    def start(self) -> None:
        self._thread = threading.Thread(target=self._beat, name=f"lease {self.key}", daemon=True)
        self._thread.start()

    def renew_now(self) -> bool:
        """One renewal; False once the lease is lost."""
        if self.run_source is not None:
            try:
                self.run_id = self.run_source() or self.run_id
            except Exception:
                logger.debug("lease %s: no run id yet", self.key, exc_info=True)
        try:
            with Session(self.engine) as session, session.begin():
                expires = renew(session, self.key, self.holder, self.ttl, run_id=self.run_id)
        except SQLAlchemyError as exc:
            logger.warning("could not renew lease %s: %s", self.key, str(exc).splitlines()[0])
            if self.expires_at is not None and utcnow() >= self.expires_at:
                self._lose("not renewed before it expired (database unreachable)")
            return self.lost is None
        if expires is None:
            self._lose("taken over by another holder")
        else:
            self.expires_at = expires
        return self.lost is None

    def _lose(self, reason: str) -> None:
        if self.lost is None:
            self.lost = reason
            logger.error("lease %s lost: %s", self.key, reason)
            if self.on_lost is not None:
                self.on_lost(reason)

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            if not self.renew_now():
                return

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.lost is not None:
            return
        try:
            with Session(self.engine) as session, session.begin():
                release(session, self.key, self.holder)
        except SQLAlchemyError as exc:  # it expires by itself
            logger.warning("could not release lease %s: %s", self.key, str(exc).splitlines()[0])
