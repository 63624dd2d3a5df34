"""Visitors: people without an account, who may read when LEXWATCH_PUBLIC_READ is true.

A visitor reads what a reader reads (search, files, changes, a file's agenda,
the Atom feeds and the JSON API's files, changes and search) and nothing else:
admin pages, the account, watches and subscribers, and every POST still ask
for a sign-in. The dependencies here answer None for a visitor; a route then
shows nothing that belongs to a user. A request that carries a token is never
a visitor's: its token is checked as before (web.auth).

Visitors' searches and API calls are limited per client address
(web.limits, in memory per process); signed-in users and tokens are not.
Without LEXWATCH_PUBLIC_READ every dependency here is the one of web.auth.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from db.models import User
from web import caching
from web.auth import calendar_reader, client_address, feed_reader, reader
from web.limits import AddressLimiter

WINDOW = 60.0  # seconds
SEARCHES = 30  # a visitor's searches (page, CSV, JSON, Atom) per address and window
API_CALLS = 60  # a visitor's JSON API requests per address and window
TOO_MANY = "Too many requests from your address: try again in {0} seconds, or sign in."


def limiters() -> dict[str, AddressLimiter]:
    """A fresh limiter per kind of limited request (the app keeps them: app.state)."""
    return {"search": AddressLimiter(SEARCHES, WINDOW), "api": AddressLimiter(API_CALLS, WINDOW)}


def welcome(request: Request) -> None:
    """Let web.auth take a request without user or token as a visitor's, on a public tracker."""
    request.state.open_to_visitors = request.app.state.settings.public_read


Welcome = Annotated[None, Depends(welcome)]  # declared first: it runs before the reader


def _shared_if_visitor(request: Request, user: User | None) -> User | None:
    if user is None:
        caching.share(request)  # a visitor's answer is every visitor's
    return user


def open_reader(
    request: Request, _welcome: Welcome, user: Annotated[User | None, Depends(reader)]
) -> User | None:
    """A signed-in user, or None for a visitor of a public tracker; else a sign-in is asked."""
    return _shared_if_visitor(request, user)


def open_feed_reader(
    request: Request, _welcome: Welcome, user: Annotated[User | None, Depends(feed_reader)]
) -> User | None:
    """As web.auth.feed_reader (a user, or a feed token's owner), or None for a visitor."""
    return _shared_if_visitor(request, user)


def open_calendar_reader(
    request: Request, _welcome: Welcome, user: Annotated[User | None, Depends(calendar_reader)]
) -> User | None:
    """As web.auth.calendar_reader (a user, or a calendar token's owner), or None for a visitor."""
    return _shared_if_visitor(request, user)


def _counted(request: Request, kind: str) -> None:
    """Count a visitor's request; over the limit, a 429 that says when to try again."""
    wait = request.app.state.visitor_limits[kind].wait(client_address(request))
    if wait:
        seconds = max(1, math.ceil(wait))
        headers = {"Retry-After": str(seconds)}
        raise HTTPException(429, TOO_MANY.format(seconds), headers=headers)


def counting(kind: str, who: Callable[..., User | None]) -> Callable[..., User | None]:
    """The dependency `who`, with a visitor's requests counted under `kind`."""

    # A default, not Annotated: this module's annotations are strings, and `who` is local.
    def dependency(request: Request, user: User | None = Depends(who)) -> User | None:  # noqa: B008
        if user is None:
            _counted(request, kind)
        return user

    return dependency


OpenReader = Annotated[User | None, Depends(open_reader)]  # reader pages
OpenFeedReader = Annotated[User | None, Depends(open_feed_reader)]  # feeds and downloads
OpenCalendarReader = Annotated[User | None, Depends(open_calendar_reader)]  # a file's calendar
SearchReader = Annotated[User | None, Depends(counting("search", open_reader))]  # search page
SearchFeedReader = Annotated[User | None, Depends(counting("search", open_feed_reader))]
ApiReader = Annotated[User | None, Depends(counting("api", open_feed_reader))]  # the JSON API
