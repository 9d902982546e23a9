"""Rendering in Chromium: shops whose product data is inserted by script.

A site profile with `render = true`, or `maskscreen check URL --render`, fetches pages
through scrapy-playwright with the system Chromium (the Debian package `chromium`; no
browser is ever downloaded):

    settings = render_settings(page_budget=50)     # Scrapy settings for one crawl
    # RenderUnavailable (one line naming the package) when there is no Chromium

`RenderingDownloadHandler` (scrapy-playwright's handler) renders every request but
robots.txt, which Scrapy still fetches plainly. It keeps the crawl's rules:

- Budget: at most `MASKSCREEN_PAGE_BUDGET` rendered pages a crawl; further requests are
  dropped and counted (`maskscreen/dropped/render_budget`), with one warning.
- Network policy (crawler/network.py): every request of the page (the page itself,
  scripts, XHR, frames) goes through Playwright's request routing and is checked before
  it is sent: other schemes, and hosts resolving to a private address (unless
  MASKSCREEN_ALLOW_NETWORKS allows it), are aborted and counted
  (`maskscreen/render/refused`). Chromium follows redirects without routing them again,
  so the renderer fetches each request itself, one redirect hop at a time, checks every
  hop, and hands the page the final answer (at most DOWNLOAD_MAXSIZE bytes). WebSockets
  are refused; WebRTC may not use local UDP. The renderer's fetches are Scrapy's own
  plain downloads, so a name is resolved once, by the crawl's `PolicyResolver`, and the
  connection goes to the very address it checked: a name that resolves to a public
  address when checked and to a private one a moment later (DNS rebinding) is refused,
  not fetched. Neither Chromium nor Playwright ever resolves a shop's name.
- Cost: images, fonts and media are not fetched; service workers and downloads are off;
  one browser context, one page at a time per crawl; navigation times out with
  DOWNLOAD_TIMEOUT.

The browser: MASKSCREEN_CHROMIUM (environment) or /usr/bin/chromium. Run as root,
Chromium needs `--no-sandbox`, which is then given; run crawls that render as an
ordinary user to keep Chromium's sandbox around seller-written pages.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

CHROMIUM_ENV = "MASKSCREEN_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
_HANDLER = "maskscreen.crawler.render.RenderingDownloadHandler"
DEFAULT_PAGE_BUDGET = 50  # rendered pages a crawl unless a profile says `page_budget`


class RenderUnavailable(RuntimeError):
    """Rendering was asked for but this machine cannot do it (one line)."""


def chromium_path() -> str:
    """The Chromium to launch: MASKSCREEN_CHROMIUM or /usr/bin/chromium, checked."""
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    path = configured or DEFAULT_CHROMIUM
    found = shutil.which(path) if not os.path.isabs(path) else path
    if not found or not Path(found).is_file() or not os.access(found, os.X_OK):
        where = f"{CHROMIUM_ENV}={configured}" if configured else DEFAULT_CHROMIUM
        raise RenderUnavailable(
            f"rendering needs Chromium, not found at {where}: install the Debian package "
            f"chromium (apt-get install chromium) or set {CHROMIUM_ENV}"
        )
    return found


def _playwright_installed() -> None:
    try:
        import playwright  # noqa: F401
        import scrapy_playwright  # noqa: F401
    except ImportError:
        raise RenderUnavailable(
            "rendering needs scrapy-playwright: pip install 'maskscreen[render]'"
        ) from None


def render_settings(page_budget: int = DEFAULT_PAGE_BUDGET) -> dict[str, Any]:
    """Scrapy settings that render every page of one crawl in Chromium, at most
    `page_budget` pages; RenderUnavailable when Chromium or scrapy-playwright is missing."""
    if not isinstance(page_budget, int) or isinstance(page_budget, bool) or page_budget < 1:
        raise ValueError(f"page budget: a positive number of pages, not {page_budget!r}")
    _playwright_installed()
    args = [
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        # No WebRTC to local addresses (it goes around request routing).
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
        # Chromium resolves no name itself (preconnect, prefetch, anything unrouted): every
        # request it makes is routed to the renderer, which fetches it through the crawl.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--dns-prefetch-disable",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root otherwise
    return {
        "DOWNLOAD_HANDLERS": {"http": _HANDLER, "https": _HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": chromium_path(),
            "headless": True,
            "args": args,
        },
        "PLAYWRIGHT_CONTEXTS": {
            "default": {"service_workers": "block", "accept_downloads": False},
        },
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 1,
        "MASKSCREEN_RENDER": True,
        "MASKSCREEN_PAGE_BUDGET": page_budget,
    }


async def _settle(page: Any) -> None:
    """After `load`: give the page's own requests a moment to finish (at most 3 s)."""
    from playwright.async_api import Error as PlaywrightError

    try:
        await page.wait_for_load_state("networkidle", timeout=3000)
    except PlaywrightError:
        pass  # a page that keeps polling: take it as it is


