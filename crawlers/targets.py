"""Which addresses a source may point at: the public internet only, unless settings allow more.

An admin types a URL and Lexwatch's crawler fetches it from inside the network it
runs in. Without this check a source could read the cloud metadata service
(169.254.169.254), an internal admin panel or the database port, and show the
answer in "test before saving". The URL is read as the crawler reads it
(crawlers/urls.py); the hostname is resolved, so a name that points at a
private address ("localhost", a rebinding domain) is refused as well.

This is the check when a source is saved. The same judgement (`is_public`) runs
again on every request the crawler makes, redirects and followed links
included, and on every address a name resolves to at connection time
(crawlers/guard.py): a row saved while private targets were allowed, or a name
that resolves elsewhere later, is never trusted.
"""

from __future__ import annotations

import ipaddress
import socket

from crawlers.urls import Address, host_of, literal_address, read_url
from vocab.errors import ConfigError

# IPv6 prefixes that carry an IPv4 address in their last 32 bits: the connection reaches it.
_EMBEDDING = tuple(
    ipaddress.IPv6Network(prefix)
    for prefix in ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
# Not global whatever Python's table says (RFC 8215 local-use NAT64; deprecated site-local).
_NOT_GLOBAL = tuple(ipaddress.IPv6Network(p) for p in ("64:ff9b:1::/48", "fec0::/10"))


def check_target(url: str, *, allow_private: bool, resolve_names: bool = True) -> str:
    """The URL as the crawler reads it, when it is public (or allowed); else ConfigError.

    `resolve_names=False` (a replay server answers every name, as in the demo) judges
    IP literals only: the names are never looked up, here or when fetched.
    """
    if not url:
        # No URL: the kind builds its requests from parameters, towards its own public API.
        return url
    read = read_url(url)
    if allow_private:
        return read
    host = host_of(read)
    if not resolve_names and literal_address(host) is None:
        return read
    for address in addresses_of(host):
        if not is_public(address):
            raise ConfigError(
                f"'{url}' points at {address}, a private, loopback or link-local address: "
                "Lexwatch only watches public sites (LEXWATCH_ALLOW_PRIVATE_TARGETS=1 allows it)"
            )
    return read


def addresses_of(host: str) -> list[Address]:
    """The address an IP literal names (any notation), else every address the name resolves to."""
    literal = literal_address(host)
    return [literal] if literal is not None else resolve(host)


def resolve(host: str) -> list[Address]:
    """Every address a hostname (or an IP literal, in any notation) stands for."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(f"cannot resolve the host '{host}': check the address") from exc
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address, judged by the IPv4 address it may embed."""
    embedded = embedded_ipv4(address)
    if embedded is not None:
        # ::ffff:127.0.0.1, ::127.0.0.1, 64:ff9b::127.0.0.1 and 2002:7f00:1:: all reach 127.0.0.1.
        return is_public(embedded)
    if any(address in network for network in _NOT_GLOBAL):
        return False
    return address.is_global and not address.is_multicast


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address wraps (mapped, compatible, SIIT, NAT64, 6to4), if any."""
    if address.version != 6:
        return None
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _EMBEDDING):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
