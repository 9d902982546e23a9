"""Site profiles: one TOML file per site, saying where and how to crawl it.

    name = "demo-shop"
    base_url = "http://127.0.0.1:8765"
    search_url = "/search?q={keyword}"          # one start URL per keyword
    keywords = ["realistic silicone mask", "硅胶面具"]
    via = "html"                                # auto | html | shopify | woocommerce | sitemap
    max_pages = 500
    [links]   product = ['^/p/'], pagination = ['[?&]page=\\d+'], deny = ['/cart']
    [extract] title = "css:h1::text"            # selectors: see crawler/extract/selectors.py
    [rate]    download_delay = 1.0, concurrency = 4
    schedule = "daily"                          # hourly | daily | weekly | cron "30 2 * * *"
    recheck_schedule = "0 */6 * * *"            # re-visit its flagged listings (UTC)
    [monitors] max_drop = 0.5, price_coverage = 0.8   # see crawler/jobs/monitors.py
    render = true                               # fetch pages in Chromium (crawler/render.py)
    page_budget = 50                            # rendered pages per crawl (render only)
    requires_login = true                       # listings only behind a login: example only
    notes = "what needs a login, what is drawn by script, what was checked"
    [limits]  max_depth = 30, trap_repeats = 10  # crawl caps (crawler/settings.py)
    [redirects] allow_hosts = ["cdn.shop.example"]   # off-site redirects it may follow

Rendering: `render = true` fetches every page (robots.txt aside) in the system Chromium
through scrapy-playwright, for shops whose product data is inserted by script; at most
`page_budget` pages a crawl (default `DEFAULT_PAGE_BUDGET`, 1 to 10,000; further pages
are dropped as `render_budget`). `page_budget` without `render = true` is refused.
`requires_login = true` marks a site whose listings cannot be read without an account:
maskscreen never logs in, so such a profile must also say `example = true`. `notes` is
free text shown by `maskscreen sites show`.

Profiles come bundled (crawler/profiles/*.toml) and from a user folder (see
`default_sites_dir`); a user profile replaces a bundled one of the same name.
Loading checks every field; a malformed file raises `ProfileError("FILE: field: reason")`.
Relative URLs are resolved against `base_url`. robots.txt is obeyed unless the
profile says `obey_robots = false` and gives a `robots_override_reason`.
"""

from __future__ import annotations

import logging
import re
import string
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urljoin, urlsplit, urlunsplit

import platformdirs

from maskscreen.crawler.extract.selectors import validate_profile
from maskscreen.crawler.jobs.monitors import LIMITS, Thresholds
from maskscreen.crawler.jobs.schedule import ScheduleError, parse_schedule
from maskscreen.crawler.render import DEFAULT_PAGE_BUDGET

logger = logging.getLogger(__name__)

VIAS = ("auto", "html", "shopify", "woocommerce", "sitemap")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_SCALARS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "description": str,
    "example": bool,
    "base_url": str,
    "via": str,
    "search_url": str,
    "currency": str,
    "shop_name": str,
    "max_pages": int,
    "obey_robots": bool,
    "robots_override_reason": str,
    "schedule": str,
    "recheck_schedule": str,
    "render": bool,
    "page_budget": int,
    "requires_login": bool,
    "notes": str,
}
MAX_PAGE_BUDGET = 10_000
_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}
_LISTS = ("start_urls", "keywords", "sitemap_urls")
_TABLES = {
    "links": ("product", "pagination", "deny"),
    "rate": ("download_delay", "concurrency"),
    "extract": (),  # [extract] is checked by crawler.extract.selectors
    "monitors": tuple(LIMITS),
}

# -- crawl limits and redirects (issue 12): their own block --------------------------
_TABLES["limits"] = ("max_depth", "trap_repeats")
_TABLES["redirects"] = ("allow_hosts",)
_HOST_RE = re.compile(
    r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d+)?$"
)


def _limits_and_redirects(path: Path, data: dict) -> dict[str, Any]:
    """The SiteProfile fields of [limits] and [redirects], checked."""
    fields: dict[str, Any] = {}
    limits = _table(path, "limits", data.get("limits", {}))
    for key, (low, high) in {"max_depth": (1, 1000), "trap_repeats": (2, 1000)}.items():
        if key in limits:
            value = _typed(path, f"limits.{key}", limits[key], int)
            if not low <= value <= high:
                raise ProfileError(path, f"limits.{key}", f"between {low} and {high}")
            fields[key] = value
    redirects = _table(path, "redirects", data.get("redirects", {}))
    if "allow_hosts" in redirects:
        hosts = tuple(h.lower() for h in _strings(path, "redirects.allow_hosts",
                                                  redirects["allow_hosts"]))  # fmt: skip
        for i, host in enumerate(hosts):
            if not _HOST_RE.match(host):
                raise ProfileError(path, f"redirects.allow_hosts[{i}]",
                                   f"a host name such as cdn.shop.example, not {host!r}")  # fmt: skip
        fields["redirect_hosts"] = hosts
    return fields


