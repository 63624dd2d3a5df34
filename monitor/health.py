"""Source health as a person reads it: ok, stale, failing, broken, blocked, skipped, new.

The stored health says how the last runs ended; `effective_health` adds what
only time shows: a source with no successful fetch within three intervals is
stale, even when nothing failed loudly.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from db.models import Source

STALE_AFTER = 3  # intervals without a success
SUCCEEDED = ("changed", "ok", "unchanged", "not_modified")  # run statuses that read the source


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
