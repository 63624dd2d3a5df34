"""Who may do what: users and roles, passwords, sign-in with rate limits, sessions, feed tokens.

Readers search and read; admins also change things. Passwords are hashed with
Argon2id. Two credentials, two scopes:

- the session cookie (signed, and bound to the user's session stamp, which
  sign-out and a new password replace) opens every page the role allows;
- the feed token (`?token=` or `Authorization: Bearer`) opens only the routes
  that ask for `FeedReader` (feeds, exports, the read-only JSON API) and only
  by GET. Anywhere else it is refused with a 403, never taken as a sign-in.

On a public tracker (LEXWATCH_PUBLIC_READ) the routes web.visitors opens take a
request with neither as a visitor's: the dependencies below then answer None.

Wrong passwords are limited twice: per email *and* client address in the
database (LOCK_AFTER within LOCK_FOR; it survives restarts and holds across
processes, and strangers elsewhere cannot lock a user out), and per client
address in memory (a sliding window, which stops one address from trying many
accounts). Every refusal of a password says the same, whether the account
exists or not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from sqlmodel import Session

from db import repo
from db.models import User
from vocab import signing
from vocab.errors import ConfigError
from vocab.languages import N_
from web import sessions
from web.deps import db
from web.limits import AddressLimiter

ROLES = ("admin", "reader")
MIN_PASSWORD = 10
LOCK_AFTER, LOCK_FOR = 5, timedelta(minutes=15)  # wrong passwords per email and address
IP_ATTEMPTS, IP_WINDOW = 20, 15 * 60.0  # attempts per address per window (seconds)
_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
REFUSED = N_("Wrong email or password, or too many attempts: wait a few minutes.")
TOO_MANY = N_("Too many sign-in attempts from your address: wait a few minutes.")
FEED_METHODS = frozenset({"GET", "HEAD"})
OUT_OF_SCOPE = (
    "A feed token opens feeds, exports and the read-only API only: sign in to open this page "
    "or do this."
)
CALENDAR_ONLY = (
    "A feed token opens feeds, exports and the read-only API, and a calendar token opens "
    "calendars only: subscribe with the calendar link of an Agenda page."
)
BAD_CALENDAR_TOKEN = "This calendar link is not valid (it may have been rotated): copy it again."
BAD_TOKEN = (
    "This token is not valid (it may have been rotated): copy the current one from /account."
)


class LoginRequired(Exception):
    """The page needs a signed-in user; the app answers with the sign-in page (or 401)."""


class Forbidden(Exception):
    """Signed in, but this needs the admin role."""


class TokenRefused(Exception):
    """A feed token sent where it opens nothing (403), or one that is not valid (401)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class LoginFailed(Exception):
    """A sign-in was refused; the message is safe to show."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# -- users and passwords ------------------------------------------------------------


def hash_password(password: str) -> str:
    """An Argon2id hash of a password."""
    return _hasher.hash(password)


def create_user(session: Session, *, email: str, password: str, role: str) -> User:
    """A checked new user; a ConfigError says what is wrong with the input."""
    email = email.strip()
    if not _EMAIL.match(email):
        raise ConfigError(f"'{email}' is not an email address")
    if role not in ROLES:
        raise ConfigError(f"role '{role}' does not exist: choose admin or reader")
    check_password(password)
    if repo.user_by_email(session, email=email):
        raise ConfigError(f"a user {email} exists already")
    return repo.add_user(session, email=email, password_hash=hash_password(password), role=role)


def check_password(password: str) -> None:
    """A ConfigError when a new password is too weak to accept."""
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"the password is too short: use at least {MIN_PASSWORD} characters")


def change_password(session: Session, *, user: User, password: str) -> None:
    """Set a checked new password; every session of the user ends with it."""
    check_password(password)
    repo.set_password(session, user=user, password_hash=hash_password(password))


def _verify(user: User | None, password: str) -> bool:
    # An unknown email costs a hash too, so timing does not tell which accounts exist.
    target = user.password_hash if user else _dummy_hash()
    try:
        return _hasher.verify(target, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY:
        _DUMMY.append(_hasher.hash("not a password of anyone"))
    return _DUMMY[0]


# -- sign-in -------------------------------------------------------------------------


def client_address(request: Request) -> str:
    """The client's address: the socket peer, or what a trusted proxy says (web.app)."""
    return request.client.host if request.client else "unknown"


def _failure_key(email: str, address: str) -> str:
    # Hashed: what someone typed as an email (sometimes a password) is not kept.
    return hashlib.sha256(f"{email.strip().lower()}\x00{address}".encode()).hexdigest()


def authenticate(
    session: Session, *, email: str, password: str, address: str, limiter: AddressLimiter
) -> User:
    """The user these credentials name, or LoginFailed with a message to show."""
    if not limiter.allow(address):
        raise LoginFailed(TOO_MANY, 429)
    key, now = _failure_key(email, address), datetime.now(UTC)
    if repo.recent_sign_in_failures(session, key=key, since=now - LOCK_FOR) >= LOCK_AFTER:
        raise LoginFailed(REFUSED)  # the password is not even checked while locked
    user = repo.user_by_email(session, email=email.strip())
    if not _verify(user, password):
        repo.note_sign_in_failure(session, key=key, forget_before=now - LOCK_FOR)
        raise LoginFailed(REFUSED)
    repo.clear_sign_in_failures(session, key=key)
    rehash = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
    repo.note_login(session, user=user, password_hash=rehash)
    return user


