"""Soak: many crawl cycles in one long-lived process, as `lexwatch run` does, and its memory.

500 crawl passes over 50 local sources (bench.site), through the same function the
scheduler calls (pipeline.passes.crawl_pass on the shared reactor); every 50 passes the
site moves between two states so that changes are found, versions and diffs
written. Reports the process's resident memory at the start, after the first
pass, and at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench.common import write_result

CYCLES = int(os.environ.get("SOAK_CYCLES", "500"))
SOURCES = int(os.environ.get("SOAK_SOURCES", "50"))


def rss_mb() -> float:
    """This process's resident memory in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _prepare(folder: Path) -> None:
    os.environ |= {
        "LEXWATCH_DATA_DIR": str(folder),
        "LEXWATCH_SEED_DEFAULTS": "false",
        "LEXWATCH_ALLOW_PRIVATE_TARGETS": "1",
        "LEXWATCH_AUTOTHROTTLE": "false",
        "LEXWATCH_CONCURRENT_PER_DOMAIN": "8",
    }


def _add_sources(engine, urls: dict[str, str]) -> None:
    from db import repo
    from db.engine import session_scope
    from db.models import Source

    with session_scope(engine) as session:
        for name, url in urls.items():
            repo.add_source(
                session, source=Source(name=name, kind="page", url=url, every_seconds=1)
            )


def main() -> dict:
    """Run the soak and write bench/results/soak.json."""
    from bench.site import Site

    with tempfile.TemporaryDirectory(prefix="lexwatch-soak-") as folder:
        _prepare(Path(folder))
        return _soak(Site(SOURCES, seed=11))


def _soak(site) -> dict:
    from crawlers import reactor
    from db import repo
    from db.engine import get_engine, session_scope
    from pipeline.passes import crawl_pass
    from vocab.settings import get_settings

    settings = get_settings()
    engine = get_engine(settings.db_url)
    _add_sources(engine, site.urls())
    start, started, changes = rss_mb(), time.monotonic(), 0
    first = 0.0
    for cycle in range(1, CYCLES + 1):
        _move(site, cycle)
        with session_scope(engine) as session:
            sources = repo.list_sources(session)
        changes += sum(
            r.changes for r in reactor.run_coroutine(crawl_pass(engine, settings, sources))
        )
        first = first or rss_mb()
        _progress(cycle, changes)
    row = {
        "cycles": CYCLES,
        "sources": SOURCES,
        "rss_start_mb": round(start, 1),
        "rss_after_first_mb": round(first, 1),
        "rss_end_mb": round(rss_mb(), 1),
        "changes": changes,
        "seconds": round(time.monotonic() - started, 1),
    }
    site.close()
    write_result("soak", [row])
    return row


def _move(site, cycle: int) -> None:
    """Every 50 passes the site changes state: edited, then back."""
    if cycle % 100 == 50:
        site.edit(0.05)
    elif cycle % 100 == 0:
        site.reset()


def _progress(cycle: int, changes: int) -> None:
    if cycle % 50 == 0:
        sys.stderr.write(f"soak: {cycle}/{CYCLES} passes, {changes} changes, {rss_mb():.0f} MB\n")


if __name__ == "__main__":
    print(main())
