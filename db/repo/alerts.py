"""Data functions for alerts: each watch's channels and their health, and every alert told.

An alert row is (watch, change, channel), unique: recording it twice is
impossible, so a change is told to a channel once, ever. A row is claimed
before it is sent (pending -> sending, a conditional update only one process
wins); a row a stopped process left `sending` is never sent again, because it
may have gone out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from db.models import Alert, AlertChannel, Change, Watch

__all__ = [
    "add_alerts",
    "alert_channels",
    "claim_alerts",
    "due_alerts",
    "failing_channels",
    "finish_alerts",
    "list_alerts",
    "note_channel",
    "recorded_alerts",
    "remove_alert_channels",
    "remove_watch_alerts",
    "set_alert_channels",
]


def alert_channels(session: Session, *, watch_id: int | None = None) -> list[AlertChannel]:
    """The channels of one watch (or of every watch), oldest first."""
    query = select(AlertChannel).order_by(col(AlertChannel.id))
    if watch_id is not None:
        query = query.where(AlertChannel.watch_id == watch_id)
    return list(session.exec(query))


def set_alert_channels(session: Session, *, watch: Watch, urls: Iterable[str]) -> None:
    """Make these URLs the watch's channels: a URL kept keeps its row, its health and its alerts."""
    wanted = list(dict.fromkeys(urls))
    have = alert_channels(session, watch_id=watch.id)
    gone = [c.id for c in have if c.url not in wanted]
    remove_alert_channels(session, channel_ids=gone)
    kept = {c.url for c in have}
    for url in wanted:
        if url not in kept:
            session.add(AlertChannel(watch_id=watch.id, url=url))
    session.flush()


def remove_alert_channels(session: Session, *, channel_ids: Iterable[int]) -> None:
    """Delete channels and what was recorded of their alerts."""
    chosen = list(channel_ids)
    if chosen:
        session.exec(delete(Alert).where(col(Alert.channel_id).in_(chosen)))
        session.exec(delete(AlertChannel).where(col(AlertChannel.id).in_(chosen)))
        session.flush()


def remove_watch_alerts(session: Session, *, watch_id: int) -> None:
    """Before a watch goes: its channels and alerts."""
    channels = alert_channels(session, watch_id=watch_id)
    remove_alert_channels(session, channel_ids=[c.id for c in channels])


def recorded_alerts(session: Session, *, change_ids: Iterable[int]) -> set[tuple[int, int, int]]:
    """(watch, change, channel) of every alert recorded for these changes."""
    query = select(Alert.watch_id, Alert.change_id, Alert.channel_id).where(
        col(Alert.change_id).in_(list(change_ids))
    )
    return {tuple(row) for row in session.exec(query)}


def add_alerts(session: Session, *, rows: Iterable[Alert]) -> int:
    """Record new alerts; how many."""
    added = list(rows)
    session.add_all(added)
    session.flush()
    return len(added)


def due_alerts(session: Session, *, now: datetime) -> list[Alert]:
    """Pending alerts whose time has come, oldest change first."""
    query = (
        select(Alert)
        .where(Alert.status == "pending", Alert.due_at <= now)
        .order_by(col(Alert.channel_id), col(Alert.change_id))
    )
    return list(session.exec(query))


def claim_alerts(session: Session, *, alert_ids: Iterable[int]) -> list[int]:
    """Take pending alerts for sending (each by one process only); the ids taken."""
    taken = []
    for alert_id in alert_ids:
        claim = (
            update(Alert)
            .where(col(Alert.id) == alert_id, col(Alert.status) == "pending")
            .values(status="sending", attempts=Alert.attempts + 1)
        )
        if session.exec(claim).rowcount == 1:  # type: ignore[call-overload]
            taken.append(alert_id)
    return taken


def finish_alerts(
    session: Session, *, alert_ids: Iterable[int], status: str, due_at: datetime, error: str = ""
) -> None:
    """Record how sending ended: sent (at due_at), pending again (due then) or given up."""
    sent = due_at if status == "sent" else None
    session.exec(
        update(Alert)
        .where(col(Alert.id).in_(list(alert_ids)))
        .values(status=status, due_at=due_at, error=error, sent_at=sent)
    )


def note_channel(
    session: Session, *, channel_id: int, now: datetime, error: str = ""
) -> AlertChannel | None:
    """A channel's health after a send: `error` empty means it went out."""
    channel = session.get(AlertChannel, channel_id)
    if channel is None:
        return None
    if error:
        channel.failures += 1
        channel.last_error = error
        channel.failing_since = channel.failing_since or now
    else:
        channel.failures, channel.last_error, channel.failing_since = 0, "", None
        channel.last_sent_at = now
    session.add(channel)
    return channel


def failing_channels(session: Session) -> list[tuple[AlertChannel, str]]:
    """Channels whose last send failed, with their watch's name."""
    query = (
        select(AlertChannel, Watch.name)
        .join(Watch, col(Watch.id) == col(AlertChannel.watch_id))
        .where(AlertChannel.failures > 0)
        .order_by(col(Watch.name), col(AlertChannel.id))
    )
    return [tuple(row) for row in session.exec(query)]


def list_alerts(
    session: Session, *, limit: int = 100
) -> list[tuple[Alert, str, AlertChannel, Change]]:
    """The newest alerts with their watch's name, channel and change."""
    query = (
        select(Alert, Watch.name, AlertChannel, Change)
        .join(Watch, col(Watch.id) == col(Alert.watch_id))
        .join(AlertChannel, col(AlertChannel.id) == col(Alert.channel_id))
        .join(Change, col(Change.id) == col(Alert.change_id))
        .order_by(col(Alert.id).desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.exec(query)]
