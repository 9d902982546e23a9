"""Security headers on every response, as a plain ASGI middleware (no per-request task).

Every page: a Content-Security-Policy with ``default-src 'self'`` and no inline script,
no framing by other sites, no MIME sniffing, no referrer, no caching. A response that
sets its own Content-Security-Policy (the sandboxed evidence) keeps it.
"""

from __future__ import annotations

from typing import Any

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The evidence kept at flag time: a seller's page. No script, no fetch of anything, a
# unique origin (sandbox), framed only by our own case page.
EVIDENCE_CSP = "default-src 'none'; sandbox; frame-ancestors 'self'"

COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                headers += [(n, v) for n, v in COMMON if n not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
