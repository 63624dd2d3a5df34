"""Sources: add, list, find by name or by id, edit, pause, import, remove, lock.

Read-modify-writes of a source hold its row lock (lock_source, lock_sources),
so two processes take turns on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from db.models import Change, CrawlRun, DocumentRow, EventRow, Snapshot, Source, Version, utcnow
from vocab.errors import ConfigError

__all__ = [
    "CrawlTarget",
    "SourceKey",
    "add_source",
    "crawl_targets",
    "enabled_keys",
    "get_source",
    "hold_source",
    "key_of",
    "list_sources",
    "lock_source",
    "lock_sources",
    "remove_source",
    "save_import",
    "set_enabled",
    "source_by_name",
    "source_keys",
    "sources_by_id",
    "sources_in_order",
    "targets_in_order",
    "update_source",
]


def add_source(session: Session, *, source: Source) -> Source:
    """Store a new source; a name already taken is a ConfigError."""
    if source_by_name(session, name=source.name):
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


class SourceKey(NamedTuple):
    """What a crawl pass keeps of a source until its chunk begins: not the ORM row."""

    id: int
    name: str
    jurisdiction: str


def source_keys(session: Session, *, enabled_only: bool = False) -> list[SourceKey]:
    """Every source's key, by name: one light tuple each instead of a Source (a pass of 10,000)."""
    query = select(Source.id, Source.name, Source.jurisdiction).order_by(Source.name)
    if enabled_only:
        query = query.where(Source.enabled == True)  # noqa: E712
    return [SourceKey(*row) for row in session.exec(query)]


def key_of(source: Source) -> SourceKey:
    """A loaded source's key."""
    return SourceKey(source.id or 0, source.name, source.jurisdiction)


def source_by_name(session: Session, *, name: str) -> Source | None:
    """A source by its exact name."""
    return session.exec(select(Source).where(Source.name == name)).first()


def get_source(session: Session, *, source_id: int) -> Source | None:
    """A source by id."""
    return session.get(Source, source_id)


def sources_by_id(
    session: Session, *, source_ids: Sequence[int], enabled_only: bool = False
) -> list[Source]:
    """These sources (those that still exist), in one query, by id."""
    query = select(Source).where(col(Source.id).in_(list(source_ids))).order_by(Source.id)
    if enabled_only:
        query = query.where(Source.enabled == True)  # noqa: E712
    return list(session.exec(query))


def sources_in_order(session: Session, *, keys: Sequence[SourceKey]) -> list[Source]:
    """The rows of these sources (those that still exist), in the order of their keys."""
    rows = {s.id: s for s in sources_by_id(session, source_ids=[key.id for key in keys])}
    return [rows[key.id] for key in keys if key.id in rows]


class CrawlTarget(NamedTuple):
    """What starting a source's crawl reads of its row (a run, a plan): plain columns.

    A pass starts a thousand crawls; reading each as a Source (an ORM object with
    its state) was most of what starting them cost.
    """

    id: int
    name: str
    kind: str
    url: str
    params: dict


def crawl_targets(session: Session, *, source_ids: Sequence[int]) -> list[CrawlTarget]:
    """These sources, those that still exist and are enabled, by id."""
    rows = session.exec(_by_id(_TARGET, source_ids).where(_ENABLED).order_by(Source.id))
    return [CrawlTarget(*row) for row in rows]


def enabled_keys(session: Session, *, source_ids: Sequence[int]) -> list[tuple[SourceKey, str]]:
    """These sources, those that still exist and are enabled, by id: each one's key and URL."""
    columns = (Source.id, Source.name, Source.jurisdiction, Source.url)
    rows = session.exec(_by_id(columns, source_ids).where(_ENABLED).order_by(Source.id))
    return [(SourceKey(*key), url) for *key, url in rows]


def targets_in_order(session: Session, *, keys: Sequence[SourceKey]) -> list[CrawlTarget]:
    """These sources, those that still exist (enabled or not), in the order of their keys."""
    found = session.exec(_by_id(_TARGET, [key.id for key in keys]))
    rows = {row[0]: CrawlTarget(*row) for row in found}
    return [rows[key.id] for key in keys if key.id in rows]


_TARGET = (Source.id, Source.name, Source.kind, Source.url, Source.params)  # a CrawlTarget's
_ENABLED = Source.enabled == True  # noqa: E712 (a SQL expression, not a comparison)


def _by_id(columns: Sequence[Any], source_ids: Sequence[int]) -> Any:
    """A select of these columns of the sources with these ids."""
    return select(*columns).where(col(Source.id).in_(list(source_ids)))


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


def update_source(session: Session, *, source: Source, new: Source) -> Source:
    """Copy what an admin may edit from `new` onto `source`."""
    for name in ("name", "kind", "url", "params", "jurisdiction", "every_seconds", "cron"):
        setattr(source, name, getattr(new, name))
    source.enabled, source.updated_at = new.enabled, utcnow()
    session.add(source)
    session.flush()
    return source


def set_enabled(session: Session, *, source: Source, enabled: bool) -> None:
    """Pause or resume a source."""
    source.enabled, source.updated_at = enabled, utcnow()
    session.add(source)


def remove_source(session: Session, *, source: Source) -> None:
    """Delete a source and what only it owns (runs, snapshots, versions, changes, its events)."""
    for table in (Change, EventRow, DocumentRow, Version, Snapshot, CrawlRun):
        session.exec(delete(table).where(table.source_id == source.id))
    session.delete(source)


def lock_source(session: Session, *, source_id: int) -> Source:
    """The source, locked until the transaction ends, so two processes take turns on it.

    PostgreSQL: SELECT … FOR UPDATE. SQLite has no row locks, and its driver
    begins a transaction only at the first write: a write that changes nothing
    begins it here and takes the database's one write lock, which is the same.
    """
    _write_lock(session, source_id)
    query = select(Source).where(Source.id == source_id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()


def hold_source(session: Session, *, source_id: int) -> None:
    """`lock_source` for a caller that needs the lock, not the source: one statement."""
    if not _write_lock(session, source_id):
        session.exec(select(Source.id).where(Source.id == source_id).with_for_update()).one()


def _write_lock(session: Session, source_id: int) -> bool:
    """SQLite: take the database's write lock with a write that changes nothing (True)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    same = {"health": Source.health}  # not the key: no foreign key checks
    touch = update(Source).where(col(Source.id) == source_id).values(same)
    session.exec(touch.execution_options(synchronize_session=False))
    return True


def lock_sources(session: Session, source_ids: list[int]) -> list[Source]:
    """`lock_source` for many sources, in id order (two processes: no deadlock); one write."""
    if source_ids:
        _write_lock(session, source_ids[0])  # SQLite: one write lock covers them all
    query = (
        select(Source)
        .where(col(Source.id).in_(source_ids))
        .order_by(col(Source.id))
        .with_for_update()
    )
    return list(session.exec(query.execution_options(populate_existing=True)))
