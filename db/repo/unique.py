"""Rows that another process may insert at the same moment: inserted once (ON CONFLICT DO NOTHING)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

__all__ = []


def insert_once(session: Session, row: SQLModel) -> None:
    """Insert a row unless one with the same unique key exists (or is being inserted)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = row.model_dump(exclude={"id"} if "id" in type(row).model_fields else set())
    session.exec(insert(type(row)).values(**values).on_conflict_do_nothing())
