"""A crawl pass: every given source crawled once, in this process or by the queue's workers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine

from db import repo
from db.engine import session_scope
from db.models import Source
from pipeline.run import Report, crawl_here
from vocab.settings import Settings


async def crawl_pass(
    engine: Engine, settings: Settings, sources: Sequence[repo.SourceKey], *, wait: bool = True
) -> list[Report]:
    """Crawl these sources once and record everything; one report per source.

    Here, in this process, chunk by chunk (pipeline/run.py); or, with
    LEXWATCH_REDIS_URL, as jobs for `lexwatch worker` processes
    (pipeline/queue.py), whose reports come back when `wait`.
    """
    if settings.redis_url and sources:
        from pipeline import queue  # Redis and RQ only matter to this path

        return await queue.run_on_workers(settings, rows_of(engine, sources), wait=wait)
    return await crawl_here(engine, settings, sources)


def rows_of(engine: Engine, keys: Sequence[repo.SourceKey]) -> list[Source]:
    """These sources' rows, in the keys' order (the queue groups them by host and round)."""
    with session_scope(engine) as session:
        return repo.sources_in_order(session, keys=keys)
