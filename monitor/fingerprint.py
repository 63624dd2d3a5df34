"""A record's fingerprint: equal fingerprints mean nothing meaningful changed.

Links are left out on purpose: a site moving its documents to a new URL scheme
is not news to anyone following the file.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from vocab.records import Record, record_to_json


def fingerprint(record: Record) -> str:
    """SHA-256 over the canonical JSON of the record's meaning."""
    return json_fingerprint(record_to_json(record))


def json_fingerprint(data: dict[str, Any]) -> str:
    """`fingerprint` of the record whose `record_to_json` is `data` (made once, to store too)."""
    canonical = json.dumps(meaning(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def meaning(data: dict[str, Any]) -> dict[str, Any]:
    """The part of a normalised record's JSON that a change must touch to count: all but its
    links (the record's, its events' and documents', an item's when the item has an id).
    `data` stays as it is."""
    return {
        **data,
        "url": "",
        "events": [{**e, "url": ""} for e in data["events"]],
        "documents": [{**d, "url": ""} for d in data["documents"]],
        "items": [{**i, "link": ""} if i["id"] else i for i in data["items"]],
    }
