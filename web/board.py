"""The admin's health board: each source's health, last success, last error, next run, recent runs.

The sparkline is inline SVG drawn on the server (one bar per run, oldest on the
left, coloured by how the run ended through CSS classes): no script, no image
request, nothing for the CSP to allow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from db import repo, views
from db.models import CrawlRun

RUNS = 20
BAR, GAP, HEIGHT = 5, 2, 18
_CLASS = {"ok": "ok", "unchanged": "ok", "not_modified": "ok", "changed": "changed",
          "skipped": "skipped", "running": "running", "interrupted": "error"}  # fmt: skip


@dataclass(frozen=True)
class Bar:
    """One run in the sparkline."""

    x: int
    y: int
    height: int
    css: str
    label: str


def sparkline(runs: Sequence[CrawlRun]) -> list[Bar]:
    """Bars for runs given newest first (as repo.last_runs returns them), drawn oldest first."""
    bars = []
    for index, run in enumerate(reversed(runs)):
        css = _CLASS.get(run.status, "error")
        height = HEIGHT if css != "ok" else HEIGHT * 2 // 3  # failures and changes stand out
        label = f"{run.started_at:%Y-%m-%d %H:%M} {run.status}" + (
            f": {run.error[:80]}" if run.error else ""
        )
        bars.append(Bar(index * (BAR + GAP), HEIGHT - height, height, css, label))
    return bars


def width(bars: Sequence[Bar]) -> int:
    """The sparkline's width in pixels."""
    return max(len(bars), 1) * (BAR + GAP)


def board_rows(session: Session, *, now: datetime, timezone: str) -> list[dict[str, Any]]:
    """Every source with its status, last error and sparkline, the failing ones first."""
    rows = []
    for row in views.status_rows(session, now=now, timezone=timezone):
        error = repo.last_error(session, source_id=row["id"])
        bars = sparkline(repo.last_runs(session, source_id=row["id"], limit=RUNS))
        rows.append(row | {"last_error": error, "bars": bars, "width": width(bars)})
    order = {"broken": 0, "blocked": 1, "failing": 1, "stale": 2, "skipped": 3, "new": 4, "ok": 5}
    return sorted(rows, key=lambda r: (order.get(r["health"], 4), r["name"]))
