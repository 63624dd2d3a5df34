"""Versions: each source's parsed record, numbered, and what lists and compares them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from db.models import Source, Version, utcnow

__all__ = [
    "VersionInfo",
    "add_version",
    "latest_version",
    "latest_versions",
    "previous_version_id",
    "stage_history",
    "version_with_source",
    "versions_of",
]


def latest_version(session: Session, *, source_id: int) -> Version | None:
    """The newest version of a source's record."""
    query = select(Version).where(Version.source_id == source_id).order_by(col(Version.seq).desc())
    return session.exec(query).first()


def latest_versions(session: Session, *, source_ids: Sequence[int]) -> dict[int, Version]:
    """The newest version of each of these sources that has one, in one query: id -> version."""
    if not source_ids:
        return {}
    newest = (
        select(Version.source_id, func.max(Version.seq).label("seq"))
        .where(col(Version.source_id).in_(list(source_ids)))
        .group_by(col(Version.source_id))
        .subquery()
    )
    query = select(Version).join(
        newest, (col(Version.source_id) == newest.c.source_id) & (col(Version.seq) == newest.c.seq)
    )
    return {version.source_id: version for version in session.exec(query)}


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
    last: Version | None,
) -> Version:
    """Store the next version of a source's record; `last` is its latest version, read by the caller.

    One INSERT … RETURNING id, without the ORM's unit of work: the version
    answered is not in the session (a new version is only read, never changed).
    """
    values = {
        "source_id": source_id,
        "dossier_id": dossier_id,
        "seq": (last.seq + 1) if last else 1,
        "fingerprint": fingerprint,
        "record": record,
        "text": text,
        "created_at": utcnow(),
    }
    table = Version.__table__  # type: ignore[attr-defined]
    new_id = session.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
    return Version(id=new_id, **values)


@dataclass(frozen=True)
class VersionInfo:
    """A version without its record: what a list of versions shows."""

    id: int
    source: str
    seq: int
    created_at: datetime


def versions_of(session: Session, *, dossier_id: int) -> list[VersionInfo]:
    """A file's versions from every source, newest first."""
    query = (
        select(Version.id, Source.name, Version.seq, Version.created_at)
        .join(Source, col(Source.id) == col(Version.source_id))
        .where(Version.dossier_id == dossier_id)
        .order_by(col(Version.created_at).desc(), col(Version.id).desc())
    )
    return [VersionInfo(*row) for row in session.exec(query)]


def version_with_source(session: Session, *, version_id: int) -> tuple[Version, str] | None:
    """A version with its source's name."""
    query = (
        select(Version, Source.name)
        .join(Source, col(Source.id) == col(Version.source_id))
        .where(Version.id == version_id)
    )
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def previous_version_id(session: Session, *, version_id: int) -> int | None:
    """The version of the same source just before this one."""
    version = session.get(Version, version_id)
    if version is None:
        return None
    query = select(Version.id).where(
        Version.source_id == version.source_id, Version.seq < version.seq
    )
    return session.exec(query.order_by(col(Version.seq).desc())).first()
