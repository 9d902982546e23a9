"""Where the crawler may connect: http(s) only, and never to a private address.

Shops are run by the sellers we screen, so every link, redirect and meta refresh is
treated as an attack on the screener's own machine and network. The rule, applied
after DNS resolution on every request (redirects included):

- only ``http`` and ``https`` (no ``file://``, ``ftp://``, ``data:``);
- no loopback, private, link-local (cloud metadata at 169.254.169.254), shared,
  multicast, reserved or unspecified address, IPv4 or IPv6 (IPv4-mapped included),
  unless it lies in an allowed network: ``MASKSCREEN_ALLOW_NETWORKS`` (comma-separated
  CIDRs, e.g. ``127.0.0.0/8`` for a local test shop) or a profile's ``allow_networks``.

Two places enforce it. `NetworkPolicyMiddleware` (first among the downloader
middlewares, before robots.txt is asked for) refuses other schemes, resolves the host
through Scrapy's own caching resolver and refuses a disallowed address before anything
is sent, counting every refusal as a drop with its reason
(``maskscreen/dropped/blocked_scheme``, ``maskscreen/dropped/blocked_address``). The
connection then uses the address just checked (the resolver's cache). `PolicyResolver`
(Scrapy's TWISTED_DNS_RESOLVER) refuses disallowed addresses itself, so a lookup that misses
the cache (a name that resolves to a public address when checked and a private one
when fetched) fails closed.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from maskscreen.crawler.extract.fields import same_site  # one rule for "the same site"

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
ALLOW_SETTING = "MASKSCREEN_ALLOW_NETWORKS"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class NetworkPolicyError(ValueError):
    """An allowed network that is not a CIDR."""


class BlockedAddress(DNSLookupError):
    """A host that resolves to an address the policy does not allow (Twisted reports it
    to the download as a failed lookup)."""


def parse_networks(value: str | Iterable[str] | None) -> tuple[IPNetwork, ...]:
    """CIDRs from a comma-separated string or a list; NetworkPolicyError naming a bad one."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    networks = []
    for item in (str(i).strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise NetworkPolicyError(f"not a network (CIDR such as 127.0.0.0/8): {item!r}") from exc
    return tuple(networks)


class NetworkPolicy:
    """Which schemes and addresses a crawl may reach."""

    def __init__(self, allow: Iterable[IPNetwork] = ()) -> None:
        self.allow = tuple(allow)

    @classmethod
    def from_settings(cls, settings: Any = None) -> NetworkPolicy:
        """The policy of a crawl: its MASKSCREEN_ALLOW_NETWORKS setting (a profile's or the
        demo's), else the environment variable of that name, read when the crawl starts
        (so `scrapy crawl` and Scrapyd jobs honour it too)."""
        value = settings.get(ALLOW_SETTING) if settings is not None else None
        if value is None:
            import os

            value = os.environ.get(ALLOW_SETTING)
        return cls(parse_networks(value))

    def host_refusal(self, host: str) -> tuple[str, str] | None:
        """Resolve `host` (blocking; for the detection probes) and refuse it if any of its
        addresses is not allowed."""
        import socket

        try:
            literal = ipaddress.ip_address(host)
            addresses = [str(literal)]
        except ValueError:
            try:
                infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
            except OSError as exc:
                return "unreachable", f"cannot resolve {host}: {exc}"
            addresses = [str(info[4][0]) for info in infos]
        return self.addresses_refusal(host, addresses)

    def addresses_refusal(self, host: str, addresses: Iterable[str]) -> tuple[str, str] | None:
        """(reason, detail) when any address `host` resolved to is not allowed, else None
        (whichever resolver found them: blocking, Twisted's or asyncio's)."""
        for address in addresses:
            if not self.address_allowed(address):
                return "blocked_address", f"{host} resolves to {address}, which is not public"
        return None

    def address_allowed(self, address: str | IPAddress) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if any(ip.version == net.version and ip in net for net in self.allow):
            return True
        mapped = getattr(ip, "ipv4_mapped", None)
        if mapped is not None:
            return self.address_allowed(mapped)
        return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)

    def refusal(self, url: str) -> tuple[str, str] | None:
        """(reason, detail) when the URL may not be fetched as written, else None.

        Checks the scheme and a literal address; a host name is checked when it is
        resolved (PolicyResolver)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            return "blocked_scheme", f"{parts.scheme or 'no'} scheme"
        host = parts.hostname or ""
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            return None if host else ("blocked_address", "no host")
        if not self.address_allowed(literal):
            return "blocked_address", f"address {literal} is not public"
        return None


class PolicyResolver(CachingThreadedResolver):
    """Scrapy's caching resolver that refuses hosts resolving to disallowed addresses."""

    policy: NetworkPolicy = NetworkPolicy()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        resolver = super().from_crawler(crawler, reactor)
        resolver.policy = NetworkPolicy.from_settings(crawler.settings)
        return resolver

    def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 (Twisted's name)
        deferred = super().getHostByName(name, timeout)
        deferred.addCallback(self._check, name)
        return deferred

    def _check(self, address: str, name: str) -> str:
        if not self.policy.address_allowed(address):
            raise BlockedAddress(f"{name} resolves to {address}, which is not a public address")
        return address


class NetworkPolicyMiddleware:
    """Refuses (and counts) requests the policy forbids before they are sent."""

    def __init__(self, policy: NetworkPolicy, stats: Any, crawler: Any = None) -> None:
        self.policy = policy
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> NetworkPolicyMiddleware:
        if not crawler.settings.getbool("MASKSCREEN_NETWORK_POLICY", True):
            raise NotConfigured("network policy off")
        return cls(NetworkPolicy.from_settings(crawler.settings), crawler.stats, crawler)

    async def process_request(self, request: Any, spider: Any = None) -> None:
        refused = self.policy.refusal(request.url)
        if refused is None:
            refused = await self._resolved_refusal(urlsplit(request.url).hostname or "")
        if refused:
            reason, detail = refused
            self._drop(reason, request.url, detail)
            refuse(request, reason)
            raise IgnoreRequest(f"{detail}: {request.url}")

    async def _resolved_refusal(self, host: str) -> tuple[str, str] | None:
        try:
            ipaddress.ip_address(host)
            return None  # a literal address: refusal() has checked it
        except ValueError:
            pass
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor

        try:
            address = await maybe_deferred_to_future(reactor.resolver.getHostByName(host))
        except BlockedAddress as exc:
            return "blocked_address", str(exc)
        except Exception:  # noqa: BLE001 (a lookup that fails fails the download itself, counted there)
            return None
        return self.policy.addresses_refusal(host, [address])

    def _drop(self, reason: str, url: str, detail: str) -> None:
        key = f"maskscreen/dropped/{reason}"
        if not self.stats.get_value(key):
            logger.warning("refused %s (%s); further refusals are counted", url, detail)
        if self.crawler is None:
            self.stats.inc_value(key)
            return
        from maskscreen.crawler.jobs.runs import drop_log

        drop_log(self.crawler).add(reason, url, detail)


REFUSED = "maskscreen_refused"  # request.meta: the drop reason a middleware counted


def refuse(request: Any, reason: str) -> None:
    """Mark `request` as refused and counted (as `reason`), so that the spider's errback,
    which sees the IgnoreRequest that follows, does not count it again."""
    request.meta[REFUSED] = reason


# -- redirects that leave the site ---------------------------------------------------

REDIRECT_HOSTS_SETTING = "MASKSCREEN_REDIRECT_HOSTS"


def host_allowed(url: str, allow_hosts: Iterable[str]) -> bool:
    """Whether `url`'s host is among `allow_hosts`: a host name (any port), a host:port,
    or *.domain (its subdomains)."""
    parts = urlsplit(url)
    host, netloc = (parts.hostname or "").lower(), parts.netloc.lower().rpartition("@")[2]
    for allowed in (h.strip().lower() for h in allow_hosts):
        if not allowed:
            continue
        if allowed.startswith("*."):
            if host.endswith(allowed[1:]):
                return True
        elif allowed in (host, netloc):
            return True
    return False


class SitePolicyRedirects:
    """A redirect (3xx or meta refresh) is followed only on the site it started from,
    or to a host the site's policy allows (a profile's [redirects] allow_hosts, the
    MASKSCREEN_REDIRECT_HOSTS setting); the new host's robots.txt is then asked, as for
    any request, through the same limits. A refused redirect is a drop kept with its
    URL (`offsite_redirect`), as is a redirect loop (`redirect_loop`). Mixed into
    Scrapy's RedirectMiddleware and MetaRefreshMiddleware (crawler/settings.py)."""

    def _redirect(self, redirected: Any, request: Any, reason: Any) -> Any:
        from maskscreen.crawler.jobs.runs import drop_log

        log = drop_log(self.crawler)
        try:
            redirected = super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            log.add("redirect_loop", request.url, f"more than {self.max_redirect_times} redirects")
            refuse(request, "redirect_loop")
            raise
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:  # back to where it came from: round and round
            log.add("redirect_loop", request.url, f"{reason} back to {redirected.url}")
            refuse(request, "redirect_loop")
            raise IgnoreRequest(f"redirect loop: {request.url}")
        origin = chain[0]
        if same_site(redirected.url, origin):
            return redirected
        allow = self.crawler.settings.getlist(REDIRECT_HOSTS_SETTING)
        if host_allowed(redirected.url, allow):
            redirected.meta["allow_offsite"] = True  # the site's policy says so
            return redirected
        detail = f"{reason} from {request.url} leaves the site"
        log.add("offsite_redirect", redirected.url, detail)
        refuse(request, "offsite_redirect")
        raise IgnoreRequest(f"{detail}: {redirected.url}")


class SiteRedirectMiddleware(SitePolicyRedirects, RedirectMiddleware):
    """RedirectMiddleware under the site's redirect policy."""


class SiteMetaRefreshMiddleware(SitePolicyRedirects, MetaRefreshMiddleware):
    """MetaRefreshMiddleware under the site's redirect policy."""
