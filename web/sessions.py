"""The session cookie: who is signed in, and the random id CSRF tokens are bound to.

Everything lives in one signed cookie (HttpOnly, SameSite=Lax, Secure over
https); the server keeps no session table. A sign-in or sign-out replaces the
session id, so a token or cookie planted before sign-in is worthless after it.
A signed-in cookie also carries the user's session stamp (web.auth checks it
against the database): sign-out and a new password replace the stamp, so a
copy of the cookie kept from before is refused, not honoured until it expires.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vocab import signing

COOKIE = "lexwatch_session"
LIFETIME = 7 * 86400  # seconds a sign-in lasts
PURPOSE = "session"


def fresh(uid: int | None = None, stamp: str = "") -> dict[str, Any]:
    """A new session (a new id), signed in as `uid` (with its session stamp) or anonymous."""
    return {
        "sid": secrets.token_urlsafe(18),
        "uid": uid,
        "stamp": stamp,
        "exp": int(time.time()) + LIFETIME,
    }


def load(request: Request, key: str) -> None:
    """Put the request's session on request.state (a fresh one when absent, forged or expired)."""
    data = signing.unsign(key, PURPOSE, request.cookies.get(COOKIE, ""))
    valid = (
        data is not None and isinstance(data.get("sid"), str) and data.get("exp", 0) > time.time()
    )
    request.state.session = data if valid else fresh()
    request.state.session_dirty = not valid


def replace(request: Request, uid: int | None, stamp: str = "") -> None:
    """Start a new session for this browser: after sign-in (uid) or sign-out (None)."""
    request.state.session = fresh(uid, stamp)
    request.state.session_dirty = True


def save(request: Request, response: Response, key: str, *, secure: bool) -> None:
    """Send the cookie when the session is new or changed."""
    if not getattr(request.state, "session_dirty", False):
        return
    response.set_cookie(
        COOKIE,
        signing.sign(key, PURPOSE, request.state.session),
        max_age=LIFETIME,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def flash(request: Request, message: str) -> None:
    """A one-line message for the next page (after a redirect)."""
    request.state.session = request.state.session | {"flash": message[:200]}
    request.state.session_dirty = True


def take_flash(request: Request) -> str:
    """The pending message, removed from the session."""
    message = request.state.session.get("flash", "")
    if message:
        request.state.session = {k: v for k, v in request.state.session.items() if k != "flash"}
        request.state.session_dirty = True
    return str(message)
