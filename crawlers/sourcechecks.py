"""The checks of a source's fields when it is saved, one function per field.

Each fails with a ConfigError that carries the field it is about and a message
that names no command-line flag: the CLI, the web form and the YAML import each
label the field their own way. What is checked here is what would otherwise
only fail at crawl time, or fail silently (a jurisdiction nobody filters on).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

from crawlers import browser
from crawlers.sites import SITES
from crawlers.targets import is_public
from crawlers.urls import read_url
from vocab.errors import ConfigError
from vocab.fetch import Target

# Names show in terminals (Rich markup), pages and digests: nothing that is markup anywhere.
NAME_PUNCTUATION = "-_.:/() "
NAME_LIMIT = 120
# Letters of any script, digits, '-' and '_' in dot-separated labels (an IDN stays readable).
_HOST = re.compile(r"[\w-]+(\.[\w-]+)*\.?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Site modules build requests from parameters alone; API keys are not needed to check that.
_PLACEHOLDER_KEYS = {"dip_api_key": "-", "congress_api_key": "-"}


@contextmanager
def on_field(name: str) -> Iterator[None]:
    """A ConfigError raised inside that names no field is about `name`."""
    try:
        yield
    except ConfigError as exc:
        exc.field = exc.field or name
        raise


def check_kind(kind: str) -> str:
    """A known source kind."""
    if kind not in SITES:
        raise ConfigError(
            f"unknown kind '{kind}': choose one of {', '.join(sorted(SITES))}", field="kind"
        )
    return kind


def check_name(name: str) -> str:
    """A name that displays as typed everywhere: letters, digits, spaces and -_.:/()."""
    name = name.strip()
    bad = sorted({c for c in name if not (c.isalnum() or c in NAME_PUNCTUATION)})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ConfigError(
            f"'{_printable(name)}' has characters a name cannot have ({shown}): use letters, "
            "digits, spaces and - _ . : / ( )",
            field="name",
        )
    if len(name) > NAME_LIMIT:
        raise ConfigError(
            f"the name is too long: use at most {NAME_LIMIT} characters", field="name"
        )
    return name


def check_url(url: str) -> str:
    """An absolute http(s) URL with a well-formed host (and port), as the crawler will fetch it.

    Read once by the crawler's own rules (crawlers.urls.read_url: a backslash or a
    user name is refused outright), and that form is what is checked and stored.
    """
    text = (url or "").strip()
    if _CONTROL.search(text):
        raise ConfigError(
            f"'{_printable(text)}' has control characters: type the address again", field="url"
        )
    _port(text)  # its own message: urlsplit's words for a bad port are not for people
    try:
        text = read_url(text)
    except ConfigError as exc:
        raise ConfigError(str(exc), field="url") from exc
    parts = _split(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"'{text}' is not a web address: give a full URL such as https://example.org/page",
            field="url",
        )
    _check_host_name(parts.hostname)
    _port(text)
    return text


def _split(text: str):
    try:
        return urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed [ of an IPv6 address
        raise ConfigError(f"'{text}' is not a web address ({exc})", field="url") from exc


def _check_host_name(host: str) -> None:
    if _HOST.fullmatch(host) or _is_ip(host):
        return
    raise ConfigError(
        f"'{host}' is not a host name: a host has no spaces or punctuation, e.g. www.example.org",
        field="url",
    )


def _port(text: str) -> int | None:
    try:
        return urlsplit(text).port
    except ValueError as exc:
        raise ConfigError(f"the port in '{text}' is not a port (1-65535)", field="url") from exc


def check_host(kind: str, url: str, *, allow_private: bool) -> None:
    """A site-specific kind's URL is on that site; a local mirror too when private targets are on.

    The URL is judged as written: the demo's replay server answers real URLs at fetch time.
    """
    hosts = getattr(SITES[kind], "HOSTS", ())
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not hosts or not url or host in hosts or (allow_private and _is_local(host)):
        return
    raise ConfigError(
        f"{kind} reads {_either(hosts)}, not {host}: give a URL on that site, or choose "
        "kind page, feed or json to watch another site",
        field="url",
    )


def _either(names: tuple[str, ...]) -> str:
    return " or ".join(filter(None, [", ".join(names[:-1]), names[-1]]))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_local(host: str) -> bool:
    """localhost or a private, loopback or link-local address (a test server, a mirror)."""
    return host == "localhost" or (_is_ip(host) and not is_public(ipaddress.ip_address(host)))


def check_params(kind: str, params: Mapping[str, str]) -> dict[str, str]:
    """Only the parameters the kind understands; its selectors and paths compiled."""
    module = SITES[kind]
    unknown = sorted(set(params) - set(module.PARAMS) - {browser.RENDER})
    if unknown:
        allowed = ", ".join(sorted([*module.PARAMS, browser.RENDER]))
        raise ConfigError(
            f"kind '{kind}' has no parameter {', '.join(unknown)}: it takes {allowed}",
            field="params",
        )
    if browser.RENDER in params:  # every kind takes it: how its requests are fetched
        browser.check_render(params[browser.RENDER])
    if browser.renders(params) and getattr(module, "SECRET_HOSTS", None):
        # The browser sends none of Lexwatch's headers, so never a key either.
        raise ConfigError(
            f"{kind} reads an API with a key: it is fetched without a browser, "
            "remove render=browser",
            field=f"params.{browser.RENDER}",
        )
    for name, check in getattr(module, "EXPRESSIONS", {}).items():
        if params.get(name):
            with on_field(f"params.{name}"):
                check(params[name])
    return dict(params)


def check_requests(kind: str, url: str, params: Mapping[str, str]) -> None:
    """The kind can make its requests from this URL and these parameters (as a crawl will)."""
    with on_field("params" if params else "url"):
        asked = SITES[kind].requests(Target(url, dict(params), _PLACEHOLDER_KEYS))
    if not asked or not all(urlsplit(request.url).hostname for request in asked):
        raise ConfigError(f"{kind} needs a URL", field="url")


def _printable(text: str) -> str:
    return _CONTROL.sub("?", text)
