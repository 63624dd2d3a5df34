"""What a worker process keeps between jobs: its engine and one Scrapy crawler on the shared reactor.

A job (pipeline/queue.py) is a batch of one host's sources. It runs in the
worker's own process (no fork), so everything costly is built once: the
database engine and its pool, the reactor in its background thread, and a
CrawlService that stays open like the scheduler's (crawlers/crawl.py) and is
renewed once a day, so robots.txt is read again. Fetching holds a share of the
host's limit across workers (pipeline/hostlock.py); parsing and storing do not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from functools import partial

from sqlalchemy import Engine

from crawlers import reactor
from crawlers.crawl import CrawlService
from db import repo
from db.engine import get_engine
from pipeline.hostlock import holding
from pipeline.run import Report, crawl_with, fetch_through
from vocab.fetch import Outcome, Plan
from vocab.settings import Settings

RENEW_AFTER = 86400.0  # seconds a worker's crawler lives before a fresh one reads robots.txt again


class Warm:
    """One worker process's engine and crawler; `crawl` runs one job's batch through them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: Engine = get_engine(settings.db_url)
        self.service: CrawlService | None = None
        self.born = 0.0

    def crawl(self, sources: Sequence[repo.SourceKey], host: str, ways: int = 1) -> list[Report]:
        """Crawl one host's sources (their keys) and record them; waits on the reactor's thread.

        `ways`: how many of the host's jobs may fetch at once, each with that part of its limit.
        """
        future = asyncio.run_coroutine_threadsafe(
            self._crawl(sources, host, ways), reactor.loop_in_background()
        )
        try:
            return future.result()
        except BaseException:  # the job's timeout, or a stop: the crawl must not go on alone
            future.cancel()
            raise

    async def _crawl(self, keys: Sequence[repo.SourceKey], host: str, ways: int) -> list[Report]:
        service = await self._service()
        want = -(-self.settings.concurrent_per_domain // ways)
        fetch = partial(self._fetch, service, host, want)
        return await crawl_with(self.engine, self.settings, keys, fetch)

    async def _fetch(
        self, service: CrawlService, host: str, want: int, plans: list[Plan]
    ) -> dict[int, Outcome]:
        """Fetch one host's plans with a share of its limit across workers (pipeline/hostlock.py)."""
        limit = self.settings.concurrent_per_domain
        async with holding(self.settings.redis_url, host, limit=limit, want=want) as permits:
            service.share(host, permits)
            try:
                return await fetch_through(service, plans)
            finally:
                service.share(host, None)

    def close(self) -> None:
        """Close the crawler (and any browser it started) before the process exits."""
        if self.service is not None:
            asyncio.run_coroutine_threadsafe(
                self.service.stop(), reactor.loop_in_background()
            ).result(30)
            self.service = None

    async def _service(self) -> CrawlService:
        if self.service is not None and time.monotonic() - self.born > RENEW_AFTER:
            await self.service.close()  # closed, not cancelled: a cancelled crawler stays in memory
            self.service = None
        if self.service is None:
            self.service = await CrawlService.open(self.settings, self.engine)
            self.born = time.monotonic()
        return self.service


_warm: dict[tuple[str, str], Warm] = {}


def warm(settings: Settings) -> Warm:
    """This process's Warm for these settings' database and Redis, built by its first job."""
    key = (settings.db_url, settings.redis_url)
    if key not in _warm:
        _warm[key] = Warm(settings)
    return _warm[key]


def close_all() -> None:
    """Close every crawler this process kept open."""
    while _warm:
        _warm.popitem()[1].close()
