"""Core data functions: sources, crawl runs, snapshots, versions, dossiers, changes.

Each function does one thing; callers decide the transaction (db.engine.session_scope,
or db.retry.in_transaction where another process may collide). Several processes
write at once (the scheduler, workers, `lexwatch crawl`, the web app), so rows
another process may insert at the same moment are inserted with ON CONFLICT DO
NOTHING and read back, and read-modify-writes of a source hold its row lock.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, delete, select

from db.models import (
    AppState,
    Blob,
    Change,
    CrawlRun,
    Document,
    Dossier,
    DossierIdentifier,
    DossierLink,
    Event,
    Snapshot,
    Source,
    Version,
    utcnow,
)
from db.owner import is_dead, this_process
from vocab.errors import ConfigError, NotFound
from vocab.fetch import Capture, Known, Plan, Target

__all__ = [
    "Health",
    "RunResult",
    "add_changes",
    "add_identifiers",
    "add_source",
    "add_timeline",
    "add_version",
    "body",
    "changes",
    "close_run",
    "count_changes",
    "dossier_by_identifier",
    "dossier_by_key",
    "ensure_dossier",
    "find_source",
    "get_state",
    "identifiers_of",
    "interrupted_runs",
    "last_runs",
    "latest_snapshot",
    "latest_version",
    "link_dossiers",
    "links_of",
    "list_dossiers",
    "list_sources",
    "lock_source",
    "mark_parsed",
    "plans",
    "remove_old_bodies",
    "remove_source",
    "runs_locked",
    "save_import",
    "set_state",
    "stage_history",
    "start_runs",
    "store_blob",
    "store_capture",
    "store_health",
    "timeline",
    "touch_snapshots",
]

# -- sources ---------------------------------------------------------------


def add_source(session: Session, *, source: Source) -> Source:
    """Store a new source; a name already taken is a ConfigError."""
    if session.exec(select(Source).where(Source.name == source.name)).first():
        raise ConfigError(
            f"a source named '{source.name}' exists already: pick another name", field="name"
        )
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session, *, enabled_only: bool = False) -> list[Source]:
    """Every source, by name."""
    query = select(Source).order_by(Source.name)
    if enabled_only:
        query = query.where(Source.enabled == True)  # noqa: E712
    return list(session.exec(query))


def find_source(session: Session, *, name_or_id: str) -> Source:
    """A source by name or id; NotFound says how to list them."""
    source = session.exec(select(Source).where(Source.name == name_or_id)).first()
    if source is None and name_or_id.isdigit():
        source = session.get(Source, int(name_or_id))
    if source is None:
        raise NotFound(f"no source named '{name_or_id}': see `lexwatch sources list`")
    return source


def save_import(
    session: Session, *, added: Sequence[Source], updated: Sequence[tuple[Source, Source]]
) -> None:
    """Store the new sources of an import and copy its changes onto the stored ones (old, new)."""
    session.add_all(added)
    for old, new in updated:
        for name in ("kind", "url", "params", "jurisdiction", "every_seconds", "cron", "enabled"):
            setattr(old, name, getattr(new, name))
        old.updated_at = utcnow()
    session.flush()


def remove_source(session: Session, *, source: Source) -> None:
    """Delete a source and what only it owns (runs, snapshots, versions, changes, its events)."""
    for table in (Change, Event, Document, Version, Snapshot, CrawlRun):
        session.exec(delete(table).where(table.source_id == source.id))
    session.delete(source)


def lock_source(session: Session, *, source_id: int) -> Source:
    """The source, locked until the transaction ends, so two processes take turns on it.

    PostgreSQL: SELECT … FOR UPDATE. SQLite has no row locks, and its driver
    begins a transaction only at the first write: a write that changes nothing
    begins it here and takes the database's one write lock, which is the same.
    """
    if session.get_bind().dialect.name == "sqlite":
        same = {"health": Source.health}  # not the key: no foreign key checks
        touch = update(Source).where(col(Source.id) == source_id).values(same)
        session.exec(touch.execution_options(synchronize_session=False))
    query = select(Source).where(Source.id == source_id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()


def _insert_once(session: Session, row: SQLModel) -> None:
    """Insert a row unless one with the same unique key exists (or is being inserted)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = row.model_dump(exclude={"id"} if "id" in type(row).model_fields else set())
    session.exec(insert(type(row)).values(**values).on_conflict_do_nothing())


