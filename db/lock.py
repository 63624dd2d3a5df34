"""Locks of one database: one scheduler for its whole life, one migration at a time.

SQLite: an exclusive `flock` on a file beside the database (released by the
kernel when the process dies, even by SIGKILL). PostgreSQL: an advisory lock,
held by a session (the scheduler's connection, kept open) or by a transaction
(the migration's); either is released when its holder ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from vocab.errors import ConfigError

ADVISORY_KEY = 0x1E7_3A7C4  # "lexwatch" scheduler, any fixed 64-bit number
MIGRATION_KEY = 0x1E7_3A7C5  # schema upgrades: another fixed number


@contextlib.contextmanager
def scheduler_lock(engine: Engine) -> Iterator[None]:
    """Hold the scheduler lock of this database, or fail with a clear message."""
    if engine.dialect.name == "sqlite":
        with _file_lock(Path(engine.url.database or "lexwatch.db").with_suffix(".scheduler.lock")):
            yield
    else:
        with _advisory_lock(engine):
            yield


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="ascii")  # noqa: SIM115  (held until the block ends)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.seek(0)
        owner = handle.read().strip() or "another process"
        handle.close()
        raise ConfigError(
            f"a scheduler is already running on this database ({owner}): stop it first"
        ) from exc
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextlib.contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    with engine.connect() as connection:
        taken = connection.execute(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
        ).scalar()
        if not taken:
            raise ConfigError("a scheduler is already running on this database: stop it first")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})


@contextlib.contextmanager
def migration_lock(connection: Connection) -> Iterator[None]:
    """Serialise schema upgrades: the scheduler, the web app and workers may start together."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_KEY})
        yield  # released when the migration's transaction ends
        return
    database = connection.engine.url.database
    if not database or database == ":memory:":
        yield  # nobody else can see this database
        return
    with _blocking_file_lock(Path(database).with_suffix(".migrate.lock")):
        yield


@contextlib.contextmanager
def _blocking_file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="ascii") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the other process's upgrade
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
