"""The service's crawls, each on its own, with the work around their fetches shared.

Under `lexwatch run` every source is crawled the moment it comes due
(scheduler/daemon.py), and no source waits for another's fetch. What surrounds a
fetch need not be done one source at a time: the sources that come due in the
same turn of the loop start their runs in one transaction, and the crawls that
end while earlier ones are being recorded are recorded together, in one thread
and one transaction for their runs. While other crawls are still fetching, a
batch to record waits for them a little (at most LINGER seconds, until half of
AHEAD have ended): a pass of many sources then records them in batches of tens, not of a few
(each batch's transactions, and the alerts sent after it, cost the same whatever
its size). A crawl that ends with nothing else in flight is recorded at once.

A crawl whose answers are to be parsed costs its batch far more than a 304: a
lock on its source, the lookups of its file, the index's flush at the commit. In
a pass where a few pages of a thousand changed, each would otherwise share its
batch with tens of 304s and pay all of that alone. So while other crawls still
fetch, the crawls to parse wait for one another (at most PARSE_WAIT seconds, or
until half of AHEAD have ended) while the rest are recorded in the meantime.

At most AHEAD crawls are between their start and their record at once. Fetching
is faster than parsing and storing, and a fetched answer waits in memory until
it is recorded: when a thousand sources come due together, without the limit
every answer waited at once (a 1,000-page first pass peaked near 300 MB).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from sqlalchemy import Engine

from crawlers.crawl import CrawlService
from crawlers.reactor import in_daemon_thread, settle
from pipeline.recording import needs_parsing
from pipeline.run import Report, begin, record
from vocab.fetch import Outcome
from vocab.settings import Settings

Ended = tuple[Outcome, int, float, asyncio.Future]
AHEAD = 64  # crawls started and not yet recorded; several batches' worth, a bounded memory
LINGER = 0.2  # seconds a batch to record may wait for crawls still fetching
PARSE_WAIT = 1.0  # seconds a crawl with answers to parse may wait for others to parse with it


class Batches:
    """Starts and records the service's crawls in batches; each crawl awaits only its own."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self.starting: list[tuple[int, asyncio.Future]] = []
        self.ending: list[Ended] = []  # ended with nothing to parse (a 304, a failed fetch)
        self.parsing: list[Ended] = []  # ended with answers to parse
        self.parsing_since = 0.0  # when the first of `parsing` ended
        self.recorder: asyncio.Task | None = None
        self.ahead = asyncio.Semaphore(AHEAD)
        self.fetching = 0  # crawls begun whose fetch has not ended
        self.filled = asyncio.Event()  # a batch to record is full, or nothing is fetching
        self.changed = 0  # batches recorded so far that found a change (alerts are sent after them)

    async def crawl(self, service: CrawlService, source_id: int) -> Report | None:
        """Crawl one source through `service` and record it; None if it is gone or paused."""
        async with self.ahead:
            return await self._crawl(service, source_id)

    async def _crawl(self, service: CrawlService, source_id: int) -> Report | None:
        started = time.monotonic()
        begun = await self._start(source_id)
        if begun is None:
            return None
        run_id, plan = begun
        self.fetching += 1
        try:
            outcome = await service.fetch(plan)
        finally:
            self.fetching -= 1
        return await self._record(outcome, run_id, started)

    def _start(self, source_id: int) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        if not self.starting:  # the first of this turn: the batch starts at the next turn
            loop.call_soon(self._begin_batch)
        future = loop.create_future()
        self.starting.append((source_id, future))
        return future

    def _begin_batch(self) -> None:
        batch, self.starting = self.starting, []
        try:
            begun = begin(self.engine, self.settings, [source_id for source_id, _ in batch])
        except Exception as exc:  # e.g. the database went away: each crawl learns it
            for _, future in batch:
                settle(future, None, exc)
            return
        for source_id, future in batch:
            settle(future, begun.get(source_id), None)

    def _record(self, outcome: Outcome, run_id: int, started: float) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        if not needs_parsing(outcome):
            self.ending.append((outcome, run_id, started, future))
        else:
            if not self.parsing:
                self.parsing_since = time.monotonic()
            self.parsing.append((outcome, run_id, started, future))
        if self._ready():
            self.filled.set()
        if self.recorder is None or self.recorder.done():
            self.recorder = asyncio.ensure_future(self._record_all())
        return future

    async def _record_all(self) -> None:
        """Record what has ended, batch after batch, until nothing more has."""
        while self.ending or self.parsing:
            await self._fill()
            batch = self._take()
            if not batch:  # only crawls to parse, still waiting for more
                continue
            ended = [(outcome, run_id, started) for outcome, run_id, started, _ in batch]
            try:
                reports = await in_daemon_thread(record, self.engine, self.settings, ended)
            except Exception as exc:
                for *_, future in batch:
                    settle(future, None, exc)
            else:
                self.changed += any(report.changes for report in reports)
                for (*_, future), report in zip(batch, reports, strict=True):
                    settle(future, report, None)

    def _ready(self) -> bool:
        """A full batch has ended (to parse or not), or nothing is fetching."""
        return not self.fetching or max(len(self.ending), len(self.parsing)) >= _full()

    def _take(self) -> list[Ended]:
        """What has ended, less the crawls to parse while they may still wait for more."""
        batch, self.ending = self.ending, []  # now `_ready` asks of the crawls to parse alone
        waited = time.monotonic() - self.parsing_since
        if self.parsing and (self._ready() or waited >= PARSE_WAIT):
            batch, self.parsing = batch + self.parsing, []
        return batch

    async def _fill(self) -> None:
        """Wait (at most LINGER seconds) until a full batch has ended or nothing is fetching."""
        if not self._ready():
            self.filled.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.filled.wait(), LINGER)

    async def stop(self) -> None:
        """Stop recording (the service is stopping): unrecorded runs stay 'running'."""
        if self.recorder is not None and not self.recorder.done():
            self.recorder.cancel()
            await asyncio.gather(self.recorder, return_exceptions=True)


def _full() -> int:
    """A full batch to record: half the crawls that may be ahead (the other half fetch meanwhile)."""
    return max(1, AHEAD // 2)
