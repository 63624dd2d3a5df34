"""Schedules, in one place: when a source is due, and when the weekly digest goes out.

The scheduler builds its triggers here and `lexwatch status` (and the web's
health board) asks the same triggers for a source's next run, so the two never
disagree: both read a cron schedule in LEXWATCH_TIMEZONE. Pure: the caller
passes `now` and the timezone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from db.models import Source

DEFAULT_EVERY = 6 * 3600  # seconds, for a row that has neither interval nor cron
JITTER_SHARE = 0.1  # of the interval, at most MAX_JITTER seconds
MAX_JITTER = 300
CRON_JITTER = 30  # seconds after a cron time; sources of one host drift apart
DIGEST_WEEKDAY = 0  # Monday (date.weekday())
DIGEST_AT = time(7, 0)  # local time in LEXWATCH_TIMEZONE

Zone = str | ZoneInfo


def interval_seconds(source: Source) -> int:
    """The seconds between two crawls of an interval source."""
    return source.every_seconds or DEFAULT_EVERY


def _cron(source: Source, timezone: Zone) -> CronTrigger:
    return CronTrigger.from_crontab(source.cron or "", timezone=timezone)


def _first_due(source: Source, now: datetime) -> datetime:
    """An interval source is due one interval after its last run (now when never run or late)."""
    if source.last_run_at is None:
        return now
    return max(now, source.last_run_at + timedelta(seconds=interval_seconds(source)))


def source_trigger(source: Source, timezone: Zone, now: datetime) -> BaseTrigger:
    """The scheduler's trigger of a source: its cron in `timezone`, or its interval, with jitter."""
    if source.cron:
        trigger = _cron(source, timezone)
        trigger.jitter = CRON_JITTER
        return trigger
    seconds = interval_seconds(source)
    jitter = min(MAX_JITTER, seconds * JITTER_SHARE)
    start = _first_due(source, now)  # a restart keeps the source's cadence
    return IntervalTrigger(
        seconds=seconds, jitter=jitter or None, start_date=start, timezone=timezone
    )


def next_run(source: Source, now: datetime, timezone: Zone) -> datetime | None:
    """When the scheduler runs the source next, before jitter (None when paused)."""
    if not source.enabled:
        return None
    if source.cron:
        return _cron(source, timezone).get_next_fire_time(None, now)
    return _first_due(source, now)


def digest_trigger(timezone: Zone) -> CronTrigger:
    """The weekly digest's trigger: Mondays 07:00 in `timezone`."""
    return CronTrigger(
        day_of_week=DIGEST_WEEKDAY, hour=DIGEST_AT.hour, minute=DIGEST_AT.minute, timezone=timezone
    )


def last_digest_time(now: datetime, timezone: Zone) -> datetime:
    """The latest digest time at or before `now` (Monday 07:00 local), in `timezone`."""
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - DIGEST_WEEKDAY) % 7)
    moment = datetime.combine(day, DIGEST_AT, tzinfo=zone)
    return moment if moment <= local else moment_weeks_before(moment, 1)


def moment_weeks_before(moment: datetime, weeks: int) -> datetime:
    """The same local clock time `weeks` weeks earlier (negative: later), whatever DST did."""
    return datetime.combine(moment.date() - timedelta(weeks=weeks), moment.timetz())
