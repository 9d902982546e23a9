"""Pages per second: the full pipeline (extract, classify, store) against a bare spider.

    python bench/crawl.py [--pages 5000] [--concurrency 64] [--repeats 3] [--server nginx] [--split]
                          [--baseline REV]
    python bench/crawl.py --memory [--pages 50000]

Builds a shop of PAGES product pages (the demo catalogue's products repeated, each
page the demo shop's JSON-LD product page) plus category pages of 100 links each,
renders every page once and serves it on loopback from another process: nginx
(`--server nginx`, the default when an `nginx` binary is found: the pages written as
files under a temporary directory, a throwaway configuration beside them, one
process, no access log), else a small asyncio HTTP/1.1 server with keep-alive
(`--server python`: tests/loopback_http.py), which costs the crawler's two shared
cores more CPU than nginx does.

Then crawls it, each crawl in its own child process and with the same tuned settings
(AutoThrottle off, CONCURRENT_REQUESTS and CONCURRENT_REQUESTS_PER_DOMAIN =
--concurrency, CONCURRENT_ITEMS = --concurrent-items, loopback allowed by the network
policy, which stays on): a bare spider that only follows links (each new URL once),
and maskscreen's spider, extraction, classifier and SQLite store (the real
`run_crawl`), one after the other, --repeats times. Prints pages/s for each crawl,
the full pipeline's share of the bare rate in each round, and the median share
(the machine's speed swings: compare only crawls of one run). Both crawls start from
maskscreen's Scrapy settings (crawler/settings.py), so the bare spider is tuned the same
way (its log formatter, STATS_CLASS without Scrapy's per-call deprecation wrapper).

CONCURRENT_ITEMS: Scrapy 2.13+ processes a callback's output with that many asyncio
tasks per response (scrapy.utils.asyncio._parallel_asyncio: ~200 create_task calls a
page at 200, by profile), so a large value costs CPU on every page while our
pipelines, being synchronous, gain nothing from it. The default here is 1, as in
crawler/settings.py; with `--concurrent-items 200` both spiders ran at about half the
speed (2 shared cores), and at 1 the full pipeline took about a sixth less CPU a page
than at 16 (3,000 pages, nginx).

Each crawl also reports the CPU it used a page (user + system time from spider_opened
to spider_closed, the span of Scrapy's elapsed_time_seconds, the same in both crawls;
"with start-up": from just before the crawl starts, imports included, the model's loading
not, its warm-up by the crawl job included): on a machine shared with other work,
wall-clock rates follow the share of the cores each crawl got, CPU a page much less so.
The job warms the model before a crawl that follows links (crawler/jobs/job.py
warm_model), so what classification loads on first use, 0.6-0.9 s of CPU, is outside
the window (inside it, in the first batch, before session 7's second crawl round).
`--split` also times the parts of each crawl, CPU ms a page each: extraction, link
following (LinkExtractor in the bare crawl), normalising, classification, the store,
the garbage collector, and the rest (Scrapy, the network, signals); a few microseconds
a call of timing, on calls made once a page or once a batch.

`--baseline REV` adds, to each round, a full crawl with the maskscreen code of git
revision REV (say `main`; `git archive`, as bench/classify.py --baseline does) before
this tree's, and prints the two side by side: CPU a page (in the window and with
start-up) and each one's share of the round's bare rate, medians over the rounds.

`--memory` crawls with the full pipeline only (default 50,000 product pages) and
reports the child's peak RSS (getrusage ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The network policy stays on in both crawls; the shop's address is allowed as the demo
# does it (the environment, which the process-wide DNS resolver reads too).
LOOPBACK_ALLOWED = {"MASKSCREEN_ALLOW_NETWORKS": "127.0.0.1/32"}
LINKS_PER_CATEGORY = 100


def tuned_settings(concurrency: int, concurrent_items: int) -> dict:
    """The same for both crawls: politeness delays off, concurrency up."""
    return {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_ITEMS": concurrent_items,
        "LOG_LEVEL": "WARNING",
    }


# -- the shop ------------------------------------------------------------------------------


def render_shop(base: str, pages: int) -> dict[str, bytes]:
    """Every page of a shop of `pages` products at `base`, by path, rendered once."""
    from maskscreen.crawler.demo import pages as html
    from maskscreen.crawler.demo.catalog import load_products

    products = []
    templates = load_products()
    for n in range(pages):
        product = dict(templates[n % len(templates)])
        product["id"] = n + 1
        product["slug"] = f"{product['slug']}-b{n}"
        products.append(product)
    site: dict[str, bytes] = {"/robots.txt": html.ROBOTS_TXT.encode()}
    categories = -(-pages // LINKS_PER_CATEGORY)
    home = "".join(f'<li><a href="/c/{c}">Category {c}</a></li>' for c in range(categories))
    site["/"] = html.layout("Bench shop", f"<ul>{home}</ul>").encode()
    for c in range(categories):
        chunk = products[c * LINKS_PER_CATEGORY : (c + 1) * LINKS_PER_CATEGORY]
        links = "".join(f'<li><a href="/p/{p["slug"]}">{p["slug"]}</a></li>' for p in chunk)
        site[f"/c/{c}"] = html.layout(f"Category {c}", f"<ul>{links}</ul>").encode()
    for n, product in enumerate(products):
        related = [products[(n + k) % pages] for k in (1, 2, 3)]
        page = html.product_page(base, product, related)
        # Plain related links, so both spiders fetch the same pages (no tracking variants).
        page = page.replace("?ref=related&amp;utm_source=demo&amp;utm_medium=related", "")
        site[f"/p/{product['slug']}"] = page.encode("utf-8")
    return site


def serve(pages: int) -> None:
    """Render the shop, print the port, serve until killed (a child process)."""
    from tests.loopback_http import serve_pages

    serve_pages(lambda base: render_shop(base, pages))


NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{ text/plain txt; }}
    default_type text/html;
    charset utf-8;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=200000 inactive=60s;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {root}/site;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_nginx(nginx: str, root: Path, pages: int) -> tuple[subprocess.Popen, int]:
    """Write the shop under `root`, start nginx serving it on a free loopback port."""
    port = free_port()
    for path, body in render_shop(f"http://127.0.0.1:{port}", pages).items():
        target = root / "site" / (path.lstrip("/") or "index.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    (root / "tmp").mkdir()
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port))
    server = subprocess.Popen(
        [nginx, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"nginx failed:\n{(root / 'error.log').read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.05)
    server.terminate()
    sys.exit("nginx did not start listening within 10 s")


# -- the two crawls (each in its own process: one reactor per process) ---------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CrawlWindow:
    """A Scrapy extension in both crawls: the CPU time (and, with --split, the parts)
    from spider_opened to spider_closed, the window of Scrapy's elapsed_time_seconds.

    Both crawls then count the same span: not the imports of the spiders, extraction
    and extruct (made before the bare crawl's outer clock started but inside the full
    pipeline's, when run_crawl built its CrawlerProcess: its start-up was 0.6-0.8 s of
    CPU against the bare crawl's 0.3-0.4 s, 3,000 pages), nor closing the run row after.
    """

    split: CpuSplit | None = None
    opened: float | None = None
    seconds: float | None = None
    parts: dict[str, float] | None = None

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        if CrawlWindow.split is not None:
            CrawlWindow.split.seconds.clear()
        CrawlWindow.opened = cpu_seconds()

    def spider_closed(self, spider) -> None:
        CrawlWindow.seconds = cpu_seconds() - CrawlWindow.opened
        if CrawlWindow.split is not None:
            CrawlWindow.parts = dict(CrawlWindow.split.seconds)

    @staticmethod
    def settings(overrides: dict) -> dict:
        """`overrides` plus this extension, beside the project's extensions."""
        from maskscreen.crawler import settings

        return {**overrides, "EXTENSIONS": {**settings.EXTENSIONS, "__main__.CrawlWindow": 0}}

    @classmethod
    def result(cls) -> dict:
        return {"cpu_seconds": cls.seconds, "split": cls.parts}


class CpuSplit:
    """CPU seconds spent in named parts of a crawl (`--split`), and in the garbage
    collector. Timing costs a few microseconds a call; the parts wrapped are called once
    a page (extraction, links) or once a batch (classification, store)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._gc_started = 0.0

    def add(self, part: str, seconds: float) -> None:
        self.seconds[part] = self.seconds.get(part, 0.0) + seconds

    def timed(self, part: str, function, subtract: tuple[str, ...] = ()):
        """`function`, its CPU time counted under `part`, less the collector's passes
        and the `subtract` parts counted while it ran (so no time is counted twice)."""
        import functools

        subtract = ("gc", *subtract)

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            inner = sum(self.seconds.get(name, 0.0) for name in subtract)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - started
                self.add(part, spent - (sum(self.seconds.get(n, 0.0) for n in subtract) - inner))

        return wrapper

    def watch_gc(self) -> None:
        import gc

        def on_gc(phase: str, info: dict) -> None:
            if phase == "start":
                self._gc_started = time.process_time()
            else:
                self.add("gc", time.process_time() - self._gc_started)

        gc.callbacks.append(on_gc)


def bare_crawl(url: str, settings_overrides: dict, split: CpuSplit | None = None) -> dict:
    from scrapy import Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.settings import Settings

    class FollowOnly(Spider):
        name = "follow_only"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.start_urls = [url]
            self.links = LinkExtractor()  # the shop links only to itself
            self.extract_links = self.links.extract_links
            if split is not None:
                self.extract_links = split.timed("links", self.extract_links)
            self.seen: set[str] = set()  # as ShopSpider: no Request for a URL seen before

        def parse(self, response, **kwargs):
            for link in self.extract_links(response):
                if link.url not in self.seen:
                    self.seen.add(link.url)
                    yield response.follow(link.url, callback=self.parse)

    settings = Settings()
    settings.setmodule("maskscreen.crawler.settings", priority="project")
    settings.set("ITEM_PIPELINES", {})
    for key, value in settings_overrides.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FollowOnly)
    if split is not None:
        split.watch_gc()
    cpu = cpu_seconds()
    process.crawl(crawler)
    process.start()
    cpu = cpu_seconds() - cpu
    stats = crawler.stats.get_stats()
    return {
        "pages": stats.get("response_received_count", 0),
        "listings": 0,
        "seconds": stats["elapsed_time_seconds"],
        "outer_cpu_seconds": cpu,
        "peak_rss_mb": peak_rss_mb(),
        **CrawlWindow.result(),
    }


def instrument_full(split: CpuSplit, model) -> None:
    """Count the full pipeline's parts: extraction and link following (per page), the
    normalising pipeline (per listing), classification and the store (per batch)."""
    from maskscreen.crawler import pipelines
    from maskscreen.crawler.spiders.shop import SameSiteLinks, ShopSpider

    ShopSpider.extract = split.timed("extract", ShopSpider.extract)
    SameSiteLinks.urls = split.timed("links", SameSiteLinks.urls)
    ShopSpider._admit = split.timed("links", ShopSpider._admit)
    ShopSpider._request = split.timed("links", ShopSpider._request)
    pipelines.NormalizePipeline.process_item = split.timed(
        "normalise", pipelines.NormalizePipeline.process_item
    )
    model.predict = split.timed("classify", model.predict)
    pipelines.store_batch = split.timed("store", pipelines.store_batch, subtract=("classify",))
    split.watch_gc()


def full_crawl(
    url: str, database_url: str, settings_overrides: dict, split: CpuSplit | None = None
) -> dict:
    from maskscreen.classifier.model import load_model
    from maskscreen.crawler.jobs.job import run_crawl
    from maskscreen.crawler.jobs.plan import CrawlPlan
    from maskscreen.db.migrate import open_database

    # No job state: disk queues would cost speed the bare crawl does not pay.
    plan = CrawlPlan(
        via="html", start_urls=[url], site="bench", settings=settings_overrides, resume=False
    )
    engine = open_database(database_url)
    model = load_model()
    if split is not None:
        instrument_full(split, model)
    try:
        cpu = cpu_seconds()  # not the model's loading
        summary = run_crawl(plan, engine=engine, model=model)
        cpu = cpu_seconds() - cpu
    finally:
        engine.dispose()
    return {
        "pages": summary.stats.get("response_received_count", 0),
        "seconds": summary.stats["elapsed_time_seconds"],
        "listings": summary.counts["listings"],
        "flagged": summary.counts["flagged"],
        "stored": summary.counts["new"] + summary.counts["changed"] + summary.counts["unchanged"],
        "outer_cpu_seconds": cpu,
        "peak_rss_mb": peak_rss_mb(),
        **CrawlWindow.result(),
    }


def run_worker(
    mode: str,
    url: str,
    database_url: str,
    concurrency: int,
    concurrent_items: int,
    split: bool = False,
    code: Path | None = None,
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        mode,
        "--url",
        url,
        "--db",
        database_url,
        "--concurrency",
        str(concurrency),
        "--concurrent-items",
        str(concurrent_items),
        *(["--split"] if split else []),
    ]
    # `code`: a folder whose maskscreen (another revision's) comes before the installed one
    path = os.pathsep.join(str(p) for p in (code, ROOT) if p is not None)
    env = {**os.environ, "PYTHONPATH": path, **LOOPBACK_ALLOWED}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.exit(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["pages"]:
        sys.exit(f"{mode} crawl fetched nothing:\n{done.stderr[-3000:]}")
    result["process_seconds"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, help="product pages (default 5000; 50000 with --memory)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=64,
        help="CONCURRENT_REQUESTS(_PER_DOMAIN) for both crawls",
    )
    parser.add_argument(
        "--concurrent-items", type=int, default=1, help="CONCURRENT_ITEMS for both crawls"
    )
    parser.add_argument(
        "--repeats", type=int, default=1, help="rounds of (bare, full) crawls (default 1)"
    )
    parser.add_argument(
        "--server",
        choices=["nginx", "python"],
        help="what serves the shop (default nginx when found, else python)",
    )
    parser.add_argument(
        "--memory", action="store_true", help="full pipeline only; report the crawl's peak RSS"
    )
    parser.add_argument(
        "--split",
        action="store_true",
        help="also time each crawl's parts (extraction, links, classification, store, "
        "garbage collector): CPU ms a page each",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also crawl with the maskscreen code of git revision REV each round",
    )
    parser.add_argument("--worker", choices=["bare", "full", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = args.pages or (50_000 if args.memory else 5_000)
    if args.worker == "serve":
        serve(pages)
        return
    if args.worker in ("bare", "full"):
        settings = CrawlWindow.settings(tuned_settings(args.concurrency, args.concurrent_items))
        split = CrawlWindow.split = CpuSplit() if args.split else None
        result = (
            bare_crawl(args.url, settings, split)
            if args.worker == "bare"
            else full_crawl(args.url, args.db, settings, split)
        )
        print(json.dumps(result))
        return
    # Stopped (SIGTERM): leave through the finally blocks, which stop the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    server_kind = args.server or ("nginx" if nginx else "python")
    if server_kind == "nginx" and not nginx:
        parser.error("--server nginx: no nginx binary found (apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        started = time.perf_counter()
        if server_kind == "nginx":
            server, port = start_nginx(nginx, Path(tmp) / "nginx", pages)
        else:
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            server = subprocess.Popen(
                [sys.executable, __file__, "--worker", "serve", "--pages", str(pages)],
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            port = int(server.stdout.readline())
        try:
            crawl_all(args, pages, server_kind, server, port, Path(tmp), started)
        finally:
            server.terminate()
            server.wait(timeout=10)


def describe_split(result: dict) -> str:
    """'CPU ms a page: extract 0.70, links 0.30, ..., rest 2.10' for one crawl."""
    pages = result["pages"]
    parts = dict(sorted(result["split"].items(), key=lambda kv: -kv[1]))
    rest = result["cpu_seconds"] - sum(parts.values())  # Scrapy, the network, the rest
    text = ", ".join(f"{name} {1000 * seconds / pages:.2f}" for name, seconds in parts.items())
    return f"CPU ms a page: {text}, rest {1000 * rest / pages:.2f}"


def crawl_all(args, pages: int, server_kind: str, server, port: int, tmp: Path, started: float):
    url = f"http://127.0.0.1:{port}/"
    print(
        f"shop of {pages:,} product pages at {url} (rendered in "
        f"{time.perf_counter() - started:.1f} s, served by {server_kind}, process {server.pid})"
    )
    settings = tuned_settings(args.concurrency, args.concurrent_items)
    print(f"settings for both crawls: {json.dumps(settings)}, environment {LOOPBACK_ALLOWED}")
    modes = ["full"] if args.memory else ["bare", "full"]
    code: dict[str, Path | None] = {mode: None for mode in modes}
    if args.baseline and not args.memory:
        from classify import baseline_tree  # bench/classify.py, beside this script

        modes.insert(1, args.baseline)
        code[args.baseline] = baseline_tree(args.baseline)
        print(f"{args.baseline}: the full pipeline with the code of {args.baseline}")
    shares: dict[str, list[float]] = {mode: [] for mode in modes[1:]}
    cpu_shares: dict[str, list[float]] = {mode: [] for mode in modes[1:]}
    per_page: dict[str, list[tuple[float, float]]] = {mode: [] for mode in modes}
    startup: dict[str, list[float]] = {mode: [] for mode in modes}  # CPU s outside the window
    for round_ in range(1, args.repeats + 1):
        rates, cpu = {}, {}
        for mode in modes:
            database = f"sqlite:///{tmp / f'bench-{modes.index(mode)}-{round_}.sqlite'}"
            worker = "bare" if mode == "bare" else "full"
            result = run_worker(
                worker, url, database, args.concurrency, args.concurrent_items, args.split,
                code[mode],
            )  # fmt: skip
            rates[mode] = result["pages"] / result["seconds"]
            cpu[mode] = result["cpu_seconds"] / result["pages"]
            outer = result["outer_cpu_seconds"] / result["pages"]
            per_page[mode].append((1000 * cpu[mode], 1000 * outer))
            startup[mode].append(result["outer_cpu_seconds"] - result["cpu_seconds"])
            stored = (
                f" ({result['stored']:,} stored, {result['flagged']:,} flagged)"
                if worker == "full"
                else ""
            )
            print(
                f"{mode:4}: {result['pages']:,} pages, {result['listings']:,} listings"
                f"{stored} in {result['seconds']:.1f} s = {rates[mode]:,.0f} pages/s, "
                f"{1000 * cpu[mode]:.2f} ms CPU a page ({1000 * outer:.2f} with start-up); "
                f"peak RSS {result['peak_rss_mb']:,.0f} MB "
                f"(process {result['process_seconds']:.1f} s)"
            )
            if result.get("split") is not None:
                print(f"      {describe_split(result)}")
        if not args.memory:
            for mode in modes[1:]:
                shares[mode].append(rates[mode] / rates["bare"])
                cpu_shares[mode].append(cpu["bare"] / cpu[mode])
                print(
                    f"round {round_}: {mode} at {shares[mode][-1]:.0%} of the bare rate "
                    f"(bare/full CPU a page {cpu_shares[mode][-1]:.2f})"
                )
    if args.repeats > 1:
        for mode in modes[1:] if not args.memory else []:
            label = "full" if mode == "full" else mode
            for name, values in (
                (f"{label}/bare pages/s", shares[mode]),
                (f"bare/{label} CPU a page", cpu_shares[mode]),
            ):
                print(
                    f"{name} over {len(values)} rounds: median {statistics.median(values):.2f} "
                    f"(min {min(values):.2f}, max {max(values):.2f})"
                )
        for mode in modes:
            window = statistics.median(w for w, _ in per_page[mode])
            outer = statistics.median(o for _, o in per_page[mode])
            print(
                f"{mode}: median CPU a page {window:.2f} ms ({outer:.2f} with start-up); "
                f"start-up and close outside the window {statistics.median(startup[mode]):.2f} s"
            )


if __name__ == "__main__":
    main()
