"""One `lexwatch crawl` pass in a process of its own, its CPU measured around the pass alone.

Run by bench/workers.py (`python -m bench.crawl_driver`) with a measurement's
environment. After start-up it does what `lexwatch crawl` does: every enabled
source, in this process (a crawler opened and closed, the sources recorded
chunk by chunk). It prints one JSON line: the pass's wall seconds, the CPU
this process spent over it (getrusage: every thread) and each report's status.

Start-up (imports, settings, the database's schema) is left out by measuring
inside the process: it costs about 1.5 CPU-seconds and swings by 0.3 from one
start to the next, as much as a whole pass of 400 304s, so subtracting a start-up
measured in another process left the pass's CPU to chance.
"""

from __future__ import annotations

import json
import resource
import time


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    from cli.database import engine
    from crawlers import reactor
    from db import repo
    from db.engine import session_scope
    from pipeline.passes import crawl_pass
    from vocab import logs
    from vocab.settings import get_settings

    settings = get_settings()
    logs.configure(settings.log_file)  # as `lexwatch crawl` does
    made = engine()
    with session_scope(made) as session:
        keys = repo.source_keys(session, enabled_only=True)
    cpu, started = _cpu(), time.perf_counter()
    reports = reactor.run_coroutine(crawl_pass(made, settings, keys))
    wall, cpu = time.perf_counter() - started, _cpu() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "statuses": [r.status for r in reports]}))


if __name__ == "__main__":
    main()
