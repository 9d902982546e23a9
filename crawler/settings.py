"""Scrapy settings for maskscreen (scrapy.cfg: `default = crawler.settings`).

Polite by default: robots.txt obeyed, AutoThrottle on, an honest user agent that
says who we are. Concurrency is per domain (CONCURRENT_REQUESTS_PER_DOMAIN), for
single-host shops; AutoThrottle still lowers it for a slow site. The reactor is
Scrapy's default (asyncio).

Politeness and resilience (crawler/middlewares.py):
- robots.txt: obeyed. `ROBOTSTXT_OBEY=False` takes effect only when passed explicitly
  (a site profile's override or `-s ROBOTSTXT_OBEY=False`, i.e. cmdline priority;
  crawler.jobs.job.crawl_settings restores True otherwise) and is logged as a WARNING.
- Per-domain rate: CONCURRENT_REQUESTS_PER_DOMAIN and DOWNLOAD_DELAY (a profile's rate
  limits override them, or DOWNLOAD_SLOTS per host); AutoThrottle adapts from there.
- Retries: 429 and 5xx are retried RETRY_TIMES times, waiting Retry-After when given
  (seconds or HTTP date, up to RETRY_AFTER_MAX), else RETRY_BACKOFF_BASE * 2**n seconds
  with full jitter, capped at RETRY_BACKOFF_MAX.
- Limits per response: DOWNLOAD_TIMEOUT seconds, DOWNLOAD_MAXSIZE bytes (bigger pages
  are dropped and counted as maskscreen/dropped/too_large).
- User agent: USER_AGENT plus "contact: …" from MASKSCREEN_CONTACT (setting or
  environment variable): say who to write to when the crawler misbehaves.
- Resume: a crawl job sets JOBDIR to a per-site folder (see crawler/jobs/resume.py).

Nothing here reads the environment when imported. Outside the CLI (`scrapy crawl`, a
Scrapyd job: docs/operations.md) listings go to MASKSCREEN_DATABASE_URL (setting, else
the environment variable, else the default SQLite file, as for `maskscreen crawl`),
under the spider's `site` argument (crawler/jobs/context.py). With
MASKSCREEN_FRONTIER (a redis:// URL) the crawl joins a shared Redis frontier
(crawler/jobs/frontier.py).
"""

BOT_NAME = "maskscreen"

SPIDER_MODULES = ["maskscreen.crawler.spiders"]
NEWSPIDER_MODULE = "maskscreen.crawler.spiders"

USER_AGENT = (
    "maskscreen/0.1 (+https://github.com/maskscreen/maskscreen; trust-and-safety research crawler)"
)
MASKSCREEN_CONTACT = None  # else the environment variable, read when a crawl starts
ROBOTSTXT_OBEY = True
# Match robots.txt groups by our product token, whatever the full user agent says.
ROBOTSTXT_USER_AGENT = "maskscreen"

AUTOTHROTTLE_ENABLED = True
# AutoThrottle halves its delay towards the measured latency on each response;
# starting at 1 s rather than Scrapy's 5 s saves ~10 s per crawl and stays polite.
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0

CONCURRENT_REQUESTS_PER_DOMAIN = 16
DOWNLOAD_DELAY = 0
# Scrapy (2.13+) hands each response's output (items and requests) to CONCURRENT_ITEMS
# asyncio tasks it creates for that response, whatever the output's size. Our pipelines
# are synchronous, so more tasks only add CPU: bench/crawl.py (5,000 pages, 2 cores)
# ran both its spiders about as fast at 16 as at 32, about 20% slower at 100 and about
# half as fast at 200, and at 1 the full pipeline took about a sixth less CPU a page
# than at 16 (3,000 pages, nginx; docs/operations.md).
CONCURRENT_ITEMS = 1

DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 1.0  # seconds; doubled per attempt, full jitter
RETRY_BACKOFF_MAX = 60.0
RETRY_AFTER_MAX = 300.0  # a site asking for a longer wait is not retried this crawl

# Crawl limits (crawler/spiders/shop.py), each refusal a drop with its URL: links
# followed at most this deep from a start URL (max_depth), at most this many requests
# per crawl (max_pages; --max-pages and a profile's max_pages override it), and a
# calendar-like URL pattern (a year and another number) met this often along one chain
# of links is a link trap (link_trap), as is a path that keeps deepening (/a/b/a/b/a/…).
# A profile's [limits] max_depth / trap_repeats override these.
MASKSCREEN_MAX_DEPTH = 30
MASKSCREEN_MAX_PAGES = 20_000
MASKSCREEN_TRAP_REPEATS = 10

# Network policy (crawler/network.py): http(s) only, no private address unless allowed.
# None: the environment variable MASKSCREEN_ALLOW_NETWORKS, read when a crawl starts.
MASKSCREEN_ALLOW_NETWORKS = None
# Hosts a redirect may lead to off the site (a profile's [redirects] allow_hosts): none.
MASKSCREEN_REDIRECT_HOSTS: list[str] = []
TWISTED_DNS_RESOLVER = "maskscreen.crawler.network.PolicyResolver"

DOWNLOADER_MIDDLEWARES = {
    # First of all, before robots.txt is asked for: refuse what the policy forbids.
    "maskscreen.crawler.network.NetworkPolicyMiddleware": 50,
    # robots.txt: Scrapy's, with every request that waits for a host's file given it.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "maskscreen.crawler.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
    "maskscreen.crawler.middlewares.ContactUserAgentMiddleware": 500,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "maskscreen.crawler.middlewares.BackoffRetryMiddleware": 550,
    # Redirects and meta refreshes stay on the site unless its policy allows the host.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "maskscreen.crawler.network.SiteMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "maskscreen.crawler.network.SiteRedirectMiddleware": 600,
}
SPIDER_MIDDLEWARES = {
    "maskscreen.crawler.middlewares.EvidenceMiddleware": 950,
}
EXTENSIONS = {
    "maskscreen.crawler.middlewares.PolitenessReport": 500,
    # Scrapy's remote control (telnet console) stays off, whatever else is configured.
    "scrapy.extensions.telnet.TelnetConsole": None,
}

ITEM_PIPELINES = {
    "maskscreen.crawler.pipelines.NormalizePipeline": 100,
    "maskscreen.crawler.pipelines.ClassifyStorePipeline": 300,
}

# Only for crawlers started without a job (`scrapy crawl`, Scrapyd): a job hands its
# pipelines the command's engine instead (crawler/jobs/context.py). None: the environment
# variable MASKSCREEN_DATABASE_URL, read when the spider opens, else the default file.
MASKSCREEN_DATABASE_URL = None
MASKSCREEN_FRONTIER = None
# Rendering in Chromium (crawler/render.py): off; a profile's `render = true` or
# `check --render` turns it on with render_settings(), which installs the download handler.
MASKSCREEN_RENDER = False
MASKSCREEN_PAGE_BUDGET = 50  # rendered pages a crawl: render.DEFAULT_PAGE_BUDGET
ADDONS = {
    "maskscreen.crawler.jobs.frontier.FrontierAddon": 0,  # does nothing without MASKSCREEN_FRONTIER
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# Scrapy's, without building the DEBUG line of every page and item that no log handler
# takes (below LOG_LEVEL): the same log, a little less CPU a page.
LOG_FORMATTER = "maskscreen.crawler.middlewares.DebugAwareLogFormatter"
TELNETCONSOLE_ENABLED = False
# Scrapy's MemoryStatsCollector without its per-call deprecation wrapper: the same stats,
# each read or increment about 15x cheaper (crawler/stats.py).
STATS_CLASS = "maskscreen.crawler.stats.DirectStatsCollector"
