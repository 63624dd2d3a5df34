"""Rows that another process may insert at the same moment: inserted once (ON CONFLICT DO NOTHING)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

__all__ = []
M = TypeVar("M", bound=SQLModel)


def _insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _values(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(exclude={"id"} if "id" in type(row).model_fields else set())


def insert_once(session: Session, row: SQLModel) -> None:
    """Insert a row unless one with the same unique key exists (or is being inserted)."""
    session.exec(_insert(session, type(row)).values(**_values(row)).on_conflict_do_nothing())


def insert_new(session: Session, row: M) -> M | None:
    """`insert_once` that answers with the stored row, or None when one with its key existed."""
    model = type(row)
    statement = _insert(session, model).values(**_values(row)).on_conflict_do_nothing()
    return session.scalars(statement.returning(model)).first()


def insert_values_once(session: Session, table: Table, values: dict[str, Any]) -> None:
    """`insert_once` for a row given as plain values, with no model built for it.

    Run on the session's connection, so the session's pending objects are not
    flushed first. The statement is built once per kind of database and table.
    """
    dialect = session.get_bind().dialect.name
    statement = _ONCE.get((dialect, table.name))
    if statement is None:
        statement = _ONCE[(dialect, table.name)] = _insert(session, table).on_conflict_do_nothing()
    session.connection().execute(statement, values)


_ONCE: dict[tuple[str, str], Any] = {}


def insert_all_once(session: Session, rows: Sequence[SQLModel]) -> None:
    """`insert_once` for many rows of one table, in one statement (executemany)."""
    if rows:
        table = type(rows[0]).__table__  # type: ignore[attr-defined]
        statement = _insert(session, table).on_conflict_do_nothing()
        session.execute(statement, [_values(row) for row in rows])
