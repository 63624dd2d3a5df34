"""The guard at fetch time: every request, and every address the crawler connects to, is judged.

Two checks, because an address can be known at two moments:

- `GuardMiddleware` (a downloader middleware, before robots.txt and replay)
  sees every request Scrapy is about to send: a source's first requests, each
  redirect, each link a site module follows, each retry. A host that is an IP
  literal in any notation (crawlers/urls.py) is judged at once; a scheme other
  than http(s) is refused; a request that carries a configured secret goes only
  to the host its site module names for that secret (`SECRET_HOSTS`).
- `GuardedResolver` is the reactor's name resolver: a name is resolved once,
  every address it gave is judged, and only then handed to Twisted, which
  connects to exactly those addresses. A name that answers a public address
  to the save-time check and 127.0.0.1 now (DNS rebinding) is refused here,
  because the address connected to is the address checked.
- `judge_connection` does the same for the browser (crawlers/browser.py): its
  proxy (crawlers/egress.py) asks it about every connection Chromium opens,
  redirect hops and a page's own requests included, and connects to the
  address it judged.

LEXWATCH_ALLOW_PRIVATE_TARGETS is read from the settings of the crawl doing the
fetch, never from when a source was saved. The replay server (the demo, tests)
is allowed by name: with LEXWATCH_REPLAY_URL the middleware judges the real URL
a source asked for, and the resolver lets the replay server's own host and port
through. A refusal is an error of the source's run, with its reason.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from twisted.internet.threads import deferToThreadPool
from zope.interface import implementer

from crawlers.replay import replay_url
from crawlers.sites import SECRET_HOSTS
from crawlers.targets import is_public
from crawlers.urls import host_of, literal_address
from vocab.redact import redact

_refused: dict[str, str] = {}  # host -> the private address it resolved to (for the reason)


class Refused(IgnoreRequest):
    """A request the guard would not send; its message is the run's reason."""


@dataclass(frozen=True)
class Policy:
    """What may be fetched: public addresses, plus private ones when allowed, plus the replay server."""

    allow_private: bool = False
    replay: str = ""

    @classmethod
    def of(cls, settings: Any) -> Policy:
        """The policy of a crawl, from its Scrapy settings."""
        return cls(
            settings.getbool("LEXWATCH_ALLOW_PRIVATE_TARGETS"),
            settings.get("LEXWATCH_REPLAY_URL") or "",
        )

    def is_replay(self, host: str, port: int | None) -> bool:
        """True for the replay server's own host and port."""
        if not self.replay:
            return False
        parts = urlsplit(self.replay)
        return host == (parts.hostname or "") and (port or 80) == (parts.port or 80)

    def allows(self, host: str, port: int | None, address: Any) -> bool:
        """May a connection to `host`:`port` go to `address`?"""
        return self.allow_private or self.is_replay(host, port) or is_public(address)


class GuardMiddleware:
    """Refuse a request to a private address, a non-http(s) scheme, or a secret's wrong host."""

    def __init__(self, crawler: Any, policy: Policy) -> None:
        self.crawler, self.policy = crawler, policy

    @classmethod
    def from_crawler(cls, crawler: Any) -> GuardMiddleware:
        return cls(crawler, Policy.of(crawler.settings))

    def process_request(self, request: Request) -> None:
        url = self._real_url(request)
        reason = address_refusal(url, self.policy, request.meta.get("redirect_urls"))
        reason = reason or secret_refusal(url, request, self._secrets())
        if reason:
            raise Refused(reason)

    def _real_url(self, request: Request) -> str:
        """The URL the source asked for: in replay, the one the replay server stands in for."""
        original = request.meta.get("replay_of")
        if (
            self.policy.replay
            and original
            and request.url == replay_url(self.policy.replay, original)
        ):
            return original
        return request.url  # a redirect keeps the old replay_of: its own URL is what counts

    def _secrets(self) -> Mapping[str, str]:
        return getattr(self.crawler.spider, "secrets", None) or {}


def address_refusal(url: str, policy: Policy, redirected_from: list[str] | None = None) -> str:
    """Why `url` must not be fetched ('' when it may): its scheme, or its literal address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"refused: {redact(url)} is not an http or https address"
    host = host_of(url)
    address = literal_address(host)
    if address is None or policy.allows(host, parts.port, address):
        return ""  # a name: the resolver judges what it resolves to, when connecting
    if redirected_from:
        return f"redirected to a private address {address}: {redact(redirected_from[0])} led to {redact(url)}"
    return f"refused: {redact(url)} points at a private address {address}"


def secret_refusal(url: str, request: Request, secrets: Mapping[str, str]) -> str:
    """Why a request carrying a secret must not go to `url`'s host ('' when it may)."""
    host = host_of(url)
    for name, value in secrets.items():
        allowed = SECRET_HOSTS.get(name, "")
        if value and host != allowed and _carries(request, value):
            return f"refused: the {name} is sent only to {allowed or 'no host'}, not to {host}"
    return ""


