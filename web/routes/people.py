"""Watches and subscribers, managed by admins: add, edit, remove, and which watches each
subscriber follows. Checked as the CLI checks them (web.peopleforms); every POST carries the
form's CSRF token (web.csrf); readers get 403."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from db import repo
from db.models import Subscriber, Watch
from monitor.classify import SIGNIFICANCE
from vocab.channels import mask
from vocab.errors import ConfigError, LexwatchError
from web import digestpreview, render, sessions
from web.auth import Admin
from web.deps import Db
from web.peopleforms import (
    SUBSCRIBER_FIELDS,
    WATCH_FIELDS,
    SubscriberForm,
    WatchForm,
    refusal,
)

router = APIRouter(prefix="/admin", include_in_schema=False)
Text = Annotated[str, Form()]


def _watch_form(
    name: Text = "",
    description: Text = "",
    terms: Text = "",
    references: Text = "",
    jurisdictions: Text = "",
    min_significance: Text = "notable",
    alert_min: Text = "major",
    quiet_hours: Text = "",
    alerts: Text = "",
    remove_channel: Annotated[list[int], Form()] = (),
) -> WatchForm:
    return WatchForm(
        name,
        description,
        terms,
        references,
        jurisdictions,
        min_significance,
        alert_min,
        quiet_hours,
        alerts,
        tuple(remove_channel),
    )


def _subscriber_form(
    email: Text = "",
    name: Text = "",
    language: Text = "en",
    watch: Annotated[list[int], Form()] = (),
) -> SubscriberForm:
    return SubscriberForm(email, name, language, tuple(dict.fromkeys(watch)))


PostedWatch = Annotated[WatchForm, Depends(_watch_form)]
PostedSubscriber = Annotated[SubscriberForm, Depends(_subscriber_form)]


def _back(request: Request, path: str, message: str) -> RedirectResponse:
    sessions.flash(request, message)
    return RedirectResponse(path, status_code=303)


# -- watches -------------------------------------------------------------------------------


@router.get("/watches")
def watches(request: Request, _admin: Admin, session: Db) -> Response:
    return render.page(
        request,
        "admin/watches.html",
        watches=repo.watches_with_counts(session),
        done=sessions.take_flash(request),
    )


@router.get("/watches/new")
def new_watch(request: Request, _admin: Admin) -> Response:
    return _watch_page(request, WatchForm(), editing=None)


@router.post("/watches/new")
def add_watch(request: Request, _admin: Admin, session: Db, form: PostedWatch) -> Response:
    try:
        watch, channels = form.watch(), form.channels([])
        _name_free(session, watch.name, None)
        repo.add_watch(session, watch=watch)
        repo.set_alert_channels(session, watch=watch, urls=channels)
    except LexwatchError as exc:
        return _watch_page(request, form, editing=None, refused=exc)
    session.commit()
    return _back(request, "/admin/watches", f"Added the watch {watch.name}.")


@router.get("/watches/{watch_id}/edit")
def edit_watch(request: Request, watch_id: int, _admin: Admin, session: Db) -> Response:
    watch = _watch(session, watch_id)
    return _watch_page(request, WatchForm.of(watch), editing=watch, session=session)


@router.post("/watches/{watch_id}/edit")
def save_watch(
    request: Request, watch_id: int, _admin: Admin, session: Db, form: PostedWatch
) -> Response:
    watch = _watch(session, watch_id)
    try:
        new = form.watch()
        channels = form.channels(repo.alert_channels(session, watch_id=watch.id))
        _name_free(session, new.name, watch)
    except LexwatchError as exc:
        return _watch_page(request, form, editing=watch, refused=exc, session=session)
    repo.update_watch(session, watch=watch, new=new)
    repo.set_alert_channels(session, watch=watch, urls=channels)
    session.commit()
    return _back(request, "/admin/watches", f"Saved the watch {new.name}.")


@router.get("/watches/{watch_id}/delete")
def confirm_watch_removal(request: Request, watch_id: int, _admin: Admin, session: Db) -> Response:
    watch = _watch(session, watch_id)
    followers = repo.watch_follower_count(session, watch_id=watch_id)
    return render.page(request, "admin/watch_delete.html", watch=watch, followers=followers)


@router.post("/watches/{watch_id}/delete")
def remove_watch(request: Request, watch_id: int, _admin: Admin, session: Db) -> Response:
    watch = _watch(session, watch_id)
    name = watch.name
    repo.remove_watch(session, watch=watch)
    session.commit()
    return _back(request, "/admin/watches", f"Removed the watch {name}.")


def _watch(session: Session, watch_id: int) -> Watch:
    watch = repo.watch_by_id(session, watch_id=watch_id)
    if watch is None:
        raise HTTPException(404, f"No watch with id {watch_id}.")
    return watch


def _name_free(session: Session, name: str, editing: Watch | None) -> None:
    taken = repo.watches_named(session, names=[name])
    if taken and (editing is None or taken[0].id != editing.id):
        raise ConfigError(f"a watch named '{name}' exists already: pick another name", field="name")


def _watch_page(
    request: Request,
    form: WatchForm,
    *,
    editing: Watch | None,
    refused: LexwatchError | None = None,
    session: Session | None = None,
) -> Response:
    field, error = refusal(refused, WATCH_FIELDS) if refused else ("", "")
    return render.page(
        request,
        "admin/watch_form.html",
        status=400 if refused else 200,
        form=form,
        editing=editing,
        error=error,
        error_field=field,
        levels=SIGNIFICANCE,
        channels=_channels(session, editing),
    )


def _channels(session: Session | None, editing: Watch | None) -> list[tuple[int, str, int]]:
    """(id, masked URL, failed sends) of the watch's alert channels: never a URL whole."""
    if session is None or editing is None:
        return []
    stored = repo.alert_channels(session, watch_id=editing.id)
    return [(c.id, mask(c.url), c.failures) for c in stored]


