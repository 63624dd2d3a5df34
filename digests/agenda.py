"""The agenda as every reader gets it: the web pages, the calendar feeds and the digest's
"coming up" all read it here (monitor.agenda builds it from the stored versions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session

from db import repo
from db.models import Dossier
from monitor.agenda import Entry, Sighting, entries, within
from vocab.records import record_from_json

PAST_WEEKS, NEXT_WEEKS = 4, 8  # what the Agenda pages show around today


def agenda_of(
    session: Session, dossier_ids: Iterable[int], *, newest_only: bool = False
) -> list[Entry]:
    """The agenda of these files, every date (`newest_only`: without the moves' history)."""
    return _entries(repo.agenda_versions(session, dossier_ids=dossier_ids, newest_only=newest_only))


def _entries(rows: Iterable[repo.AGENDA_ROW]) -> list[Entry]:
    return entries(
        Sighting(key, source, record_from_json(record), seen)
        for _id, key, source, record, seen in rows
    )


def window(
    today: date, past_weeks: int = PAST_WEEKS, next_weeks: int = NEXT_WEEKS
) -> tuple[str, str]:
    """The first and last day (ISO) an Agenda page shows around today."""
    first, last = today - timedelta(weeks=past_weeks), today + timedelta(weeks=next_weeks)
    return first.isoformat(), last.isoformat()


def upcoming(session: Session, first_day: str, last_day: str) -> list[tuple[Entry, Dossier, str]]:
    """Every file's steps dated first_day..last_day, with the file and who reported each."""
    rows = repo.agenda_versions(session, newest_only=True)
    found = within(_entries(rows), first_day, last_day)
    ids = {key: i for i, key, *_ in rows}
    dossiers = repo.dossiers_by_id(session, dossier_ids={ids[e.file] for e in found})
    return [(e, dossiers[ids[e.file]], ", ".join(e.sources)) for e in found]
