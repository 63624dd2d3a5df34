"""Cache-Control and Vary: what browsers and shared caches may keep.

Without LEXWATCH_PUBLIC_READ every page is per user: `no-store`. With it, a
page a visitor reads (web.visitors marks it `shared`) is the same for every
visitor: it goes out without a session cookie and with `public, max-age`, so a
reverse proxy or CDN may serve it for a few minutes. Anything else, and every
answer to a request that carries a session cookie, is `private, no-store`.
`Vary: Cookie` tells caches that a cookie changes the answer.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from web.sessions import COOKIE

PUBLIC_MAX_AGE = 300  # seconds a shared cache may keep a visitor's page
PER_USER = "private, no-store"


def share(request: Request) -> None:
    """Mark this request's answer as the same for every visitor."""
    request.state.shared = True


def shared(request: Request) -> bool:
    """True when the answer may be kept by shared caches: marked shared, and no session came."""
    return getattr(request.state, "shared", False) and COOKIE not in request.cookies


def needs_no_session(request: Request) -> bool:
    """True when the answer goes out without a new session cookie on a public tracker: a page
    for every visitor, and the static files (else a visitor's browser, given a cookie with
    the style sheet, would make every later page private)."""
    return shared(request) or request.url.path.startswith("/static/")


def set_headers(request: Request, response: Response, *, public_read: bool) -> None:
    """Cache-Control (unless the route set one) and, on a public tracker, Vary: Cookie."""
    if request.url.path.startswith("/static/"):
        return
    if not public_read:
        response.headers.setdefault("Cache-Control", "no-store")  # pages are per user
        return
    _vary_on_cookie(response)
    public = shared(request) and response.status_code == 200
    policy = f"public, max-age={PUBLIC_MAX_AGE}" if public else PER_USER
    response.headers.setdefault("Cache-Control", policy)


def _vary_on_cookie(response: Response) -> None:
    present = [v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()]
    if "cookie" not in {v.lower() for v in present}:
        response.headers["Vary"] = ", ".join([*present, "Cookie"])
