"""What runs when: the job table, and the daemon that keeps every watched source fresh.

`lexwatch run` (or `python -m scheduler.daemon`) starts it. The job table, in one place:

| job | when | what |
| --- | --- | --- |
| `source:<id>` | each enabled source's `--every` (with jitter) or `--cron` | crawl the source now, on its own |
| `alerts` | every minute, and after a crawl that found a change is recorded | send the alerts that are due (new changes, retries, quiet hours ended) |
| `digest` | Mondays 07:00 in LEXWATCH_TIMEZONE, and once at start | send the digests of the last complete week not sent yet |
| `health` | daily 06:00, and once at start | mark sources without a recent success as stale |
| `cleanup` | daily 03:30 | remove raw bodies older than LEXWATCH_RETENTION_DAYS no version needs |
| `renew` | daily 03:45 | a fresh crawler, so robots.txt is read again; the old one finishes its crawls first |
| `resync` | every LEXWATCH_RESYNC_SECONDS | rebuild the source jobs when sources were added, changed or removed |

Every source is crawled on its own the moment it is due, through one Scrapy
crawler that lives as long as the service (crawlers/crawl.py): politeness per
host holds across sources, a slow or hung host delays only its own sources, and
no crawl pays Scrapy's start-up. A source still being crawled when it comes due
again is not crawled twice. With LEXWATCH_REDIS_URL the due sources are only
queued, in small batches, as jobs for `lexwatch worker` processes
(pipeline/queue.py): this process decides when, the workers crawl. Digests are sent at most once per
subscriber and period (a unique DigestRun), so a restart after downtime sends
a missed digest once and never twice.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from crawlers.crawl import CrawlService
from crawlers.reactor import in_daemon_thread
from db import repo
from db.engine import dispose_engines, get_engine, session_scope
from db.lock import scheduler_lock
from db.models import Source
from db.owner import remote_grace
from monitor import schedule
from pipeline import health
from pipeline.batches import Batches
from vocab import logs
from vocab.settings import Settings, get_settings

log = logging.getLogger("lexwatch.scheduler")
ALERTS_EVERY = 60  # seconds: retries and alerts held by quiet hours go out within a minute


@dataclass(frozen=True)
class JobSpec:
    """One row of the job table: an id, a trigger, and which method of the Daemon it calls."""

    id: str
    trigger: BaseTrigger
    call: str
    args: tuple = ()


def job_table(sources: list[Source], settings: Settings) -> list[JobSpec]:
    """Every job of the scheduler, from the sources and the settings."""
    tz, now = settings.timezone, datetime.now(UTC)
    jobs = [
        JobSpec(f"source:{s.id}", schedule.source_trigger(s, tz, now), "due", (s.id,))
        for s in sources
        if s.enabled
    ]
    return [
        *jobs,
        JobSpec("alerts", IntervalTrigger(seconds=ALERTS_EVERY, timezone=tz), "send_alerts"),
        JobSpec("digest", schedule.digest_trigger(tz), "send_digests"),
        JobSpec("health", CronTrigger(hour=6, timezone=tz), "check_health"),
        JobSpec("cleanup", CronTrigger(hour=3, minute=30, timezone=tz), "cleanup"),
        JobSpec("renew", CronTrigger(hour=3, minute=45, timezone=tz), "renew_crawler"),
        JobSpec("resync", IntervalTrigger(seconds=settings.resync_seconds, timezone=tz), "resync"),
    ]


class Daemon:
    """The running service: a scheduler on the reactor's loop, each due source crawled at once."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self.scheduler = AsyncIOScheduler(timezone=settings.timezone)
        self.service: CrawlService | None = None  # the long-lived crawler (none with workers)
        self.crawls: dict[int, asyncio.Task] = {}  # source id -> its crawl in progress
        self.pending: set[int] = set()  # with workers: sources to hand over in the next batch
        self.wake = asyncio.Event()
        self.alerting = asyncio.Lock()  # one send of alerts at a time: crawls end together
        self.alerts_waiting = False  # a send is waiting for the lock: it will see every change
        self.alerts_asked = False  # the clock asked for a send (not only a crawl's end)
        self.alerts_told = 0  # batches that found a change when the last send began
        self.batches = Batches(engine, settings)  # crawls start and are recorded in batches
        self.stopped = asyncio.Event()
        self.signature: tuple = ()
        self.stopping = False

    async def start(self) -> None:
        if not self.settings.redis_url:  # with workers, a job cleans up after its dead attempt
            self.service = await CrawlService.open(self.settings, self.engine)
            with session_scope(self.engine) as session:
                dead = repo.interrupted_runs(
                    session, remote_after=remote_grace(self.settings.crawl_time_limit)
                )
                interrupted = [run.source_id for run in dead]
            for source_id in interrupted:
                self.queue(source_id)  # interrupted crawls run again first
        self.scheduler.start()
        await self.resync()
        for name in ("check_health", "send_digests"):
            self.scheduler.add_job(
                getattr(self, name), id=f"{name}-at-start", misfire_grace_time=None
            )

    def _install(self, spec: JobSpec) -> None:
        self.scheduler.add_job(
            getattr(self, spec.call),
            spec.trigger,
            args=spec.args,
            id=spec.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=24 * 3600,
        )

    async def resync(self) -> None:
        """Rebuild the source jobs when the Source table changed (in this or another process)."""
        with session_scope(self.engine) as session:
            sources = repo.list_sources(session)
        signature = tuple((s.id, s.enabled, s.every_seconds, s.cron, s.updated_at) for s in sources)
        if signature == self.signature:
            return
        self.signature = signature
        wanted = {spec.id: spec for spec in job_table(sources, self.settings)}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("source:") and job.id not in wanted:
                job.remove()
        for spec_id, spec in wanted.items():
            if not spec.id.startswith("source:") or self.scheduler.get_job(spec_id) is None:
                self._install(spec)
        self._queue_new(sources)

    def _queue_new(self, sources: list[Source]) -> None:
        """A source never crawled yet is crawled now, not after its first interval."""
        for source in sources:
            if source.enabled and source.last_run_at is None:
                self.queue(source.id)

    async def due(self, source_id: int) -> None:
        """A source's schedule fired (an async job: it runs on the reactor's loop)."""
        self.queue(source_id)

    def queue(self, source_id: int) -> None:
        """Crawl one source now (with workers: in the next batch handed to them)."""
        if self.stopping:
            return
        if self.settings.redis_url:
            self.pending.add(source_id)
            self.wake.set()
            return
        if source_id in self.crawls:
            return  # still being crawled: its next turn comes with its schedule
        task = asyncio.ensure_future(self._crawl_one(source_id))
        self.crawls[source_id] = task
        task.add_done_callback(lambda _task: self.crawls.pop(source_id, None))

    async def _crawl_one(self, source_id: int) -> None:
        if self.service is None:
            return
        try:  # the source's line is logged as it is recorded; nothing may stop the service
            if await self.batches.crawl(self.service, source_id) is None:
                return  # removed or paused since it came due
        except Exception:
            log.exception("source %d: the crawl failed; the other sources go on", source_id)
        await self._send_alerts()  # what the crawl found is told in the same cycle

    async def send_alerts(self) -> None:
        """Send the alerts that are due: new changes, retries whose time came, quiet hours ended."""
        self.alerts_asked = True  # the clock's send: retries and quiet hours, even with no crawl
        await self._send_alerts()

    async def _send_alerts(self) -> None:
        """Crawls that end together need one send, not one each: a send still waiting for
        its turn starts after their changes were recorded, and tells them; a send whose
        turn comes with no change recorded since the last one began is not needed."""
        from pipeline.alerts import deliver

        if self.alerts_waiting:
            return
        self.alerts_waiting = True
        try:
            async with self.alerting:
                self.alerts_waiting = False
                if self._alerts_due():
                    await in_daemon_thread(deliver, self.engine, self.settings, datetime.now(UTC))
        except Exception:
            log.exception("sending alerts failed; they are tried again in a minute")

    def _alerts_due(self) -> bool:
        """Asked by the clock, or a crawl found a change since the last send began."""
        changed, asked = self.batches.changed, self.alerts_asked
        due = asked or changed != self.alerts_told
        self.alerts_asked, self.alerts_told = False, changed
        return due

    async def crawl_loop(self) -> None:
        """Until stopped: with workers, hand the due sources over in batches."""
        if not self.settings.redis_url:
            await self.stopped.wait()
            return
        while not self.stopping:
            await self.wake.wait()
            self.wake.clear()
            await asyncio.sleep(0.2)  # gather sources that fire together into one batch
            batch, self.pending = self.pending, set()
            if batch and not self.stopping:
                await self._hand_over(batch)

    async def _hand_over(self, source_ids: set[int]) -> None:
        from pipeline.passes import crawl_pass

        with session_scope(self.engine) as session:
            sources = [
                k for k in repo.source_keys(session, enabled_only=True) if k.id in source_ids
            ]
        try:  # the workers log one line per source; this only queues
            await crawl_pass(self.engine, self.settings, sources, wait=False)
        except Exception:
            log.exception("handing crawls to the workers failed; the next batch goes on")

    async def send_digests(self) -> None:
        """Send the digests of the last complete period that were not sent yet."""
        try:
            from digests.send import send_due
        except ImportError:
            return
        try:
            # A daemon thread: a SIGTERM while mail goes out must not wait for the SMTP server.
            results = await in_daemon_thread(
                send_due, self.engine, self.settings, datetime.now(UTC)
            )
            log.info("digests: %s", _count(results))
        except Exception:
            log.exception("sending digests failed; they are retried at the next run")

    async def check_health(self) -> None:
        """Mark sources without a recent success as stale."""
        with session_scope(self.engine) as session:
            for name in health.mark_stale(session, now=datetime.now(UTC)):
                log.warning("%s: stale, no successful fetch within three intervals", name)

    async def cleanup(self) -> None:
        """Remove raw bodies past the retention period that no recent snapshot needs."""
        with session_scope(self.engine) as session:
            removed = repo.remove_old_bodies(session, days=self.settings.retention_days)
        log.info("cleanup: %d raw bodies removed", removed)

    async def renew_crawler(self) -> None:
        """Swap in a fresh crawler (robots.txt read again); the old one ends after its crawls."""
        if self.service is None:
            return
        old, self.service = self.service, await CrawlService.open(self.settings, self.engine)
        await old.drain(self.settings.crawl_time_limit)
        await old.close()  # closed, not cancelled: a cancelled crawler stays in memory
        log.info("crawler renewed")

    async def stop(self) -> None:
        """Stop scheduling, cancel the crawls in progress and the crawler, and return.

        A cancelled crawl's run stays 'running' in the database, so the next start
        marks it interrupted and crawls the source again first.
        """
        self.stopping = True
        self.wake.set()
        self.stopped.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        crawls = list(self.crawls.values())
        for task in crawls:
            task.cancel()
        await asyncio.gather(*crawls, return_exceptions=True)
        await self.batches.stop()
        if self.service is not None:
            await self.service.stop()


