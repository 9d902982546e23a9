"""Playwright on Debian's Chromium (no browser download): launch, sign in, watch the page.

``Watch`` records every dialog (and dismisses it) and every request to a host other than
the loopback server (and aborts it), for the whole browser context, frames included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


@dataclass
class Watch:
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.route("**/*", self._route)
        context.on("page", lambda page: page.on("dialog", self._dialog))

    def _route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname not in LOOPBACK:
            self.outside.append(url)
            route.abort()
        else:
            route.continue_()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def sign_in(context, base_url: str, name: str, password: str):
    """A page of ``context`` signed in through the login form, on the queue."""
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.fill("#name", name)
    page.fill("#password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base_url}/queue", page.url
    return page
