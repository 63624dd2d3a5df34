"""Runs closed in bulk (pipeline.health.finish_runs): each run keeps its own result, each
source its own health, in one batch of mixed outcomes."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from db import repo
from db.engine import get_engine, session_scope
from db.models import CrawlRun, Source
from pipeline.health import finish_runs
from vocab.settings import get_settings

FAILING_AFTER = 3
# name -> (health, failures in a row) before the run, and how the run ended
BATCH = {
    "edited": ("ok", 0, repo.RunResult("changed", fetched=1, changes=2, bytes_received=900)),
    "same": ("ok", 0, repo.RunResult("not_modified", fetched=1, unchanged=1)),
    "recovered": ("failing", 4, repo.RunResult("unchanged", fetched=1, unchanged=1)),
    "blip": ("ok", 0, repo.RunResult("error", errors=1, error="timed out")),
    "third": ("ok", 2, repo.RunResult("error", errors=1, error="HTTP 503")),
    "newbie": ("new", 0, repo.RunResult("error", errors=1, error="refused")),
    "moved": ("ok", 0, repo.RunResult("parse_error", fetched=1, errors=1, error="no #main")),
}


def _sources(session) -> dict[str, Source]:
    sources = {
        name: Source(
            name=name,
            kind="page",
            url=f"http://127.0.0.1:9/{name}",
            health=health,
            consecutive_failures=failures,
            health_reason="earlier" if failures else "",
        )
        for name, (health, failures, _) in BATCH.items()
    }
    session.add_all(sources.values())
    session.flush()
    return sources


def _close_all() -> dict[str, Source]:
    """Start a run per source, then close them all in one batch; the sources as loaded after."""
    engine = get_engine(get_settings().db_url)
    with session_scope(engine) as session:
        sources = _sources(session)
        runs = repo.start_runs(session, sources=list(sources.values()))
    with session_scope(engine) as session:
        results = [(runs[sources[name].id], result) for name, (_, _, result) in BATCH.items()]
        loaded = session.get(Source, sources["third"].id)  # read in the same session afterwards
        finish_runs(session, results=results, failing_after=FAILING_AFTER)
        assert (loaded.health, loaded.consecutive_failures) == ("failing", 3)
        assert loaded.health_reason == "HTTP 503"
    return sources


def test_a_batch_closes_each_run_with_its_own_result(home: Path) -> None:
    sources = _close_all()
    with session_scope(get_engine(get_settings().db_url)) as session:
        for name, (_, _, result) in BATCH.items():
            run = session.exec(
                CrawlRun.__table__.select().where(CrawlRun.source_id == sources[name].id)
            ).one()
            assert run.status == result.status and run.finished_at is not None, name
            assert (run.fetched, run.unchanged, run.changes) == (
                result.fetched,
                result.unchanged,
                result.changes,
            ), name
            assert (run.errors, run.error, run.bytes_received) == (
                result.errors,
                result.error,
                result.bytes_received,
            ), name


def test_a_batch_records_each_sources_own_health(home: Path) -> None:
    sources = _close_all()
    with session_scope(get_engine(get_settings().db_url)) as session:
        after = {name: session.get(Source, source.id) for name, source in sources.items()}
    stood = {name: (s.health, s.consecutive_failures, s.health_reason) for name, s in after.items()}
    assert stood == {
        "edited": ("ok", 0, ""),
        "same": ("ok", 0, ""),
        "recovered": ("ok", 0, ""),
        "blip": ("ok", 1, "timed out"),  # one failure: still ok until FAILING_AFTER in a row
        "third": ("failing", 3, "HTTP 503"),
        "newbie": ("failing", 1, "refused"),  # a new source fails at the first
        "moved": ("broken", 0, "no #main"),
    }
    ran = {s.last_run_at for s in after.values()}
    assert len(ran) == 1 and None not in ran  # one batch, one time
    assert after["edited"].last_change_at is not None and after["same"].last_change_at is None
    read = {name for name, s in after.items() if s.last_success_at is not None}
    assert read == {"edited", "same", "recovered"}
    moved = {name for name, s in after.items() if s.health_since is not None}
    assert moved == {"recovered", "third", "newbie", "moved"}  # only where the health changed


def test_snapshots_seen_again_get_their_new_validators_and_the_others_stay(home: Path) -> None:
    from datetime import UTC, datetime

    from db.models import Blob, Snapshot

    engine = get_engine(get_settings().db_url)
    then = datetime(2026, 1, 5, tzinfo=UTC)
    with session_scope(engine) as session:
        source = Source(name="seen", kind="page", url="http://127.0.0.1:9/seen")
        session.add_all([source, Blob(sha256="b" * 64, size=1, data=b"x")])
        session.flush()
        snaps = [
            Snapshot(source_id=source.id, url=f"http://127.0.0.1:9/{n}", sha256="b" * 64,
                     etag=f'"old{n}"', last_modified="old", fetched_at=then, last_seen_at=then)
            for n in range(3)
        ]  # fmt: skip
        session.add_all(snaps)
        session.flush()
        ids = [snap.id for snap in snaps]
    later = datetime(2026, 6, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        seen = [(ids[0], later, '"new0"', "Mon, 01 Jun 2026 00:00:00 GMT"), (ids[2], later, "", "")]
        repo.touch_snapshots(session, seen=seen)
    with session_scope(engine) as session:
        rows = {s.id: s for s in session.exec(select(Snapshot))}
        got = [(rows[i].last_seen_at, rows[i].etag, rows[i].last_modified) for i in ids]
    assert got == [
        (later, '"new0"', "Mon, 01 Jun 2026 00:00:00 GMT"),
        (then, '"old1"', "old"),  # not seen: left as it was
        (later, "", ""),
    ]
    assert all(rows[i].fetched_at == then for i in ids)  # seen again, not fetched anew