def plans(session: Session, *, sources: Sequence[Source], secrets: dict[str, str]) -> list[Plan]:
    """What to crawl for each source, with what is known of its URLs (two queries for all)."""
    ids = [s.id for s in sources]
    known = _known(session, ids)
    versioned = set(
        session.exec(select(Version.source_id).where(col(Version.source_id).in_(ids)).distinct())
    )
    return [
        Plan(
            s.id,
            s.name,
            s.kind,
            Target(s.url, dict(s.params), secrets),
            known.get(s.id, {}),
            s.id in versioned,
        )
        for s in sources
    ]


def _known(session: Session, source_ids: list[int]) -> dict[int, dict[str, Known]]:
    """The latest snapshot of every URL of these sources."""
    latest = select(func.max(Snapshot.id)).where(col(Snapshot.source_id).in_(source_ids))
    query = select(Snapshot).where(
        col(Snapshot.id).in_(latest.group_by(Snapshot.source_id, Snapshot.url))
    )
    known: dict[int, dict[str, Known]] = {}
    for snap in session.exec(query):
        entry = Known(
            snap.id, snap.etag, snap.last_modified, snap.sha256, snap.content_type, snap.parsed
        )
        known.setdefault(snap.source_id, {})[snap.url] = entry
    return known


def touch_snapshots(session: Session, *, seen: Sequence[tuple[int, datetime, str, str]]) -> None:
    """Record that these snapshots were seen again (304 or the same bytes): one statement for all."""
    if seen:
        rows = [
            {"id": i, "last_seen_at": at, "etag": etag, "last_modified": mod}
            for i, at, etag, mod in seen
        ]
        session.execute(update(Snapshot), rows)


# -- snapshots and blobs ----------------------------------------------------


def store_capture(session: Session, *, capture: Capture) -> tuple[str, str, bool, bool] | None:
    """Record a capture: (sha256, content type, new?, parsed?) or None for a 304 with nothing stored."""
    lock_source(session, source_id=capture.source_id)  # two crawls of one URL: one new snapshot
    last = latest_snapshot(session, source_id=capture.source_id, url=capture.url)
    if capture.status == 304:
        if last is None:
            return None
        last.last_seen_at = capture.fetched_at
        return last.sha256, last.content_type, False, last.parsed
    sha256 = hashlib.sha256(capture.body).hexdigest()
    etag, modified = capture.headers.get("etag", ""), capture.headers.get("last-modified", "")
    if last is not None and last.sha256 == sha256:
        last.last_seen_at, last.etag, last.last_modified = capture.fetched_at, etag, modified
        return sha256, last.content_type, False, last.parsed
    store_blob(session, sha256=sha256, body=capture.body)
    content_type = capture.headers.get("content-type", "")
    session.add(
        Snapshot(
            source_id=capture.source_id,
            url=capture.url,
            role=capture.role,
            status=capture.status,
            sha256=sha256,
            etag=etag,
            last_modified=modified,
            content_type=content_type,
            fetched_at=capture.fetched_at,
            last_seen_at=capture.fetched_at,
        )
    )
    return sha256, content_type, True, False


def mark_parsed(session: Session, *, source_id: int, urls: Iterable[str]) -> None:
    """The latest snapshots of these URLs have been turned into the source's current version."""
    for url in urls:
        snapshot = latest_snapshot(session, source_id=source_id, url=url)
        if snapshot is not None:
            snapshot.parsed = True


