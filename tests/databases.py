"""The databases tests run on: SQLite in the test's folder, and PostgreSQL when one is given.

`LEXWATCH_TEST_DATABASE_URL` names a PostgreSQL server through a database its
user may create databases from (e.g. `postgresql+psycopg://postgres@127.0.0.1:5432/postgres`).
Each test then gets a database of its own, copied from a template migrated once
per session (a copy takes a fraction of a second, migrating takes much longer),
and dropped after the test. The next test's copy is made, and the last one
dropped, in the background while a test runs.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from urllib.parse import urlsplit

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from db.engine import migrate, normalise_url

ADMIN_URL = os.environ.get("LEXWATCH_TEST_DATABASE_URL", "")


def _own_redis_database(url: str) -> str:
    """The test Redis, on a database of this test process's own when tests run in parallel.

    Tests empty their Redis database. `make test` runs two processes (pytest-xdist
    `gw0`, `gw1`): the first takes the database the URL names, the next the one after
    it (15 is followed by 0), so one process never empties the other's queue.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    named = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{(named + int(worker[2:])) % 16}").geturl()


REDIS_URL = _own_redis_database(os.environ.get("LEXWATCH_TEST_REDIS_URL", ""))


def backends() -> list[str]:
    """The backends every database test runs on."""
    return ["sqlite", "postgresql"] if ADMIN_URL else ["sqlite"]


class PostgresServer:
    """Creates and drops throwaway databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = normalise_url(admin_url)
        self.admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self.template = ""
        self.background = ThreadPoolExecutor(
            max_workers=1
        )  # one at a time: copies share the template
        self.next: Future[str] | None = None

    def url_of(self, name: str) -> str:
        """The URL of one database on this server."""
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def fresh(self) -> str:
        """A new, migrated database: its URL."""
        if not self.template:
            self.template = self._create(f"lw_template_{uuid.uuid4().hex[:10]}")
            _migrate_once(self.url_of(self.template))
        url = (self.next or self.background.submit(self._copy)).result()
        self.next = self.background.submit(self._copy)
        return url

    def drop(self, url: str) -> None:
        """Drop a database (in the background), closing connections a killed process left."""
        self.background.submit(self._drop, url)

    def close(self) -> None:
        """Drop the spare copy and the template, and let go of the server."""
        if self.next is not None:
            self.drop(self.next.result())
        if self.template:
            self.drop(self.url_of(self.template))
        self.background.shutdown(wait=True)
        self.admin.dispose()

    def _copy(self) -> str:
        return self.url_of(self._create(f"lw_{uuid.uuid4().hex[:12]}", self.template))

    def _drop(self, url: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def _create(self, name: str, template: str = "") -> str:
        self._run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def _run(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))


def _migrate_once(url: str) -> None:
    engine: Engine = create_engine(url, poolclass=NullPool)
    try:
        migrate(engine)
    finally:
        engine.dispose()  # a template must have no open connection when it is copied
