"""What Alembic manages: every table of the models, not the full-text index.

The search index (SQLite FTS5 and its shadow tables, or PostgreSQL's tsvector
table) is written by hand in its migration; left to autogenerate, Alembic would
propose dropping it. Both the migration environment and the test that checks
models against migrations use this one filter.
"""

from __future__ import annotations

from typing import Any

FTS_TABLES = ("search_fts",)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """False for the full-text index tables, and for the indexes and columns on them."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (table or "").startswith(FTS_TABLES)