class ProfileError(ValueError):
    """A malformed site profile: "FILE: field: reason", one line."""

    def __init__(self, path: Path | str, field_name: str, reason: str):
        super().__init__(f"{path}: {field_name}: {reason}")
        self.path, self.field, self.reason = str(path), field_name, reason


@dataclass(frozen=True)
class SiteProfile:
    name: str
    path: str
    source: str = "file"  # bundled | user | file
    description: str | None = None
    example: bool = False
    base_url: str | None = None
    via: str = "auto"
    start_urls: tuple[str, ...] = ()
    search_url: str | None = None
    keywords: tuple[str, ...] = ()
    sitemap_urls: tuple[str, ...] = ()
    currency: str | None = None
    shop_name: str | None = None
    max_pages: int | None = None
    product_links: tuple[str, ...] = ()
    pagination_links: tuple[str, ...] = ()
    deny_links: tuple[str, ...] = ()
    selectors: dict[str, Any] = field(default_factory=dict)
    download_delay: float | None = None
    concurrency: int | None = None
    obey_robots: bool = True
    robots_override_reason: str | None = None
    schedule: str | None = None  # a cron expression (crawler.jobs.schedule), UTC
    recheck_schedule: str | None = None
    monitors: Thresholds = field(default_factory=Thresholds)
    render: bool = False  # fetch pages in Chromium (crawler/render.py)
    page_budget: int | None = None  # rendered pages per crawl (None: DEFAULT_PAGE_BUDGET)
    requires_login: bool = False
    notes: str | None = None
    # -- crawl limits and redirects (issue 12) --
    max_depth: int | None = None  # [limits]: links followed from a start URL
    trap_repeats: int | None = None  # [limits]: a dated URL pattern along one chain
    redirect_hosts: tuple[str, ...] = ()  # [redirects] allow_hosts: off-site redirects

    @property
    def root_url(self) -> str:
        """The site's scheme://host/, from base_url or else the first URL given."""
        first = self.base_url or next(iter(self.start_urls + self.sitemap_urls), None)
        first = first or (self.search_url or "").replace("{keyword}", "")
        parts = urlsplit(first)
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))

    def crawl_urls(self) -> list[str]:
        """Start URLs, then the search URL once per keyword; the root URL if neither."""
        urls = list(self.start_urls)
        if self.search_url:
            urls += [self.search_url.replace("{keyword}", quote_plus(k)) for k in self.keywords]
        return list(dict.fromkeys(urls)) or [self.root_url]

    def with_base_url(self, base_url: str) -> SiteProfile:
        """The same profile pointed at another host (a mirror, a test server)."""
        check_url(base_url, "base_url", "--base-url")
        old = urlsplit(self.root_url).netloc
        new = urlsplit(base_url)

        def move(url: str) -> str:
            parts = urlsplit(url)
            if parts.netloc != old:
                return url
            return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, parts.fragment))

        return replace(
            self,
            base_url=base_url.rstrip("/"),
            start_urls=tuple(move(u) for u in self.start_urls),
            sitemap_urls=tuple(move(u) for u in self.sitemap_urls),
            search_url=move(self.search_url) if self.search_url else None,
        )

    def scrapy_settings(self) -> dict[str, Any]:
        """Settings this profile asks for: delay, per-domain concurrency, robots override,
        rendering in Chromium (ProfileError when this machine has no Chromium)."""
        settings: dict[str, Any] = {}
        if self.render:
            from maskscreen.crawler.render import RenderUnavailable, render_settings

            try:
                settings.update(render_settings(self.page_budget or DEFAULT_PAGE_BUDGET))
            except RenderUnavailable as exc:
                raise ProfileError(self.path, "render", str(exc)) from None
        if self.download_delay is not None:
            settings["DOWNLOAD_DELAY"] = self.download_delay
            settings["AUTOTHROTTLE_START_DELAY"] = max(self.download_delay, 1.0)
        if self.concurrency is not None:
            settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = self.concurrency
        if not self.obey_robots:
            logger.warning(
                "site profile %s: robots.txt NOT obeyed (%s)",
                self.name,
                self.robots_override_reason,
            )
            settings["ROBOTSTXT_OBEY"] = False
        settings.update(self.limit_settings())
        return settings

    def limit_settings(self) -> dict[str, Any]:
        """[limits] and [redirects] as crawl settings (crawler/settings.py)."""
        settings: dict[str, Any] = {}
        if self.max_depth is not None:
            settings["MASKSCREEN_MAX_DEPTH"] = self.max_depth
        if self.trap_repeats is not None:
            settings["MASKSCREEN_TRAP_REPEATS"] = self.trap_repeats
        if self.redirect_hosts:
            settings["MASKSCREEN_REDIRECT_HOSTS"] = list(self.redirect_hosts)
        return settings