async def _close_websockets(page: Any, request: Any) -> None:
    """Playwright does not route WebSockets with the page's requests: refuse them all."""

    async def refuse(socket_route: Any) -> None:
        await socket_route.close(code=1008, reason="not allowed by the crawler")

    await page.route_web_socket("**", refuse)


def _is_robots(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


try:
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
except ImportError:  # the `render` extra is not installed: render_settings says so
    ScrapyPlaywrightDownloadHandler = object  # type: ignore[assignment,misc]


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc,valid-type]
    """scrapy-playwright's handler with the crawl's page budget and network policy."""

    def __init__(self, crawler: Any) -> None:
        from maskscreen.crawler.middlewares import contact_of, user_agent_with_contact
        from maskscreen.crawler.network import NetworkPolicy

        super().__init__(crawler)
        self._crawler = crawler
        # Its failed pages are logged with a traceback; the crawl counts them already.
        logging.getLogger("scrapy-playwright").setLevel(logging.ERROR)
        settings = crawler.settings
        self.policy = NetworkPolicy.from_settings(settings)
        self.budget = settings.getint("MASKSCREEN_PAGE_BUDGET", DEFAULT_PAGE_BUDGET)
        self.timeout_ms = settings.getfloat("DOWNLOAD_TIMEOUT", 20) * 1000
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE", 10 * 1024 * 1024)
        self.user_agent = user_agent_with_contact(settings["USER_AGENT"], contact_of(settings))
        self.rendered = 0
        self._warned: set[str] = set()

    async def download_request(self, request: Any, *args: Any) -> Any:
        from scrapy.exceptions import IgnoreRequest
        from scrapy_playwright.page import PageMethod

        if _is_robots(request.url):
            return await super().download_request(request, *args)
        if self.rendered >= self.budget:
            from maskscreen.crawler.jobs.runs import drop_log
            from maskscreen.crawler.network import refuse

            # Counted and kept here, by URL; marked so the spider's errback does not
            # count the IgnoreRequest again.
            message = f"page budget of {self.budget} rendered pages reached"
            drop_log(self._crawler).add("render_budget", request.url, message)
            refuse(request, "render_budget")
            if "render_budget" not in self._warned:
                self._warned.add("render_budget")
                logger.warning("%s; further pages are dropped as render_budget", message)
            raise IgnoreRequest(f"render budget reached: {request.url}")
        self.rendered += 1
        self.stats.inc_value("maskscreen/render/pages")
        request.meta["playwright"] = True
        request.meta.setdefault("playwright_page_goto_kwargs", {"timeout": self.timeout_ms})
        request.meta.setdefault("playwright_page_methods", [PageMethod(_settle)])
        request.meta.setdefault("playwright_page_init_callback", _close_websockets)
        return await super().download_request(request, *args)

    def _make_request_handler(self, *args: Any, **kwargs: Any) -> Any:
        """Every request of the page, the page itself included, fetched by us hop by hop
        (`_fetch_checked`) instead of by Chromium, which follows redirects unseen."""
        page_url = str(kwargs.get("url") or "")
        page_method = str(kwargs.get("method") or "GET")
        page_body = kwargs.get("body") or None
        page_headers = kwargs.get("headers")

        async def handler(route: Any, playwright_request: Any) -> None:
            if await self._refused(playwright_request):
                await route.abort()
                return
            headers = await playwright_request.all_headers()
            method, body = playwright_request.method, playwright_request.post_data_buffer
            if (
                playwright_request.is_navigation_request()
                and playwright_request.url.rstrip("/") == page_url.rstrip("/")
                and page_headers is not None
            ):  # the page Scrapy asked for: its method, body and headers
                headers.update(page_headers.to_unicode_dict())
                method, body = page_method, page_body
            headers = {k.lower(): v for k, v in headers.items()}
            headers["user-agent"] = self.user_agent
            headers.pop("accept-encoding", None)  # the answer goes to the page as it came
            await self._fetch_checked(route, playwright_request.url, method, headers, body)

        return handler

    async def _fetch_checked(self, route: Any, url: str, method: str, headers: dict,
                             body: Any) -> None:  # fmt: skip
        """Fetch `url` for the page, checking every redirect hop against the policy;
        give the page the final answer, or abort."""
        from urllib.parse import urljoin

        for _ in range(MAX_REDIRECTS + 1):
            answer = await self._fetch_pinned(url, method, headers, body)
            if answer is None:
                await route.abort()
                return
            location = answer.headers.get("Location")
            if answer.status in REDIRECTS and location:
                target = urljoin(url, location.decode("latin-1"))
                refused = self.policy.refusal(target)
                if refused is not None:
                    self._count("maskscreen/render/refused",
                                f"renderer refused a redirect to {target} ({refused[1]})")  # fmt: skip
                    await route.abort()
                    return
                if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
                    method, body = "GET", None
                url = target
                continue
            await route.fulfill(status=answer.status, headers=_browser_headers(answer.headers),
                                body=answer.body)  # fmt: skip
            return
        self._count("maskscreen/render/refused", f"renderer: too many redirects from {url}")
        await route.abort()

    async def _fetch_pinned(self, url: str, method: str, headers: dict, body: Any) -> Any:
        """One plain download by Scrapy's HTTP handler, without following redirects: the
        name is resolved by the crawl's PolicyResolver and the connection goes to the
        address it allowed. None (counted where it is the policy's doing) on failure."""
        from scrapy import Request
        from scrapy.exceptions import DownloadCancelledError

        from maskscreen.crawler.network import BlockedAddress

        request = Request(
            url, method=method, headers=headers, body=body or b"", dont_filter=True,
            meta={"download_timeout": self.timeout_ms / 1000, "download_maxsize": self.max_size},
        )  # fmt: skip
        try:
            # no "playwright" in its meta: scrapy-playwright hands it to the plain handler
            return await super().download_request(request)
        except DownloadCancelledError:
            self._count("maskscreen/render/too_large", f"renderer dropped {url}: too large")
        except Exception as exc:  # noqa: BLE001 (any failed fetch only fails this request)
            cause = exc
            while cause is not None and not isinstance(cause, BlockedAddress):
                cause = cause.__cause__ or cause.__context__
            if cause is not None:
                self._count("maskscreen/render/refused", f"renderer refused {url} ({cause})")
            else:
                logger.debug("renderer: %s failed: %s", url, exc)
        return None

    async def _refused(self, playwright_request: Any) -> bool:
        """True: abort this request of the page (a refused scheme or address literal, or
        not worth it). Names are checked where they are resolved (`_fetch_pinned`)."""
        if playwright_request.resource_type in BLOCKED_RESOURCES:
            self.stats.inc_value("maskscreen/render/skipped_resources")
            return True
        url = playwright_request.url
        refused = self.policy.refusal(url)
        if refused is not None:
            self._count("maskscreen/render/refused", f"renderer refused {url} ({refused[1]})")
            return True
        return False

    def _count(self, key: str, message: str) -> None:
        self.stats.inc_value(key)
        if key not in self._warned:
            self._warned.add(key)
            logger.warning("%s (further ones are counted as %s)", message, key)


# Hop-by-hop and framing headers of the answer: the page is given the whole body.
_NOT_FORWARDED = frozenset({b"connection", b"keep-alive", b"transfer-encoding", b"content-length"})


def _browser_headers(headers: Any) -> dict[str, str]:
    """A plain download's headers for route.fulfill (repeated ones, e.g. Set-Cookie,
    joined by newlines as Playwright expects)."""
    answer = {}
    for name, values in headers.items():
        if name.lower() in _NOT_FORWARDED:
            continue
        answer[name.decode("latin-1")] = "\n".join(v.decode("latin-1") for v in values)
    return answer
