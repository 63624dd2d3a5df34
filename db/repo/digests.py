"""Data functions for watches, subscribers and digest runs, and what a digest reads.

A digest run is claimed by inserting its row: the unique key (subscriber,
period_start) lets exactly one process have it. A run that failed can be taken
again, but only by one process (a conditional update); a run left `pending` by
a process that stopped is never taken again, because it may have been sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, delete, func, select

from db.models import (
    Change,
    CrawlRun,
    DigestRun,
    Dossier,
    DossierIdentifier,
    DossierLink,
    Source,
    Subscriber,
    Subscription,
    Version,
    Watch,
    utcnow,
)
from db.repo.state import get_state, set_state
from vocab.errors import ConfigError, NotFound

UNSUBSCRIBE_KEY = "unsubscribe_key"  # the AppState row
STAMP_MIN = 20  # characters; stamps are token_urlsafe(24), 32 characters

__all__ = [
    "add_watch",
    "changes_by_id",
    "cited_dossiers",
    "claim_digest",
    "crawl_log",
    "digest_changes",
    "digest_runs",
    "dossier_identifiers",
    "dossiers_by_id",
    "ensure_unsubscribe_token",
    "find_subscriber",
    "find_watch",
    "finish_digest",
    "last_crawls_before",
    "last_sent_ends",
    "latest_versions",
    "list_subscribers",
    "list_watches",
    "period_runs",
    "remove_subscriber",
    "subscribe",
    "subscriber_by_stamp",
    "subscriber_counts",
    "subscriber_watches",
    "subscriptions",
    "unfollow",
    "unsubscribe",
    "unsubscribe_key",
    "upsert_subscriber",
    "watches_named",
]

# -- watches -----------------------------------------------------------------


def add_watch(session: Session, *, watch: Watch) -> Watch:
    """Store a new watch; a name already taken is a ConfigError."""
    if watches_named(session, names=[watch.name]):
        raise ConfigError(f"a watch named '{watch.name}' exists already: pick another name")
    session.add(watch)
    session.flush()
    return watch


def watches_named(session: Session, *, names: Sequence[str]) -> list[Watch]:
    """The watches with these names (those that exist)."""
    return list(session.exec(select(Watch).where(col(Watch.name).in_(names))))


def find_watch(session: Session, *, name: str) -> Watch:
    """A watch by name; NotFound says how to list them."""
    found = watches_named(session, names=[name])
    if not found:
        raise NotFound(f"no watch named '{name}': see `lexwatch watches list`")
    return found[0]


def list_watches(session: Session) -> list[Watch]:
    """Every watch, by name."""
    return list(session.exec(select(Watch).order_by(col(Watch.name))))


def subscriber_counts(session: Session) -> dict[int, int]:
    """Watch id -> how many subscribers follow it."""
    query = select(Subscription.watch_id, func.count()).group_by(col(Subscription.watch_id))
    return {watch_id: count for watch_id, count in session.exec(query)}


# -- subscribers ---------------------------------------------------------------


def upsert_subscriber(
    session: Session, *, email: str, name: str = "", language: str = ""
) -> tuple[Subscriber, bool]:
    """The subscriber with this address, created when new and made active again: (row, new?)."""
    subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
    created = subscriber is None
    if subscriber is None:
        subscriber = Subscriber(email=email, unsubscribe_token=secrets.token_urlsafe(24))
        session.add(subscriber)
    subscriber.name = name or subscriber.name
    subscriber.language = language or subscriber.language
    if subscriber.status != "active":  # an admin adding the address again means: send again
        subscriber.status, subscriber.subscribed_at = "active", utcnow()
    session.flush()
    return subscriber, created


def subscribe(session: Session, *, subscriber: Subscriber, watches: Iterable[Watch]) -> None:
    """Make the subscriber follow these watches (each once)."""
    known = {w.id for w in subscriber_watches(session, subscriber_id=subscriber.id)}
    for watch in watches:
        if watch.id not in known:
            known.add(watch.id)
            session.add(Subscription(subscriber_id=subscriber.id, watch_id=watch.id))
    session.flush()


def find_subscriber(session: Session, *, email: str) -> Subscriber:
    """A subscriber by address; NotFound says how to list them."""
    found = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
    if found is None:
        raise NotFound(f"no subscriber '{email}': see `lexwatch subscribers list`")
    return found


def subscriber_by_stamp(session: Session, *, stamp: str) -> Subscriber | None:
    """The subscriber with this unsubscribe stamp: the link of digests sent before links were
    signed was the stamp itself (None for a stamp too short to be one)."""
    if len(stamp) < STAMP_MIN:
        return None
    return session.exec(select(Subscriber).where(Subscriber.unsubscribe_token == stamp)).first()


def unsubscribe(session: Session, *, subscriber: Subscriber) -> None:
    """Stop every digest to this subscriber (their link or List-Unsubscribe said so)."""
    subscriber.status = "unsubscribed"
    session.flush()


def unfollow(session: Session, *, subscriber: Subscriber, watch_ids: Iterable[int]) -> list[Watch]:
    """Stop following these watches; the watches still followed (none left: unsubscribed)."""
    chosen = list(watch_ids)
    session.exec(
        delete(Subscription).where(
            col(Subscription.subscriber_id) == subscriber.id,
            col(Subscription.watch_id).in_(chosen),
        )
    )
    left = subscriber_watches(session, subscriber_id=subscriber.id)
    if not left:
        unsubscribe(session, subscriber=subscriber)
    return left


def unsubscribe_key(session: Session) -> str:
    """The secret that signs unsubscribe links (migration 0005 makes it; made here if missing)."""
    key = get_state(session, key=UNSUBSCRIBE_KEY)
    if not key:
        key = secrets.token_urlsafe(32)
        set_state(session, key=UNSUBSCRIBE_KEY, value=key)
        session.flush()
    return key


def list_subscribers(session: Session, *, active_only: bool = False) -> list[Subscriber]:
    """Every subscriber (or only the active ones), by address."""
    query = select(Subscriber).order_by(col(Subscriber.email))
    if active_only:
        query = query.where(Subscriber.status == "active")
    return list(session.exec(query))


def subscriber_watches(session: Session, *, subscriber_id: int) -> list[Watch]:
    """The watches a subscriber follows, by name."""
    query = (
        select(Watch)
        .join(Subscription, col(Subscription.watch_id) == col(Watch.id))
        .where(Subscription.subscriber_id == subscriber_id)
        .order_by(col(Watch.name))
    )
    return list(session.exec(query))


def subscriptions(session: Session) -> dict[int, list[int]]:
    """Subscriber id -> the ids of the watches they follow."""
    out: dict[int, list[int]] = {}
    for subscriber_id, watch_id in session.exec(
        select(Subscription.subscriber_id, Subscription.watch_id)
    ):
        out.setdefault(subscriber_id, []).append(watch_id)
    return out


def remove_subscriber(session: Session, *, subscriber: Subscriber) -> None:
    """Delete a subscriber with their subscriptions and digest history."""
    for table in (Subscription, DigestRun):
        session.exec(delete(table).where(table.subscriber_id == subscriber.id))
    session.delete(subscriber)


def ensure_unsubscribe_token(session: Session, *, subscriber: Subscriber) -> str:
    """The subscriber's unsubscribe stamp, created (random) when it is empty."""
    if not subscriber.unsubscribe_token:
        subscriber.unsubscribe_token = secrets.token_urlsafe(24)
        session.flush()
    return subscriber.unsubscribe_token


