"""CSRF protection for every form: a token bound to the session id, checked on every POST.

It is one app-wide dependency, so a form added later is protected without
anyone remembering to protect it. A missing or wrong token is a 403. The one
exception is a route marked `exempt`: the one-click unsubscribe POST, which a
mail provider sends with no session (RFC 8058) and whose secret is in its URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException, Request

from vocab import signing

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Endpoint = TypeVar("Endpoint", bound=Callable)


def exempt(endpoint: Endpoint) -> Endpoint:
    """Mark a route's function as taking unsafe requests without a CSRF token (put it under
    the route decorator). Only for a route whose URL itself is the credential."""
    endpoint.csrf_exempt = True
    return endpoint


def token(request: Request) -> str:
    """The token forms of this session carry."""
    return signing.mac(request.app.state.secret_key, "csrf", request.state.session["sid"])


async def protect(request: Request) -> None:
    """Reject an unsafe request whose token is missing or is not this session's."""
    if request.method in SAFE_METHODS or getattr(
        request.scope.get("endpoint"), "csrf_exempt", False
    ):
        return
    form = await request.form()
    sent = str(form.get(FIELD) or request.headers.get(HEADER) or "")
    if not sent or not signing.same(sent, token(request)):
        raise HTTPException(
            status_code=403,
            detail="This form has expired or did not come from Lexwatch: reload the page and try again.",
        )
