"""Alembic migrations are the only way the schema changes: they must build what the models say."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from config import get_settings
from db.engine import get_engine
from db.schema import include_object


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