def latest_snapshot(session: Session, *, source_id: int, url: str) -> Snapshot | None:
    """The newest snapshot of one URL of a source."""
    query = (
        select(Snapshot)
        .where(Snapshot.source_id == source_id, Snapshot.url == url)
        .order_by(col(Snapshot.fetched_at).desc(), col(Snapshot.id).desc())
    )
    return session.exec(query).first()


def store_blob(session: Session, *, sha256: str, body: bytes) -> None:
    """Keep a body once per SHA-256, compressed (another source may bring the same body)."""
    if session.get(Blob, sha256) is None:
        _insert_once(session, Blob(sha256=sha256, size=len(body), data=zlib.compress(body, 6)))


def body(session: Session, *, sha256: str) -> bytes | None:
    """The uncompressed bytes of a stored body."""
    blob = session.get(Blob, sha256)
    return zlib.decompress(blob.data) if blob else None


# -- crawl runs and health ---------------------------------------------------


def start_runs(session: Session, *, sources: Sequence[Source]) -> dict[int, int]:
    """A running CrawlRun per source, owned by this process: source id -> run id."""
    me = this_process()
    runs = {s.id: CrawlRun(source_id=s.id, owner=me) for s in sources}
    session.add_all(runs.values())
    session.flush()
    return {source_id: run.id for source_id, run in runs.items()}


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
    runs = [run for run in session.exec(query) if _abandoned(run, cutoff)]
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
    sources = {s.id: s for s in _lock_sources(session, source_ids)}
    return {run_id: (run, sources[run.source_id]) for run_id, run in runs.items()}


def _lock_sources(session: Session, source_ids: list[int]) -> list[Source]:
    if session.get_bind().dialect.name == "sqlite" and source_ids:
        lock_source(session, source_id=source_ids[0])  # SQLite: one write lock covers them all
    query = (
        select(Source)
        .where(col(Source.id).in_(source_ids))
        .order_by(col(Source.id))
        .with_for_update()
    )
    return list(session.exec(query.execution_options(populate_existing=True)))


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


def remove_old_bodies(session: Session, *, days: int) -> int:
    """Drop snapshots older than `days` that are not the latest of their URL, then unreferenced bodies."""
    cutoff = utcnow() - timedelta(days=days)
    latest = select(func.max(Snapshot.id)).group_by(Snapshot.source_id, Snapshot.url)
    session.exec(
        delete(Snapshot).where(Snapshot.fetched_at < cutoff, col(Snapshot.id).not_in(latest))
    )
    orphans = select(Blob.sha256).where(col(Blob.sha256).not_in(select(Snapshot.sha256)))
    doomed = list(session.exec(orphans))
    if doomed:
        session.exec(delete(Blob).where(col(Blob.sha256).in_(doomed)))
    return len(doomed)


def last_runs(session: Session, *, source_id: int, limit: int = 20) -> list[CrawlRun]:
    """The most recent runs of a source, newest first."""
    query = select(CrawlRun).where(CrawlRun.source_id == source_id)
    return list(session.exec(query.order_by(col(CrawlRun.started_at).desc()).limit(limit)))


# -- versions, dossiers and changes ---------------------------------------------


def latest_version(session: Session, *, source_id: int) -> Version | None:
    """The newest version of a source's record."""
    query = select(Version).where(Version.source_id == source_id).order_by(col(Version.seq).desc())
    return session.exec(query).first()


def stage_history(
    session: Session, *, source_id: int, limit: int = 12
) -> list[tuple[str, datetime]]:
    """(stage, stored at) of the source's latest versions, oldest first: how its stage moved."""
    query = (
        select(Version.record, Version.created_at)
        .where(Version.source_id == source_id)
        .order_by(col(Version.seq).desc())
        .limit(limit)
    )
    rows = session.exec(query).all()
    return [(str((record or {}).get("stage") or ""), stored) for record, stored in reversed(rows)]


