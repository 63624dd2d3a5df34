"""Data functions for the admin's watch and subscriber forms: edit and remove, and which
watches a subscriber follows, and the admin's lists of them. Checking what was typed is the caller's (digests.watches,
digests.subscribers); these only store it."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlmodel import Session, col, delete, func, select

from db.models import Subscriber, Subscription, Watch
from db.repo.alerts import remove_watch_alerts

__all__ = [
    "add_subscriber",
    "follow_only",
    "remove_watch",
    "subscriber_by_email",
    "subscriber_by_id",
    "subscribers_with_watches",
    "update_watch",
    "watch_by_id",
    "watch_follower_count",
    "watches_with_counts",
]


def watch_by_id(session: Session, *, watch_id: int) -> Watch | None:
    """A watch by id."""
    return session.get(Watch, watch_id)


def update_watch(session: Session, *, watch: Watch, new: Watch) -> Watch:
    """Copy what an admin may edit from a checked `new` onto `watch`."""
    for name in (
        "name",
        "description",
        "terms",
        "references",
        "jurisdictions",
        "min_significance",
        "alert_min",
        "quiet_hours",
    ):
        setattr(watch, name, getattr(new, name))
    session.add(watch)
    session.flush()
    return watch


def watch_follower_count(session: Session, *, watch_id: int) -> int:
    """How many subscribers follow a watch."""
    query = select(func.count()).select_from(Subscription).where(Subscription.watch_id == watch_id)
    return session.exec(query).one()


def remove_watch(session: Session, *, watch: Watch) -> None:
    """Delete a watch and its alerts; its subscribers stop following it (they stay subscribers)."""
    session.exec(delete(Subscription).where(col(Subscription.watch_id) == watch.id))
    remove_watch_alerts(session, watch_id=watch.id)
    session.delete(watch)
    session.flush()


def subscriber_by_email(session: Session, *, email: str) -> Subscriber | None:
    """A subscriber by address (compared in lower case: one person, one row)."""
    query = select(Subscriber).where(func.lower(Subscriber.email) == email.lower())
    return session.exec(query).first()


def add_subscriber(session: Session, *, email: str, name: str, language: str) -> Subscriber:
    """A new active subscriber with an unsubscribe token; the caller checked the address is free."""
    subscriber = Subscriber(
        email=email,
        name=name,
        language=language or "en",
        unsubscribe_token=secrets.token_urlsafe(24),
    )
    session.add(subscriber)
    session.flush()
    return subscriber


def follow_only(session: Session, *, subscriber: Subscriber, watch_ids: Iterable[int]) -> None:
    """Make the subscriber follow exactly these watches."""
    wanted = set(watch_ids)
    current = session.exec(select(Subscription).where(Subscription.subscriber_id == subscriber.id))
    for row in current:
        if row.watch_id in wanted:
            wanted.discard(row.watch_id)
        else:
            session.delete(row)
    for watch_id in sorted(wanted):
        session.add(Subscription(subscriber_id=subscriber.id, watch_id=watch_id))
    session.flush()


def watches_with_counts(session: Session) -> list[tuple[Watch, int]]:
    """Every watch with how many subscribers follow it."""
    counts = dict(
        session.exec(
            select(Subscription.watch_id, func.count()).group_by(col(Subscription.watch_id))
        ).all()
    )
    watches = session.exec(select(Watch).order_by(Watch.name))
    return [(watch, counts.get(watch.id, 0)) for watch in watches]


def subscriber_by_id(session: Session, *, subscriber_id: int) -> Subscriber | None:
    """A subscriber by id."""
    return session.get(Subscriber, subscriber_id)


def subscribers_with_watches(session: Session) -> list[tuple[Subscriber, list[str]]]:
    """Every subscriber with the names of the watches they follow."""
    follows: dict[int, list[str]] = {}
    query = select(Subscription.subscriber_id, Watch.name).join(
        Watch, col(Watch.id) == col(Subscription.watch_id)
    )
    for subscriber_id, name in session.exec(query.order_by(Watch.name)):
        follows.setdefault(subscriber_id, []).append(name)
    people = session.exec(select(Subscriber).order_by(Subscriber.email))
    return [(person, follows.get(person.id, [])) for person in people]
