"""Crawl runs: started, interrupted when their process died, closed with how they ended.

A source's health is stored here as monitor.health decided it (store_health).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from db.models import CrawlRun, Source, utcnow
from db.owner import is_dead, this_process
from db.repo.sources import CrawlTarget

__all__ = [
    "Health",
    "RunResult",
    "SourceHealth",
    "close_runs",
    "interrupted_own_runs",
    "interrupted_runs",
    "last_error",
    "last_runs",
    "sources_of_runs_locked",
    "start_runs",
    "store_health",
    "store_healths",
]
RUN_COLUMNS = ("status", "fetched", "unchanged", "changes", "errors", "error", "bytes_received")


def start_runs(session: Session, *, sources: Sequence[Source | CrawlTarget]) -> dict[int, int]:
    """A running CrawlRun per source, owned by this process: source id -> run id."""
    if not sources:
        return {}
    table = CrawlRun.__table__
    of_each = select(
        Source.id,
        bindparam("owner", this_process(), type_=table.c.owner.type),
        bindparam("started_at", utcnow(), type_=table.c.started_at.type),
    ).where(col(Source.id).in_([s.id for s in sources]))
    # One INSERT … SELECT, the table's defaults ('running', zeros) in the SELECT: no row of
    # parameters per source for the driver to read through.
    query = insert(table).from_select(["source_id", "owner", "started_at"], of_each)
    added = session.execute(query.returning(table.c.source_id, table.c.id))
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


class SourceHealth(NamedTuple):
    """What deciding a source's health after a run reads of it (monitor.health.after_run)."""

    id: int
    health: str
    health_reason: str
    consecutive_failures: int


def sources_of_runs_locked(session: Session, *, run_ids: Sequence[int]) -> dict[int, SourceHealth]:
    """Run id -> its source's health, the sources locked in id order (two processes: no deadlock).

    SQLite has no row locks: call after a write in this transaction (close_runs),
    which holds the database's one write lock.
    """
    query = (
        select(Source.id, Source.health, Source.health_reason, Source.consecutive_failures)
        .add_columns(CrawlRun.id)
        .join(CrawlRun, col(CrawlRun.source_id) == Source.id)
        .where(col(CrawlRun.id).in_(list(run_ids)))
        .order_by(col(Source.id))
        .with_for_update(of=Source)
    )
    return {run_id: SourceHealth(*state) for *state, run_id in session.execute(query)}


def close_runs(
    session: Session, *, results: Sequence[tuple[int, RunResult]], now: datetime
) -> None:
    """Record how each run ended (run id, result): one UPDATE for them all."""
    rows = [
        {"run_id": run_id, "finished_at": now} | {k: getattr(result, k) for k in RUN_COLUMNS}
        for run_id, result in results
    ]
    if rows:
        _update_by_id(session, CrawlRun, "run_id", rows)


def _update_by_id(session: Session, model: Any, key: str, rows: list[dict[str, Any]]) -> None:
    """UPDATE model's rows by id (`key`), one executemany; objects loaded in the session follow."""
    table = model.__table__
    query = update(table).where(table.c.id == bindparam(key))
    session.execute(query, rows)
    for row in rows:
        loaded = session.identity_map.get(identity_key(model, row[key]))
        for name, value in row.items():
            if loaded is not None and name != key:
                set_committed_value(loaded, name, value)


def store_healths(
    session: Session, *, decided: Sequence[tuple[SourceHealth, Health]], now: datetime
) -> None:
    """Record that these sources ran (now), and their health as decided: only what changed."""
    changed: dict[int, dict[str, Any]] = {}
    for state, health in decided:
        changed.setdefault(state.id, {"source_id": state.id, "last_run_at": now})
        changed[state.id] |= _health_changes(state, health)
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in changed.values():
        by_columns.setdefault(tuple(sorted(row)), []).append(row)
    for rows in by_columns.values():  # an executemany sets the same columns on every row
        _update_by_id(session, Source, "source_id", rows)


def _health_changes(state: SourceHealth, health: Health) -> dict[str, Any]:
    """The health columns `health` changes on a source that stood at `state` (store_health's rules)."""
    values: dict[str, Any] = {"last_success_at": health.at} if health.succeeded else {}
    if health.changed:
        values["last_change_at"] = health.at
    if state.health != health.health:
        values |= {"health": health.health, "health_since": health.at}
    if state.health_reason != health.reason:
        values["health_reason"] = health.reason
    if state.consecutive_failures != health.failures:
        values["consecutive_failures"] = health.failures
    return values


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
