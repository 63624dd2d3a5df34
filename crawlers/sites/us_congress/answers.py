"""One answer of congress.gov read and checked: its kind, its JSON object, its URL without the key."""

from __future__ import annotations

from typing import Any

from crawlers.sites.readers.json_data import loads_or_none
from crawlers.sites.us_congress.congress import (
    LISTS,
    SLUG,
    kind_from_shape,
    kind_from_url,
    public_url,
)
from vocab.errors import ParseError
from vocab.fetch import Response
from vocab.redact import redact

# An answer is (kind, JSON object, URL without the key): detail, actions, summaries, text or list.
Answer = tuple[str, dict[str, Any], str]


def answer_of(response: Response) -> Answer:
    url = public_url(response.url)
    data = _json_object(response, url)
    kind = kind_from_url(response.url) or kind_from_shape(data)
    _check_shape(kind, data, url)
    return kind, data, url


def _json_object(response: Response, url: str) -> dict[str, Any]:
    data = loads_or_none(response.text())
    if not isinstance(data, dict):
        raise ParseError(
            "a JSON object (the answer is not JSON, or not an object)", url=url, kind=SLUG
        )
    if "error" in data:
        error = _error_text(data["error"])
        raise ParseError(f"a bill, but congress.gov answered an error: {error}", url=url, kind=SLUG)
    return data


def _error_text(error: Any) -> str:
    # api.data.gov answers {"error": {"code", "message"}}; congress.gov itself a bare string.
    text = (
        str(error.get("message") or error.get("code") or "unknown")
        if isinstance(error, dict)
        else str(error)
    )
    return redact(text, ())  # an error that quotes the request must not quote a key


def _check_shape(kind: str, data: dict[str, Any], url: str) -> None:
    if kind == "detail":
        if not isinstance(data.get("bill"), dict) or not data["bill"]:
            raise ParseError("the 'bill' object of the bill's answer", url=url, kind=SLUG)
        return
    key = LISTS.get(kind)
    if key is None:
        raise ParseError(
            "a bill, its actions, summaries or text versions, or a list of bills",
            url=url,
            kind=SLUG,
        )
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ParseError(f"a list of objects '{key}' in the {kind} answer", url=url, kind=SLUG)
