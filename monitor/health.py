"""Source health as a person reads it: ok, stale, failing, broken, blocked, skipped, new.

The stored health says how the last runs ended; `effective_health` adds what
only time shows: a source with no successful fetch within three intervals is
stale, even when nothing failed loudly. The rules are here; db.repo only
stores what they decide (pipeline.health asks, then stores).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from db.models import Source
from db.repo import Health, RunResult, SourceHealth

STALE_AFTER = 3  # intervals without a success
STALE_REASON = "no successful fetch within three intervals"
SUCCEEDED = ("changed", "ok", "unchanged", "not_modified")  # run statuses that read the source
HEALTH_OF_STATUS = {
    "parse_error": "broken",
    "broken": "broken",
    "skipped": "skipped",
    "blocked": "blocked",  # a bot challenge instead of the page (errors.Blocked)
}


def interval(source: Source) -> timedelta:
    """The source's interval (a cron schedule counts as daily)."""
    return timedelta(seconds=source.every_seconds or 86400)


def effective_health(source: Source, now: datetime) -> str:
    """The stored health, or 'stale' when the last success is older than three intervals."""
    if source.health in ("ok", "new") and source.enabled:
        since = source.last_success_at or (source.created_at if source.health == "ok" else None)
        if since is not None and now - since > STALE_AFTER * interval(source):
            return "stale"
    return source.health


def after_run(
    source: Source | SourceHealth, result: RunResult, now: datetime, failing_after: int
) -> Health:
    """A source's health once a run ended: ok, the state a status names, or one more failure.

    A failure counts; the source is failing from `failing_after` in a row (a new
    source at the first), and keeps its health until then.
    """
    if result.status in SUCCEEDED:
        return Health("ok", "", 0, now, succeeded=True, changed=bool(result.changes))
    failures = source.consecutive_failures
    if result.status in HEALTH_OF_STATUS:
        return Health(HEALTH_OF_STATUS[result.status], result.error, failures, now)
    health = "failing" if failures + 1 >= failing_after else source.health
    return Health(health if health != "new" else "failing", result.error, failures + 1, now)


def gone_stale(source: Source, now: datetime) -> Health | None:
    """'stale' when time has made the source stale (effective_health), else None."""
    if effective_health(source, now) != "stale":
        return None
    return Health("stale", STALE_REASON, source.consecutive_failures, now)
