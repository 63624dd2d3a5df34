"""The engine, sessions and schema upgrades. SQLite gets WAL and a busy timeout.

PostgreSQL is reached through psycopg 3: `postgresql://` and `postgres://` URLs
are read as `postgresql+psycopg://`, the driver Lexwatch installs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from db.lock import migration_lock
from db.revision import at_head
from vocab.errors import ConfigError

MIGRATIONS = Path(__file__).parent / "migrations"
_ENGINES: dict[str, Engine] = {}


def get_engine(url: str) -> Engine:
    """One engine per URL per process, upgraded to the latest schema on first use."""
    if url not in _ENGINES:
        engine = _create(normalise_url(url))
        try:
            migrate(engine)
        except OperationalError as exc:
            engine.dispose()
            raise ConfigError(unreachable(engine.url, exc)) from exc
        _ENGINES[url] = engine
    return _ENGINES[url]


def unreachable(url: URL, exc: OperationalError) -> str:
    """One line that says which database could not be used and why, without its password."""
    if url.get_backend_name() == "sqlite":
        where = f"the SQLite database {url.database}"
    else:
        port = f":{url.port}" if url.port else ""
        where = f"the database '{url.database or ''}' at {url.host or 'localhost'}{port}"
    reason = str(exc.orig or exc).strip().splitlines()[0]
    return f"cannot use {where}: {reason}; check LEXWATCH_DATABASE_URL and that the server runs"


def _forget_connections_after_fork() -> None:
    """A forked child (an RQ work horse) must not use its parent's pooled connections."""
    for engine in _ENGINES.values():
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_connections_after_fork)


def dispose_engines() -> None:
    """Close every pooled connection (on shutdown, and between tests)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A short transaction: committed when the block ends, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def normalise_url(url: str) -> str:
    """The URL with PostgreSQL's driver made explicit (SQLAlchemy would look for psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def migrate(engine: Engine) -> None:
    """Upgrade the database to the latest Alembic revision (one process at a time).

    A database already there costs one read, and Alembic is not even imported (db/revision.py).
    """
    if at_head(engine):
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection, migration_lock(connection):
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _create(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(f"LEXWATCH_DATABASE_URL is not a database URL: {url!r}") from exc
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        private_file(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def private_file(path: Path) -> None:
    """Create the database file 0600 in a folder created 0700: it holds users and sources.

    SQLite gives its -wal and -shm files the database file's mode. An existing
    file or folder keeps the mode its owner gave it.
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # empty: an empty database
    except OSError as exc:
        raise ConfigError(
            f"cannot create the database {path}: {exc.strerror}; "
            "set LEXWATCH_DATA_DIR to a folder Lexwatch may write"
        ) from exc


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
