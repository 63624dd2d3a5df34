"""The agenda: every dated step of a file, forecast or scheduled, as its sources say it now.

Read from the stored versions of each source (never from the Event table, which
keeps the first date of a forecast forever): the newest version says which steps
are still planned and when; the older ones say how often a step's date moved.

Each step has a UID derived from the file and the step's identity, never its
date: a step the source gives an id of its own (`step_id`, a Tweede Kamer
activity) is that id, planned, moved or held; a forecast is its step
(`canonical`, else its title), a step that happened is also its day. Two sources
reporting one step share its UID and merge.
`sequence` counts the moves of its date; a step a source no longer lists is
simply absent (calendar clients drop it on their next refresh). Pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from monitor.timeline import canonical
from vocab.records import Event, Record

UID_DOMAIN = "lexwatch"


@dataclass(frozen=True)
class Sighting:
    """One stored version of one source about one file."""

    file: str
    source: str
    record: Record
    seen_at: datetime


@dataclass(frozen=True)
class Entry:
    """A step on the agenda: where it stands now, and how often its date moved."""

    uid: str
    file: str
    date: str
    title: str
    step: str
    forecast: bool
    sources: tuple[str, ...]
    url: str
    details: str
    sequence: int
    changed_at: datetime


def entries(sightings: Iterable[Sighting]) -> list[Entry]:
    """The agenda of the sightings' files, by date: one entry per step, sources merged."""
    histories: dict[tuple[str, str], list[Sighting]] = {}
    for sighting in sorted(sightings, key=lambda s: s.seen_at):
        histories.setdefault((sighting.file, sighting.source), []).append(sighting)
    merged: dict[str, Entry] = {}
    for history in histories.values():
        for entry in _current(history):
            merged[entry.uid] = _merge(merged.get(entry.uid), entry)
    return _without_fulfilled(sorted(merged.values(), key=_order))


def within(agenda: Sequence[Entry], first_day: str, last_day: str) -> list[Entry]:
    """The entries dated first_day..last_day (ISO dates, both included)."""
    return [e for e in agenda if first_day <= e.date <= last_day]


def _current(history: Sequence[Sighting]) -> list[Entry]:
    """A source's steps in its newest version, each with how often its date moved."""
    moves: dict[str, tuple[str, int, datetime]] = {}  # uid -> (date, moves, since)
    for sighting in history:
        for uid, event in _identified(sighting.file, sighting.record.events):
            known = moves.get(uid)
            if known is None:
                moves[uid] = (event.date or "", 0, sighting.seen_at)
            elif known[0] != event.date:
                moves[uid] = (event.date or "", known[1] + 1, sighting.seen_at)
    newest = history[-1]
    return [
        _entry(uid, newest, event, moves[uid])
        for uid, event in _identified(newest.file, newest.record.events)
    ]


def _identified(file: str, events: Iterable[Event]) -> list[tuple[str, Event]]:
    """The dated events with their UIDs; a repeated identity gets its occurrence number."""
    seen: dict[tuple, int] = {}
    out = []
    for event in sorted((e for e in events if e.date), key=lambda e: (e.date, e.title)):
        identity = _identity(file, event)
        seen[identity] = seen.get(identity, 0) + 1
        out.append((uid_of(*identity, seen[identity]), event))
    return out


def _identity(file: str, event: Event) -> tuple:
    if event.step_id:
        return (file, "own id", event.step_id)
    step = canonical(event.kind, event.title) or " ".join(event.title.casefold().split())
    if event.forecast:
        return (file, "forecast", step)
    return (
        file,
        "step",
        event.date,
        step,
        "" if canonical(event.kind, event.title) else event.reference,
    )


def uid_of(*parts: object) -> str:
    """A UID from a step's identity: the same identity always gives the same UID."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _entry(uid: str, sighting: Sighting, event: Event, moved: tuple[str, int, datetime]) -> Entry:
    return Entry(
        uid=uid,
        file=sighting.file,
        date=event.date or "",
        title=event.title,
        step=canonical(event.kind, event.title),
        forecast=event.forecast,
        sources=(sighting.source,),
        url=event.url,
        details=event.details,
        sequence=moved[1],
        changed_at=moved[2],
    )


def _merge(known: Entry | None, new: Entry) -> Entry:
    """One step from two sources: the latest news of its date wins, every source is kept."""
    if known is None:
        return new
    newer, older = (new, known) if new.changed_at >= known.changed_at else (known, new)
    return replace(
        newer,
        sources=tuple(dict.fromkeys(older.sources + newer.sources)),
        sequence=max(new.sequence, known.sequence),
        url=newer.url or older.url,
    )


def _without_fulfilled(agenda: list[Entry]) -> list[Entry]:
    """A forecast is dropped once the step it announced happened on that day."""
    happened = {(e.file, e.date, e.step) for e in agenda if not e.forecast and e.step}
    return [e for e in agenda if not (e.forecast and (e.file, e.date, e.step) in happened)]


def _order(entry: Entry) -> tuple:
    return (entry.date, entry.file, entry.forecast, entry.title, entry.uid)
