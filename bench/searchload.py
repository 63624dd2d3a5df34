"""Bulk loading for the search benchmark: rows in one executemany, the index refilled once.

FTS5 writes its pending index at every statement savepoint, so rows indexed by
triggers one at a time cost ten times more than one refill at the end: a bulk
load pauses the index triggers, inserts, then rebuilds the index and its list of
long words from what the tables hold (view search_fts_source, migration 0011),
and its index of current rows (migration 0013).

The growth table (`load_versions`) adds history to a database that already has
crawled rows indexed: rows go in through the DB-API, and only the new versions
are indexed; what was indexed before stays as the triggers left it.
"""

from __future__ import annotations

import importlib
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session

from vocab.words import COMPOUND_MIN

# The index of current rows (migration 0013) is refilled the way its migration fills it.
CURRENT = importlib.import_module("db.migrations.versions.0013_search_current_state")
# On PostgreSQL with the metadata columns 0015 added to it.
CURRENT_META = importlib.import_module("db.migrations.versions.0015_current_rows_metadata")


def bulk_insert(session: Session, *, model: type, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows of one table in one executemany."""
    if rows:
        session.execute(insert(model), list(rows))


def pause_search_index(session: Session) -> None:
    """Stop the index triggers before a bulk load; rebuild_search_index starts them again."""
    session.execute(text("UPDATE search_fts_state SET paused = 1"))


def rebuild_search_index(session: Session) -> None:
    """Refill the search index from what the tables hold, list its long words, then resume."""
    dialect = session.get_bind().dialect.name
    statements = _POSTGRES_FILL if dialect == "postgresql" else _SQLITE_FILL
    for statement in [*statements, *_words_list_fill(dialect), _RESUME]:
        session.execute(text(statement))
    if dialect == "postgresql":
        for statement in _POSTGRES_SETTLE:
            session.execute(text(statement))


_POSTGRES_FILL = [
    "TRUNCATE search_fts, search_fts_now",
    "INSERT INTO search_fts(id, title, body, dossier_id, source_id, day) "
    "SELECT rid, title, body, dossier_id, source_id, day FROM search_fts_source",
    CURRENT_META.PG_REFILL,
]
# What autovacuum does within a minute of a bulk load, done before anything is measured: the
# planner's statistics (without them a rare word's EXISTS is planned as a scan of the table, a
# common word's newest rows as a bitmap of all of them), and the GIN indexes' pending lists
# moved into the indexes (every look-up reads the whole list: 286 pages after this load).
_POSTGRES_SETTLE = [
    "ANALYZE",
    "SELECT gin_clean_pending_list('search_fts_document'::regclass)",
    "SELECT gin_clean_pending_list('search_fts_now_document'::regclass)",
]
# The index of current rows refilled from search_fts, then both FTS5 tables optimised.
# The growth table's load leaves out the optimisation: the product never runs one.
_SQLITE_CURRENT = [
    CURRENT.SQLITE_REFILL,
    "INSERT INTO search_fts(search_fts) VALUES ('optimize')",
    "INSERT INTO search_fts_now(search_fts_now) VALUES ('optimize')",
]
_SQLITE_FILL = [
    "DELETE FROM search_fts",
    "DELETE FROM search_fts_meta",
    "DELETE FROM search_fts_now",
    "INSERT INTO search_fts(rowid, title, body) SELECT rid, title, body FROM search_fts_source",
    "INSERT INTO search_fts_meta(id, dossier_id, source_id, day) "
    "SELECT rid, dossier_id, source_id, day FROM search_fts_source",
    *_SQLITE_CURRENT,
]
_RESUME = "UPDATE search_fts_state SET paused = 0"


def _words_list_fill(dialect: str) -> list[str]:
    """SQL that lists every long word of the whole index anew (after a bulk load)."""
    if dialect == "postgresql":
        return [
            "TRUNCATE search_fts_pending",
            "INSERT INTO search_fts_words(word) SELECT word FROM ts_stat('SELECT document "
            f"FROM search_fts') WHERE length(word) >= {COMPOUND_MIN} ON CONFLICT DO NOTHING",
        ]
    return [
        "DELETE FROM search_fts_pending",
        "INSERT OR IGNORE INTO search_fts_words(word) SELECT term FROM search_fts_vocab "
        f"WHERE length(term) >= {COMPOUND_MIN}",
    ]


# -- SQLite through the DB-API: the growth table's history (bench/growthload.py) ---------

# For a bulk load on the bench's own database: no fsync, no foreign-key look-ups
# (the rows are made valid), a 64 MB page cache. Each is set back afterwards.
BULK_PRAGMAS = {"synchronous": "OFF", "foreign_keys": "OFF", "cache_size": "-65536"}


@contextmanager
def bulk_pragmas(raw: Any) -> Iterator[None]:
    """A raw SQLite connection set for a bulk load for the length of the block."""
    before = {name: raw.execute(f"PRAGMA {name}").fetchone()[0] for name in BULK_PRAGMAS}
    _pragmas(raw, BULK_PRAGMAS)
    try:
        yield
    finally:
        _pragmas(raw, before)


def _pragmas(raw: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        raw.execute(f"PRAGMA {name} = {value}")


def load_versions(raw: Any, dialect: Any, batches: Iterable[tuple], first_id: int) -> None:
    """Insert batches of (version rows, change rows) with the index paused, index the new
    versions (ids from `first_id`), commit once, and fold the WAL into the database file."""
    from db.models import Change, Version

    with bulk_pragmas(raw):
        cursor = raw.cursor()
        cursor.execute("UPDATE search_fts_state SET paused = 1")
        for version_rows, change_rows in batches:
            raw_insert(cursor, dialect, Version.__table__, version_rows)
            raw_insert(cursor, dialect, Change.__table__, change_rows)
        for statement in index_new_versions(first_id):
            cursor.execute(statement)
        raw.commit()
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def raw_insert(cursor: Any, dialect: Any, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert rows (every column given) in one executemany, each value bound as SQLAlchemy
    binds its column's type, so the stored rows are those the ORM would store."""
    columns = list(table.columns)
    names, marks = ", ".join(c.name for c in columns), ", ".join("?" * len(columns))
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    cursor.executemany(sql, map(_binder(columns, dialect), rows))


def _binder(columns: list, dialect: Any) -> Any:
    """A function from a row (a dict) to its values in column order, bound for the driver."""
    values = operator.itemgetter(*(c.name for c in columns))
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    binds = [(i, bind) for i, bind in enumerate(processors) if bind]

    def bound(row: dict[str, Any]) -> list[Any]:
        out = list(values(row))
        for i, bind in binds:
            out[i] = bind(out[i])
        return out

    return bound


def index_new_versions(first_id: int) -> list[str]:
    """SQL that indexes the versions from `first_id` on (loaded with the index paused), then
    lists their long words and refills the index of current rows; rows indexed before stay.
    No FTS5 `optimize`: the index is left in segments, as the product's own is."""
    new = f"WHERE rid >= {4 * first_id + 3} AND rid % 4 = 3"
    return [
        f"INSERT INTO search_fts(rowid, title, body) SELECT rid, title, body "
        f"FROM search_fts_source {new}",
        "INSERT INTO search_fts_meta(id, dossier_id, source_id, day) "
        f"SELECT rid, dossier_id, source_id, day FROM search_fts_source {new}",
        "DELETE FROM search_fts_now",
        CURRENT.SQLITE_REFILL,
        *_words_list_fill("sqlite"),
        _RESUME,
    ]
