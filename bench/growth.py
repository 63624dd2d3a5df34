"""How cost grows: 100, 1,000 and 10,000 sources, with 10 and 100 versions each.

Per count of sources, in a process of its own (bench/growthsize.py): a first pass
and a steady pass (nothing changed: 304s) through the long-lived crawler of
`lexwatch run`, with wall time, pages/s and CPU per page; the process's memory;
then the history of 10 and 100 versions per source bulk-loaded (generated, not
crawled: bench/growthload.py), the SQLite database's size and search's 95th
percentile over a fixed small set of queries, then as many snapshots a URL as
its source has versions and a steady pass over them (`steady_after`). The whole
run keeps to a time budget (GROWTH_BUDGET_S, default 1,800 s): when a history
would not load in the time left, that row is cut (the versions, never the
sources) and says why.
The whole table takes about 12-15 minutes on the 2-core machine at a load of
2-4, most of it the first pass over 10,000 sources (about 6 minutes there);
loading the 900,000 versions of 10,000 x 100 takes 2-5 minutes. Under a load
of 8-12 the crawl alone takes twice as long, hence the margin; a budget of
360 s cuts 10,000 x 100.

    make bench-growth      # GROWTH_SOURCES=100,1000 GROWTH_VERSIONS=10 for less
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import aim, write_result
from bench.table import text_table

AIM_SOURCES = (100, 1000, 10000)
AIM_VERSIONS = (10, 100)
PEAK_MB = 150
SOURCES = [int(n) for n in os.environ.get("GROWTH_SOURCES", "100,1000,10000").split(",")]
VERSIONS = os.environ.get("GROWTH_VERSIONS", "10,100")
BUDGET_S = float(os.environ.get("GROWTH_BUDGET_S", "1800"))
ROOT = Path(__file__).resolve().parent.parent
HISTORY = "bulk-loaded"  # the versions are generated and loaded, not crawled


def main() -> list[dict[str, Any]]:
    """Measure every size, print the table and the aims, write bench/results/growth.json."""
    load_before, deadline = os.getloadavg(), time.time() + BUDGET_S
    rows = [row for sources in SOURCES for row in one_size(sources, deadline)]
    aims = judge(rows)
    print(text_table(rows), "\n", text_table(aims), sep="\n")
    write_result(
        "growth",
        rows,
        aims=aims,
        case_keys=["sources", "versions"],
        own_table="How cost grows (history of versions and snapshots bulk-loaded, not crawled)",
        load_average_before=load_before,
        load_average_after=os.getloadavg(),
    )
    return rows


def one_size(sources: int, deadline: float) -> list[dict[str, Any]]:
    """The rows of one count of sources, measured in a child process."""
    argv = [sys.executable, "-m", "bench.growthsize", str(sources), VERSIONS, str(deadline)]
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return [{"sources": sources, "failed": f"exit code {done.returncode}"}]
    return [row | {"history": HISTORY} for row in json.loads(lines[-1])]


def judge(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The growth aims of issue 17: the whole table measured, memory at the largest size."""
    return [_complete(rows), _memory(rows)]


def _complete(rows: list[dict[str, Any]]) -> dict[str, Any]:
    wanted = {(s, v) for s in AIM_SOURCES for v in AIM_VERSIONS}
    done = {(r["sources"], r.get("versions")) for r in rows if "search_p95_ms" in r}
    text = f"growth table measured: {_list(AIM_SOURCES)} sources x {_list(AIM_VERSIONS)} versions"
    missing = sorted(wanted - done, key=lambda cell: (cell[0], cell[1]))
    found = f"{len(wanted & done)} of {len(wanted)} cells"
    lexwatch = found + (f" (missing: {_cells(missing)})" if missing else "")
    return aim(text, lexwatch, None, not missing)


def _memory(rows: list[dict[str, Any]]) -> dict[str, Any]:
    measured = [r for r in rows if "peak_crawl_mb" in r]
    text = f"peak RSS of the crawling process <= {PEAK_MB} MB at {max(AIM_SOURCES):,} sources"
    if not measured:
        return aim(text, "not measured", None, False)
    largest = max(measured, key=lambda r: r["sources"])
    peak, short = largest["peak_crawl_mb"], largest["sources"] < max(AIM_SOURCES)
    lexwatch = f"{peak} MB (run at {largest['sources']:,} sources)" if short else peak
    return aim(text, lexwatch, None, not short and peak <= PEAK_MB)


def _list(values: tuple[int, ...]) -> str:
    return " / ".join(f"{v:,}" for v in values)


def _cells(cells: list[tuple[int, int | None]]) -> str:
    return ", ".join(f"{s:,} x {v}" for s, v in cells)


if __name__ == "__main__":
    main()
