"""Data functions for the agenda: the stored versions its steps are read from.

The agenda (monitor.agenda) reads each source's versions of a file rather than
the Event table, which keeps a forecast's first date for ever.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import Dossier, Source, Version

__all__ = ["AGENDA_ROW", "agenda_versions", "versioned_dossier_ids"]

# What agenda_versions gives per version: (dossier id, file key, source name, record, seen at).
AGENDA_ROW = tuple[int, str, str, dict[str, Any], datetime]


def agenda_versions(
    session: Session, *, dossier_ids: Iterable[int] | None = None, newest_only: bool = False
) -> list[AGENDA_ROW]:
    """The versions of these files (all files when None), oldest first; or only each source's newest."""
    query = (
        select(Version.dossier_id, Dossier.key, Source.name, Version.record, Version.created_at)
        .join(Dossier, col(Dossier.id) == col(Version.dossier_id))
        .join(Source, col(Source.id) == col(Version.source_id))
        .order_by(col(Version.source_id), col(Version.seq))
    )
    if dossier_ids is not None:
        query = query.where(col(Version.dossier_id).in_(sorted(set(dossier_ids))))
    if newest_only:
        newest = _newest()
        query = query.join(newest, col(Version.id) == newest.c.id)
    return [
        (i, key, name, dict(record), seen) for i, key, name, record, seen in session.exec(query)
    ]


def _newest():
    return (
        select(func.max(Version.id).label("id"))
        .where(col(Version.dossier_id).is_not(None))
        .group_by(col(Version.source_id), col(Version.dossier_id))
        .subquery("newest")
    )


def versioned_dossier_ids(session: Session) -> list[int]:
    """Every file some source has a version of."""
    query = select(Version.dossier_id).where(col(Version.dossier_id).is_not(None)).distinct()
    return sorted(i for i in session.exec(query) if i is not None)