def start_session(request: Request, user: User) -> None:
    """Sign this browser in as `user` (a new session id, bound to the user's session stamp)."""
    sessions.replace(request, user.id, user.session_stamp)


# -- who is asking -------------------------------------------------------------------


def feed_token(key: str, user: User) -> str:
    """A token for feed readers and scripts; it changes only when the user rotates it."""
    return f"{user.id}.{signing.mac(key, 'token', f'{user.id}:{user.token_stamp}')[:40]}"


def calendar_token(key: str, user: User) -> str:
    """A token that opens the user's calendar feeds only (web.routes.agenda).

    Calendar addresses travel further than feed links (shared with colleagues, fetched
    by Google's servers), so theirs opens nothing else; rotating the feed token voids it too.
    """
    return f"{user.id}.{signing.mac(key, 'calendar', f'{user.id}:{user.token_stamp}')[:40]}"


def _from_token(
    session: Session, key: str, token: str, made_by: Callable[[str, User], str] = feed_token
) -> User | None:
    user_id, _, _mac = token.partition(".")
    user = repo.get_user(session, user_id=int(user_id)) if user_id.isdigit() else None
    return user if user and signing.same(made_by(key, user), token) else None


def sent_token(request: Request) -> str:
    """The feed token a request carries (Authorization: Bearer, else ?token=), or ''."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else request.query_params.get("token", "")


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as pages show it; plain data, still valid after the request's session ends."""

    id: int
    email: str
    role: str
    token: str
    calendar: str = ""


def current_user(request: Request, session: Annotated[Session, Depends(db)]) -> User | None:
    """The user the session cookie names, while its stamp is still the user's; else None."""
    uid, stamp = request.state.session.get("uid"), request.state.session.get("stamp")
    user = repo.get_user(session, user_id=uid) if isinstance(uid, int) else None
    if user is None or not isinstance(stamp, str) or not signing.same(stamp, user.session_stamp):
        if uid is not None:
            sessions.replace(request, None)  # signed out elsewhere, or the user is gone
        return None
    key = request.app.state.secret_key
    request.state.viewer = Viewer(
        user.id, user.email, user.role, feed_token(key, user), calendar_token(key, user)
    )
    return user


def reader(request: Request, user: Annotated[User | None, Depends(current_user)]) -> User:
    """Any signed-in user: readers and admins read. A feed token alone is refused here.
    None for a visitor, on a route web.visitors opened to them."""
    if user is None:
        if sent_token(request):
            raise TokenRefused(OUT_OF_SCOPE, 403)
        return _visitor_or_sign_in(request)
    return user


def _visitor_or_sign_in(request: Request) -> None:
    """No user, no token: None (a visitor) where web.visitors opened the route, else sign in."""
    if getattr(request.state, "open_to_visitors", False):
        return None
    raise LoginRequired()


def feed_reader(request: Request, session: Annotated[Session, Depends(db)]) -> User:
    """A signed-in user, or by GET the owner of a valid feed token: the token's whole scope."""
    user = current_user(request, session)
    if user is not None:
        return user
    token = sent_token(request)
    if not token:
        return _visitor_or_sign_in(request)
    if request.method not in FEED_METHODS:
        raise TokenRefused(OUT_OF_SCOPE, 403)
    user = _from_token(session, request.app.state.secret_key, token)
    if user is None:
        raise TokenRefused(BAD_TOKEN, 401)
    return user


def calendar_reader(request: Request, session: Annotated[Session, Depends(db)]) -> User:
    """A signed-in user, or by GET the owner of a valid calendar token. Any other token gets a
    403: a calendar client that meets a 401 asks for a password, and none opens a calendar."""
    user = current_user(request, session)
    if user is not None:
        return user
    token = sent_token(request)
    if not token:
        return _visitor_or_sign_in(request)
    key = request.app.state.secret_key
    user = _from_token(session, key, token, calendar_token)
    if user is not None and request.method in FEED_METHODS:
        return user
    in_scope = _from_token(session, key, token) is None and user is None
    raise TokenRefused(BAD_CALENDAR_TOKEN if in_scope else CALENDAR_ONLY, 403)


def admin(user: Annotated[User, Depends(reader)]) -> User:
    """Only admins change things."""
    if user.role != "admin":
        raise Forbidden()
    return user


Reader = Annotated[User, Depends(reader)]  # pages and forms: a signed-in user
FeedReader = Annotated[User, Depends(feed_reader)]  # feeds, exports, API: a user or a feed token
CalendarReader = Annotated[User, Depends(calendar_reader)]  # a user or a calendar token
Admin = Annotated[User, Depends(admin)]  # a route only admins may use


def user_dict(user: User) -> dict[str, str]:
    """A user as `lexwatch users list` shows it (never the password hash or a stamp)."""
    return {"email": user.email, "role": user.role, "created_at": user.created_at.isoformat()}
