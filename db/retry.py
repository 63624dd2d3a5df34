"""Transactions that another process may collide with, run again until they go through.

Several processes write to one database (the scheduler, workers, `lexwatch
crawl`, the web app). A transaction can then fail for no fault of its own: a
unique key another process inserted first, a deadlock, a serialisation failure,
SQLite's "database is locked". Run again from the start, it reads what the other
process wrote and decides afresh.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from db.engine import session_scope

T = TypeVar("T")
log = logging.getLogger("lexwatch.db")
ATTEMPTS = 6
CONFLICT_STATES = {"23505", "40001", "40P01"}  # unique violation, serialisation, deadlock


def is_conflict(exc: BaseException) -> bool:
    """True when running the transaction again may succeed."""
    if not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None)
    if state is not None:
        return state in CONFLICT_STATES
    message = str(exc.orig)
    if isinstance(exc, IntegrityError):
        return message.startswith("UNIQUE constraint failed")
    return isinstance(exc, OperationalError) and "database is locked" in message


def in_transaction(engine: Engine, work: Callable[[Session], T], attempts: int = ATTEMPTS) -> T:
    """`work(session)` in one transaction, started again after a conflict."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except DBAPIError as exc:
            if attempt == attempts or not is_conflict(exc):
                raise
            log.info("transaction collided with another process (%s); again", type(exc).__name__)
            time.sleep(random.uniform(0, 0.05 * 2**attempt))  # apart, so they do not collide again
    raise AssertionError("unreachable")
