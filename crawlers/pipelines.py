"""The store pipeline: each capture becomes a Snapshot, its body a Blob stored once per SHA-256."""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

from scrapy.crawler import Crawler

from crawlers.items import Capture, Fetched
from db import repo
from db.retry import in_transaction


class StorePipeline:
    """One short transaction per capture; a 304 or the same bytes only moves `last_seen_at`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Capture):
            return item
        spider = self.crawler.spider
        outcome = spider.outcomes[item.source_id]
        if _unchanged(outcome, item):
            return item
        if spider.engine is None:
            stored = _keep_in_memory(outcome, item)
        else:
            store = partial(repo.store_capture, capture=item)
            stored = in_transaction(spider.engine, store)  # another crawl may store the same URL
        if stored is None:
            outcome.errors.append(f"{item.url} answered 304 but nothing was stored before")
            return item
        sha256, content_type, new, parsed = stored
        outcome.fetched.append(Fetched(item.url, item.role, sha256, content_type, new, parsed))
        outcome.bytes_received += len(item.body)
        return item


def _keep_in_memory(outcome: Any, item: Capture) -> tuple[str, str, bool, bool] | None:
    """A dry run (`sources test`) stores nothing: the body stays with the outcome."""
    if item.status == 304:
        return None
    sha256 = hashlib.sha256(item.body).hexdigest()
    outcome.bodies[sha256] = item.body
    return sha256, item.headers.get("content-type", ""), True, False


def _unchanged(outcome: Any, item: Capture) -> bool:
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
        Fetched(item.url, item.role, known.sha256, known.content_type, False, known.parsed)
    )
    etag = item.headers.get("etag") or known.etag
    modified = item.headers.get("last-modified") or known.last_modified
    outcome.seen.append((known.snapshot_id, item.fetched_at, etag, modified))
    outcome.bytes_received += len(item.body)
    return True
