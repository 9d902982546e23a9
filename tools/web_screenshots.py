"""Screenshots of the web app for docs/reviewers.md, taken in Debian's Chromium.

Seeds a temporary SQLite store with the web tests' data (tests/web/seed.py: its first
listing is hostile on purpose), serves it on 127.0.0.1 and saves PNGs of the queue, a
case page and a conflict message:

    .venv/bin/python tools/web_screenshots.py            # writes docs/img/*.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' seed and server helpers

from playwright.sync_api import sync_playwright  # noqa: E402

from maskscreen.classifier.model import load_model  # noqa: E402
from maskscreen.db import migrate  # noqa: E402
from tests.web.browser import launch, sign_in  # noqa: E402
from tests.web.seed import PASSWORD, seed  # noqa: E402
from tests.web.server import Served  # noqa: E402

OUT = ROOT / "docs" / "img"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/shots.sqlite"
        engine = migrate.open_database(url)
        seeded = seed(engine)
        served = Served(url, load_model(None)).start()
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                viewport = {"width": 1280, "height": 860}
                first = browser.new_context(viewport=viewport)
                second = browser.new_context(viewport=viewport)
                ana = sign_in(first, served.url, "ana", PASSWORD)
                ana.screenshot(path=OUT / "queue.png", full_page=True)
                ana.goto(f"{served.url}/cases/{seeded.hostile_case}")
                ana.wait_for_load_state("networkidle")
                ana.screenshot(path=OUT / "case.png", full_page=True)
                bob = sign_in(second, served.url, "bob", PASSWORD)
                race = seeded.cases["https://shop.example/products/4"]
                ana.goto(f"{served.url}/cases/{race}")
                bob.goto(f"{served.url}/cases/{race}")
                with ana.expect_navigation():
                    ana.keyboard.press("c")
                with bob.expect_navigation():
                    bob.keyboard.press("d")
                bob.screenshot(path=OUT / "conflict.png")
                browser.close()
        finally:
            served.stop()
            engine.dispose()
    for name in ("queue.png", "case.png", "conflict.png"):
        print(OUT / name)


if __name__ == "__main__":
    main()
