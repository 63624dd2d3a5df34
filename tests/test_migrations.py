"""Alembic migrations are the only way the schema changes: they must build what the models say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from db.engine import get_engine
from db.schema import include_object
from vocab.settings import get_settings


def test_the_models_and_the_migrations_agree(home) -> None:
    engine = get_engine(get_settings().db_url)  # upgraded to head by the migrations alone
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], f"a model changed without a migration: {differences}"


def test_the_search_index_is_left_to_its_migration(home) -> None:
    engine = get_engine(get_settings().db_url)
    with engine.connect() as connection:
        tables = set(engine.dialect.get_table_names(connection))
    assert "search_fts" in tables  # it exists, yet the comparison above ignores it
    assert not include_object(None, "search_fts", "table", True, None)


# A fresh SQLite file can be taken to revision 0002 first; a PostgreSQL test database is a
# copy of one already at head.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_keys_stored_before_they_moved_to_headers_are_redacted(home, monkeypatch) -> None:
    """Revision 0008 on a database written by the old congress.gov module (key in the URL)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from db.engine import MIGRATIONS, _create

    monkeypatch.setenv("LEXWATCH_DIP_API_KEY", "OLD-DIP-KEY-123456")
    get_settings.cache_clear()
    engine = _create(get_settings().db_url)  # not upgraded yet
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    url = "https://api.congress.gov/v3/bill/118/s/1207?format=json&api_key=OLD-CONGRESS-KEY"
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        _old_rows(connection, url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        row = connection.execute(
            text("SELECT s.url, r.error, src.health_reason FROM snapshot s, crawlrun r, source src")
        ).one()
    assert row[0] == "https://api.congress.gov/v3/bill/118/s/1207?format=json&api_key=REDACTED"
    assert row[1] == "HTTP 500 from https://api.congress.gov/x?api_key=REDACTED (key REDACTED)"
    assert row[2] == row[1]


def _old_rows(connection, url: str) -> None:
    from sqlalchemy import text

    error = (
        "HTTP 500 from https://api.congress.gov/x?api_key=OLD-CONGRESS-KEY (key OLD-DIP-KEY-123456)"
    )
    now = "2026-11-01 00:00:00"
    connection.execute(
        text(
            "INSERT INTO source (id, name, kind, url, params, jurisdiction, enabled, created_at, "
            "updated_at, health, health_reason, consecutive_failures) VALUES (1, 'c', 'us_congress', "
            "'', '{}', 'US', :on, :now, :now, 'failing', :error, 1)"
        ),
        {"now": now, "error": error, "on": True},
    )
    connection.execute(
        text(
            "INSERT INTO crawlrun (id, source_id, started_at, status, fetched, unchanged, changes, "
            "errors, error, bytes_received) VALUES (1, 1, :now, 'error', 0, 0, 0, 1, :error, 0)"
        ),
        {"now": now, "error": error},
    )
    connection.execute(
        text("INSERT INTO blob (sha256, size, data, created_at) VALUES ('a', 0, :d, :now)"),
        {"d": b"", "now": now},
    )
    connection.execute(
        text(
            "INSERT INTO snapshot (id, source_id, url, role, status, sha256, etag, last_modified, "
            "content_type, fetched_at, last_seen_at, parsed) VALUES (1, 1, :url, 'detail', 200, 'a', "
            "'', '', 'application/json', :now, :now, :on)"
        ),
        {"url": url, "now": now, "on": True},
    )


def test_0016_and_0017_go_down_and_up_again_keeping_the_snapshots(home) -> None:
    """0016: the newest snapshot's index ends with the id; 0017: whether a body made a version.

    Down to 0015 the old index is back and the column gone; up again, a snapshot
    stored before counts as having made a version.
    """
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    from db.engine import MIGRATIONS, session_scope
    from db.models import Blob, Snapshot, Source

    engine = get_engine(get_settings().db_url)  # at head
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def indexes() -> dict[str, list[str]]:
        with engine.connect() as connection:
            found = inspect(connection).get_indexes("snapshot")
        return {i["name"]: i["column_names"] for i in found if "url" in i["column_names"]}

    def versioned() -> list:
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("snapshot")}
            if "versioned" not in columns:
                return []
            return list(connection.execute(text("SELECT versioned FROM snapshot")).scalars())

    with session_scope(engine) as session:
        source = Source(name="page", kind="page", url="https://e.org/")
        session.add_all([source, Blob(sha256="s", size=1, data=b"x")])
        session.flush()
        at = datetime(2026, 1, 1, tzinfo=UTC)
        session.add(Snapshot(source_id=source.id, url=source.url, role="main", status=200,
                             sha256="s", fetched_at=at, last_seen_at=at))  # fmt: skip
    assert indexes() == {"ix_snapshot_source_url_newest": ["source_id", "url", "fetched_at", "id"]}
    assert versioned() == [False]  # stored now: no version made from it yet
    for target, wanted in (
        ("0015", {"ix_snapshot_source_url_seen": ["source_id", "url", "fetched_at"]}),
        ("head", {"ix_snapshot_source_url_newest": ["source_id", "url", "fetched_at", "id"]}),
    ):
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0015" else command.upgrade)(config, target)
        assert indexes() == wanted
        assert versioned() == ([] if target == "0015" else [True])
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM snapshot")).scalar() == 1
