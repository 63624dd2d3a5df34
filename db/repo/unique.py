"""Rows that another process may insert at the same moment: inserted once (ON CONFLICT DO NOTHING)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
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
    insert_all_once(session, [row])


def insert_new(session: Session, row: M) -> M | None:
    """`insert_once` that answers with the stored row, or None when one with its key existed.

    A Core INSERT … RETURNING of the new key; `row` then joins the session as if
    it had been read (no SELECT, no flush), a third of the ORM's own RETURNING.
    """
    table = type(row).__table__  # type: ignore[attr-defined]
    statement = _statement(session, table, returning=True)
    key = session.execute(statement, _values(row)).scalar()
    if key is None:
        return None
    setattr(row, table.primary_key.columns[0].name, key)
    make_transient_to_detached(row)
    session.add(row)
    return row


def _statement(session: Session, table: Table, *, returning: bool) -> Any:
    """INSERT … ON CONFLICT DO NOTHING (RETURNING its key): built once per database kind and table."""
    key = (session.get_bind().dialect.name, table.name, returning)
    if key not in _ONCE:
        statement = _insert(session, table).on_conflict_do_nothing()
        _ONCE[key] = statement.returning(*table.primary_key.columns) if returning else statement
    return _ONCE[key]


_ONCE: dict[tuple[str, str, bool], Any] = {}


def insert_all_once(session: Session, rows: Sequence[SQLModel]) -> None:
    """`insert_once` for many rows of one table, in one statement (executemany)."""
    if rows:
        table = type(rows[0]).__table__  # type: ignore[attr-defined]
        insert_rows_once(session, table, [_values(row) for row in rows])


def insert_rows_once(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """`insert_all_once` for rows given as plain values: no model is built for any of them."""
    if rows:
        session.execute(_statement(session, table, returning=False), list(rows))
