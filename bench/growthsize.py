"""One size of the growth table, in a process of its own (so its peak memory is its own).

    python -m bench.growthsize SOURCES VERSIONS,… DEADLINE

A first pass and a steady pass (nothing changed: 304s) over SOURCES pages through
the long-lived crawler (bench/longlived.py), then for each count of VERSIONS the
history bulk-loaded (bench/growthload.py), the database's size and search's
95th percentile, then as many snapshots a URL and a steady pass over them. A
load that would end after DEADLINE (Unix time) is left out, with the reason; how long it would take is judged from the rate of the previous
load's row inserts alone: the whole small load's rate, indexing included, judged
the 900,000 versions of 10,000 x 100 at 682 s when they took 337 s. Prints one
JSON list of rows as its last line.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, rss_mb

SEED = 17


def measure(sources: int, versions: list[int], deadline: float) -> list[dict[str, Any]]:
    """Every row of this size: one per count of versions (crawl figures repeated)."""
    from bench.siteproc import RemoteSite

    site = RemoteSite(sources, seed=SEED)
    try:
        with tempfile.TemporaryDirectory(prefix="lexwatch-growth-") as folder:
            return _measure(site, Path(folder), sources, versions, deadline)
    finally:
        site.close()


def _measure(site: Any, folder: Path, sources: int, versions: list[int], deadline: float) -> list:
    from bench.growthload import database_mb
    from bench.longlived import Crawler

    crawler = Crawler(folder, site.urls())
    first, steady = crawler.crawl(), crawler.crawl()
    _say(f"{sources} sources: first pass {first.wall:.1f} s, steady {steady.wall:.1f} s")
    crawl = {"sources": sources, **first.row("first"), **steady.row("steady")}
    crawl |= {"failed": first.failed + steady.failed, "rss_crawl_mb": round(rss_mb(), 1)}
    crawl["peak_crawl_mb"] = round(peak_rss_mb(), 1)
    crawl["db_crawl_mb"] = database_mb(folder)
    return _histories(crawler, folder, crawl, versions, deadline)


def _histories(crawler: Any, folder: Path, crawl: dict, versions: list[int], deadline: float):
    """A row per count of versions; a load that would not end by the deadline is cut."""
    from bench.growthload import Texts

    rows: list[dict[str, Any]] = []
    texts, have, rate = Texts(), 1, None
    for count in versions:
        wanted = (count - have) * crawl["sources"]  # versions this load adds
        if rate and time.time() + wanted / rate > deadline:
            rows.append(crawl | {"versions": count, "cut": _cut(wanted, rate, deadline)})
            continue
        row, rows_s = _history(crawler, folder, count, texts)
        rows.append(crawl | row)
        have, rate = count, wanted / rows_s if rows_s else None
        _say(f"{crawl['sources']} sources x {count} versions: {row}")
    return rows


def _history(crawler: Any, folder: Path, count: int, texts: Any) -> tuple[dict[str, Any], float]:
    """Load the history up to `count` versions a source, then measure size, search and a pass.

    Each URL gets as many snapshots as its source has versions, as if each version
    had come from a new answer; then a steady pass (304s) over that history.
    """
    from bench.growthload import add_snapshots, database_mb, extend, p95, search_times

    load = extend(crawler.engine, count, texts)
    row = {"versions": count, "load_s": round(load.seconds, 1), "db_mb": database_mb(folder)}
    row["load_rows_s"] = round(load.rows_s, 1)
    row["search_p95_ms"] = round(p95(search_times(crawler.engine)), 1)
    add_snapshots(crawler.engine, count)
    after = crawler.crawl()
    row |= after.row("steady_after") | {"failed_after": after.failed}
    return row | {"peak_mb": round(peak_rss_mb(), 1)}, load.rows_s


def _cut(wanted: int, rate: float, deadline: float) -> str:
    """Why a load was left out: how long it would take against the time left."""
    left = max(0, deadline - time.time())
    took = wanted / rate
    return f"cut: inserting {wanted:,} versions would take ~{took:.0f} s, {left:.0f} s left"


def _say(line: str) -> None:
    sys.stderr.write(f"growth: {line}\n")
    sys.stderr.flush()


if __name__ == "__main__":
    count, counts, until = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    print(json.dumps(measure(count, [int(c) for c in counts.split(",")], until)))