def add_version(
    session: Session,
    *,
    source_id: int,
    dossier_id: int | None,
    fingerprint: str,
    record: dict[str, Any],
    text: str,
) -> Version:
    """Store the next version of a source's record."""
    last = latest_version(session, source_id=source_id)
    version = Version(
        source_id=source_id,
        dossier_id=dossier_id,
        seq=(last.seq + 1) if last else 1,
        fingerprint=fingerprint,
        record=record,
        text=text,
    )
    session.add(version)
    session.flush()
    return version


def add_changes(
    session: Session, *, version: Version, previous: Version | None, specs: Iterable[Any]
) -> list[Change]:
    """Store the classified changes of a new version."""
    changes = [
        Change(
            source_id=version.source_id,
            dossier_id=version.dossier_id,
            version_id=version.id,
            previous_version_id=previous.id if previous else None,
            ordinal=index,
            kind=spec.kind,
            significance=spec.significance,
            summary=spec.summary,
            diff=spec.diff,
        )
        for index, spec in enumerate(specs)
    ]
    session.add_all(changes)
    session.flush()
    return changes


def dossier_by_identifier(session: Session, *, pairs: Iterable[tuple[str, str]]) -> Dossier | None:
    """The dossier that already holds one of these identifiers, in the order given."""
    for scheme, value in pairs:
        query = (
            select(Dossier)
            .join(DossierIdentifier, col(DossierIdentifier.dossier_id) == col(Dossier.id))
            .where(DossierIdentifier.scheme == scheme, DossierIdentifier.value == value)
            .order_by(col(Dossier.id))
        )
        found = session.exec(query).first()
        if found:
            return found
    return None


def list_dossiers(session: Session) -> list[Dossier]:
    """Every file, by key."""
    return list(session.exec(select(Dossier).order_by(Dossier.key)))


def dossier_by_key(session: Session, *, key: str) -> Dossier | None:
    """The dossier with this key."""
    return session.exec(select(Dossier).where(Dossier.key == key)).first()


def ensure_dossier(
    session: Session, *, key: str, title: str, jurisdiction: str, stage: str
) -> Dossier:
    """The dossier with `key`, created when new; title and stage kept current.

    The first title a version brings stays (sources of one file word it
    differently); a stub's provisional title gives way to it.
    """
    dossier = dossier_by_key(session, key=key)
    if dossier is None:  # another source of the same file may be creating it right now
        _insert_once(session, Dossier(key=key, title=title, jurisdiction=jurisdiction, stage=stage))
        dossier = session.exec(select(Dossier).where(Dossier.key == key)).one()
    elif title and is_stub(session, dossier_id=dossier.id):
        dossier.title = title
    dossier.title = dossier.title or title
    if stage:
        dossier.stage, dossier.updated_at = stage, utcnow()
    return dossier


def is_stub(session: Session, *, dossier_id: int) -> bool:
    """True for a file known only because others cite it: no version of its own yet."""
    found = session.exec(select(Version.id).where(Version.dossier_id == dossier_id).limit(1))
    return found.first() is None


def add_identifiers(
    session: Session, *, dossier: Dossier, pairs: Iterable[tuple[str, str]]
) -> None:
    """Attach identifiers to a dossier (each once)."""
    known = set(
        session.exec(
            select(DossierIdentifier.scheme, DossierIdentifier.value).where(
                DossierIdentifier.dossier_id == dossier.id
            )
        )
    )
    for scheme, value in sorted(set(pairs) - {tuple(k) for k in known}):
        _insert_once(session, DossierIdentifier(dossier_id=dossier.id, scheme=scheme, value=value))


def identifiers_of(session: Session, *, dossier_id: int) -> list[tuple[str, str]]:
    """A dossier's identifiers, sorted."""
    query = select(DossierIdentifier.scheme, DossierIdentifier.value).where(
        DossierIdentifier.dossier_id == dossier_id
    )
    return sorted(tuple(row) for row in session.exec(query))


