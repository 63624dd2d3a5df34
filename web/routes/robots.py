"""robots.txt: what search engines may index.

A public tracker (LEXWATCH_PUBLIC_READ) lets them read its files, changes and
agendas, and keeps them out of the admin area, the account and sign-in pages,
watches and subscribers, search results, the API and any address that carries a
token. A private one asks them to index nothing. Anyone may read it, signed in or not.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from web import caching

CLOSED = (
    "/admin",
    "/account",
    "/login",
    "/logout",
    "/watches",
    "/subscribers",
    "/unsubscribe",
    "/search?",
    "/search.",
    "/api/",
    "/*token=",
)


def robots_txt(public_read: bool) -> str:
    """The text of robots.txt for a public or a private tracker."""
    if not public_read:
        return "User-agent: *\nDisallow: /\n"
    rules = [f"Disallow: {path}" for path in CLOSED]
    return "\n".join(["User-agent: *", *rules, "Allow: /", ""])


def robots(request: Request) -> PlainTextResponse:
    """The robots.txt the settings call for."""
    caching.share(request)  # the same for everyone: cacheable when the tracker is public
    return PlainTextResponse(robots_txt(request.app.state.settings.public_read))


# A plain route, not an API one: it takes no user, no token and no form.
route = Route("/robots.txt", robots, methods=["GET"])
