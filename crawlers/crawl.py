"""Run one crawl pass over planned sources: the single function behind every crawl.

The execution model (one Scrapy crawler on the shared asyncio reactor) lives
here alone, so that it can change (a process per run, a Redis queue) without
touching callers.
"""

from __future__ import annotations

import asyncio
import logging

from scrapy.crawler import AsyncCrawlerRunner
from sqlalchemy import Engine

from config import Settings
from crawlers.items import Outcome, Plan
from crawlers.settings import scrapy_settings
from crawlers.spider import WatchSpider
from db import repo
from db.engine import session_scope

log = logging.getLogger("lexwatch.crawl")


async def crawl(
    plans: list[Plan], *, engine: Engine | None, settings: Settings
) -> dict[int, Outcome]:
    """Fetch every plan's requests; must run on the reactor's loop. Never raises for a site."""
    outcomes = {plan.source_id: Outcome(plan) for plan in plans}
    runner = AsyncCrawlerRunner(scrapy_settings(settings))
    crawler = runner.create_crawler(WatchSpider)
    task = runner.crawl(crawler, outcomes=outcomes, engine=engine, body_of=_body_loader(engine))
    try:
        await asyncio.wait_for(task, timeout=settings.crawl_time_limit + 15)
    except TimeoutError:
        log.warning("crawl cut off after %.0f s", settings.crawl_time_limit + 15)
    _record_spider_errors(crawler, outcomes)
    return outcomes


def _body_loader(engine: Engine | None):
    def body_of(sha256: str) -> bytes | None:
        if engine is None:  # a dry run stores nothing, so there is nothing to reuse
            return None
        with session_scope(engine) as session:
            return repo.body(session, sha256=sha256)

    return body_of


def _record_spider_errors(crawler, outcomes: dict[int, Outcome]) -> None:
    """A callback that raised leaves its URL unanswered; say why on those sources."""
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get("spider_exceptions/count"):
        for outcome in outcomes.values():
            answered = {f.url for f in outcome.fetched}
            if any(url not in answered for url in outcome.requested) and not outcome.errors:
                outcome.errors.append("the crawl raised an error on this source (see the log)")