def _carries(request: Request, value: str) -> bool:
    needle = value.encode()
    headers = (v for key in request.headers for v in request.headers.getlist(key))
    return value in request.url or any(needle in header for header in headers)


@dataclass(frozen=True)
class Judged:
    """A connection judged before it is opened: where to connect, or why not."""

    address: str = ""  # the address to connect to, when allowed
    refused: str = ""  # why not, when not
    private: str = ""  # the address that was not allowed


async def judge_connection(host: str, port: int, policy: Policy) -> Judged:
    """May a connection to `host`:`port` be opened, and to which address? (The browser's proxy,
    crawlers/egress.py: Chromium resolves nothing itself, so every address is judged here.)"""
    literal = literal_address(host)
    found = [str(literal)] if literal is not None else await asyncio.to_thread(lookup, host, port)
    if not found:
        return Judged(refused=f"cannot resolve the host {host}")
    bad = next((a for a in found if not policy.allows(host, port, _address(a))), None)
    if bad is not None:
        how = "is" if literal is not None else "resolves to"
        return Judged(refused=f"refused: {host} {how} a private address {bad}", private=bad)
    return Judged(address=found[0])


def _address(text: str) -> Any:
    return ipaddress.ip_address(text.split("%", 1)[0])


def refusal_of(host: str) -> str:
    """The reason a connection to `host` was refused by the resolver, if it was."""
    address = _refused.get(host.lower())
    return f"refused: {host} resolves to a private address {address}" if address else ""


# -- the resolver ------------------------------------------------------------------


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        """Twisted never cancels a resolution it started; nothing to undo."""


@implementer(IHostnameResolver)
class GuardedResolver:
    """Resolve a name in the reactor's thread pool and hand over its addresses only if all pass."""

    def __init__(self, reactor: Any, policy: Policy) -> None:
        self.reactor, self.policy = reactor, policy

    def resolveHostName(  # the names are Twisted's (IHostnameResolver)
        self,
        receiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Any = None,
        transportSemantics: str = "TCP",
    ) -> _Resolution:
        resolution = _Resolution(hostName)
        receiver.resolutionBegan(resolution)
        if _plain_address(hostName):  # nothing to look up: judged at once, without a thread
            self._hand_over([hostName], receiver, hostName, portNumber)
            receiver.resolutionComplete()
            return resolution
        found = deferToThreadPool(
            self.reactor, self.reactor.getThreadPool(), lookup, hostName, portNumber
        )
        found.addCallback(self._hand_over, receiver, hostName, portNumber)
        found.addBoth(lambda _: receiver.resolutionComplete())
        return resolution

    def _hand_over(self, addresses: list[str], receiver: Any, host: str, port: int) -> None:
        judged = [(text, ipaddress.ip_address(text.split("%", 1)[0])) for text in addresses]
        bad = next((a for _, a in judged if not self.policy.allows(host, port, a)), None)
        if bad is not None:
            _remember(host, bad)
            return  # no address at all: Twisted fails the connection with a DNS error
        for text, address in judged:
            kind = IPv4Address if address.version == 4 else IPv6Address
            receiver.addressResolved(kind("TCP", text, port))


def _plain_address(host: str) -> bool:
    """Is `host` an address written as getaddrinfo would give it back (127.0.0.1, ::1)?"""
    address = literal_address(host)
    return address is not None and str(address) == host


def lookup(host: str, port: int) -> list[str]:
    """The addresses a name resolves to (socket.getaddrinfo, read at call time: tests stand in)."""
    try:
        infos = socket.getaddrinfo(ascii_name(host), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def ascii_name(host: str) -> str:
    """The name as the URL spelled it: Twisted hands an IDN over decoded, and Python's own
    IDNA 2003 codec would encode xn--fa-hia.de back as another domain (fass.de)."""
    if host.isascii():
        return host
    from twisted.internet._idna import _idnaBytes

    return _idnaBytes(host).decode("ascii")


def _remember(host: str, address: Any) -> None:
    if len(_refused) > 1000:
        _refused.clear()  # reasons only; a long-lived process must not grow without end
    _refused[ascii_name(host).lower()] = str(address)


def install_resolver(policy: Policy) -> None:
    """Make the guarded resolver the reactor's name resolver (each crawl installs its policy)."""
    from twisted.internet import reactor

    reactor.installNameResolver(GuardedResolver(reactor, policy))
