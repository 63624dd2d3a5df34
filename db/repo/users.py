"""Users of the web app, their sign-in and session stamps, and counted wrong passwords."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, delete, select

from db.models import SignInFailure, User, new_stamp

__all__ = [
    "add_user",
    "clear_sign_in_failures",
    "count_users",
    "end_sessions",
    "get_user",
    "list_users",
    "note_login",
    "note_sign_in_failure",
    "recent_sign_in_failures",
    "remove_user",
    "rotate_token",
    "set_password",
    "user_by_email",
]


def add_user(session: Session, *, email: str, password_hash: str, role: str) -> User:
    """Store a new user; the caller checks the email is free."""
    user = User(email=email, password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, *, email: str) -> User | None:
    """A user by email (compared in lower case)."""
    return session.exec(select(User).where(func.lower(User.email) == email.lower())).first()


def get_user(session: Session, *, user_id: int) -> User | None:
    """A user by id."""
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    """Every user, by email."""
    return list(session.exec(select(User).order_by(User.email)))


def count_users(session: Session, *, role: str = "") -> int:
    """How many users there are (with this role)."""
    query = select(func.count()).select_from(User)
    return session.exec(query.where(User.role == role) if role else query).one()


def remove_user(session: Session, *, user: User) -> None:
    """Delete a user."""
    session.delete(user)


def note_login(session: Session, *, user: User, password_hash: str | None = None) -> None:
    """A successful sign-in: keep a rehashed password when there is one."""
    if password_hash:
        user.password_hash = password_hash
        session.add(user)


def set_password(session: Session, *, user: User, password_hash: str) -> None:
    """A new password, which also ends every session of the user."""
    user.password_hash = password_hash
    end_sessions(session, user=user)


def end_sessions(session: Session, *, user: User) -> None:
    """A new session stamp: every cookie issued before no longer signs anyone in."""
    user.session_stamp = new_stamp()
    session.add(user)


def rotate_token(session: Session, *, user: User) -> None:
    """A new token stamp: the feed token changes and the old one stops working."""
    user.token_stamp = new_stamp()
    session.add(user)


def recent_sign_in_failures(session: Session, *, key: str, since: datetime) -> int:
    """How many wrong passwords were given for one email from one address since `since`."""
    query = select(func.count()).select_from(SignInFailure)
    where = (SignInFailure.key == key) & (SignInFailure.failed_at > since)
    return session.exec(query.where(where)).one()


def note_sign_in_failure(session: Session, *, key: str, forget_before: datetime) -> None:
    """Count one wrong password; failures older than the window are removed on the way."""
    session.execute(delete(SignInFailure).where(SignInFailure.failed_at < forget_before))
    session.add(SignInFailure(key=key))


def clear_sign_in_failures(session: Session, *, key: str) -> None:
    """A successful sign-in: this email and address start from zero."""
    session.execute(delete(SignInFailure).where(SignInFailure.key == key))
