"""`maskscreen users`, `maskscreen tokens` and `maskscreen serve` (a real process)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import httpx
from click.testing import CliRunner
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db import accounts, open_database


def run(url: str, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, [*args[:2], "--db", url, *args[2:]], input=stdin)


def test_users_add_list_disable(tmp_path):
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    added = run(url, "users", "add", "ana", "--role", "reviewer", "--password-stdin",
                stdin="long enough pw\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    again = run(url, "users", "add", "ana", "--role", "admin", "--password-stdin",
                stdin="long enough pw\n")  # fmt: skip
    assert again.exit_code == 2 and "user ana exists already" in again.output
    short = run(url, "users", "add", "bob", "--role", "analyst", "--password-stdin", stdin="x\n")
    assert short.exit_code == 2 and "too short" in short.output
    listed = run(url, "users", "list", "--json")
    assert [json.loads(line)["role"] for line in listed.output.splitlines()] == ["reviewer"]
    token = run(url, "tokens", "create", "ana").output.splitlines()[0]
    assert token.startswith(accounts.TOKEN_PREFIX)
    assert run(url, "users", "disable", "ana").exit_code == 0
    engine = open_database(url)
    with Session(engine) as session:
        assert accounts.user_for_token(session, token) is None  # revoked with the user
        assert accounts.authenticate(session, "ana", "long enough pw") is None
        assert accounts.find_user(session, "ana").disabled_at is not None
        stored = session.execute(accounts.select_hashes()).scalars().all()
    engine.dispose()
    assert all(h.startswith("$argon2id$") for h in stored)


def test_tokens_revoke(tmp_path):
    url = f"sqlite:///{tmp_path / 't.sqlite'}"
    run(url, "users", "add", "carol", "--role", "analyst", "--password-stdin", stdin="12345678\n")
    run(url, "tokens", "create", "carol")
    listed = json.loads(run(url, "tokens", "list", "--json").output.splitlines()[0])
    assert listed["user"] == "carol" and listed["revoked_at"] is None
    assert run(url, "tokens", "revoke", str(listed["id"])).exit_code == 0
    twice = run(url, "tokens", "revoke", str(listed["id"]))
    assert twice.exit_code == 2 and "no live token" in twice.output


def test_serve_prints_its_url_serves_and_stops_on_sigterm(tmp_path):
    env = {**os.environ, "MASKSCREEN_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "maskscreen.cli", "serve", "--port", "0"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = process.stderr.readline()
        found = re.search(r"serving on (http://127\.0\.0\.1:\d+/)", line)
        assert found, line
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(found.group(1) + "login", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert response.status_code == 200 and "Sign in" in response.text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