def _count(results: Any) -> str:
    return f"{len(results)} handled" if isinstance(results, list) else str(results)


def run(settings: Settings | None = None) -> int:
    """Start the service in this process until SIGINT or SIGTERM; exit status 0 on a clean stop."""
    settings = settings or get_settings()
    logs.configure(settings.log_file, console=True)
    engine = get_engine(settings.db_url)
    from pipeline.startup import seed_once

    seed_once(engine, settings)
    with scheduler_lock(engine):
        _serve(engine, settings)
    dispose_engines()
    log.info("stopped")
    return 0


def _serve(engine: Engine, settings: Settings) -> None:
    from crawlers import reactor as reactor_host

    loop = reactor_host.install()
    from twisted.internet import reactor

    daemon = Daemon(engine, settings)

    async def main() -> None:
        await daemon.start()
        log.info("scheduler started")
        await daemon.crawl_loop()

    tasks: set[asyncio.Future] = set()  # strong references: the loop keeps only weak ones

    def spawn(coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def shutdown(*_args: Any) -> None:
        log.info("stopping…")
        spawn(_stop(daemon, reactor))

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, shutdown)
    reactor.callWhenRunning(lambda: spawn(main()))
    reactor.run(installSignalHandlers=False)


async def _stop(daemon: Daemon, reactor: Any) -> None:
    try:
        await asyncio.wait_for(daemon.stop(), timeout=8)
    finally:
        reactor.stop()


if __name__ == "__main__":
    sys.exit(run())
