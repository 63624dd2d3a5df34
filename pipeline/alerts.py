"""When alerts go out: right after a crawl is recorded, and on every minute's cycle for the rest.

The scheduler calls `deliver` after each crawl that found a change, so the change
is told within the same cycle, and once a minute, so that a retry that came due or
quiet hours that ended are sent without waiting for another crawl. `lexwatch
alerts send` calls it once. digests.alertsend does the work.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine

from digests.alertsend import AlertResult, queue_new, send_due
from vocab.settings import Settings

log = logging.getLogger("lexwatch.alerts")


def deliver(engine: Engine, settings: Settings, now: datetime) -> list[AlertResult]:
    """Queue the alerts the newest changes call for, then send every due one; one line each."""
    queued = queue_new(engine, now)
    results = send_due(engine, settings, now)
    if queued:
        log.info("alerts: %d queued", queued)
    for result in results:
        (log.info if result.status == "sent" else log.warning)("alerts: %s", result.line())
    return results
