"""The driver of the `lexwatch-service` tool: one long-lived process crawling as `lexwatch run` does.

Run by bench/service_tool.py in the project's virtualenv (`python -m bench.service_driver`)
with the tool's environment. It builds what the service builds (the shared reactor,
one long-lived CrawlService in a scheduler.daemon.Daemon) and, for every line
"pass" on stdin, hands every enabled source to `Daemon.queue`, the path a source's
schedule takes when it fires (its crawl, then the alerts), and waits until every
crawl is recorded. It answers with one JSON line: the pass's wall time, the CPU
this process spent (getrusage deltas, every thread), its resident memory, and
the status of each source's run. An empty line or end of input stops it.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

from bench.common import peak_rss_mb
from bench.soak import rss_mb


async def _daemon() -> Any:
    """A Daemon with its long-lived crawler open, as Daemon.start builds it (no scheduler)."""
    from crawlers.crawl import CrawlService
    from db.engine import get_engine
    from scheduler.daemon import Daemon
    from vocab.settings import get_settings

    settings = get_settings()
    daemon = Daemon(get_engine(settings.db_url), settings)
    daemon.service = await CrawlService.open(settings, daemon.engine)
    return daemon


async def _pass(daemon: Any) -> list[int]:
    """Every enabled source due at once; returns when each one's crawl is recorded.

    The ids are read as the scheduler holds them (its jobs name a source each), not
    as 1,000 Source objects: `lexwatch run` reads no list of sources per pass.
    """
    from db import repo
    from db.engine import session_scope

    with session_scope(daemon.engine) as session:
        ids = [key.id for key in repo.source_keys(session, enabled_only=True)]
    for source_id in ids:
        daemon.queue(source_id)
    await asyncio.gather(*list(daemon.crawls.values()))
    return ids


def _statuses(daemon: Any, ids: list[int]) -> list[str]:
    """The status of each source's newest run (read after the pass, not measured)."""
    from db import repo
    from db.engine import session_scope

    with session_scope(daemon.engine) as session:
        return [repo.last_runs(session, source_id=i, limit=1)[0].status for i in ids]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured_pass(daemon: Any) -> dict[str, Any]:
    """One pass on the reactor's loop, with what it cost this process."""
    from crawlers import reactor

    cpu, started = _cpu(), time.perf_counter()
    ids = reactor.run_coroutine(_pass(daemon))
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    peak_mb = peak_rss_mb()  # this process's own, not the benchmark's that started it
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_mb": rss_mb(),
        "peak_mb": peak_mb,
        "statuses": _statuses(daemon, ids),
    }


def serve() -> None:
    from crawlers import reactor
    from db.engine import get_engine
    from pipeline.startup import seed_once
    from vocab import logs
    from vocab.settings import get_settings

    settings = get_settings()
    logs.configure(settings.log_file, console=True)  # as `lexwatch run` does
    seed_once(get_engine(settings.db_url), settings)
    daemon = reactor.run_coroutine(_daemon())
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() != "pass":
            break
        print(json.dumps(measured_pass(daemon)), flush=True)
    reactor.run_coroutine(daemon.stop())


if __name__ == "__main__":
    serve()
