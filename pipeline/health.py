"""Sources' health after a run and as time passes: monitor.health decides, db.repo stores.

Health is a read-modify-write that another process may share: each source is
locked before its health is read, and the decision is stored in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from db import repo
from db.models import utcnow
from monitor import health


def finish_runs(
    session: Session, *, results: Sequence[tuple[int, repo.RunResult]], failing_after: int
) -> None:
    """Close many runs in one transaction and record their sources' health."""
    locked = repo.runs_locked(session, run_ids=[run_id for run_id, _ in results])
    now = utcnow()
    for run_id, result in results:
        run, source = locked[run_id]
        repo.close_run(session, run=run, source=source, result=result, now=now)
        decided = health.after_run(source, result, now, failing_after)
        repo.store_health(session, source=source, health=decided)


def mark_stale(session: Session, *, now: datetime) -> list[str]:
    """Record 'stale' on sources without a success within three intervals; their names."""
    marked = []
    for candidate in repo.list_sources(session, enabled_only=True):
        if candidate.health == "stale" or health.gone_stale(candidate, now) is None:
            continue
        source = repo.lock_source(
            session, source_id=candidate.id
        )  # a crawl may just have succeeded
        decided = health.gone_stale(source, now)
        if decided is not None:
            repo.store_health(session, source=source, health=decided)
            marked.append(source.name)
    return marked
