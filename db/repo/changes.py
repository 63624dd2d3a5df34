"""Changes: stored with each new version, and read for the Changes page, a file, a source.

Also the newest records of a file's sources (the file page's official links).

The Changes page lists every change newest first, filtered by file, source,
jurisdiction, least significance and a date range in SQL; the watch filter is
applied by the caller (a watch's terms are matched in Python, as digests match them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import Change, Dossier, Source, Version

__all__ = [
    "ChangeFilter",
    "ChangeRow",
    "add_changes",
    "change_jurisdictions",
    "change_kinds",
    "change_rows",
    "changed_files",
    "changes",
    "changes_of_file",
    "count_changes",
    "latest_changes",
    "newest_records",
    "versions_by_id",
]

LEVELS = ("minor", "notable", "major")  # least to most significant


@dataclass(frozen=True)
class ChangeFilter:
    """What the Changes page, its CSV and its Atom feed are asked for; every field optional."""

    watch: str = ""
    file: str = ""
    source: str = ""
    jurisdiction: str = ""
    significance: str = ""  # the least significance shown
    date_from: str = ""  # YYYY-MM-DD, inclusive
    date_to: str = ""  # YYYY-MM-DD, inclusive
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class ChangeRow:
    """A change with the names a reader sees: its source's and its file's."""

    change: Change
    source: str
    file_key: str
    file_title: str
    jurisdiction: str


def change_rows(
    session: Session, *, wanted: ChangeFilter, offset: int = 0, limit: int = 50
) -> list[ChangeRow]:
    """Changes newest first that pass every filter but the watch."""
    columns = (
        Change,
        Source.name,
        Dossier.key,
        Dossier.title,
        Dossier.jurisdiction,
        Source.jurisdiction,
    )
    query = (
        select(*columns)
        .join(Source, col(Source.id) == col(Change.source_id))
        .join(Dossier, col(Dossier.id) == col(Change.dossier_id), isouter=True)
        .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
    )
    for condition in _conditions(wanted):
        query = query.where(condition)
    rows = session.exec(query.offset(offset).limit(limit))
    return [
        ChangeRow(c, name, key or "", title or "", home or own or "")
        for c, name, key, title, home, own in rows
    ]


def _conditions(wanted: ChangeFilter) -> list[Any]:
    conditions: list[Any] = []
    if wanted.file:
        conditions.append(Dossier.key == wanted.file)
    if wanted.source:
        conditions.append(Source.name == wanted.source)
    if wanted.jurisdiction:
        home = func.coalesce(func.nullif(Dossier.jurisdiction, ""), Source.jurisdiction)
        conditions.append(home == wanted.jurisdiction)
    if wanted.significance in LEVELS:
        conditions.append(col(Change.significance).in_(_at_least(wanted.significance)))
    if wanted.date_from:
        conditions.append(Change.detected_at >= _day(wanted.date_from))
    if wanted.date_to:
        conditions.append(Change.detected_at < _day(wanted.date_to, after=True))
    return conditions


def _at_least(level: str) -> list[str]:
    return list(LEVELS[LEVELS.index(level) :])


def _day(text: str, *, after: bool = False) -> datetime:
    """The start of a UTC day (of the next one: the end of an inclusive range)."""
    start = datetime.fromisoformat(text).replace(tzinfo=UTC)
    return start + timedelta(days=1) if after else start


def change_jurisdictions(session: Session) -> list[str]:
    """The jurisdictions of the files that have changes, for the filter's choices."""
    query = (
        select(Dossier.jurisdiction)
        .join(Change, col(Change.dossier_id) == col(Dossier.id))
        .where(Dossier.jurisdiction != "")
        .distinct()
    )
    return sorted(session.exec(query))


def versions_by_id(session: Session, *, ids: Sequence[int]) -> dict[int, Version]:
    """Versions by id (what the watch filter reads a change's record from)."""
    query = select(Version).where(col(Version.id).in_(sorted(set(ids))))
    return {v.id: v for v in session.exec(query)}


def newest_records(session: Session, *, dossier_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(source kind, record) of each source's newest version in a file, by source name."""
    newest = (
        select(Version.source_id, func.max(Version.seq).label("seq"))
        .where(Version.dossier_id == dossier_id)
        .group_by(col(Version.source_id))
        .subquery()
    )
    query = (
        select(Source.kind, Version.record)
        .join(newest, (newest.c.source_id == Version.source_id) & (newest.c.seq == Version.seq))
        .join(Source, col(Source.id) == col(Version.source_id))
        .order_by(col(Source.name))
    )
    return [(kind, dict(record)) for kind, record in session.exec(query)]


def changed_files(session: Session) -> list[tuple[str, str]]:
    """(key, title) of every file that has changes, for the filter's choices."""
    query = (
        select(Dossier.key, Dossier.title)
        .join(Change, col(Change.dossier_id) == col(Dossier.id))
        .distinct()
    )
    return sorted(session.exec(query), key=lambda row: ((row[1] or row[0]).casefold(), row[0]))


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


def changes_of_file(
    session: Session, *, dossier_id: int, limit: int = 200
) -> list[tuple[Change, str]]:
    """A file's changes, newest first, with the source's name."""
    query = (
        select(Change, Source.name)
        .join(Source, col(Source.id) == col(Change.source_id))
        .where(Change.dossier_id == dossier_id)
        .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
    )
    return [(c, name) for c, name in session.exec(query.limit(limit))]


def latest_changes(
    session: Session,
    *,
    since: datetime | None = None,
    sources: Sequence[str] = (),
    kinds: Sequence[str] = (),
    significance: Sequence[str] = (),
    dossier_key: str = "",
    limit: int = 100,
) -> list[tuple[Change, str, str | None]]:
    """Changes newest first, filtered, with the source's name and the file's key."""
    query = (
        select(Change, Source.name, Dossier.key)
        .join(Source, col(Source.id) == col(Change.source_id))
        .join(Dossier, col(Dossier.id) == col(Change.dossier_id), isouter=True)
        .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    for column, wanted in (
        (Source.name, sources),
        (Change.kind, kinds),
        (Change.significance, significance),
    ):
        query = query.where(col(column).in_(wanted)) if wanted else query
    if dossier_key:
        query = query.where(Dossier.key == dossier_key)
    return [(c, name, key) for c, name, key in session.exec(query.limit(limit))]


def change_kinds(session: Session) -> list[str]:
    """Every kind of change recorded so far."""
    return list(session.exec(select(Change.kind).distinct().order_by(Change.kind)))
