"""Lexwatch's long-lived crawler in this process, as `lexwatch run` has it, pass by pass.

The soak and the growth table drive `pipeline.passes.crawl_pass` on the shared
reactor, so a pass costs no process start-up and no schema check. With
BENCH_PASS=daemon a pass is instead what the scheduler of `lexwatch run` does
when every source comes due at once (scheduler/daemon.py): each source crawled
on its own through one CrawlService kept open for the whole run, started and
recorded in the batches the scheduler forms (`pipeline.batches.Batches`), all at
the same time. The site they crawl
runs in another process (bench/siteproc.py), so this process's CPU and memory
are Lexwatch's alone.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import cpu_seconds

SETTINGS = {
    "LEXWATCH_SEED_DEFAULTS": "false",
    "LEXWATCH_ALLOW_PRIVATE_TARGETS": "1",
    "LEXWATCH_AUTOTHROTTLE": "false",
    "LEXWATCH_CONCURRENT_PER_DOMAIN": "8",
}
PATH = os.environ.get("BENCH_PASS", "crawl_pass")  # or "daemon"
ADD_AT_ONCE = 500  # sources added per session, so that setting up stays below the crawl in memory


@dataclass(frozen=True)
class Pass:
    """What one crawl pass did and cost."""

    pages: int
    changes: int
    failed: int
    wall: float
    cpu: float

    def row(self, label: str) -> dict[str, Any]:
        """Its figures as columns named `<label>_…`."""
        per_page = 1000 * self.cpu / self.pages if self.pages else None
        return {
            f"{label}_s": round(self.wall, 2),
            f"{label}_pages_per_s": round(self.pages / self.wall, 1) if self.wall else None,
            f"{label}_cpu_ms_per_page": round(per_page, 2) if per_page is not None else None,
        }


class Crawler:
    """A Lexwatch home in `folder` with these sources, crawled pass by pass."""

    def __init__(self, folder: Path, urls: dict[str, str]) -> None:
        os.environ |= SETTINGS | {"LEXWATCH_DATA_DIR": str(folder)}
        from db.engine import get_engine
        from vocab.settings import get_settings

        self.settings = get_settings()
        self.engine = get_engine(self.settings.db_url)
        self.service: Any = None  # BENCH_PASS=daemon: the crawler kept open for the run
        self.batches: Any = None  # and the scheduler's batches of starts and records
        self._add_sources(urls)

    def _add_sources(self, urls: dict[str, str]) -> None:
        from db.engine import session_scope
        from db.models import Source

        items = list(urls.items())
        for first in range(0, len(items), ADD_AT_ONCE):  # one session of 10,000 peaked at 155 MB
            with session_scope(self.engine) as session:
                session.add_all(
                    Source(name=name, kind="page", url=url, every_seconds=1)
                    for name, url in items[first : first + ADD_AT_ONCE]
                )

    def crawl(self) -> Pass:
        """One pass over every source, timed."""
        from crawlers import reactor
        from db import repo
        from db.engine import session_scope
        from pipeline.run import outcome

        with session_scope(self.engine) as session:
            sources = repo.source_keys(session)  # a chunk's rows are read as it begins
        wall, cpu = time.monotonic(), cpu_seconds()
        reports = reactor.run_coroutine(self._pass(sources))
        wall, cpu = time.monotonic() - wall, cpu_seconds() - cpu
        changes = sum(r.changes for r in reports)
        failed = sum(1 for r in reports if outcome(r) == "failed")
        return Pass(len(reports), changes, failed, wall, cpu)

    async def _pass(self, sources: list) -> list:
        from pipeline.batches import Batches
        from pipeline.passes import crawl_pass

        if PATH != "daemon":
            return await crawl_pass(self.engine, self.settings, sources)
        self.service = self.service or await self._open_service()
        self.batches = self.batches or Batches(self.engine, self.settings)
        crawls = (self.batches.crawl(self.service, s.id) for s in sources)
        return [report for report in await asyncio.gather(*crawls) if report is not None]

    async def _open_service(self) -> Any:
        from crawlers.crawl import CrawlService

        return await CrawlService.open(self.settings, self.engine)
