"""Crawl runs: started, interrupted when their process died, closed with how they ended.

A source's health is stored here as monitor.health decided it (store_health).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, col, select

from db.models import CrawlRun, Source, utcnow
from db.owner import is_dead, this_process
from db.repo.sources import lock_sources

__all__ = [
    "Health",
    "RunResult",
    "close_run",
    "interrupted_own_runs",
    "interrupted_runs",
    "last_error",
    "last_runs",
    "runs_locked",
    "start_runs",
    "store_health",
]


def start_runs(session: Session, *, sources: Sequence[Source]) -> dict[int, int]:
    """A running CrawlRun per source, owned by this process: source id -> run id."""
    if not sources:
        return {}
    me = this_process()
    rows = [CrawlRun(source_id=s.id, owner=me).model_dump(exclude={"id"}) for s in sources]
    added = session.execute(insert(CrawlRun).returning(CrawlRun.source_id, CrawlRun.id), rows)
    return {source_id: run_id for source_id, run_id in added}


def interrupted_runs(
    session: Session, *, source_ids: Sequence[int] = (), remote_after: timedelta
) -> list[CrawlRun]:
    """Runs left 'running' by a process that died (of these sources); marks them interrupted.

    A run of another live process is left alone. Whether a process of another
    machine lives cannot be told: its run counts as abandoned after `remote_after`.
    """
    query = select(CrawlRun).where(CrawlRun.status == "running")
    if source_ids:
        query = query.where(col(CrawlRun.source_id).in_(source_ids))
    cutoff = utcnow() - remote_after
    return _interrupt([run for run in session.exec(query) if _abandoned(run, cutoff)])


def interrupted_own_runs(session: Session, *, source_ids: Sequence[int]) -> list[CrawlRun]:
    """Runs of these sources this process left 'running' (an attempt that raised); marks them interrupted.

    A worker that stays warm runs one job at a time: when a job starts, no run
    of its own is still being crawled.
    """
    query = select(CrawlRun).where(
        CrawlRun.status == "running",
        col(CrawlRun.source_id).in_(source_ids),
        CrawlRun.owner == this_process(),
    )
    return _interrupt(list(session.exec(query)))


def _interrupt(runs: list[CrawlRun]) -> list[CrawlRun]:
    for run in runs:
        run.status, run.error, run.finished_at = (
            "interrupted",
            "the process stopped during this crawl",
            utcnow(),
        )
    return runs


def _abandoned(run: CrawlRun, cutoff: datetime) -> bool:
    dead = is_dead(run.owner)
    return dead if dead is not None else run.started_at < cutoff


@dataclass(frozen=True)
class RunResult:
    """How one source's run ended, as pipeline.run decided it."""

    status: str
    fetched: int = 0
    unchanged: int = 0
    changes: int = 0
    errors: int = 0
    error: str = ""
    bytes_received: int = 0


@dataclass(frozen=True)
class Health:
    """A source's health as monitor.health decided it, for store_health to record."""

    health: str
    reason: str
    failures: int  # failed runs in a row
    at: datetime
    succeeded: bool = False  # a run read the source: its last success
    changed: bool = False  # and found changes: its last change


def runs_locked(session: Session, *, run_ids: Sequence[int]) -> dict[int, tuple[CrawlRun, Source]]:
    """Runs with their sources, the sources locked in id order (two processes: no deadlock)."""
    query = select(CrawlRun).where(col(CrawlRun.id).in_(list(run_ids)))
    runs = {run.id: run for run in session.exec(query)}
    source_ids = sorted({run.source_id for run in runs.values()})
    sources = {s.id: s for s in lock_sources(session, source_ids)}
    return {run_id: (run, sources[run.source_id]) for run_id, run in runs.items()}


def close_run(
    session: Session, *, run: CrawlRun, source: Source, result: RunResult, now: datetime
) -> None:
    """Record how a run ended, and that its source ran."""
    for name in ("status", "fetched", "unchanged", "changes", "errors", "error", "bytes_received"):
        setattr(run, name, getattr(result, name))
    run.finished_at = now
    source.last_run_at = now
    session.add(run)


def store_health(session: Session, *, source: Source, health: Health) -> None:
    """Record a source's health as decided: the state, why, since when, and what moved."""
    if health.succeeded:
        source.last_success_at = health.at
    if health.changed:
        source.last_change_at = health.at
    if source.health != health.health:
        source.health_since = health.at
    source.consecutive_failures = health.failures
    source.health, source.health_reason = health.health, health.reason
    session.add(source)


def last_runs(session: Session, *, source_id: int, limit: int = 20) -> list[CrawlRun]:
    """The most recent runs of a source, newest first."""
    query = select(CrawlRun).where(CrawlRun.source_id == source_id)
    return list(session.exec(query.order_by(col(CrawlRun.started_at).desc()).limit(limit)))


def last_error(session: Session, *, source_id: int) -> CrawlRun | None:
    """The most recent run of a source that recorded an error."""
    query = (
        select(CrawlRun)
        .where(CrawlRun.source_id == source_id, CrawlRun.error != "")
        .order_by(col(CrawlRun.started_at).desc())
    )
    return session.exec(query).first()
