"""One reading of a URL, the crawler's own: what is checked is exactly what is fetched.

Scrapy hands every request URL to w3lib's `safe_url_string`, which follows the
WHATWG URL standard (a backslash is a slash, full-width digits and dots are
folded, an IDN becomes punycode), and Twisted connects to the host of that
string. Reading a source's URL with anything else lets a check and a fetch see
two different hosts: `urlsplit` reads `http://127.0.0.1:8721\\@93.184.215.14/`
as host 93.184.215.14, the crawler fetches 127.0.0.1. So a source URL is read
once here, stored in that form and fetched as is.

`literal_address` reads a host the way the connection will: an IPv4 address in
any notation inet_aton accepts (decimal, octal, hex, one to four parts, a
trailing dot), an IPv6 literal, a percent-encoded spelling of either.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

from w3lib.url import safe_url_string

from vocab.errors import ConfigError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NUMBER = re.compile(r"^(?:0[xX][0-9a-fA-F]*|[0-9]+)$")


def read_url(url: str) -> str:
    """The URL as the crawler fetches it; ConfigError for anything but a plain http(s) address."""
    text = (url or "").strip()
    if "\\" in text:
        raise _not_a_web_address(url, "it contains a backslash")
    try:
        safe = safe_url_string(text)
        parts = urlsplit(safe)
        host = parts.hostname or ""
    except ValueError as exc:
        raise _not_a_web_address(url, str(exc)) from exc
    if parts.scheme not in ("http", "https") or not host:
        raise _not_a_web_address(url, "give a full URL such as https://example.org/page")
    _check_authority(url, parts.netloc)
    return safe


def _check_authority(url: str, netloc: str) -> None:
    if "@" in netloc:
        raise _not_a_web_address(url, "a user name or password in a URL is not accepted")
    if "%" in netloc:
        raise _not_a_web_address(url, "its host is percent-encoded")
    host = host_of(f"http://{netloc}/")
    if _ends_in_number(host) and literal_address(host) is None:
        raise _not_a_web_address(url, f"'{host}' is neither a name nor an IP address")


def _not_a_web_address(url: str, why: str) -> ConfigError:
    return ConfigError(f"'{url}' is not a web address Lexwatch accepts: {why}")


def host_of(url: str) -> str:
    """The host Twisted connects to for this (already read) URL: no brackets, lower case."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def literal_address(host: str) -> Address | None:
    """The address a host names when it is an IP literal in any notation; None for a name."""
    text = unquote(host).strip("[]").lower()
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    return _ipv4(text)


def _ipv4(text: str) -> ipaddress.IPv4Address | None:
    """inet_aton's (and WHATWG's) reading: 127.1, 0x7f.1, 0177.0.0.1, 2130706433, '127.0.0.1.'."""
    parts = text.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # one trailing dot names the same address
    if not 1 <= len(parts) <= 4 or not all(_NUMBER.match(p) for p in parts):
        return None
    numbers = [_number(p) for p in parts]
    *head, last = numbers
    if any(n is None or n > 255 for n in head) or last is None or last >= 256 ** (5 - len(parts)):
        return None
    value = last + sum(n << (8 * (3 - i)) for i, n in enumerate(head))
    return ipaddress.IPv4Address(value)


def _number(part: str) -> int | None:
    try:
        if part[:2].lower() == "0x":
            return int(part[2:] or "0", 16)
        return int(part, 8) if len(part) > 1 and part.startswith("0") else int(part)
    except ValueError:
        return None  # '08': not octal, and not a name either


def _ends_in_number(host: str) -> bool:
    """WHATWG: a host whose last label is a number must be an IPv4 address, or nothing."""
    labels = host.rstrip(".").split(".")
    return bool(labels) and bool(_NUMBER.match(labels[-1]))