def check_url(value: str, field_name: str, path: Path | str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(path, field_name, f"not an http(s) URL: {value!r}")
    return value


def _typed(path: Path, name: str, value: Any, expected: type | tuple[type, ...]) -> Any:
    wanted = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in wanted or not isinstance(value, wanted):
        names = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in wanted)
        got = _TYPE_NAMES.get(type(value), type(value).__name__)
        raise ProfileError(path, name, f"expected {names}, not {got}")
    if isinstance(value, str) and not value.strip():
        raise ProfileError(path, name, "must not be empty")
    return value


def _strings(path: Path, name: str, value: Any) -> tuple[str, ...]:
    _typed(path, name, value, list)
    return tuple(_typed(path, f"{name}[{i}]", item, str) for i, item in enumerate(value))


def _patterns(path: Path, name: str, value: Any) -> tuple[str, ...]:
    patterns = _strings(path, name, value)
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(path, f"{name}[{i}]", f"bad regex: {exc}") from None
    return patterns


def _table(path: Path, name: str, value: Any) -> dict:
    _typed(path, name, value, dict)
    for key in value:
        if key not in _TABLES[name]:
            raise ProfileError(
                path, f"{name}.{key}", f"unknown key (known: {', '.join(_TABLES[name])})"
            )
    return value


def parse_profile(data: dict, path: Path | str, source: str = "file") -> SiteProfile:
    """A `SiteProfile` from parsed TOML, every field checked."""
    path = Path(path)
    for key in data:
        if key not in _SCALARS and key not in _LISTS and key not in _TABLES:
            raise ProfileError(path, key, "unknown key")
    values: dict[str, Any] = {
        k: _typed(path, k, data[k], t) for k, t in _SCALARS.items() if k in data
    }
    name = values.setdefault("name", path.stem)
    if not _NAME_RE.match(name):
        raise ProfileError(path, "name", "lower-case letters, digits, '.', '_' or '-' only")
    if values.get("via", "auto") not in VIAS:
        raise ProfileError(path, "via", f"one of {', '.join(VIAS)}, not {values['via']!r}")
    if "currency" in values and not _CURRENCY_RE.match(values["currency"]):
        raise ProfileError(path, "currency", "an ISO 4217 code such as USD or CNY")
    if values.get("max_pages", 1) < 1:
        raise ProfileError(path, "max_pages", "must be at least 1")
    base = values.pop("base_url", None)
    base = check_url(base, "base_url", path).rstrip("/") if base is not None else None

    def absolute(url: str, field_name: str) -> str:
        if base and not urlsplit(url).scheme:
            url = urljoin(base + "/", url)
        return check_url(url, field_name, path)

    lists = {k: _strings(path, k, data[k]) for k in _LISTS if k in data}
    start_urls = tuple(
        absolute(u, f"start_urls[{i}]") for i, u in enumerate(lists.get("start_urls", ()))
    )
    sitemap_urls = tuple(
        absolute(u, f"sitemap_urls[{i}]") for i, u in enumerate(lists.get("sitemap_urls", ()))
    )
    keywords = lists.get("keywords", ())
    search_url = values.pop("search_url", None)
    if search_url is not None:
        fields = {f for _, f, _, _ in string.Formatter().parse(search_url) if f is not None}
        if fields != {"keyword"}:
            raise ProfileError(path, "search_url", "must hold {keyword} and no other {field}")
        search_url = absolute(search_url, "search_url")
        if not keywords:
            raise ProfileError(path, "keywords", "a search_url needs at least one keyword")
    elif keywords:
        raise ProfileError(path, "keywords", "keywords need a search_url")
    if not (base or start_urls or search_url or sitemap_urls):
        raise ProfileError(
            path, "start_urls", "give base_url, start_urls, search_url or sitemap_urls"
        )

    links = _table(path, "links", data.get("links", {}))
    link_rules = {key: _patterns(path, f"links.{key}", links[key]) for key in links}
    rate = _table(path, "rate", data.get("rate", {}))
    if "download_delay" in rate:
        delay = _typed(path, "rate.download_delay", rate["download_delay"], (int, float))
        if not 0 <= delay <= 600:
            raise ProfileError(path, "rate.download_delay", "seconds between 0 and 600")
    concurrency = rate.get("concurrency")
    if (
        concurrency is not None
        and not 1 <= _typed(path, "rate.concurrency", concurrency, int) <= 64
    ):
        raise ProfileError(path, "rate.concurrency", "between 1 and 64")
    selectors = _typed(path, "extract", data.get("extract", {}), dict)
    for problem in validate_profile(selectors):
        key, _, reason = problem.partition(": ")
        raise ProfileError(path, f"extract.{key}", reason)

    for key in ("schedule", "recheck_schedule"):
        if key in values:
            try:
                values[key] = parse_schedule(values[key])
            except ScheduleError as exc:
                raise ProfileError(path, key, str(exc)) from None
    monitors = _monitors(path, data.get("monitors", {}))

    budget = values.get("page_budget")
    if budget is not None:
        if not 1 <= budget <= MAX_PAGE_BUDGET:
            raise ProfileError(path, "page_budget", f"between 1 and {MAX_PAGE_BUDGET:,}")
        if not values.get("render", False):
            raise ProfileError(path, "page_budget", "a page budget needs render = true")
    if values.get("requires_login") and not values.get("example", False):
        raise ProfileError(
            path, "requires_login", "a site that needs a login can only be an example = true"
        )
    if values.get("obey_robots", True) is False and "robots_override_reason" not in values:
        raise ProfileError(
            path, "obey_robots", "obey_robots = false needs a robots_override_reason"
        )
    return SiteProfile(
        **values,
        path=str(path),
        source=source,
        base_url=base,
        start_urls=start_urls,
        search_url=search_url,
        keywords=keywords,
        sitemap_urls=sitemap_urls,
        product_links=link_rules.get("product", ()),
        pagination_links=link_rules.get("pagination", ()),
        deny_links=link_rules.get("deny", ()),
        selectors=dict(selectors),
        download_delay=float(rate["download_delay"]) if "download_delay" in rate else None,
        concurrency=rate.get("concurrency"),
        monitors=monitors,
        **_limits_and_redirects(path, data),
    )


