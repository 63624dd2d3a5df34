"""Scrapy's downloader, with a host's limit kept when its requests arrive in a burst.

On the asyncio reactor, Scrapy 2.19's Downloader takes requests off a slot's
queue while fewer than the slot's concurrency are *transferring*, but a request
only joins `transferring` once the task that downloads it runs. So a burst of
requests queued at once all left the queue together: a one-host crawl with
CONCURRENT_REQUESTS_PER_DOMAIN = 2 had 14 requests in flight, `lexwatch crawl`
with 10 had 28. Here a request counts as transferring from the moment it leaves
the queue (Scrapy's own download adds it again, a no-op, and removes it when
the answer is in).

A host's limit can be lowered for a while (`share`): a worker that fetches a host
at the same time as another keeps to its share of the host's limit
(pipeline/hostlock.py).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.httpobj import urlparse_cached


class _Queue(deque):
    """A slot's queue that books a request as transferring as it is taken."""

    def __init__(self, slot: Slot) -> None:
        super().__init__(slot.queue)
        self.slot = slot

    def popleft(self) -> Any:
        request, waiting = super().popleft()
        self.slot.transferring.add(request)
        return request, waiting


class PoliteDownloader(Downloader):
    """Never more requests to one slot (host and port) in flight than its concurrency."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.shares: dict[str, int] = {}  # host -> its limit for now, below the crawl's own

    def share(self, host: str, permits: int | None) -> None:
        """Keep at most `permits` requests to `host` in flight from now on (None: the crawl's limit)."""
        if permits is None:
            self.shares.pop(host, None)
        else:
            self.shares[host] = permits

    def _get_slot(self, request: Any, spider: Any = None) -> tuple[str, Slot]:
        key, slot = super()._get_slot(request)
        if not isinstance(slot.queue, _Queue):
            slot.queue = _Queue(slot)
        slot.concurrency = self._limit(request)
        return key, slot

    def _limit(self, request: Any) -> int:
        """The crawl's per-host limit (as Scrapy sets it on a new slot), or the host's share of it now."""
        whole = self.ip_concurrency or self.domain_concurrency
        if not self.shares:
            return whole
        return self.shares.get(urlparse_cached(request).hostname or "", whole)
