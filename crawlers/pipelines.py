"""Storing what a crawl brings back: each capture a Snapshot, its body a Blob once per SHA-256.

The spider calls `keep` for every answer before it follows the answer's links,
so a source's job is done only when everything it fetched is stored.
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

from db import repo
from db.retry import in_transaction
from vocab.fetch import Capture, Fetched, Outcome


def keep(outcome: Outcome, capture: Capture, engine: Any) -> None:
    """Store one capture (or note it unchanged) and account for it on the source's outcome.

    One short transaction per new body; a 304 or the same bytes only moves
    `last_seen_at`, in memory until the run ends. Without an engine (a dry run)
    the body stays in memory.
    """
    if _unchanged(outcome, capture):
        return
    if engine is None:
        stored = _keep_in_memory(outcome, capture)
    else:
        store = partial(repo.store_capture, capture=capture)
        stored = in_transaction(engine, store)  # another crawl may store the same URL
    if stored is None:
        outcome.errors.append(f"{capture.url} answered 304 but nothing was stored before")
        return
    sha256, content_type, new, parsed = stored
    status = capture.status if capture.status != 304 else 200  # a 304 stands for the stored body
    fetched = Fetched(capture.url, capture.role, sha256, content_type, new, parsed, status)
    outcome.fetched.append(fetched)
    outcome.bytes_received += len(capture.body)


def _keep_in_memory(outcome: Outcome, item: Capture) -> tuple[str, str, bool, bool] | None:
    """A dry run (`sources test`) stores nothing: the body stays with the outcome."""
    if item.status == 304:
        return None
    sha256 = hashlib.sha256(item.body).hexdigest()
    outcome.bodies[sha256] = item.body
    return sha256, item.headers.get("content-type", ""), True, False


def _unchanged(outcome: Outcome, item: Capture) -> bool:
    """A 304, or the very bytes stored last time: noted in memory, no transaction for it.

    Most answers of most passes are this; their `last_seen_at` is written with the
    run's end, in one transaction for the whole pass.
    """
    known = outcome.plan.validators.get(item.url)
    if known is None or (
        item.status != 304 and hashlib.sha256(item.body).hexdigest() != known.sha256
    ):
        return False
    outcome.fetched.append(
        Fetched(
            item.url,
            item.role,
            known.sha256,
            known.content_type,
            False,
            known.parsed,
            item.status if item.status != 304 else 200,
        )
    )
    etag = item.headers.get("etag") or known.etag
    modified = item.headers.get("last-modified") or known.last_modified
    outcome.seen.append((known.snapshot_id, item.fetched_at, etag, modified))
    outcome.bytes_received += len(item.body)
    return True
