"""Who may do what: users and roles, passwords, sign-in with rate limits, feed tokens.

Readers search and read; admins also change things. Passwords are hashed with
Argon2id. Wrong passwords are limited twice: per account in the database (a
lock after LOCK_AFTER failures in a row, which survives restarts and holds
across workers) and per client address in memory (a sliding window, which
stops one address from trying many accounts).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from sqlmodel import Session

from db import repo
from db.models import User
from errors import ConfigError
from web import signing
from web.deps import db

ROLES = ("admin", "reader")
MIN_PASSWORD = 10
LOCK_AFTER, LOCK_FOR = 5, timedelta(minutes=15)
IP_ATTEMPTS, IP_WINDOW = 20, 15 * 60.0  # attempts per address per window (seconds)
_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class LoginRequired(Exception):
    """The page needs a signed-in user; the app answers with the sign-in page (or 401)."""


class Forbidden(Exception):
    """Signed in, but this needs the admin role."""


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
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if repo.user_by_email(session, email=email):
        raise ConfigError(f"a user {email} exists already")
    return repo.add_user(session, email=email, password_hash=hash_password(password), role=role)


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


class AddressLimiter:
    """Sign-in attempts per client address in a sliding window (in memory, per process)."""

    def __init__(self, attempts: int = IP_ATTEMPTS, window: float = IP_WINDOW) -> None:
        self.attempts, self.window = attempts, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one attempt; False when the address has used up its window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(address, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.attempts:
                return False
            seen.append(now)
            return True


def authenticate(
    session: Session, *, email: str, password: str, address: str, limiter: AddressLimiter
) -> User:
    """The user these credentials name, or LoginFailed with a message to show."""
    if not limiter.allow(address):
        raise LoginFailed("Too many sign-in attempts from your address: wait a few minutes.", 429)
    user = repo.user_by_email(session, email=email.strip())
    now = datetime.now(UTC)
    if user and user.locked_until and user.locked_until > now:
        minutes = int((user.locked_until - now).total_seconds() // 60) + 1
        raise LoginFailed(f"Too many wrong passwords: try again in {minutes} minutes.", 429)
    if not _verify(user, password):
        if user:
            repo.note_failed_login(session, user=user, lock_after=LOCK_AFTER, lock_for=LOCK_FOR)
        raise LoginFailed("Wrong email or password.")
    rehash = hash_password(password) if _hasher.check_needs_rehash(user.password_hash) else None
    repo.note_login(session, user=user, password_hash=rehash)
    return user


# -- who is asking -------------------------------------------------------------------


def feed_token(key: str, user: User) -> str:
    """A token for feed readers and scripts; it changes when the password does."""
    return f"{user.id}.{signing.mac(key, 'token', f'{user.id}:{user.password_hash}')[:40]}"


def _from_token(session: Session, key: str, token: str) -> User | None:
    user_id, _, _mac = token.partition(".")
    user = repo.get_user(session, user_id=int(user_id)) if user_id.isdigit() else None
    return user if user and signing.same(feed_token(key, user), token) else None


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else request.query_params.get("token", "")


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as pages show it; plain data, still valid after the request's session ends."""

    id: int
    email: str
    role: str
    token: str


def current_user(request: Request, session: Annotated[Session, Depends(db)]) -> User | None:
    """The signed-in user (session cookie), else the owner of a feed token, else None."""
    uid = request.state.session.get("uid")
    user = repo.get_user(session, user_id=uid) if isinstance(uid, int) else None
    token = _bearer(request) if user is None else ""
    key = request.app.state.secret_key
    if token:
        user = _from_token(session, key, token)
    if user is not None:
        request.state.viewer = Viewer(user.id, user.email, user.role, feed_token(key, user))
    return user


def reader(user: Annotated[User | None, Depends(current_user)]) -> User:
    """Any signed-in user: readers and admins read."""
    if user is None:
        raise LoginRequired()
    return user


def admin(user: Annotated[User, Depends(reader)]) -> User:
    """Only admins change things."""
    if user.role != "admin":
        raise Forbidden()
    return user


Reader = Annotated[User, Depends(reader)]  # a route any signed-in user may use
Admin = Annotated[User, Depends(admin)]  # a route only admins may use


def user_dict(user: User) -> dict[str, str | None]:
    """A user as `lexwatch users list` shows it (never the password hash)."""
    locked = user.locked_until.isoformat() if user.locked_until else None
    return {"email": user.email, "role": user.role, "created_at": user.created_at.isoformat(),
            "locked_until": locked}  # fmt: skip
