"""Signing in and out, and the account page: the feed token (shown, rotated) and the password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from db import repo
from db.models import User
from vocab.errors import ConfigError
from vocab.languages import translations
from web import auth, render, sessions
from web.deps import Db

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form()]
WRONG_CURRENT = (
    "Your current password is wrong, or there were too many attempts: wait a few minutes."
)


def safe_next(target: str) -> str:
    """Where to go after signing in: a path on this site only (never //host or a URL)."""
    ok = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if ok else "/"


@router.get("/login")
def login_page(request: Request, session: Db, next: str = "/") -> Response:
    auth.current_user(request, session)
    first = repo.count_users(session) == 0
    return render.page(request, "login.html", next=safe_next(next), error="", first=first)


@router.post("/login")
def login(
    request: Request, session: Db, email: Field = "", password: Field = "", next: Field = "/"
) -> Response:
    address = auth.client_address(request)
    try:
        user = auth.authenticate(
            session,
            email=email,
            password=password,
            address=address,
            limiter=request.app.state.limiter,
        )
    except auth.LoginFailed as failed:
        session.commit()  # keep the failure count even though the sign-in failed
        said = translations(render.language_of(request)).gettext(str(failed))  # the page's language
        context = {"next": safe_next(next), "error": said, "first": False, "email": email}
        return render.page(request, "login.html", status=failed.status, **context)
    session.commit()
    auth.start_session(request, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, session: Db) -> Response:
    user = auth.current_user(request, session)
    if user is not None:  # a new stamp: this cookie, and any copy of it, signs no one in
        repo.end_sessions(session, user=user)
        session.commit()
    sessions.replace(request, None)
    return RedirectResponse("/login", status_code=303)


@router.get("/account")
def account(request: Request, user: auth.Reader) -> Response:
    return _account_page(request, user)


@router.post("/account/token")
def rotate_token(request: Request, user: auth.Reader, session: Db) -> Response:
    repo.rotate_token(session, user=user)
    session.commit()
    sessions.flash(request, "You have a new token: the old one no longer opens anything.")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
def change_password(
    request: Request,
    user: auth.Reader,
    session: Db,
    current: Field = "",
    new: Field = "",
    again: Field = "",
) -> Response:
    try:
        _check_current(request, session, user, current)
        if new != again:
            raise ConfigError("the two new passwords differ: type the same one twice")
        auth.change_password(session, user=user, password=new)
    except ConfigError as refused:
        session.commit()  # a wrong current password counts as a failed sign-in
        return _account_page(request, user, error=str(refused), status=400)
    session.commit()
    auth.start_session(request, user)  # this browser stays signed in; every other one is out
    sessions.flash(request, "Password changed: every other session of yours has ended.")
    return RedirectResponse("/account", status_code=303)


def _check_current(request: Request, session: Session, user: User, password: str) -> None:
    # The sign-in form's limits apply: a borrowed session cannot guess the password either.
    try:
        auth.authenticate(
            session,
            email=user.email,
            password=password,
            address=auth.client_address(request),
            limiter=request.app.state.limiter,
        )
    except auth.LoginFailed as failed:
        raise ConfigError(WRONG_CURRENT) from failed


def _account_page(request: Request, user: User, error: str = "", status: int = 200) -> Response:
    token = auth.feed_token(request.app.state.secret_key, user)
    return render.page(
        request,
        "account.html",
        status=status,
        token=token,
        error=error,
        done=sessions.take_flash(request),
        min_password=auth.MIN_PASSWORD,
    )
