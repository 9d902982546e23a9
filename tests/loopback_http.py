"""Pre-rendered pages served over HTTP/1.1 on a free loopback port.

An asyncio server with keep-alive answering GETs from a dict of pages (path -> bytes),
so that serving costs a crawler on the same machine little. Used by the distributed
tests' shop (tests/distributed/shop.py) and bench/crawl.py.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable


class PagesProtocol(asyncio.Protocol):
    """HTTP/1.1 GET with keep-alive from a dict of pages; enough for a crawler."""

    def __init__(self, site: dict[str, bytes]):
        self.site, self.buffer = site, b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            parts = head.split(b"\r\n", 1)[0].split(b" ")
            path = parts[1].decode("latin-1").split("?", 1)[0] if len(parts) > 1 else "/"
            body = self.site.get(path)
            status = b"200 OK" if body is not None else b"404 Not Found"
            body = body if body is not None else b"not found"
            kind = b"text/plain" if path == "/robots.txt" else b"text/html; charset=utf-8"
            self.transport.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Type: " + kind
                + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )  # fmt: skip


def serve_pages(render: Callable[[str], dict[str, bytes]]) -> None:
    """Bind a free loopback port, render the pages for its base URL, print the port,
    serve until killed (meant for a child process)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    site = render(f"http://127.0.0.1:{port}")

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(
            lambda: PagesProtocol(site), sock=sock, backlog=512
        )
        print(port, flush=True)
        await server.serve_forever()

    asyncio.run(main())
