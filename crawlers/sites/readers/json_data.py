"""Helpers for walking JSON answers: parsed leniently, read without crashing on odd shapes.

A site module reads an API's JSON with these and keeps only what is specific to its source.
Each helper takes whatever `json.loads` produced and never raises on an unexpected type:
a missing or odd value reads as empty.
"""

from __future__ import annotations

import json
from typing import Any


def loads_or_none(text: str | bytes) -> Any:
    """The parsed JSON value of `text`, or None when it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None


def object_or_none(text: str | bytes) -> dict[str, Any] | None:
    """The JSON object `text` holds, or None when it is not JSON or not an object."""
    data = loads_or_none(text)
    return data if isinstance(data, dict) else None


def obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one: a null or odd leaf is not a crash."""
    return value if isinstance(value, dict) else {}


def objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON list; nothing when the value is not a list."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def listed(value: Any) -> list[Any]:
    """A value that may be a list, one entry or missing, as a list (null: empty)."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def dig(data: Any, *keys: str) -> Any:
    """The value under `keys`, object by object; None where one is missing or not an object."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def one_line(value: Any) -> str:
    """A JSON leaf as one line of text, spaces collapsed ('' for null)."""
    return "" if value is None else " ".join(str(value).split())
