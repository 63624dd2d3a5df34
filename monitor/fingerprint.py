"""A record's fingerprint: equal fingerprints mean nothing meaningful changed.

Links are left out on purpose: a site moving its documents to a new URL scheme
is not news to anyone following the file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from vocab.records import Record, record_to_json


def meaning(record: Record) -> Record:
    """The part of a normalised record that a change must touch to count."""
    return replace(
        record,
        url="",
        events=tuple(replace(e, url="") for e in record.events),
        documents=tuple(replace(d, url="") for d in record.documents),
        items=tuple(replace(i, link="" if i.id else i.link) for i in record.items),
    )


def fingerprint(record: Record) -> str:
    """SHA-256 over the canonical JSON of the record's meaning."""
    canonical = json.dumps(record_to_json(meaning(record)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
