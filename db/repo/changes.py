"""Data functions for the Changes page and the file page's official links.

The Changes page lists every change newest first, filtered by file, source,
jurisdiction, least significance and a date range in SQL; the watch filter is
applied by the caller (a watch's terms are matched in Python, as digests match them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import Change, Dossier, Source, Version

__all__ = [
    "ChangeFilter",
    "ChangeRow",
    "change_jurisdictions",
    "change_rows",
    "changed_files",
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
    columns = (Change, Source.name, Dossier.key, Dossier.title, Dossier.jurisdiction,
               Source.jurisdiction)  # fmt: skip
    query = (
        select(*columns)
        .join(Source, col(Source.id) == col(Change.source_id))
        .join(Dossier, col(Dossier.id) == col(Change.dossier_id), isouter=True)
        .order_by(col(Change.detected_at).desc(), col(Change.id).desc())
    )
    for condition in _conditions(wanted):
        query = query.where(condition)
    rows = session.exec(query.offset(offset).limit(limit))
    return [ChangeRow(c, name, key or "", title or "", home or own or "")
            for c, name, key, title, home, own in rows]  # fmt: skip


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