def link_dossiers(session: Session, *, from_id: int, to_id: int, relation: str, via: str) -> None:
    """Record that one file is related to another (once)."""
    query = select(DossierLink).where(DossierLink.from_id == from_id, DossierLink.to_id == to_id)
    if from_id != to_id and session.exec(query).first() is None:
        _insert_once(session, DossierLink(from_id=from_id, to_id=to_id, relation=relation, via=via))


def links_of(session: Session, *, dossier_id: int) -> list[tuple[DossierLink, Dossier]]:
    """Every file linked to a dossier, in either direction, with the other side."""
    out = []
    for link in session.exec(
        select(DossierLink).where(
            (DossierLink.from_id == dossier_id) | (DossierLink.to_id == dossier_id)
        )
    ):
        other = link.to_id if link.from_id == dossier_id else link.from_id
        out.append((link, session.get(Dossier, other)))
    return out


def add_timeline(
    session: Session,
    *,
    dossier_id: int,
    source_id: int,
    events: Iterable[Event],
    documents: Iterable[Document],
) -> None:
    """Add the events and documents a source reports for a file, each (source, key) once."""
    for table, rows in ((Event, events), (Document, documents)):
        known = set(
            session.exec(
                select(table.dedupe_key).where(
                    table.dossier_id == dossier_id, table.source_id == source_id
                )
            )
        )
        for row in rows:
            if row.dedupe_key not in known:
                known.add(row.dedupe_key)
                session.add(row)
    session.flush()


def timeline(
    session: Session, *, dossier_id: int, with_links: bool = True
) -> list[tuple[Event, str, str]]:
    """Every source's reports of a file's steps (and, with_links, of the files linked to it).

    (event, its source's name, the linked file's key or '' for the file's own), by date.
    """
    ids = [dossier_id] + (
        [other.id for _l, other in links_of(session, dossier_id=dossier_id)] if with_links else []
    )
    query = (
        select(Event, Source.name, Dossier.key)
        .join(Source, col(Source.id) == col(Event.source_id))
        .join(Dossier, col(Dossier.id) == col(Event.dossier_id))
        .where(col(Event.dossier_id).in_(ids))
        .order_by(col(Event.date).nulls_first(), col(Event.id))  # SQLite's order, everywhere
    )
    return [
        (event, name, key if event.dossier_id != dossier_id else "")
        for event, name, key in session.exec(query)
    ]


def changes(
    session: Session,
    *,
    since: datetime | None = None,
    source_ids: Sequence[int] = (),
    limit: int | None = None,
) -> list[tuple[Change, str, str | None]]:
    """Changes oldest first, with their source's name and their dossier's key."""
    query = (
        select(Change, Source.name, Dossier.key)
        .join(Source, col(Source.id) == col(Change.source_id))
        .join(Dossier, col(Dossier.id) == col(Change.dossier_id), isouter=True)
        .order_by(col(Change.detected_at), col(Change.id))
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if source_ids:
        query = query.where(col(Change.source_id).in_(source_ids))
    if limit:
        query = query.limit(limit)
    return [(c, name, key) for c, name, key in session.exec(query)]


def count_changes(session: Session, *, source_id: int) -> int:
    """How many changes a source has produced."""
    return session.exec(
        select(func.count()).select_from(Change).where(Change.source_id == source_id)
    ).one()


def get_state(session: Session, *, key: str) -> str | None:
    """A fact about this installation, or None."""
    row = session.get(AppState, key)
    return row.value if row else None


def set_state(session: Session, *, key: str, value: str) -> None:
    """Record a fact about this installation."""
    row = session.get(AppState, key) or AppState(key=key)
    row.value, row.updated_at = value, utcnow()
    session.add(row)
