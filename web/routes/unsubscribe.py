"""The unsubscribe page every digest links to: /unsubscribe/<token>, no sign-in needed.

GET says who receives digests about what, with one button. POST unsubscribes at
once and answers 200, whether it comes from that button, from the form that
stops only some watches, or from a mail provider's one-click request (RFC 8058:
body `List-Unsubscribe=One-Click`, no cookie). The signed token in the URL is
the credential, so this one route is exempt from the CSRF check (web.csrf). A
token that is not genuine, whatever it holds, gets a 404 page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import Session

from db import repo
from db.models import Subscriber, Watch
from digests import unsubscribe
from vocab import links
from web import csrf, render
from web.deps import Db

router = APIRouter(include_in_schema=False)
HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}  # the URL is a secret
NOT_VALID = (
    "This unsubscribe link is not valid: it may have been cut short or changed. Open it again "
    "from the digest, or ask your Lexwatch admin to stop the emails."
)


@router.get(links.UNSUBSCRIBE)
def ask(request: Request, token: str, session: Db) -> Response:
    person = subscriber_for(session, token)
    if person is None:
        return _not_valid(request)
    state = "stopped" if person.status == "unsubscribed" else "ask"
    return _page(request, token, person, _following(session, person), state)


@router.post(links.UNSUBSCRIBE)
@csrf.exempt
def stop(
    request: Request,
    token: str,
    session: Db,
    some: Annotated[str, Form()] = "",
    watch: Annotated[list[str] | None, Form()] = None,
) -> Response:
    person = subscriber_for(session, token)
    if person is None:
        return _not_valid(request)
    if some:  # the form that stops only the ticked watches
        return _stop_some(request, session, token, person, set(watch or ()))
    repo.unsubscribe(session, subscriber=person)  # the button, or one-click: everything
    session.commit()
    return _page(request, token, person, _following(session, person), "stopped")


def _stop_some(
    request: Request, session: Session, token: str, person: Subscriber, ticked: set[str]
) -> Response:
    before = _following(session, person)
    gone = [w for w in before if str(w.id) in ticked]  # only their own watches count
    if not gone:  # nothing ticked: ask again, change nothing
        return _page(request, token, person, before, "ask")
    left = repo.unfollow(session, subscriber=person, watch_ids=[w.id for w in gone])
    session.commit()
    return _page(request, token, person, left, "partly" if left else "stopped", gone)


def subscriber_for(session: Session, token: str) -> Subscriber | None:
    """The subscriber a genuine token names, else None."""
    subscriber_id = unsubscribe.subscriber_of(token)
    if subscriber_id is None:  # a digest from before links were signed carried the stamp
        return repo.subscriber_by_stamp(session, stamp=token)
    person = repo.subscriber_by_id(session, subscriber_id=subscriber_id)
    if person is None:
        return None
    key = repo.unsubscribe_key(session)
    return person if unsubscribe.genuine(key, token, person.unsubscribe_token) else None


def _following(session: Session, person: Subscriber) -> list[Watch]:
    return repo.subscriber_watches(session, subscriber_id=person.id)


def _page(
    request: Request,
    token: str,
    person: Subscriber,
    watches: list[Watch],
    state: str,
    gone: list[Watch] | None = None,
) -> Response:
    response = render.page(
        request,
        "unsubscribe.html",
        person=person,
        watches=watches,
        state=state,
        gone=gone or [],
        action=links.unsubscribe_path(token),
    )
    response.headers.update(HEADERS)
    return response


def _not_valid(request: Request) -> Response:
    response = render.page(
        request, "unsubscribe.html", status=404, state="invalid", message=NOT_VALID
    )
    response.headers.update(HEADERS)
    return response