# -- subscribers ---------------------------------------------------------------------------


@router.get("/subscribers")
def subscribers(request: Request, _admin: Admin, session: Db) -> Response:
    return render.page(
        request,
        "admin/subscribers.html",
        people=repo.subscribers_with_watches(session),
        preview=digestpreview.available(),
        done=sessions.take_flash(request),
    )


@router.get("/subscribers/new")
def new_subscriber(request: Request, _admin: Admin, session: Db) -> Response:
    return _subscriber_page(request, session, SubscriberForm(), editing=None)


@router.post("/subscribers/new")
def add_subscriber(
    request: Request, _admin: Admin, session: Db, form: PostedSubscriber
) -> Response:
    try:
        address, language = _checked(session, form, None)
        person = repo.add_subscriber(
            session, email=address, name=form.name.strip(), language=language
        )
    except LexwatchError as exc:
        return _subscriber_page(request, session, form, editing=None, refused=exc)
    repo.follow_only(session, subscriber=person, watch_ids=form.watches)
    session.commit()
    return _back(request, "/admin/subscribers", f"Added the subscriber {address}.")


@router.get("/subscribers/{subscriber_id}/edit")
def edit_subscriber(request: Request, subscriber_id: int, _admin: Admin, session: Db) -> Response:
    person = _subscriber(session, subscriber_id)
    follows = [w.id for w in repo.subscriber_watches(session, subscriber_id=person.id)]
    return _subscriber_page(request, session, SubscriberForm.of(person, follows), editing=person)


@router.post("/subscribers/{subscriber_id}/edit")
def save_subscriber(
    request: Request, subscriber_id: int, _admin: Admin, session: Db, form: PostedSubscriber
) -> Response:
    person = _subscriber(session, subscriber_id)
    try:
        address, language = _checked(session, form, person)
    except LexwatchError as exc:
        return _subscriber_page(request, session, form, editing=person, refused=exc)
    person.email, person.name, person.language = address, form.name.strip(), language or "en"
    repo.follow_only(session, subscriber=person, watch_ids=form.watches)
    session.commit()
    return _back(request, "/admin/subscribers", f"Saved the subscriber {address}.")


@router.get("/subscribers/{subscriber_id}/delete")
def confirm_subscriber_removal(
    request: Request, subscriber_id: int, _admin: Admin, session: Db
) -> Response:
    person = _subscriber(session, subscriber_id)
    return render.page(request, "admin/subscriber_delete.html", person=person)


@router.post("/subscribers/{subscriber_id}/delete")
def remove_subscriber(request: Request, subscriber_id: int, _admin: Admin, session: Db) -> Response:
    person = _subscriber(session, subscriber_id)
    address = person.email
    repo.remove_subscriber(session, subscriber=person)
    session.commit()
    return _back(request, "/admin/subscribers", f"Removed the subscriber {address}.")


def _subscriber(session: Session, subscriber_id: int) -> Subscriber:
    person = repo.subscriber_by_id(session, subscriber_id=subscriber_id)
    if person is None:
        raise HTTPException(404, f"No subscriber with id {subscriber_id}.")
    return person


def _checked(session: Session, form: SubscriberForm, editing: Subscriber | None) -> tuple[str, str]:
    """The checked address and language, the address free and every ticked watch existing."""
    address, language = form.checked()
    taken = repo.subscriber_by_email(session, email=address)
    if taken is not None and (editing is None or taken.id != editing.id):
        raise ConfigError(f"{address} is a subscriber already: edit them instead", field="email")
    if any(repo.watch_by_id(session, watch_id=i) is None for i in form.watches):
        raise ConfigError(
            "a ticked watch no longer exists: tick the watches again", field="watches"
        )
    return address, language


def _subscriber_page(
    request: Request,
    session: Session,
    form: SubscriberForm,
    *,
    editing: Subscriber | None,
    refused: LexwatchError | None = None,
) -> Response:
    field, error = refusal(refused, SUBSCRIBER_FIELDS) if refused else ("", "")
    return render.page(
        request,
        "admin/subscriber_form.html",
        status=400 if refused else 200,
        form=form,
        editing=editing,
        error=error,
        error_field=field,
        watches=repo.list_watches(session),
    )
