"""What every Bills API answer shares: its address, how a bill is named in a URL, and which
kind of answer a URL is."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from vocab.errors import ConfigError
from vocab.fetch import Target

SLUG = "uk_bills"
API = "https://bills-api.parliament.uk/api/v1"
SITE = "https://bills.parliament.uk/bills"
HEADERS = (("Accept", "application/json"),)

# Paths of the Bills API, matched case-insensitively: the API itself writes /Bills and /Stages.
BILL_PATH = re.compile(r"/api/v1/bills/(\d+)(?:/(stages|publications))?/?$", re.IGNORECASE)
_LIST_PATH = re.compile(r"/api/v1/bills/?$", re.IGNORECASE)
_REFERENCE_PATH = re.compile(r"/api/v1/stages/?$", re.IGNORECASE)

# Any URL naming a bill: the public site (/bills/3137/stages) or the API (/Bills/3137).
_ANY_BILL = re.compile(r"/bills/(\d+)(?:/|$)", re.IGNORECASE)


def bill_id(target: Target) -> str:
    """The bill id of a source: `--param bill`, else the number in a bill URL (or a bare id)."""
    url = target.url.strip()
    match = _ANY_BILL.search(urlsplit(url).path)
    given = target.params.get("bill", "").strip() or (url if url.isdigit() else "")
    given = given or (match[1] if match else "")
    if not given.isdigit():
        wrong = f" (not {given!r})" if given else ""
        raise ConfigError(
            f"uk_bills needs a bill id{wrong}: give a URL such as "
            "https://bills.parliament.uk/bills/3137, or a bill=3137 parameter"
        )
    return str(int(given))


def bill_number(value: Any) -> str:
    """A bill id written one way ("2818"), or "" when it is missing or not a number."""
    text = str(value if value is not None else "").strip()
    return str(int(text)) if text.isdigit() else ""


def as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def kind_from_url(url: str) -> str:
    path = urlsplit(url).path
    match = BILL_PATH.search(path)
    if match:
        return (match[2] or "detail").lower()
    if _LIST_PATH.search(path):
        return "list"
    return "stage_reference" if _REFERENCE_PATH.search(path) else ""
