"""Data functions for what a digest reads: the period's changes, the files they belong to,
the crawls of the period (what could not be read), the latest versions of sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from db.models import (
    Change,
    CrawlRun,
    DigestRun,
    Dossier,
    DossierIdentifier,
    DossierLink,
    Source,
    Version,
)

__all__ = [
    "changes_by_id",
    "cited_dossiers",
    "crawl_log",
    "digest_changes",
    "dossier_identifiers",
    "dossiers_by_id",
    "last_crawls_before",
    "last_sent_ends",
    "latest_versions",
    "period_runs",
]


def digest_changes(
    session: Session, *, start: datetime, end: datetime
) -> list[tuple[Change, Source, Dossier | None, Version]]:
    """Changes detected in [start, end) with their source, dossier and version, oldest first."""
    return _change_rows(session, Change.detected_at >= start, Change.detected_at < end)


def changes_by_id(
    session: Session, *, change_ids: Iterable[int]
) -> list[tuple[Change, Source, Dossier | None, Version]]:
    """These changes with their source, dossier and version (as digest_changes gives them)."""
    return _change_rows(session, col(Change.id).in_(list(change_ids)))


def _change_rows(
    session: Session, *conditions: Any
) -> list[tuple[Change, Source, Dossier | None, Version]]:
    query = (
        select(Change, Source, Dossier, Version)
        .join(Source, col(Source.id) == col(Change.source_id))
        .join(Version, col(Version.id) == col(Change.version_id))
        .join(Dossier, col(Dossier.id) == col(Change.dossier_id), isouter=True)
        .where(*conditions)
        .order_by(col(Change.detected_at), col(Change.id))
    )
    return [tuple(row) for row in session.exec(query)]


def dossier_identifiers(
    session: Session, *, dossier_ids: Iterable[int]
) -> dict[int, set[tuple[str, str]]]:
    """Dossier id -> its identifiers."""
    ids = sorted(set(dossier_ids))
    out: dict[int, set[tuple[str, str]]] = {i: set() for i in ids}
    query = select(
        DossierIdentifier.dossier_id, DossierIdentifier.scheme, DossierIdentifier.value
    ).where(col(DossierIdentifier.dossier_id).in_(ids))
    for dossier_id, scheme, value in session.exec(query):
        out[dossier_id].add((scheme, value))
    return out


def cited_dossiers(session: Session, *, dossier_ids: Iterable[int]) -> dict[int, list[Dossier]]:
    """Dossier id -> the dossiers it links to (a motion -> the EU file it cites)."""
    ids = sorted(set(dossier_ids))
    out: dict[int, list[Dossier]] = {i: [] for i in ids}
    query = (
        select(DossierLink.from_id, Dossier)
        .join(Dossier, col(Dossier.id) == col(DossierLink.to_id))
        .where(col(DossierLink.from_id).in_(ids))
    )
    for from_id, dossier in session.exec(query):
        out[from_id].append(dossier)
    return out


def dossiers_by_id(session: Session, *, dossier_ids: Iterable[int]) -> dict[int, Dossier]:
    """Dossier id -> dossier."""
    query = select(Dossier).where(col(Dossier.id).in_(sorted(set(dossier_ids))))
    return {dossier.id: dossier for dossier in session.exec(query)}


def period_runs(session: Session, *, start: datetime) -> dict[int, str]:
    """Subscriber id -> the status of their digest run for the period starting at `start`."""
    query = select(DigestRun.subscriber_id, DigestRun.status).where(DigestRun.period_start == start)
    return {subscriber_id: status for subscriber_id, status in session.exec(query)}


def last_sent_ends(session: Session, *, before: datetime | None = None) -> dict[int, datetime]:
    """Subscriber id -> the end of the last period a digest was sent to them for (of the
    periods that started before `before`, when given)."""
    query = select(DigestRun.subscriber_id, func.max(DigestRun.period_end)).where(
        DigestRun.status == "sent"
    )
    if before is not None:
        query = query.where(DigestRun.period_start < before)
    query = query.group_by(col(DigestRun.subscriber_id))
    return {subscriber_id: end for subscriber_id, end in session.exec(query)}


def crawl_log(
    session: Session, *, start: datetime, end: datetime
) -> list[tuple[int, datetime, str]]:
    """(source id, started at, status) of the finished crawl runs started in [start, end), oldest first."""
    query = (
        select(CrawlRun.source_id, CrawlRun.started_at, CrawlRun.status)
        .where(
            col(CrawlRun.finished_at).is_not(None),
            CrawlRun.started_at >= start,
            CrawlRun.started_at < end,
        )
        .order_by(col(CrawlRun.started_at), col(CrawlRun.id))
    )
    return [(source_id, started, status) for source_id, started, status in session.exec(query)]


def last_crawls_before(session: Session, *, start: datetime) -> dict[int, datetime]:
    """Source id -> when its last finished crawl run before `start` started."""
    query = (
        select(CrawlRun.source_id, func.max(CrawlRun.started_at))
        .where(col(CrawlRun.finished_at).is_not(None), CrawlRun.started_at < start)
        .group_by(col(CrawlRun.source_id))
    )
    return {source_id: started for source_id, started in session.exec(query)}


def latest_versions(session: Session, *, source_ids: Iterable[int]) -> dict[int, Version]:
    """Source id -> its latest Version (sources never read are left out)."""
    ids = sorted(set(source_ids))
    newest = (
        select(Version.source_id, func.max(Version.seq).label("seq"))
        .where(col(Version.source_id).in_(ids))
        .group_by(col(Version.source_id))
        .subquery()
    )
    query = select(Version).join(
        newest, (col(Version.source_id) == newest.c.source_id) & (col(Version.seq) == newest.c.seq)
    )
    return {version.source_id: version for version in session.exec(query)}
