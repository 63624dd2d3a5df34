"""Agenda pages of a file and of a watch, and each one's iCalendar feed.

Pages need a signed-in user; the `.ics` feeds also open with the user's calendar
token (`?token=`, web.auth.calendar_token), which is what a calendar client
subscribes with; any other token gets a 403. On a public tracker visitors read
a file's agenda and its feed (web.visitors); a watch's stay closed to them. A feed carries every dated step of
its files, past and planned; a page shows four weeks back and eight ahead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from db import repo
from db.models import Dossier, Watch
from digests import agenda
from digests.files import files_of_watch
from monitor.agenda import Entry, within
from monitor.link import display_name
from vocab.links import agenda_path, watch_agenda_path
from web import calendar, render
from web.auth import CalendarReader, Reader
from web.deps import Db
from web.routes.files import find_file
from web.visitors import OpenCalendarReader, OpenReader

router = APIRouter(include_in_schema=False)
EVERY_DAY = ("0001-01-01", "9999-12-31")  # a feed carries every dated step, past and planned


@router.get("/files/{key:path}/agenda.ics")
def file_calendar(request: Request, key: str, _user: OpenCalendarReader, session: Db) -> Response:
    dossier = find_file(session, key)
    files = _linked(session, dossier)
    return _ics(request, display_name(dossier.key, dossier.title), session, files)


@router.get("/files/{key:path}/agenda")
def file_agenda(
    request: Request, key: str, _user: OpenReader, session: Db, around: str = ""
) -> Response:
    dossier = find_file(session, key)
    name = display_name(dossier.key, dossier.title)
    return _page(
        request,
        session,
        _linked(session, dossier),
        around,
        title=name,
        dossier=dossier,
        feed=agenda_path(dossier.key) + ".ics",
    )


@router.get("/watches/{watch_id}/agenda.ics")
def watch_calendar(request: Request, watch_id: int, _user: CalendarReader, session: Db) -> Response:
    watch = _watch(session, watch_id)
    return _ics(request, watch.name, session, _watched(session, watch))


@router.get("/watches/{watch_id}/agenda")
def watch_agenda(
    request: Request, watch_id: int, _user: Reader, session: Db, around: str = ""
) -> Response:
    watch = _watch(session, watch_id)
    return _page(
        request,
        session,
        _watched(session, watch),
        around,
        title=watch.name,
        watch=watch,
        feed=watch_agenda_path(watch.id) + ".ics",
    )


def _linked(session: Session, dossier: Dossier) -> list[Dossier]:
    links = repo.links_of(session, dossier_id=dossier.id)
    return [dossier, *(other for _link, other in links if other is not None)]


def _watched(session: Session, watch: Watch) -> list[Dossier]:
    return list(repo.dossiers_by_id(session, dossier_ids=files_of_watch(session, watch)).values())


def _watch(session: Session, watch_id: int) -> Watch:
    watch = repo.watch_by_id(session, watch_id=watch_id)
    if watch is None:
        raise HTTPException(404, f"No watch with id {watch_id}.")
    return watch


def _names(files: list[Dossier]) -> dict[str, str]:
    return {d.key: display_name(d.key, d.title) for d in files}


def _day(request: Request, around: str) -> date:
    """The day an Agenda page is centred on: ?around=YYYY-MM-DD, else today where Lexwatch runs."""
    if not around:
        return datetime.now(ZoneInfo(request.app.state.settings.timezone)).date()
    try:
        return date.fromisoformat(around)
    except ValueError:
        raise HTTPException(
            400, f"around={around!r} is not a day: write it as 2026-12-03."
        ) from None


def _steps(session: Session, files: list[Dossier], first_day: str, last_day: str) -> list[Entry]:
    return within(agenda.agenda_of(session, [d.id for d in files]), first_day, last_day)


def _ics(request: Request, name: str, session: Session, files: list[Dossier]) -> Response:
    steps = _steps(session, files, *EVERY_DAY)
    base = request.app.state.settings.base_url
    return Response(
        calendar.calendar(name, steps, _names(files), base), media_type=calendar.MEDIA_TYPE
    )


def _page(
    request: Request, session: Session, files: list[Dossier], around: str, **context: object
) -> Response:
    day = _day(request, around)
    first_day, last_day = agenda.window(day)
    steps = _steps(session, files, first_day, last_day)
    shift = timedelta(weeks=agenda.NEXT_WEEKS)
    return render.page(
        request,
        "agenda.html",
        steps=steps,
        names=_names(files),
        today=day.isoformat(),
        first_day=first_day,
        last_day=last_day,
        earlier=(day - shift).isoformat(),
        later=(day + shift).isoformat(),
        **context,
    )
