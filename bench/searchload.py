"""Bulk loading for the search benchmark: rows in one executemany, the index refilled once.

FTS5 writes its pending index at every statement savepoint, so rows indexed by
triggers one at a time cost ten times more than one refill at the end: a bulk
load pauses the index triggers, inserts, then rebuilds the index and its list of
long words from what the tables hold (view search_fts_source, migration 0011),
and its index of current rows (migration 0013).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session

from vocab.words import COMPOUND_MIN

# The index of current rows (migration 0013) is refilled the way its migration fills it.
CURRENT = importlib.import_module("db.migrations.versions.0013_search_current_state")


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


_POSTGRES_FILL = [
    "TRUNCATE search_fts, search_fts_now",
    "INSERT INTO search_fts(id, title, body, dossier_id, source_id, day) "
    "SELECT rid, title, body, dossier_id, source_id, day FROM search_fts_source",
    CURRENT.PG_REFILL,
]
_SQLITE_FILL = [
    "DELETE FROM search_fts",
    "DELETE FROM search_fts_meta",
    "DELETE FROM search_fts_now",
    "INSERT INTO search_fts(rowid, title, body) SELECT rid, title, body FROM search_fts_source",
    "INSERT INTO search_fts_meta(id, dossier_id, source_id, day) "
    "SELECT rid, dossier_id, source_id, day FROM search_fts_source",
    CURRENT.SQLITE_REFILL,
    "INSERT INTO search_fts(search_fts) VALUES ('optimize')",
    "INSERT INTO search_fts_now(search_fts_now) VALUES ('optimize')",
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
