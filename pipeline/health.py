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
    """Close many runs in one transaction and record their sources' health: a few statements.

    The runs are closed first: on SQLite that write takes the lock under which
    the sources' health is read, as the sources' row locks do on PostgreSQL.
    """
    now = utcnow()
    repo.close_runs(session, results=results, now=now)
    of_run = repo.sources_of_runs_locked(session, run_ids=[run_id for run_id, _ in results])
    repo.store_healths(session, decided=_decide(of_run, results, now, failing_after), now=now)


def _decide(
    of_run: dict[int, repo.SourceHealth],
    results: Sequence[tuple[int, repo.RunResult]],
    now: datetime,
    failing_after: int,
) -> list[tuple[repo.SourceHealth, repo.Health]]:
    """Each run's source and its health as monitor.health decides; a second run sees the first's."""
    standing = {state.id: state for state in of_run.values()}
    decided = []
    for run_id, result in results:
        if run_id not in of_run:  # its source was removed meanwhile, and its runs with it
            continue
        state = standing[of_run[run_id].id]
        verdict = health.after_run(state, result, now, failing_after)
        decided.append((state, verdict))
        standing[state.id] = repo.SourceHealth(
            state.id, verdict.health, verdict.reason, verdict.failures
        )
    return decided


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
