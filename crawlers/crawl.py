"""The crawler: one long-lived Scrapy crawl that sources are handed to as they come due.

The execution model lives here alone, so that it can change without touching
callers. `CrawlService` keeps one Scrapy crawler open on the shared asyncio
reactor; `fetch(plan)` hands it one source and returns that source's Outcome
when every request it led to is answered, or when the source's time limit
passes. A slow or hung host delays only its own sources: each source is its
own job, each host its own download slot, and nobody waits for a "pass" to end.
The scheduler keeps one service for its whole life (no start-up per crawl);
`crawl(plans)` is the one-shot form for `lexwatch crawl`, workers and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import Sequence

from scrapy.crawler import AsyncCrawlerRunner
from sqlalchemy import Engine

from crawlers.browser import close_browser
from crawlers.browser import started as browser_started
from crawlers.guard import Policy, install_resolver
from crawlers.reactor import forget_cancelled_timers
from crawlers.settings import scrapy_settings
from crawlers.spider import WatchSpider
from db import repo
from db.engine import session_scope
from vocab.fetch import Outcome, Plan
from vocab.settings import Settings

log = logging.getLogger("lexwatch.crawl")
STARTUP_LIMIT = 30.0  # seconds for Scrapy to open its spider
CLOSE_LIMIT = 10.0  # seconds for a crawler with nothing in flight to close gracefully


@functools.cache  # once per process
def _keep_out_of_collections() -> None:
    """Leave what start-up built (modules, classes, compiled patterns) out of later collections.

    The cyclic garbage collector's full collections walk every tracked object:
    some 160,000 once Scrapy, Twisted and SQLAlchemy are loaded, about 0.1 s
    each, one or two in every pass of a long-lived crawl. Done once per process,
    before the first crawler is built: start-up's garbage is collected first,
    what is left lives as long as the process, and a crawler (renewed, closed)
    stays collectable.
    """
    gc.collect()
    gc.freeze()


class CrawlService:
    """One Scrapy crawler kept open; sources are fetched through it one job each."""

    def __init__(self, settings: Settings, engine: Engine | None) -> None:
        self.settings, self.engine = settings, engine
        self.runner = AsyncCrawlerRunner(scrapy_settings(settings))
        self.crawler = self.runner.create_crawler(WatchSpider)
        self.task: asyncio.Future | None = None
        self.opened = asyncio.Event()

    @classmethod
    async def open(cls, settings: Settings, engine: Engine | None) -> CrawlService:
        """A service with its crawler open, built after start-up's objects are left out of
        collections (before it: an object frozen in a cycle could never be collected)."""
        _keep_out_of_collections()
        return await cls(settings, engine).start()

    async def start(self) -> CrawlService:
        """Open the crawler; must run on the reactor's loop."""
        from scrapy import signals

        self.crawler.signals.connect(self._on_open, signal=signals.spider_opened, weak=False)
        # Every address connected to is judged as it is resolved (DNS rebinding, redirects).
        install_resolver(Policy(self.settings.allow_private_targets, self.settings.replay_url))
        self.task = self.runner.crawl(
            self.crawler, engine=self.engine, body_of=self._body_of, secrets=self.settings.secrets()
        )
        await asyncio.wait_for(self.opened.wait(), STARTUP_LIMIT)
        return self

    def _on_open(self, spider: WatchSpider) -> None:
        self.opened.set()

    async def fetch(self, plan: Plan) -> Outcome:
        """Fetch one source's requests (and the links they lead to); never raises for a site."""
        outcome = Outcome(plan)
        spider: WatchSpider = self.crawler.spider
        job = spider.submit(outcome)
        limit = self.settings.crawl_time_limit
        try:
            await asyncio.wait_for(asyncio.shield(job.done), timeout=limit)
        except TimeoutError:
            spider.forget(job)
            outcome.errors.append(f"the crawl of {plan.name} was cut off after {limit:g} s")
        forget_cancelled_timers()  # its requests' timers, cancelled but kept by the reactor
        return outcome

    def share(self, host: str, permits: int | None) -> None:
        """Keep at most `permits` requests to `host` in flight (None: the crawl's own per-host limit)."""
        self.crawler.engine.downloader.share(host, permits)

    async def drain(self, limit: float) -> None:
        """Wait (at most `limit` seconds) until no source is being fetched through this crawler."""
        deadline = asyncio.get_running_loop().time() + limit
        while self.crawler.spider.jobs and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)

    async def close(self) -> None:
        """Close the crawler gracefully, then as `stop` does if that takes too long.

        A cancelled crawler never stops its engine: its timers (heartbeat, slot
        cleanup, stats and memory logging) run on and keep it, its settings and its
        open connections alive; one crawler per pass made a long-lived process grow.
        """
        if self.task is not None and not self.task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.crawler.stop_async(), CLOSE_LIMIT)
        await self.stop()

    async def stop(self) -> None:
        """Close the crawler at once: downloads still in flight are abandoned."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        # A cancelled crawl never closes its download handlers: Chromium would outlive it.
        await close_browser(self.crawler)
        self._forget_signals()

    def _forget_signals(self) -> None:
        """Let the crawler go: a strong receiver stays in pydispatch's global registry."""
        from scrapy import signals

        self.crawler.signals.disconnect(self._on_open, signal=signals.spider_opened, weak=False)

    @property
    def browser_started(self) -> bool:
        """Has this crawler started Chromium (for a source that needed it)?"""
        return browser_started(self.crawler)

    def _body_of(self, sha256: str) -> bytes | None:
        if self.engine is None:  # a dry run stores nothing, so there is nothing to reuse
            return None
        with session_scope(self.engine) as session:
            return repo.body(session, sha256=sha256)


async def crawl(
    plans: Sequence[Plan], *, engine: Engine | None, settings: Settings
) -> dict[int, Outcome]:
    """Fetch every plan's requests once, in one crawler; must run on the reactor's loop."""
    service = await CrawlService.open(settings, engine)
    try:
        outcomes = await asyncio.gather(*(service.fetch(plan) for plan in plans))
    finally:
        await service.close()
    return {outcome.plan.source_id: outcome for outcome in outcomes}
