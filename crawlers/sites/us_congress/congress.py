"""What every congress.gov answer shares: the API's address and key, how a bill is named (in
an API path, a page URL, a record key) and which kind of answer a URL or a JSON shape is."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from vocab.errors import ConfigError, MissingKey
from vocab.fetch import Target

SLUG = "us_congress"
API = "https://api.congress.gov/v3"
SITE = "https://www.congress.gov"
KEY_NAME = "congress_api_key"
HOST = "api.congress.gov"

# The only host the key may be sent to; the crawler's guard refuses any other (crawlers/guard.py).
SECRET_HOSTS = {KEY_NAME: HOST}
MISSING_KEY = (
    "congress.gov needs an API key: set LEXWATCH_CONGRESS_API_KEY "
    "(free at https://api.congress.gov/sign-up/)"
)

# Bill types of the API and the words congress.gov uses for them in its page URLs.
TYPE_SLUGS = {
    "hr": "house-bill",
    "s": "senate-bill",
    "hjres": "house-joint-resolution",
    "sjres": "senate-joint-resolution",
    "hconres": "house-concurrent-resolution",
    "sconres": "senate-concurrent-resolution",
    "hres": "house-resolution",
    "sres": "senate-resolution",
}
_SLUG_TYPES = {slug: kind for kind, slug in TYPE_SLUGS.items()}

# The parameters that name a bill (PARAMS of the site module), in the order of its API path.
_PARTS = ("congress", "type", "number")
_API_BILL = re.compile(
    r"/v3/bill/(\d+)/([a-z]+)/(\d+)(?:/(actions|summaries|text))?/?$", re.IGNORECASE
)
_API_LIST = re.compile(r"/v3/bill(?:/\d+(?:/[a-z]+)?)?/?$", re.IGNORECASE)

# The record key's own form, `118-s-1207` or `US:118-s-1207`, given as the source's URL.
_KEY_FORM = re.compile(r"(?:US:)?(\d+)-([a-z]+)-(\d+)", re.IGNORECASE)
_PAGE_BILL = re.compile(r"/bill/(\d+)(?:st|nd|rd|th)-congress/([a-z-]+)/(\d+)", re.IGNORECASE)

# The list each kind of answer must carry.
LISTS = {"actions": "actions", "summaries": "summaries", "text": "textVersions", "list": "bills"}


def bill_of(target: Target) -> tuple[str, str, str]:
    """(congress, type, number) of a source: its params, else read from its URL."""
    given = dict(zip(_PARTS, bill_in_url(target.url), strict=False))
    given.update({name: target.params[name].strip() for name in _PARTS if name in target.params})
    given = {name: value for name, value in given.items() if value}
    kind = given.get("type", "").lower()
    found = normal_bill(given.get("congress"), _SLUG_TYPES.get(kind, kind), given.get("number"))
    if not found or found[1] not in TYPE_SLUGS:
        raise ConfigError(
            "us_congress needs a bill URL such as "
            "https://www.congress.gov/bill/118th-congress/senate-bill/1207 "
            "or the parameters congress=118, type=s and number=1207"
        )
    return found


def bill_in_url(url: str) -> tuple[str, ...]:
    text = (url or "").strip()
    path = urlsplit(text).path
    match = _API_BILL.search(path) or _PAGE_BILL.search(path) or _KEY_FORM.fullmatch(text)
    return (match[1], match[2], match[3]) if match else ()


def normal_bill(congress: Any, kind: Any, number: Any) -> tuple[str, str, str] | None:
    """(congress, type, number) written one way, or None when a part is missing or not a number."""
    congress, kind, number = (str(part or "").strip() for part in (congress, kind, number))
    if not (congress.isdigit() and number.isdigit() and kind.isalpha()):
        return None
    return str(int(congress)), kind.lower(), str(int(number))


def _api_key(target: Target) -> str:
    key = (target.secrets.get(KEY_NAME) or "").strip()
    if not key:
        raise MissingKey(MISSING_KEY)
    return key


def auth(target: Target) -> tuple[tuple[str, str], ...]:
    return (("X-Api-Key", _api_key(target)),)


def json_url(url: str, extra: Mapping[str, str] | None = None) -> str:
    """`url` asking for JSON, without any api_key a next link might carry."""
    parts = urlsplit(url)
    query = {k: v for k, v in parse_qsl(parts.query) if k.lower() != "api_key"}
    query.update({"format": "json", **(extra or {})})
    return urlunsplit(parts._replace(query=urlencode(query)))


def public_url(url: str) -> str:
    """`url` without its api_key, fit for a record or an error message."""
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query) if name.lower() != "api_key"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def page_url(congress: str, kind: str, number: str) -> str:
    """The bill's page on congress.gov: …/bill/117th-congress/house-bill/21."""
    return f"{SITE}/bill/{_ordinal(int(congress))}-congress/{TYPE_SLUGS[kind]}/{number}"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def kind_from_url(url: str) -> str:
    path = urlsplit(url).path
    match = _API_BILL.search(path)
    if match:
        return (match[4] or "detail").lower()
    return "list" if _API_LIST.search(path) else ""


def kind_from_shape(data: dict[str, Any]) -> str:
    if isinstance(data.get("bill"), dict):
        return "detail"
    return next((kind for kind, key in LISTS.items() if isinstance(data.get(key), list)), "")
