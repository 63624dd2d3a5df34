"""The admin area: the health board, sources (add with a test run, edit, pause, delete),
subscribers' digest previews, and users (watches and subscribers: web.routes.people). Admins only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from crawlers.sites import SITES
from db import repo
from db.models import Source, Subscriber
from vocab import links
from vocab.errors import ConfigError, LexwatchError
from vocab.records import record_to_json
from web import auth, board, digestpreview, render, sessions
from web.auth import Admin
from web.deps import Db
from web.sourceform import SourceForm, field_error, test_run

router = APIRouter(prefix=links.BOARD, include_in_schema=False)  # the board is its root


def _form(
    kind: Annotated[str, Form()] = "page",
    url: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    jurisdiction: Annotated[str, Form()] = "",
    every: Annotated[str, Form()] = "",
    cron: Annotated[str, Form()] = "",
    params: Annotated[str, Form()] = "",
    enabled: Annotated[str, Form()] = "",
) -> SourceForm:
    return SourceForm(kind, url, name, jurisdiction, every, cron, params, bool(enabled))


Posted = Annotated[SourceForm, Depends(_form)]
Action = Annotated[str, Form()]


def _source(session: Session, source_id: int) -> Source:
    source = repo.get_source(session, source_id=source_id)
    if source is None:
        raise HTTPException(404, f"No source with id {source_id}.")
    return source


def _back(request: Request, path: str, message: str = "") -> RedirectResponse:
    if message:
        sessions.flash(request, message)
    return RedirectResponse(path, status_code=303)


# -- the health board --------------------------------------------------------------


@router.get("")
def health_board(request: Request, _admin: Admin, session: Db) -> Response:
    tz, wanted = request.app.state.settings.timezone, board.board_filter(request.query_params)
    found = board.board(session, now=datetime.now(UTC), timezone=tz, wanted=wanted)
    return render.page(
        request,
        "admin/board.html",
        found=found,
        wanted=wanted,
        healths=board.HEALTHS,
        done=sessions.take_flash(request),
    )


# -- sources ----------------------------------------------------------------------------


@router.get("/sources/new")
def new_source(request: Request, _admin: Admin) -> Response:
    return _form_page(request, SourceForm(enabled=True), editing=None)


@router.post("/sources/new")
def add_source(
    request: Request, _admin: Admin, session: Db, form: Posted, action: Action = "save"
) -> Response:
    form = SourceForm(**{**vars(form), "enabled": True})
    try:
        source = form.source(request.app.state.settings)
        if action == "test":
            return _tested(request, form, source, editing=None)
        repo.add_source(session, source=source)
    except LexwatchError as exc:
        return _refused(request, form, exc, editing=None)
    session.commit()
    return _back(request, "/admin", f"Added {source.name}.")


@router.get("/sources/{source_id}")
def source_page(request: Request, source_id: int, _admin: Admin, session: Db) -> Response:
    source = _source(session, source_id)
    runs = repo.last_runs(session, source_id=source_id, limit=50)
    return render.page(
        request,
        "admin/source.html",
        source=source,
        runs=runs,
        bars=board.sparkline(runs[: board.RUNS]),
    )


@router.get("/sources/{source_id}/edit")
def edit_source(request: Request, source_id: int, _admin: Admin, session: Db) -> Response:
    source = _source(session, source_id)
    return _form_page(request, SourceForm.of(source), editing=source)


@router.post("/sources/{source_id}/edit")
def save_source(
    request: Request,
    source_id: int,
    _admin: Admin,
    session: Db,
    form: Posted,
    action: Action = "save",
) -> Response:
    source = _source(session, source_id)
    try:
        new = form.source(request.app.state.settings)
        if action == "test":
            return _tested(request, form, new, editing=source)
        _check_name(session, new.name, source)
        repo.update_source(session, source=source, new=new)
    except LexwatchError as exc:
        return _refused(request, form, exc, editing=source)
    session.commit()
    return _back(request, "/admin", f"Saved {new.name}.")


@router.post("/sources/{source_id}/pause")
def pause_source(request: Request, source_id: int, _admin: Admin, session: Db) -> Response:
    source = _source(session, source_id)
    repo.set_enabled(session, source=source, enabled=not source.enabled)
    session.commit()
    return _back(request, "/admin", f"{'Resumed' if source.enabled else 'Paused'} {source.name}.")


@router.post("/sources/{source_id}/check")
def check_source(request: Request, source_id: int, _admin: Admin, session: Db) -> Response:
    """One live fetch of the source, nothing saved: its verdict and what to do, on the board."""
    from pipeline.check import check_now

    source = _source(session, source_id)
    verdict = check_now(request.app.state.settings, source)
    return _back(request, "/admin", f"Checked {source.name}: {verdict.text} — {verdict.advice}.")


@router.get("/sources/{source_id}/delete")
def confirm_delete(request: Request, source_id: int, _admin: Admin, session: Db) -> Response:
    source = _source(session, source_id)
    changes = repo.count_changes(session, source_id=source_id)
    return render.page(request, "admin/delete.html", source=source, changes=changes)


@router.post("/sources/{source_id}/delete")
def delete_source(request: Request, source_id: int, _admin: Admin, session: Db) -> Response:
    source = _source(session, source_id)
    name = source.name
    repo.remove_source(session, source=source)
    session.commit()
    return _back(request, "/admin", f"Deleted {name} and its history.")


def _check_name(session: Session, name: str, source: Source) -> None:
    taken = repo.source_by_name(session, name=name)
    if taken is not None and taken.id != source.id:
        raise ConfigError(
            f"a source named '{name}' exists already: pick another name", field="name"
        )


def _refused(
    request: Request, form: SourceForm, exc: LexwatchError, *, editing: Source | None
) -> Response:
    """The form again, as typed, with the refusal next to the field it is about."""
    field, message = field_error(exc)
    return _form_page(request, form, editing=editing, error=message, error_field=field, status=400)


def _form_page(
    request: Request,
    form: SourceForm,
    *,
    editing: Source | None,
    error: str = "",
    error_field: str = "",
    status: int = 200,
    record: dict | None = None,
    test_error: str = "",
) -> Response:
    kinds = [
        (slug, (module.__doc__ or "").strip().splitlines()[0]) for slug, module in SITES.items()
    ]
    params_help = {slug: getattr(module, "PARAMS", {}) for slug, module in SITES.items()}
    return render.page(
        request,
        "admin/source_form.html",
        status=status,
        form=form,
        editing=editing,
        error=error,
        error_field=error_field,
        kinds=kinds,
        params_help=params_help,
        record=record,
        test_error=test_error,
        url_help={s: m.URL_HELP for s, m in SITES.items()},
        replay=request.app.state.settings.replay_url,
    )


def _tested(
    request: Request, form: SourceForm, source: Source, *, editing: Source | None
) -> Response:
    try:
        record = record_to_json(test_run(request.app.state.settings, source))
    except LexwatchError as exc:
        return _form_page(request, form, editing=editing, test_error=str(exc))
    except TimeoutError:
        return _form_page(
            request, form, editing=editing, test_error="The test crawl took too long."
        )
    return _form_page(request, form, editing=editing, record=record)


# -- watches, subscribers, digests ---------------------------------------------------------


# The lists and forms of watches and subscribers are web.routes.people's.


@router.get("/subscribers/{subscriber_id}/digest")
def digest_preview(request: Request, subscriber_id: int, _admin: Admin, session: Db) -> Response:
    person = _subscriber(session, subscriber_id)
    email = digestpreview.preview(session, request.app.state.settings, subscriber_id)
    session.commit()  # composing may give the subscriber an unsubscribe token
    return render.page(request, "admin/digest.html", person=person, email=email)


@router.get("/subscribers/{subscriber_id}/digest.html")
def digest_html(request: Request, subscriber_id: int, _admin: Admin, session: Db) -> Response:
    _subscriber(session, subscriber_id)
    email = digestpreview.preview(session, request.app.state.settings, subscriber_id)
    session.commit()
    response = HTMLResponse(email.html)
    response.headers["Content-Security-Policy"] = digestpreview.HTML_POLICY
    return response


def _subscriber(session: Session, subscriber_id: int) -> Subscriber:
    person = repo.subscriber_by_id(session, subscriber_id=subscriber_id)
    if person is None:
        raise HTTPException(404, f"No subscriber with id {subscriber_id}.")
    return person


# -- users -------------------------------------------------------------------------------


@router.get("/users")
def users(request: Request, _admin: Admin, session: Db) -> Response:
    return _users_page(request, session)


@router.post("/users")
def add_user(
    request: Request,
    _admin: Admin,
    session: Db,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "reader",
) -> Response:
    try:
        auth.create_user(session, email=email, password=password, role=role)
    except LexwatchError as exc:
        return _users_page(request, session, error=str(exc), status=400)
    session.commit()
    return _back(request, "/admin/users", f"Added {email.strip()} ({role}).")


@router.post("/users/{user_id}/delete")
def delete_user(request: Request, user_id: int, admin: Admin, session: Db) -> Response:
    user = repo.get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(404, "No such user.")
    if user.id == admin.id:
        return _users_page(request, session, error="You cannot remove yourself.", status=400)
    repo.remove_user(session, user=user)
    session.commit()
    return _back(request, "/admin/users", f"Removed {user.email}.")


def _users_page(request: Request, session: Session, error: str = "", status: int = 200) -> Response:
    return render.page(
        request,
        "admin/users.html",
        status=status,
        users=repo.list_users(session),
        error=error,
        roles=auth.ROLES,
        done=sessions.take_flash(request),
    )
