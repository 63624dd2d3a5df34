"""Send the week's digests: one per subscriber and period, ever; retried, never twice.

The period is the last complete week, Monday 07:00 to Monday 07:00 in
LEXWATCH_TIMEZONE (monitor.schedule's digest time; `period_for`). A subscriber
gets the digest of a period only if they were subscribed before it ended. For
each such active subscriber, `send_due` first claims the period's DigestRun
(its row is committed before anything is sent), then composes, delivers with
retries, and records how it ended:

- `sent`; `bounced` (the server refused the address with a 5xx; the subscriber
  is marked and no longer sent to); `failed` (after the last try, with the
  error; the next run for the same period tries again);
- a run still `pending` means a process stopped while sending it: it may have
  gone out, so it is never sent again on its own (at most once, not twice).

When the server cannot be reached at all, the remaining subscribers are left
unclaimed for the next run, and their next digest starts where their last sent
one ended (up to CATCH_UP back, never before they subscribed), so a week the
server was down is not lost.

`preview` composes what a subscriber gets, unsent, for the same period the
send takes (`preview_period`): the last complete week, or, for someone who
subscribed after it ended, the week in progress that the next digest time closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import repo
from db.engine import session_scope
from db.models import Source, Subscriber
from digests import agenda, relevance, select, unsubscribe
from digests import compose as composer
from digests import message as messages
from digests.files import facts_of
from digests.model import DigestEmail, DigestInput, Recipient
from digests.transport import Transport, classify, open_transport
from monitor import schedule
from monitor.health import interval
from vocab.errors import LexwatchError, NotFound
from vocab.settings import Settings

CATCH_UP = timedelta(weeks=8)


@dataclass(frozen=True)
class Delivery:
    """How hard to try: waits (seconds) before each retry, and the SMTP timeout."""

    delays: tuple[float, ...] = (2.0, 10.0, 60.0)
    timeout: float = 30.0


DELIVERY = Delivery()


@dataclass(frozen=True)
class SendResult:
    """How one subscriber's digest ended in this run."""

    email: str
    status: str
    changes: int = 0
    attempts: int = 0
    error: str = ""
    message_id: str = ""

    def line(self) -> str:
        """One line for the log and the CLI."""
        text = f"{self.email}: {self.status}"
        if self.status in ("sent", "failed", "bounced"):
            text += f", {self.changes} changes, {self.attempts} attempt(s)"
        return text + (f" ({self.error})" if self.error else "")


