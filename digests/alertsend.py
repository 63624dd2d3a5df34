"""Alerts: find the changes each watch's channels must hear of, and send them through apprise.

`queue_new` records one Alert per (watch, change, channel) for the changes a
watch matches at or above its `alert_min`, found since the channel was added
(and within WINDOW): the unique key means a change is queued once, ever.
`send_due` sends what is due, one message per channel (several changes found
together are one message), except for a watch in its quiet hours, whose alerts
wait until they end. A send that fails is tried again after each of
alertrules.RETRY_DELAYS, then given up with the reason; the channel's failures
show on the health board and never hold back the other channels.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import apprise
from sqlalchemy import Engine
from sqlmodel import Session

from db import repo
from db.engine import session_scope
from db.models import Alert, AlertChannel, Watch
from digests import alertrules, relevance, select
from digests.alerts import AlertMessage, compose
from digests.files import facts_of
from vocab.channels import mask, secrets_of
from vocab.redact import redact
from vocab.settings import Settings

WINDOW = timedelta(days=1)  # older changes are the digest's news, not an alert's
# apprise's log lines may hold a channel's token: they reach Lexwatch only through `notify`,
# redacted, as a failed send's reason, never Lexwatch's log handlers directly.
_APPRISE_LOG = logging.getLogger("apprise")
_APPRISE_LOG.propagate = False
_APPRISE_LOG.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class AlertResult:
    """How sending to one channel ended: sent, retry (pending again), given_up or quiet."""

    watch: str
    channel: str  # masked
    changes: int
    status: str
    error: str = ""

    def line(self) -> str:
        tail = f": {self.error}" if self.error else ""
        return f"{self.watch} → {self.channel}: {self.status}, {self.changes} change(s){tail}"


def queue_new(engine: Engine, now: datetime) -> int:
    """Record the alerts the changes found since each channel was added call for; how many."""
    with session_scope(engine) as session:
        channels = repo.alert_channels(session)
        if not channels:
            return 0
        since = max(min(c.created_at for c in channels), now - WINDOW)
        found = _candidates(session, repo.digest_changes(session, start=since, end=now + WINDOW))
        done = repo.recorded_alerts(session, change_ids=[c.view.id for c in found])
        watches = {w.id: w for w in repo.list_watches(session)}
        rows = [a for c in channels for a in _wanted(c, watches[c.watch_id], found, now)]
        return repo.add_alerts(session, rows=[a for a in rows if _key(a) not in done])


def _candidates(session: Session, rows: Sequence) -> list[select.Candidate]:
    facts = facts_of(session, {c.dossier_id for c, *_ in rows if c.dossier_id})
    return [
        select.candidate(c, s, v, facts.get(c.dossier_id) if c.dossier_id else None)
        for c, s, _d, v in rows
    ]


def _wanted(
    channel: AlertChannel, watch: Watch, found: Sequence[select.Candidate], now: datetime
) -> list[Alert]:
    check = select.compiled(watch)
    return [
        Alert(watch_id=watch.id, change_id=c.view.id, channel_id=channel.id, due_at=now)
        for c in found
        if c.view.detected_at >= channel.created_at
        and alertrules.wanted(c.view.significance, watch.alert_min)
        and relevance.matches(check, c.subject)
    ]


def _key(alert: Alert) -> tuple[int, int, int]:
    return (alert.watch_id, alert.change_id, alert.channel_id)


@dataclass(frozen=True)
class _Batch:
    """The due alerts of one channel, with what composing and sending them needs."""

    channel: AlertChannel
    watch: Watch
    alerts: tuple[Alert, ...]


def send_due(engine: Engine, settings: Settings, now: datetime) -> list[AlertResult]:
    """Send every due alert, one message per channel; how each channel's send ended."""
    with session_scope(engine) as session:
        batches, views = _due(session, settings, now)
    return [_send(engine, settings, b, views, now) for b in batches]


def _due(session: Session, settings: Settings, now: datetime) -> tuple[list[_Batch], dict]:
    groups: dict[int, list[Alert]] = {}
    for alert in repo.due_alerts(session, now=now):
        groups.setdefault(alert.channel_id, []).append(alert)
    channels = {c.id: c for c in repo.alert_channels(session)}
    watches = {w.id: w for w in repo.list_watches(session)}
    batches = [_Batch(channels[i], watches[a[0].watch_id], tuple(a)) for i, a in groups.items()]
    loud = [
        b for b in batches if not alertrules.is_quiet(now, b.watch.quiet_hours, settings.timezone)
    ]
    ids = {a.change_id for b in loud for a in b.alerts}
    found = _candidates(session, repo.changes_by_id(session, change_ids=ids))
    return loud, {c.view.id: c.view for c in found}


def _send(
    engine: Engine, settings: Settings, batch: _Batch, views: dict, now: datetime
) -> AlertResult:
    with session_scope(engine) as session:
        taken = repo.claim_alerts(session, alert_ids=[a.id for a in batch.alerts])
    alerts = [a for a in batch.alerts if a.id in taken]
    shown = mask(batch.channel.url)
    if not alerts:
        return AlertResult(batch.watch.name, shown, 0, "skipped", "sent or being sent elsewhere")
    error = _attempt(batch, [views.get(a.change_id) for a in alerts], settings.base_url)
    status, due = _after(error, max(a.attempts for a in alerts) + 1, now)
    with session_scope(engine) as session:
        repo.finish_alerts(session, alert_ids=taken, status=status, due_at=due, error=error)
        repo.note_channel(session, channel_id=batch.channel.id, now=now, error=error)
    return AlertResult(batch.watch.name, shown, len(alerts), status, error)


def _attempt(batch: _Batch, views: list, base_url: str) -> str:
    """Compose and send one batch: "" when it went out, else why not."""
    try:
        message = compose(batch.watch.name, views, base_url)
    except Exception as exc:  # a bug here must not leave the alerts claimed and never sent
        return f"could not compose the alert: {type(exc).__name__}"
    return notify(batch.channel.url, message)


def _after(error: str, attempts: int, now: datetime) -> tuple[str, datetime]:
    """(status, when) after a send: sent now, pending until the next try, or given up now."""
    if not error:
        return "sent", now
    again = alertrules.next_try(attempts, now)
    return ("pending", again) if again else ("given_up", now)


def notify(url: str, message: AlertMessage) -> str:
    """Send one message to one channel: "" when it went out, else why not (no secret in it)."""
    box = apprise.Apprise()
    if not box.add(url):
        return "apprise does not understand this channel URL any more"
    try:
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            sent = box.notify(body=message.body, title=message.title, body_format="text")
            said = captured.getvalue()
    except Exception as exc:  # a channel's own failure must not stop the other channels
        sent, said = False, f"{type(exc).__name__}: {exc}"
    if sent:
        return ""
    reason = " ".join(said.split()) or "the channel did not accept the alert"
    return redact(redact(reason), secrets_of(url))[:500]
