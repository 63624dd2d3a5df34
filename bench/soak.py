"""Soak: many crawl passes in one long-lived process, as `lexwatch run` does, and its memory.

500 crawl passes over 50 local sources (bench/siteproc.py: the site runs in a
process of its own), through the function the scheduler calls (bench/longlived.py);
every 50 passes the site moves between two states so that changes are found,
versions and diffs written. Reports the process's resident memory at the start,
after the first pass, when the last 80 % of the passes begin (pass 100 of 500)
and at the end, and its peak; judges the two memory aims of issue 17.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import aim, peak_rss_mb, rss_mb, write_result

CYCLES = int(os.environ.get("SOAK_CYCLES", "500"))
SOURCES = int(os.environ.get("SOAK_SOURCES", "50"))
AIM_CYCLES = 500  # the aims of issue 17 are judged over 500 passes
PEAK_MB = 150
FLAT_MB = 10


def main() -> dict[str, Any]:
    """Run the soak and write bench/results/soak.json."""
    from bench.siteproc import RemoteSite

    site = RemoteSite(SOURCES, seed=11)
    try:
        with tempfile.TemporaryDirectory(prefix="lexwatch-soak-") as folder:
            row = soak(site, Path(folder))
    finally:
        site.close()
    aims = judge(row)
    write_result("soak", [row], aims=aims, load_average_after=os.getloadavg())
    print(row, *aims, sep="\n")
    return row


def soak(site: Any, folder: Path) -> dict[str, Any]:
    """CYCLES passes; the memory at the marks of the run."""
    from bench.longlived import Crawler

    crawler = Crawler(folder, site.urls())
    marks, started, changes = {"start": rss_mb()}, time.monotonic(), 0
    for cycle in range(1, CYCLES + 1):
        _move(site, cycle)
        changes += crawler.crawl().changes
        marks |= _marks(cycle)
        _progress(cycle, changes)
    return _row(marks, changes, time.monotonic() - started)


def settled_at(cycles: int) -> int:
    """The pass after which the last 80 % of the passes begin (100 of 500)."""
    return max(1, cycles // 5)


def _marks(cycle: int) -> dict[str, float]:
    """The memory to remember after this pass, if it is one of the marks."""
    names = {1: "after_first", settled_at(CYCLES): "settled", CYCLES: "end"}
    return {name: rss_mb() for at, name in names.items() if at == cycle}


def _row(marks: dict[str, float], changes: int, seconds: float) -> dict[str, Any]:
    return {
        "cycles": CYCLES,
        "sources": SOURCES,
        "rss_start_mb": round(marks["start"], 1),
        "rss_after_first_mb": round(marks["after_first"], 1),
        f"rss_after_{settled_at(CYCLES)}_mb": round(marks["settled"], 1),
        "rss_end_mb": round(marks["end"], 1),
        "growth_last_passes_mb": round(marks["end"] - marks["settled"], 1),
        "rss_peak_mb": round(peak_rss_mb(), 1),
        "changes": changes,
        "seconds": round(seconds, 1),
    }


def judge(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The memory aims of issue 17; a run of fewer than 500 passes meets neither."""
    cycles, short = row["cycles"], row["cycles"] < AIM_CYCLES
    last = cycles - settled_at(cycles)
    peak, growth = row["rss_peak_mb"], row["growth_last_passes_mb"]
    suffix = f" (run at {cycles} passes)" if short else ""
    return [
        aim(
            f"peak RSS <= {PEAK_MB} MB over {AIM_CYCLES} passes",
            f"{peak} MB{suffix}" if short else peak,
            None,
            not short and peak <= PEAK_MB,
        ),
        aim(
            f"RSS flat (last {AIM_CYCLES * 4 // 5} passes grow <= {FLAT_MB} MB)",
            f"{growth} MB over the last {last} passes{suffix}" if short else growth,
            None,
            not short and growth <= FLAT_MB,
        ),
    ]


def _move(site: Any, cycle: int) -> None:
    """Every 50 passes the site changes state: edited, then back."""
    if cycle % 100 == 50:
        site.edit(0.05)
    elif cycle % 100 == 0:
        site.reset()


def _progress(cycle: int, changes: int) -> None:
    if cycle % 50 == 0:
        sys.stderr.write(f"soak: {cycle}/{CYCLES} passes, {changes} changes, {rss_mb():.0f} MB\n")


if __name__ == "__main__":
    main()