def period_for(now: datetime, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
    """The last complete week before `now`: [previous Monday 07:00, this Monday 07:00) in UTC."""
    end = schedule.last_digest_time(now, tz)
    start = schedule.moment_weeks_before(end, 1)
    return start.astimezone(UTC), end.astimezone(UTC)


def preview_period(
    now: datetime, tz: str | ZoneInfo, subscribed_at: datetime
) -> tuple[datetime, datetime]:
    """The period of the digest a subscriber gets for the last complete week, or, when they
    subscribed after it ended, of the next one: the week the next digest time closes."""
    start, end = period_for(now, tz)
    if subscribed_at < end:
        return start, end
    return period_for(schedule.digest_trigger(tz).get_next_fire_time(None, now), tz)


@dataclass
class _Run:
    """What one call of send_due works with."""

    engine: Engine
    settings: Settings
    now: datetime
    start: datetime
    end: datetime
    delivery: Delivery
    sleep: Callable[[float], None]

    @property
    def until(self) -> datetime:
        """How far the crawl log is read: the period's end, or now in a preview of a week
        in progress (what has not happened yet cannot have failed)."""
        return min(self.end, self.now)


def send_due(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    delivery: Delivery | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SendResult]:
    """Send the digests of the last complete period that are not sent yet; one result each."""
    start, end = period_for(now, settings.timezone)
    run = _Run(engine, settings, now, start, end, delivery or DELIVERY, sleep)
    with session_scope(engine) as session:
        due = _due(session, start, end)
        if not due:
            return []
        material = _gather(session, run, {d.since for d in due})
    opened = open_transport(settings.smtp_url, settings.outbox, timeout=run.delivery.timeout)
    with opened as transport:
        return _send_all(run, material, transport, due)


@dataclass(frozen=True)
class _Due:
    """A subscriber whose digest for the period is not sent yet, and where it starts."""

    subscriber_id: int
    reader: Recipient
    since: datetime
    language: str = "en"


@dataclass(frozen=True)
class _Outcome:
    """How delivering one message ended; `down`: no server could be reached."""

    status: str
    attempts: int = 0
    error: str = ""
    down: bool = False


def _due(session: Session, start: datetime, end: datetime) -> list[_Due]:
    taken = repo.period_runs(session, start=start)
    last, following = repo.last_sent_ends(session, before=start), repo.subscriptions(session)
    key = repo.unsubscribe_key(session)
    return [
        _Due(
            s.id,
            _reader(session, s, key),
            _since(last.get(s.id), start, s.subscribed_at),
            s.language,
        )
        for s in repo.list_subscribers(session, active_only=True)
        if s.id in following  # someone who follows nothing gets no mail
        and s.subscribed_at < end  # nor the digest of a week that ended before they subscribed
        and taken.get(s.id, "failed") == "failed"  # none yet, or one to try again
    ]


def _since(last_end: datetime | None, start: datetime, subscribed_at: datetime) -> datetime:
    # A week the digest could not go out is told in the next one (a bounded catch-up), but
    # weeks before a (re)subscription are not theirs.
    if last_end is not None and max(start - CATCH_UP, subscribed_at) <= last_end < start:
        return last_end
    return start


def _reader(session: Session, subscriber: Subscriber, key: str) -> Recipient:
    stamp = repo.ensure_unsubscribe_token(session, subscriber=subscriber)
    return Recipient(subscriber.email, subscriber.name, unsubscribe.make(key, subscriber.id, stamp))


def _send_all(
    run: _Run, material: select.Material, transport: Transport, due: list[_Due]
) -> list[SendResult]:
    results: list[SendResult] = []
    for index, one in enumerate(due):
        result, down = _send_one(run, material, transport, one)
        results.append(result)
        if down:  # no server: leave the others unclaimed for the next run
            later = due[index + 1 :]
            results += [SendResult(d.reader.email, "deferred", error=result.error) for d in later]
            break
    return results


def _send_one(
    run: _Run, material: select.Material, transport: Transport, due: _Due
) -> tuple[SendResult, bool]:
    run_id = _claim(run, due.subscriber_id)
    if run_id is None:
        return SendResult(due.reader.email, "skipped", error="already sent or being sent"), False
    try:
        data = _input(run.settings, material, due, run.end)
        message, msgid = _message(run, data)
    except Exception as exc:  # a bug here must not leave the run pending (never retried) forever
        failed = _Outcome("failed", error=f"could not compose the digest: {exc!r}")
        return _finish(run, run_id, due.reader.email, failed, 0, ""), False
    outcome = _deliver(run, transport, message, due.reader.email)
    result = _finish(run, run_id, due.reader.email, outcome, len(data.changes), msgid)
    return result, outcome.down


def _claim(run: _Run, subscriber_id: int) -> int | None:
    try:
        with session_scope(run.engine) as session:
            claimed = repo.claim_digest(
                session, subscriber_id=subscriber_id, start=run.start, end=run.end
            )
            return claimed.id if claimed else None
    except IntegrityError:  # another process inserted the same run first: it is theirs
        return None


def _message(run: _Run, data: DigestInput) -> tuple[EmailMessage, str]:
    email = composer.compose(data, now=run.now)
    msgid = messages.message_id(run.settings.mail_from)
    built = messages.build(
        email,
        sender=run.settings.mail_from,
        to=data.reader.email,
        name=data.reader.name,
        now=run.now,
        msgid=msgid,
    )
    return built, msgid


def _deliver(run: _Run, transport: Transport, message: EmailMessage, to: str) -> _Outcome:
    """Try once, then once after each of the delivery's delays, while failures are temporary."""
    sender = parseaddr(run.settings.mail_from)[1]
    outcome = _Outcome("failed")
    for attempt, wait in enumerate((0.0, *run.delivery.delays), start=1):
        if wait:
            run.sleep(wait)
        try:
            transport.send(message, sender=sender, to=to)
            return _Outcome("sent", attempt)
        except (OSError, LexwatchError) as exc:  # smtplib's errors are OSErrors
            transport.reset()
            failure = classify(exc)
            status = "bounced" if failure.kind == "bounce" else "failed"
            outcome = _Outcome(status, attempt, failure.error, failure.down)
            if failure.kind != "retry":
                return outcome
    return outcome


def _finish(
    run: _Run, run_id: int, email: str, outcome: _Outcome, changes: int, msgid: str
) -> SendResult:
    sent_id = msgid if outcome.status == "sent" else ""
    with session_scope(run.engine) as session:
        repo.finish_digest(
            session,
            run_id=run_id,
            status=outcome.status,
            attempts=outcome.attempts,
            changes=changes,
            message_id=sent_id,
            error=outcome.error,
        )
    return SendResult(email, outcome.status, changes, outcome.attempts, outcome.error, sent_id)


def _gather(session: Session, run: _Run, sinces: set[datetime]) -> select.Material:
    """What the digests starting at these times read; composing reads nothing else."""
    since = min(sinces)
    changes = repo.digest_changes(session, start=since, end=run.end)
    forecasts = _forecasts(session, run.now, run.settings.timezone)
    ids = {c.dossier_id for c, *_ in changes if c.dossier_id} | {d.id for _, d, _ in forecasts}
    sources, readings = _readings(session, since, run.until)
    return select.material(
        changes=changes,
        facts=facts_of(session, ids),
        watches=repo.list_watches(session),
        subscriptions=repo.subscriptions(session),
        forecasts=forecasts,
        readings=readings,
        about=_about(session, [sources[i] for i in _suspects(readings, sinces, run.until)]),
        until=run.until,
    )


def _readings(
    session: Session, since: datetime, until: datetime
) -> tuple[dict[int, Source], dict[int, select.Readings]]:
    """The enabled sources, and each one's crawl log from `since` (a paused one is not missed)."""
    sources = {s.id: s for s in repo.list_sources(session, enabled_only=True)}
    runs: dict[int, list[tuple[datetime, str]]] = {}
    for source_id, started, status in repo.crawl_log(session, start=since, end=until):
        runs.setdefault(source_id, []).append((started, status))
    before = repo.last_crawls_before(session, start=since)
    return sources, {
        s.id: select.Readings(
            s.id, s.name, interval(s), s.created_at, tuple(runs.get(s.id, ())), before.get(s.id)
        )
        for s in sources.values()
    }


def _suspects(
    readings: dict[int, select.Readings], sinces: set[datetime], until: datetime
) -> list[int]:
    # Only sources some reader may hear of need to be matched against the watches.
    return [i for i, r in readings.items() if any(select.trouble_in(r, s, until) for s in sinces)]


def _about(session: Session, sources: list[Source]) -> dict[int, relevance.Subject]:
    versions = repo.latest_versions(session, source_ids=[s.id for s in sources])
    facts = facts_of(session, {v.dossier_id for v in versions.values() if v.dossier_id})
    out = {}
    for source in sources:
        version = versions.get(source.id)
        about = facts.get(version.dossier_id) if version and version.dossier_id else None
        out[source.id] = select.source_subject(source, version, about)
    return out


def _forecasts(session: Session, now: datetime, tz: str) -> list:
    today = now.astimezone(ZoneInfo(tz)).date()
    last = today + timedelta(weeks=composer.UPCOMING_WEEKS)
    return agenda.upcoming(session, today.isoformat(), last.isoformat())


def preview(
    session: Session, settings: Settings, subscriber_id: int, now: datetime | None = None
) -> DigestEmail:
    """The digest a subscriber gets for the period `preview_period` names, composed, not sent.

    For the admin pages, in the caller's session. It writes nothing but a missing
    unsubscribe stamp; `now` defaults to the present.
    """
    now = now or datetime.now(UTC)
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is None:
        raise NotFound(f"no subscriber with id {subscriber_id}: see `lexwatch subscribers list`")
    start, end = preview_period(now, settings.timezone, subscriber.subscribed_at)
    run = _Run(session.get_bind(), settings, now, start, end, DELIVERY, time.sleep)
    last = repo.last_sent_ends(session, before=start).get(subscriber.id)
    since = _since(last, start, subscriber.subscribed_at)
    material = _gather(session, run, {since})
    reader = _reader(session, subscriber, repo.unsubscribe_key(session))
    due = _Due(subscriber.id, reader, since, subscriber.language)
    return composer.compose(_input(settings, material, due, end), now=now)


def compose_for(engine: Engine, settings: Settings, email: str, now: datetime) -> DigestEmail:
    """The digest of the subscriber with this address (`lexwatch digest preview`), not sent."""
    with session_scope(engine) as session:
        subscriber = repo.find_subscriber(session, email=email)
        return preview(session, settings, subscriber.id, now)


def _input(settings: Settings, material: select.Material, due: _Due, end: datetime) -> DigestInput:
    return select.digest_input(
        material,
        subscriber_id=due.subscriber_id,
        reader=due.reader,
        since=due.since,
        end=end,
        base_url=settings.base_url,
        timezone=settings.timezone,
        language=due.language,
    )
