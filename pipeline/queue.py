"""Crawls as jobs on a shared Redis queue (RQ), taken by `lexwatch worker` on any machine.

With LEXWATCH_REDIS_URL set, `pipeline.passes.crawl_pass` hands its sources to this
module instead of crawling them itself: one RQ job per source. Any number of
workers that reach the database and Redis take the jobs; each job is one
ordinary crawl pass over one source, recorded exactly as in one process.

Why RQ and not scrapy-redis: scrapy-redis shares Scrapy's *request* queue, so
the requests of one source would be fetched by different workers, while the
spider keeps each source's bookkeeping (what was asked, what came back, which
errors) in memory in one process, and the run, the parse and the diff of a
source need all of it. A source is the unit of work, so a job queue fits.
scrapy-redis 0.9.1 also calls Scrapy APIs that 2.19 no longer has
(`engine.crawl(request, spider)`).

Rounds: a source's round is the crawl that follows its last recorded run, and
its job id says which (`crawl-<source id>-<last run in µs>`). RQ enqueues an id
only once (`unique=True`), so a source enqueued twice in a round (a restart,
the resync of a new source, `lexwatch crawl` while its scheduled job waits) is
crawled once. A worker killed mid-job stops renewing its lease on the job; the
next worker to clean RQ's registries puts the job back (RQ's Retry), and the
job marks the dead attempt's run as interrupted before crawling again. The
workers themselves are in pipeline/worker.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.exceptions import DuplicateJobError
from rq.job import Job, JobStatus

from db import repo
from db.engine import dispose_engines, get_engine, session_scope
from db.models import Source
from db.owner import remote_grace
from pipeline.run import Report, crawl_here
from vocab.errors import ConfigError
from vocab.settings import Settings, get_settings

QUEUE = "lexwatch-crawls"
RETRIES = 3  # attempts after a failure or a dead worker
ENDED = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def crawl_queue(settings: Settings) -> Queue:
    """The queue of crawl jobs on LEXWATCH_REDIS_URL."""
    timeout = int(settings.crawl_time_limit) + 120  # the crawl's own cut-off, then storing
    return Queue(QUEUE, connection=Redis.from_url(settings.redis_url), default_timeout=timeout)


def job_id(source: Source) -> str:
    """The id of a source's job this round: the crawl after its last recorded run."""
    last = int(source.last_run_at.timestamp() * 1_000_000) if source.last_run_at else 0
    return f"crawl-{source.id}-{last}"


def enqueue(settings: Settings, sources: Sequence[Source]) -> list[str]:
    """Queue one job per source unless its round's job exists; the ids to wait for."""
    queue = crawl_queue(settings)
    try:
        for source in sources:
            _enqueue_once(queue, source)
    except RedisError as exc:  # a message a person can act on, not a traceback
        raise ConfigError(f"cannot queue crawls at LEXWATCH_REDIS_URL: {exc}") from exc
    return [job_id(s) for s in sources]


def _enqueue_once(queue: Queue, source: Source) -> None:
    ident = job_id(source)
    for _attempt in range(2):
        try:
            queue.enqueue_call(
                crawl_source,
                args=(source.id,),
                job_id=ident,
                unique=True,
                retry=Retry(max=RETRIES),
                result_ttl=3600,
                failure_ttl=7 * 86400,
                description=f"crawl {source.name}",
            )
            return
        except DuplicateJobError:
            if not _drop_failed(queue, ident):
                return  # waiting, running, or done this round: nothing to add


def _drop_failed(queue: Queue, ident: str) -> bool:
    """Forget a job of this round that failed for good, so the round can be tried again."""
    job = queue.fetch_job(ident)
    if job is None or job.get_status() in (
        JobStatus.FAILED,
        JobStatus.STOPPED,
        JobStatus.CANCELED,
    ):
        if job is not None:
            job.delete()
        return True
    return False


def crawl_source(source_id: int) -> list[dict[str, Any]]:
    """The job: one crawl pass over one source, recorded as `lexwatch crawl` records it."""
    from crawlers import reactor

    settings = get_settings()
    engine = get_engine(settings.db_url)
    try:
        with session_scope(engine) as session:
            # An attempt whose worker died; a live one elsewhere keeps its run.
            repo.interrupted_runs(
                session,
                source_ids=[source_id],
                remote_after=remote_grace(settings.crawl_time_limit),
            )
            source = session.get(Source, source_id)
        if source is None or not source.enabled:
            return []  # removed or disabled since it was queued
        reports = reactor.run_coroutine(crawl_here(engine, settings, [source]))
        return [asdict(report) for report in reports]
    finally:
        dispose_engines()  # the work horse exits next: close connections cleanly


async def run_on_workers(
    settings: Settings, sources: Sequence[Source], *, wait: bool
) -> list[Report]:
    """Queue these sources' jobs; with `wait`, return their reports once workers are done."""
    ids = await asyncio.to_thread(enqueue, settings, sources)
    if not wait:
        return []
    return await asyncio.to_thread(_reports, crawl_queue(settings), ids, sources)


def _reports(queue: Queue, ids: list[str], sources: Sequence[Source]) -> list[Report]:
    names = {job_id(s): s.name for s in sources}
    jobs = _wait_for(queue, ids)
    return [report for ident in ids for report in _reports_of(jobs.get(ident), names[ident])]


def _wait_for(queue: Queue, ids: list[str]) -> dict[str, Job]:
    """Poll until every job has ended; refuse to wait for workers that do not exist."""
    while True:
        jobs = {job.id: job for job in Job.fetch_many(ids, connection=queue.connection) if job}
        if all(job.get_status(refresh=False) in ENDED for job in jobs.values()):
            return jobs
        if not Worker.count(queue=queue):
            raise ConfigError(
                "no `lexwatch worker` serves the crawl queue at LEXWATCH_REDIS_URL: start one, "
                "or unset LEXWATCH_REDIS_URL to crawl in this process"
            )
        time.sleep(0.5)


def _reports_of(job: Job | None, name: str) -> list[Report]:
    if job is not None and job.get_status(refresh=False) == JobStatus.FINISHED:
        return [Report(**fields) for fields in job.return_value() or []]
    reason = "the job is gone from the queue" if job is None else _last_error(job)
    return [Report(name, "error", 0, 0, 0, 1, f"the worker failed: {reason}", 0.0)]


def _last_error(job: Job) -> str:
    result = job.latest_result()
    text = (result.exc_string if result else "") or str(job.get_status(refresh=False))
    return text.strip().splitlines()[-1][:500]
