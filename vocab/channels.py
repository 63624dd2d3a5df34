"""Alert channels are apprise URLs, and they hold secrets: how one is shown, and what to hide.

A Slack or Telegram URL is its token; a mailto URL may carry a password. Pages,
logs and emails never show a channel whole: `mask` keeps the scheme (and the
server, for the schemes whose host is only an address), plus a short digest so
that two channels of one kind can be told apart. `secrets_of` lists the parts of
a channel URL that `redact.redact` must remove from any text a send produced.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlsplit

from vocab.redact import MIN_SECRET

# Schemes whose host is a server's address, never a token.
ADDRESS_SCHEMES = frozenset({"json", "jsons", "xml", "xmls", "form", "forms", "mailto", "mailtos"})


def mask(url: str) -> str:
    """`json://127.0.0.1:8080/… #1a2b`: what a person may see of a channel."""
    scheme, _, rest = url.partition("://")
    tag = hashlib.sha256(url.encode()).hexdigest()[:4]
    server = _server(rest) if scheme.lower() in ADDRESS_SCHEMES else ""
    return f"{scheme.lower() or '?'}://{server}… #{tag}"


def _server(rest: str) -> str:
    host = rest.split("/", 1)[0].split("?", 1)[0]
    return host.rpartition("@")[2] + "/"


def secrets_of(url: str) -> list[str]:
    """The URL and each part of it that may be a credential (path, user, password, query values)."""
    try:
        parts = urlsplit(url)
        found = [parts.username or "", parts.password or "", parts.netloc.rpartition("@")[0]]
    except ValueError:
        return [url]
    found += parts.path.split("/") + [value for _, value in parse_qsl(parts.query)]
    if parts.scheme.lower() not in ADDRESS_SCHEMES:
        found.append(parts.netloc)
    return [url, *(v for v in found if len(v) >= MIN_SECRET)]
