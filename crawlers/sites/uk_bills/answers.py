"""One answer of the Bills API read and checked: its kind (told by URL, else by JSON shape), its
JSON object, its URL."""

from __future__ import annotations

from typing import Any

from crawlers.sites.readers.json_data import loads_or_none
from crawlers.sites.uk_bills.bills_api import SLUG, bill_number, kind_from_url
from vocab.errors import ParseError
from vocab.fetch import Response

# An answer is (kind, JSON object, URL): kind is detail, stages, publications or list.
Answer = tuple[str, dict[str, Any], str]


def answer_of(response: Response) -> Answer:
    data = _json_object(response)
    kind = kind_from_url(response.url) or _kind_from_shape(data, response.url)
    if kind == "stage_reference":
        what = "a bill, not the stage reference list (/api/v1/Stages), which names no bill"
        raise ParseError(what, url=response.url, kind=SLUG)
    _check_shape(kind, data, response.url)
    return kind, data, response.url


def _json_object(response: Response) -> dict[str, Any]:
    data = loads_or_none(response.text())
    if not isinstance(data, dict):
        raise ParseError(
            "a JSON object (the answer is not JSON, or not an object)", url=response.url, kind=SLUG
        )
    if _is_problem(data):
        # ASP.NET "ProblemDetails": the API's way of saying 404 / 400.
        status, title = data.get("status"), data.get("title") or "error"
        raise ParseError(
            f"a bill, but the API answered {status} {title}", url=response.url, kind=SLUG
        )
    return data


def _is_problem(data: dict[str, Any]) -> bool:
    known = ("billId", "items", "publications", "shortTitle")
    return "status" in data and "title" in data and not any(key in data for key in known)


def _kind_from_shape(data: dict[str, Any], url: str) -> str:
    if isinstance(data.get("publications"), list):
        return "publications"
    if "billId" in data and ("shortTitle" in data or "currentStage" in data):
        return "detail"
    items = data.get("items")
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, dict):
        return _kind_of_item(first)
    what = "a bill, its stages, its publications or a bill list (no billId, publications or items)"
    raise ParseError(what, url=url, kind=SLUG)


def _kind_of_item(item: dict[str, Any]) -> str:
    # Stages carry sittings, list entries a billId; the stage reference has only id/name/house.
    if "stageSittings" in item:
        return "stages"
    if "billId" in item:
        return "list"
    return "stage_reference" if "name" in item else "unknown"


# The list each answer must carry; a bill's detail must carry its billId instead.
_LISTS = {"stages": "items", "publications": "publications", "list": "items"}


def _check_shape(kind: str, data: dict[str, Any], url: str) -> None:
    if kind == "detail":
        if not bill_number(data.get("billId")):
            raise ParseError("the bill's billId (a number)", url=url, kind=SLUG)
        return
    key = _LISTS.get(kind)
    if key is None:
        raise ParseError("a bill, its stages, its publications or a bill list", url=url, kind=SLUG)
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ParseError(f"a list of objects '{key}' in the {kind} answer", url=url, kind=SLUG)