# -- digest runs ----------------------------------------------------------------


def claim_digest(
    session: Session, *, subscriber_id: int, start: datetime, end: datetime
) -> DigestRun | None:
    """Take the digest of one subscriber and period: a new run, a failed one again, or None.

    Call it in a transaction of its own and commit at once: the committed row is
    the claim other processes see. Two processes inserting at the same moment:
    the second gets IntegrityError at flush or commit, and must leave it.
    """
    query = select(DigestRun).where(
        DigestRun.subscriber_id == subscriber_id, DigestRun.period_start == start
    )
    run = session.exec(query).first()
    if run is None:
        run = DigestRun(subscriber_id=subscriber_id, period_start=start, period_end=end)
        session.add(run)
        session.flush()
        return run
    return run if run.status == "failed" and _retake(session, run) else None


def _retake(session: Session, run: DigestRun) -> bool:
    # Conditional update: of two processes retrying the same failed run, one wins.
    taken = session.exec(
        update(DigestRun)
        .where(col(DigestRun.id) == run.id, col(DigestRun.status) == "failed")
        .values(status="pending", error="")
    )
    session.refresh(run)
    return taken.rowcount == 1


def finish_digest(
    session: Session,
    *,
    run_id: int,
    status: str,
    attempts: int,
    changes: int,
    message_id: str = "",
    error: str = "",
) -> DigestRun:
    """Record how a digest ended; a bounce also marks its subscriber `bounced`."""
    run = session.get(DigestRun, run_id)
    run.status, run.attempts, run.changes = status, run.attempts + attempts, changes
    run.message_id, run.error = message_id or run.message_id, error[:2000]
    if status == "sent":
        run.sent_at = utcnow()
    if status == "bounced":
        session.get(Subscriber, run.subscriber_id).status = "bounced"
    session.flush()
    return run


def digest_runs(session: Session, *, limit: int = 200) -> list[tuple[DigestRun, str]]:
    """The latest digest runs with their subscriber's address, newest first."""
    query = (
        select(DigestRun, Subscriber.email)
        .join(Subscriber, col(Subscriber.id) == col(DigestRun.subscriber_id))
        .order_by(col(DigestRun.period_start).desc(), col(DigestRun.id).desc())
        .limit(limit)
    )
    return [(run, email) for run, email in session.exec(query)]


# -- what a digest reads ---------------------------------------------------------


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
