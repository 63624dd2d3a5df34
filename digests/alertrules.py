"""When an alert may go out: quiet hours, the back-off between tries, the least significance,
and whether a channel URL is one apprise can send to. Pure.

Quiet hours are written "22-07" (from 22:00 to 07:00 the next morning, in
LEXWATCH_TIMEZONE) or "12-14"; an alert found in them waits until they end. A
failed send is tried again after each of RETRY_DELAYS in turn, on the cycles of
the scheduler that come after it; after the last it is given up, with the reason.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import apprise

from monitor.classify import SIGNIFICANCE, at_least
from vocab.channels import mask
from vocab.errors import ConfigError

RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
_HOURS = re.compile(r"^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$")


def quiet_span(spec: str) -> tuple[int, int] | None:
    """(first hour, hour it ends) of "22-07"; None for ""; a ConfigError for anything else."""
    if not spec.strip():
        return None
    found = _HOURS.match(spec)
    start, end = (int(found[1]), int(found[2])) if found else (-1, -1)
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        raise ConfigError(
            f"quiet hours look like 22-07 (from 22:00 to 07:00), not '{spec}'", field="quiet_hours"
        )
    return start, end


def is_quiet(now: datetime, spec: str, timezone: str) -> bool:
    """True when `now` falls in the quiet hours `spec` in `timezone`."""
    span = quiet_span(spec)
    if span is None:
        return False
    hour, (start, end) = now.astimezone(ZoneInfo(timezone)).hour, span
    return start <= hour < end if start < end else hour >= start or hour < end


def check_min(alert_min: str) -> str:
    """A known significance, else a ConfigError naming the choices."""
    if alert_min not in SIGNIFICANCE:
        raise ConfigError(
            f"alerts start at one of {', '.join(SIGNIFICANCE)}, not '{alert_min}'",
            field="alert_min",
        )
    return alert_min


def wanted(significance: str, alert_min: str) -> bool:
    """True when a change of `significance` is alerted by a watch starting at `alert_min`."""
    return at_least(significance, alert_min)


def next_try(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed sends; None: give up."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


def check_channel(url: str) -> str:
    """The URL when apprise can send to it; a ConfigError otherwise (never echoing the URL)."""
    if not url.strip() or not apprise.Apprise().add(url.strip()):
        raise ConfigError(
            f"not an alert channel apprise knows ({mask(url)}): e.g. mailto://… or json://…",
            field="alerts",
        )
    return url.strip()
