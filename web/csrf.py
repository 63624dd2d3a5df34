"""CSRF protection for every form: a token bound to the session id, checked on every POST.

It is one app-wide dependency, so a form added later is protected without
anyone remembering to protect it. A missing or wrong token is a 403.
"""

from __future__ import annotations

from fastapi import HTTPException, Request

from web import signing

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def token(request: Request) -> str:
    """The token forms of this session carry."""
    return signing.mac(request.app.state.secret_key, "csrf", request.state.session["sid"])


async def protect(request: Request) -> None:
    """Reject an unsafe request whose token is missing or is not this session's."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    sent = str(form.get(FIELD) or request.headers.get(HEADER) or "")
    if not sent or not signing.same(sent, token(request)):
        raise HTTPException(
            status_code=403,
            detail="This form has expired or did not come from Lexwatch: reload the page and try again.",
        )
