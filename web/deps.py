"""What routes ask FastAPI for: a database session and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from db.engine import session_scope
from vocab.settings import Settings


def db(request: Request) -> Iterator[Session]:
    """One short transaction per request; write routes commit before they redirect."""
    with session_scope(request.app.state.engine) as session:
        yield session


def settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


Db = Annotated[Session, Depends(db)]  # a route's database session
