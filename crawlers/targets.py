"""Which addresses a source may point at: the public internet only, unless settings allow more.

An admin types a URL and Lexwatch's crawler fetches it from inside the network it
runs in. Without this check a source could read the cloud metadata service
(169.254.169.254), an internal admin panel or the database port, and show the
answer in "test before saving". The hostname is resolved, so a name that points
at a private address ("localhost", a rebinding domain) is refused as well.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from errors import ConfigError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_target(url: str, *, allow_private: bool) -> str:
    """The URL unchanged when every address its host resolves to is public; else ConfigError."""
    if allow_private or not url:
        # No URL: the kind builds its requests from parameters, towards its own public API.
        return url
    host = urlsplit(url).hostname or ""
    for address in resolve(host):
        if not is_public(address):
            raise ConfigError(
                f"'{url}' points at {address}, a private, loopback or link-local address: "
                "Lexwatch only watches public sites (LEXWATCH_ALLOW_PRIVATE_TARGETS=1 allows it)"
            )
    return url


def resolve(host: str) -> list[Address]:
    """Every address a hostname (or an IP literal, in any notation) stands for."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(f"cannot resolve the host '{host}': check the address") from exc
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def is_public(address: Address) -> bool:
    """True for a globally routable unicast address."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        # ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it wraps.
        return is_public(mapped)
    return address.is_global and not address.is_multicast
