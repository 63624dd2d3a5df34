"""Facts about this installation (the AppState table): a key and its value."""

from __future__ import annotations

from sqlmodel import Session

from db.models import AppState, utcnow

__all__ = [
    "get_state",
    "set_state",
]


def get_state(session: Session, *, key: str) -> str | None:
    """A fact about this installation, or None."""
    row = session.get(AppState, key)
    return row.value if row else None


def set_state(session: Session, *, key: str, value: str) -> None:
    """Record a fact about this installation."""
    row = session.get(AppState, key) or AppState(key=key)
    row.value, row.updated_at = value, utcnow()
    session.add(row)
