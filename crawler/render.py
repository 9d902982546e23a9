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
- Network policy (crawler/network.py): every request the page makes (scripts, XHR,
  frames) is checked before it is sent, through Playwright's request routing: other
  schemes and hosts resolving to a private address (unless MASKSCREEN_ALLOW_NETWORKS
  allows it) are aborted and counted (`maskscreen/render/refused`). The page itself was
  checked by NetworkPolicyMiddleware before it reached the browser; a redirect the
  browser follows is not routed by Playwright, so the final URL is checked again and a
  page that ended on a refused address is dropped (`maskscreen/dropped/blocked_address`).
  Chromium resolves names itself: a name that resolves to a public address when checked
  and to a private one a moment later is the one case this cannot close.
- Cost: images, fonts and media are not fetched; service workers and downloads are off;
  one browser context, one page at a time per crawl; navigation times out with
  DOWNLOAD_TIMEOUT.

The browser: MASKSCREEN_CHROMIUM (environment) or /usr/bin/chromium. Run as root,
Chromium needs `--no-sandbox`, which is then given; run crawls that render as an
ordinary user to keep Chromium's sandbox around seller-written pages.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

CHROMIUM_ENV = "MASKSCREEN_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_PAGE_BUDGET = 50
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
_HANDLER = "maskscreen.crawler.render.RenderingDownloadHandler"


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
    args = ["--disable-dev-shm-usage", "--disable-background-networking"]
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


def _is_robots(url: str) -> bool:
    return urlsplit(url).path == "/robots.txt"


try:
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
except ImportError:  # the `render` extra is not installed: render_settings says so
    ScrapyPlaywrightDownloadHandler = object  # type: ignore[assignment,misc]


class RenderingDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc,valid-type]
    """scrapy-playwright's handler with the crawl's page budget and network policy."""

    def __init__(self, crawler: Any) -> None:
        from maskscreen.crawler.network import NetworkPolicy

        super().__init__(crawler)
        self.policy = NetworkPolicy.from_settings(crawler.settings)
        self.budget = crawler.settings.getint("MASKSCREEN_PAGE_BUDGET", DEFAULT_PAGE_BUDGET)
        self.timeout_ms = crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 20) * 1000
        self.rendered = 0
        self.abort_request = self._refused
        self._warned: set[str] = set()

    async def download_request(self, request: Any, *args: Any) -> Any:
        from scrapy.exceptions import IgnoreRequest

        if _is_robots(request.url):
            return await super().download_request(request, *args)
        if self.rendered >= self.budget:
            self._count("maskscreen/dropped/render_budget", f"page budget of {self.budget} "
                        "rendered pages reached; further pages are dropped")  # fmt: skip
            raise IgnoreRequest(f"render budget reached: {request.url}")
        self.rendered += 1
        self.stats.inc_value("maskscreen/render/pages")
        request.meta["playwright"] = True
        request.meta.setdefault("playwright_page_goto_kwargs", {"timeout": self.timeout_ms})
        from scrapy_playwright.page import PageMethod

        request.meta.setdefault("playwright_page_methods", [PageMethod(_settle)])
        response = await super().download_request(request, *args)
        if response.url != request.url and self.policy.refusal(response.url) is not None:
            self._count("maskscreen/dropped/blocked_address",
                        f"rendered page ended at a refused address: {response.url}")  # fmt: skip
            raise IgnoreRequest(f"redirected to a refused address: {response.url}")
        return response

    async def _refused(self, playwright_request: Any) -> bool:
        """True: abort this request of the page (a refused address, or not worth it)."""
        if playwright_request.resource_type in BLOCKED_RESOURCES:
            self.stats.inc_value("maskscreen/render/skipped_resources")
            return True
        url = playwright_request.url
        refused = self.policy.refusal(url)
        if refused is None:
            refused = await self._resolved_refusal(urlsplit(url).hostname or "")
        if refused is not None:
            self._count("maskscreen/render/refused", f"renderer refused {url} ({refused[1]})")
            return True
        return False

    async def _resolved_refusal(self, host: str) -> tuple[str, str] | None:
        try:
            ipaddress.ip_address(host)
            return None  # a literal address: refusal() has checked it
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None)
        except OSError as exc:
            return "unreachable", f"cannot resolve {host}: {exc}"
        for info in infos:
            address = str(info[4][0])
            if not self.policy.address_allowed(address):
                return "blocked_address", f"{host} resolves to {address}, which is not public"
        return None

    def _count(self, key: str, message: str) -> None:
        self.stats.inc_value(key)
        if key not in self._warned:
            self._warned.add(key)
            logger.warning("%s (further ones are counted as %s)", message, key)
