"""`maskscreen serve` under load: POST /api/v1/check, and /queue and /cases on a large store.

Starts `maskscreen serve` as its own process on 127.0.0.1 over a fresh database holding
N listings (bench/queries.py's loader: 5 % flagged with an open case), then:

- POST /api/v1/check with a bearer token from C keep-alive connections of a loopback
  load generator (asyncio, raw HTTP/1.1) for D seconds: requests/s, p50 and p99.
  Reference from the same run: the loaded model alone, one text per call, in process.
- GET /queue and GET /cases/{id} (the first 50 cases of the queue) signed in through the
  login form, one request at a time: p50 and p95.

    python bench/web.py                                  # 1,000,000 listings, SQLite
    python bench/web.py --n 100000 --backend postgresql --seconds 10

Targets (issue 15): check >= 500 requests/s with p99 <= 50 ms on 2 cores; /queue and
/cases p95 <= 100 ms. The load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time

import httpx
from queries import WORDS, for_each_backend, load  # bench/queries.py, beside this file
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from maskscreen.db import accounts, migrate
from maskscreen.db.session import make_engine

PASSWORD = "bench password 1"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bodies(count: int = 1000) -> list[bytes]:
    rng = random.Random(15)
    return [
        json.dumps({"title": " ".join(rng.choices(WORDS, k=8)),
                    "description": " ".join(rng.choices(WORDS, k=30))}).encode()
        for _ in range(count)
    ]  # fmt: skip


async def _worker(host, port, token, payloads, deadline, latencies, failures) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    head = (
        f"POST /api/v1/check HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
    )
    i = random.randrange(len(payloads))
    try:
        while time.perf_counter() < deadline:
            body = payloads[i % len(payloads)]
            i += 1
            request = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
            began = time.perf_counter()
            writer.write(request)
            await writer.drain()
            header = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: *(\d+)", header).group(1))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - began)
            if not header.startswith(b"HTTP/1.1 200"):
                failures.append(header.split(b"\r\n", 1)[0].decode())
    finally:
        writer.close()


def check_load(base: str, token: str, connections: int, seconds: float) -> dict:
    host, port = re.match(r"http://([^:/]+):(\d+)", base).groups()
    payloads = bodies()
    latencies: list[float] = []
    failures: list[str] = []

    async def run() -> float:
        # A short warm-up, then the measured window.
        warm = time.perf_counter() + 1
        await asyncio.gather(*(_worker(host, int(port), token, payloads, warm, [], failures)
                               for _ in range(connections)))  # fmt: skip
        began = time.perf_counter()
        deadline = began + seconds
        await asyncio.gather(*(_worker(host, int(port), token, payloads, deadline, latencies,
                                       failures) for _ in range(connections)))  # fmt: skip
        return time.perf_counter() - began

    elapsed = asyncio.run(run())
    return {
        "check_requests_per_s": round(len(latencies) / elapsed),
        "check_p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "check_p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "check_requests": len(latencies),
        "check_failures": len(failures),
        "connections": connections,
    }


def model_reference(seconds: float = 3) -> dict:
    """The model alone, one text per call, in this process: what the server wraps."""
    from maskscreen.classifier.model import load_model

    model = load_model(None)
    payloads = [json.loads(b) for b in bodies()]
    model.predict(payloads[:10])
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        model.predict([payloads[done % len(payloads)]])
        done += 1
    return {"reference_model_alone_texts_per_s": round(done / (time.perf_counter() - began))}


def page_times(base: str, repeat: int) -> dict:
    with httpx.Client(base_url=base, timeout=60) as http:
        form = http.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        http.post("/login", data={"name": "bench", "password": PASSWORD, "csrf": csrf})
        queue_ms = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = http.get("/queue")
            queue_ms.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        ids = re.findall(r'<a href="/cases/(\d+)\?', response.text)[:50]
        case_ms = []
        for case_id in ids:
            began = time.perf_counter()
            response = http.get(f"/cases/{case_id}")
            case_ms.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
    return {
        "queue_p50_ms": round(statistics.median(queue_ms), 1),
        "queue_p95_ms": round(percentile(queue_ms, 0.95), 1),
        "case_p50_ms": round(statistics.median(case_ms), 1),
        "case_p95_ms": round(percentile(case_ms, 0.95), 1),
        "cases_timed": len(case_ms),
    }


def serve(url: str):
    env = {**os.environ, "MASKSCREEN_DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "maskscreen.cli", "-q", "serve", "--port", "0"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    line = process.stderr.readline()
    found = re.search(r"serving on (http://[^ ]+)/", line)
    if not found:
        process.kill()
        raise SystemExit(f"serve did not start: {line}{process.stderr.read()}")
    for _ in range(600):
        try:
            httpx.get(found.group(1) + "/login", timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return process, found.group(1)


def run(url: str, args: argparse.Namespace) -> dict:
    engine = make_engine(url)
    migrate.upgrade(engine)
    # As bench/queries.py: 5 % flagged, 20,000 of those decided (fewer on a small store).
    loaded = load(engine, args.n, 20, min(20_000, args.n // 40))
    with Session(engine) as session, session.begin():
        accounts.add_user(session, "bench", "reviewer", PASSWORD)
        token = accounts.create_token(session, "bench")[1]
    engine.dispose()
    process, base = serve(url)
    try:
        figures = {"backend": make_url(url).get_backend_name(), "listings": args.n,
                   "load_s": round(loaded, 1)}  # fmt: skip
        figures.update(page_times(base, args.repeat))
        figures.update(check_load(base, token, args.connections, args.seconds))
    finally:
        process.terminate()
        process.wait(30)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="listings (default 1,000,000)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=10, help="length of the check load")
    parser.add_argument("--connections", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--repeat", type=int, default=50, help="GET /queue this many times")
    args = parser.parse_args()
    print(json.dumps(model_reference()), flush=True)
    for_each_backend(args.backend, lambda url: run(url, args))


if __name__ == "__main__":
    main()
