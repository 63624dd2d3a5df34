"""The admin's health board: each source's health, last success, last error, next run, recent runs.

Hundreds of sources stay readable: one compact line each, failing ones first,
a filter by health, kind, jurisdiction and words that lives in the query string
(a filtered board is a link), and pages of PER_PAGE sources.

Below the sources, alert channels whose last send failed (the channel masked:
its URL holds secrets), each on its own: one failing channel holds back no other.

The sparkline is inline SVG drawn on the server (one bar per run, oldest on the
left, coloured by how the run ended through CSS classes): no script, no image
request, nothing for the CSP to allow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from db import repo
from db.models import CrawlRun
from vocab.channels import mask
from vocab.words import fold
from web import views
from web.params import clean_text

RUNS = 20
BAR, GAP, HEIGHT = 5, 2, 18
_CLASS = {
    "ok": "ok",
    "unchanged": "ok",
    "not_modified": "ok",
    "changed": "changed",
    "skipped": "skipped",
    "running": "running",
    "interrupted": "error",
}


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


ORDER = {"broken": 0, "blocked": 1, "failing": 1, "stale": 2, "skipped": 3, "new": 4, "ok": 5}
HEALTHS = (*ORDER, "paused")
PER_PAGE = 50


@dataclass(frozen=True)
class BoardFilter:
    """Which sources the board shows: by health (or paused), kind, jurisdiction and words."""

    health: str = ""
    kind: str = ""
    jurisdiction: str = ""
    text: str = ""
    page: int = 1


def board_filter(params: Mapping[str, str]) -> BoardFilter:
    """A BoardFilter from ?health=…&kind=…&jurisdiction=…&q=…&page=… (a filtered board is a link)."""
    clean = {name: clean_text(value)[:200] for name, value in params.items()}
    page = clean.get("page", "")
    return BoardFilter(
        health=clean.get("health", "") if clean.get("health") in HEALTHS else "",
        kind=clean.get("kind", ""),
        jurisdiction=clean.get("jurisdiction", ""),
        text=clean.get("q", ""),
        page=min(int(page), 1000) if page.isdigit() and int(page) > 0 else 1,
    )


def matches(row: Mapping[str, Any], wanted: BoardFilter) -> bool:
    """True when a source's row passes every filter; words are looked for in its name, address,
    kind, jurisdiction and health reason, case and accents aside."""
    if wanted.health == "paused":
        if row["enabled"]:
            return False
    elif wanted.health and row["health"] != wanted.health:
        return False
    if wanted.kind and row["kind"] != wanted.kind:
        return False
    if wanted.jurisdiction and (row["jurisdiction"] or "").upper() != wanted.jurisdiction.upper():
        return False
    about = fold(
        " ".join(
            str(row.get(k) or "") for k in ("name", "url", "kind", "jurisdiction", "health_reason")
        )
    )
    return all(word in about for word in fold(wanted.text).split())


@dataclass(frozen=True)
class Board:
    """One page of the board, with what the filters can choose from and how many match."""

    rows: list[dict[str, Any]]
    matched: int
    total: int
    counts: dict[str, int]
    kinds: list[str]
    jurisdictions: list[str]
    more: bool
    channels: list[dict[str, Any]] = field(default_factory=list)  # alert channels failing


def board(session: Session, *, now: datetime, timezone: str, wanted: BoardFilter) -> Board:
    """The sources that pass the filter, failing first, one page of them with runs and errors."""
    every = sorted(views.status_rows(session, now=now, timezone=timezone), key=_order)
    kept = [row for row in every if matches(row, wanted)]
    first = (wanted.page - 1) * PER_PAGE
    page = [_with_runs(session, row) for row in kept[first : first + PER_PAGE]]
    counts = {h: sum(r["health"] == h for r in every) for h in ORDER} | {
        "paused": sum(not r["enabled"] for r in every)
    }
    return Board(
        page,
        len(kept),
        len(every),
        {h: n for h, n in counts.items() if n},
        sorted({r["kind"] for r in every}),
        sorted({r["jurisdiction"] for r in every if r["jurisdiction"]}),
        len(kept) > first + PER_PAGE,
        failing_channels(session),
    )


def failing_channels(session: Session) -> list[dict[str, Any]]:
    """Alert channels whose last send failed: their watch, the channel masked, since when, why."""
    return [
        {
            "watch": watch,
            "channel": mask(c.url),
            "failures": c.failures,
            "since": c.failing_since,
            "error": c.last_error,
        }
        for c, watch in repo.failing_channels(session)
    ]


def _order(row: Mapping[str, Any]) -> tuple[int, str]:
    return ORDER.get(row["health"], 4), row["name"].casefold()


def _with_runs(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    error = repo.last_error(session, source_id=row["id"])
    bars = sparkline(repo.last_runs(session, source_id=row["id"], limit=RUNS))
    return row | {"last_error": error, "bars": bars, "width": width(bars)}


def board_rows(session: Session, *, now: datetime, timezone: str) -> list[dict[str, Any]]:
    """Every source with its status, last error and sparkline, the failing ones first."""
    rows = sorted(views.status_rows(session, now=now, timezone=timezone), key=_order)
    return [_with_runs(session, row) for row in rows]
