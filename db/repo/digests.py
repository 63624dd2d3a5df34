"""Data functions for watches, subscribers and digest runs (what a digest reads: digestreads).

A digest run is claimed by inserting its row: the unique key (subscriber,
period_start) lets exactly one process have it. A run that failed can be taken
again, but only by one process (a conditional update); a run left `pending` by
a process that stopped is never taken again, because it may have been sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, func, select

from db.models import (
    DigestRun,
    Subscriber,
    Subscription,
    Watch,
    utcnow,
)
from db.repo.state import get_state, set_state
from vocab.errors import ConfigError, NotFound

UNSUBSCRIBE_KEY = "unsubscribe_key"  # the AppState row
STAMP_MIN = 20  # characters; stamps are token_urlsafe(24), 32 characters

__all__ = [
    "add_watch",
    "claim_digest",
    "digest_runs",
    "ensure_unsubscribe_token",
    "find_subscriber",
    "find_watch",
    "finish_digest",
    "list_subscribers",
    "list_watches",
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