def _monitors(path: Path, value: Any) -> Thresholds:
    table = _table(path, "monitors", value)
    checked: dict[str, Any] = {}
    for key, item in table.items():
        kind, low, high = LIMITS[key]
        number = _typed(path, f"monitors.{key}", item, int if kind is int else (int, float))
        if not low <= number <= high:
            raise ProfileError(path, f"monitors.{key}", f"between {low:g} and {high:g}")
        checked[key] = kind(number)
    return Thresholds(**checked)


def load_profile(path: Path | str, source: str = "file") -> SiteProfile:
    """Read and check one profile file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ProfileError(path, "file", exc.strerror or str(exc)) from None
    except UnicodeDecodeError:
        raise ProfileError(path, "file", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "toml", str(exc)) from None
    return parse_profile(data, path, source)


def default_sites_dir() -> Path:
    """Where user profiles live when MASKSCREEN_SITES_DIR does not say."""
    return Path(platformdirs.user_config_dir("maskscreen")) / "sites"


def bundled_files() -> list[Path]:
    folder = resources.files("maskscreen.crawler").joinpath("profiles")
    return sorted(Path(str(f)) for f in folder.iterdir() if f.name.endswith(".toml"))


def scan_profiles(user_dir: Path | str | None) -> tuple[dict[str, SiteProfile], list[ProfileError]]:
    """Every profile by name (user ones replace bundled ones), and the files refused."""
    found: dict[str, SiteProfile] = {}
    errors: list[ProfileError] = []
    user_dir = Path(user_dir) if user_dir else None
    user_files = sorted(user_dir.glob("*.toml")) if user_dir and user_dir.is_dir() else []
    for source, files in (("bundled", bundled_files()), ("user", user_files)):
        seen: set[str] = set()
        for path in files:
            try:
                profile = load_profile(path, source)
            except ProfileError as exc:
                errors.append(exc)
                continue
            if profile.name in seen:
                errors.append(ProfileError(path, "name", f"{profile.name!r} is defined twice"))
                continue
            seen.add(profile.name)
            found[profile.name] = profile
    return dict(sorted(found.items())), errors


def find_profile(name: str, user_dir: Path | str | None) -> SiteProfile | None:
    """The profile called `name`, or None; a refused file that might be it is raised."""
    profiles, errors = scan_profiles(user_dir)
    if name in profiles:
        return profiles[name]
    for error in errors:
        if Path(error.path).stem == name:
            raise error
    return None
