"""An agenda as an iCalendar feed (RFC 5545) that Outlook, Google and Apple Calendar subscribe to.

Every step is an all-day event (the sources give a day, not an hour) whose UID
is the step's (monitor.agenda), so a client updates it in place; SEQUENCE says
how often its date moved, DTSTAMP and LAST-MODIFIED when it last did. A step
no source lists any more is left out: subscribed calendars replace their copy
on each refresh, so it disappears (STATUS:CANCELLED would leave a struck-out
entry that some clients still show as busy).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from monitor.agenda import Entry
from vocab.links import file_url
from vocab.settings import VERSION

PRODID = f"-//Lexwatch//Agenda {VERSION}//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
REFRESH = timedelta(hours=1)  # how often clients are asked to fetch the feed again


def calendar(name: str, agenda: Sequence[Entry], names: Mapping[str, str], base_url: str) -> bytes:
    """The feed named `name` with these steps; `names`: file key -> the name a reader knows."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Lexwatch: {name}")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    for entry in agenda:
        cal.add_component(_event(entry, names.get(entry.file, entry.file), base_url))
    return cal.to_ical()


def _event(entry: Entry, file_name: str, base_url: str) -> CalendarEvent:
    day = date.fromisoformat(entry.date)
    event = CalendarEvent()
    event.add("uid", entry.uid)
    event.add("dtstamp", _utc(entry.changed_at))
    event.add("last-modified", _utc(entry.changed_at))
    event.add("sequence", entry.sequence)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", _summary(entry, file_name))
    event.add("description", _description(entry, base_url))
    event.add("url", file_url(base_url, entry.file))
    return event


def _utc(moment: datetime) -> datetime:
    # SQLite gives stored times back without their zone; they were stored as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _summary(entry: Entry, file_name: str) -> str:
    mark = " (forecast)" if entry.forecast else ""
    return f"{entry.title}{mark} — {file_name}"


def _description(entry: Entry, base_url: str) -> str:
    lines = [
        entry.details,
        f"Reported by: {', '.join(entry.sources)}",
        entry.url,
        file_url(base_url, entry.file),
    ]
    return "\n".join(line for line in lines if line)
