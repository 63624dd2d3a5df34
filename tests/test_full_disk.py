"""A full disk is one line, and nothing stored is lost.

SQLite's `max_page_count` makes the database refuse to grow exactly as a full disk
does (SQLITE_FULL, "database or disk is full"), without filling this machine's disk.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, event, text

from db.engine import get_engine
from vocab.settings import get_settings


@pytest.fixture
def full_disk(home) -> Iterator[None]:
    """From now on, every SQLite connection may not grow the database by one page."""
    engine = get_engine(get_settings().db_url)
    with engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar()

    def cap(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    event.listen(Engine, "connect", cap)
    yield
    event.remove(Engine, "connect", cap)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_full_disk_is_one_line_and_nothing_is_lost(lexwatch, home, request) -> None:
    assert (
        lexwatch(
            "sources", "add", "--kind", "page", "--url", "https://example.org/a", "--name", "kept"
        ).code
        == 0
    )
    request.getfixturevalue("full_disk")
    names = [f"new-{n}-" + "x" * 60 for n in range(200)]  # more than one page of rows
    results = [
        lexwatch("sources", "add", "--kind", "page", "--url", "https://example.org/b", "--name", n)
        for n in names
    ]
    failed = next(r for r in results if r.code != 0)
    assert failed.code == 2 and "Traceback" not in failed.err
    assert failed.err.strip().splitlines() == [
        "lexwatch: the database failed: database or disk is full"
    ]
    listed = [s["name"] for s in lexwatch("sources", "list", "--format", "json").json()]
    assert listed[0] == "kept"
