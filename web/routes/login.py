"""Signing in and out, and the account page with the user's feed token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from db import repo
from web import auth, render, sessions
from web.deps import Db

router = APIRouter(include_in_schema=False)


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
    request: Request,
    session: Db,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        user = auth.authenticate(session, email=email, password=password, address=address,
                                 limiter=request.app.state.limiter)  # fmt: skip
    except auth.LoginFailed as failed:
        session.commit()  # keep the failure count even though the sign-in failed
        context = {"next": safe_next(next), "error": str(failed), "first": False, "email": email}
        return render.page(request, "login.html", status=failed.status, **context)
    session.commit()
    sessions.replace(request, user.id)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    sessions.replace(request, None)
    return RedirectResponse("/login", status_code=303)


@router.get("/account")
def account(request: Request, user: auth.Reader) -> Response:
    token = auth.feed_token(request.app.state.secret_key, user)
    return render.page(request, "account.html", token=token)
