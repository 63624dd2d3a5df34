"""The search index's list of long words (migration 0006), kept up to date and read.

The index triggers note every new or changed index row in `search_fts_pending`.
`refresh_search_words` moves the long words of pending rows into
`search_fts_words` in a short transaction of its own, so a search never holds a
write lock while it reads: PostgreSQL takes them from the row's tsvector, SQLite
(whose triggers cannot split text) from the row's text, split here as FTS5 splits it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from db import searchquery

__all__ = [
    "compound_words",
    "refresh_search_words",
    "words_containing",
    "words_starting",
]

log = logging.getLogger(__name__)
BATCH = 2000  # pending rows per transaction
BATCHES = 10  # a search waits for at most this many; the next search takes the rest
MAX_COMPOUNDS = 40  # words searched for one long word (the shortest first)
WAIT_MS = 1000  # a crawl writing holds SQLite's lock briefly; a search does not wait longer


def compound_words(session: Session, *, long_words: list[str]) -> dict[str, list[str]]:
    """For each long word, the indexed words that contain it (the word itself left out)."""
    if not long_words:
        return {}
    fresh = refresh_search_words(session)
    listed = set(words_containing(session, parts=long_words)) | fresh
    found: dict[str, list[str]] = {word: [] for word in long_words}
    for word in sorted(listed, key=lambda w: (len(w), w)):
        for part, compounds in found.items():
            if part in word and word != part and len(compounds) < MAX_COMPOUNDS:
                compounds.append(word)
    return found


def words_containing(session: Session, *, parts: Sequence[str]) -> list[str]:
    """Listed words containing any of `parts` (folded word characters, 3 or more of them).

    SQLite asks the list's trigram index (a MATCH may return a word that has the
    trigrams but not the part: the caller checks); PostgreSQL's LIKE uses pg_trgm's.
    """
    parts = [part for part in parts if len(part) >= 3]
    if not parts:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _words_like(session, [f"%{part}%" for part in parts])
    match = " OR ".join(f'"{part}"' for part in parts)  # word characters: nothing to escape
    sql = "SELECT word FROM search_fts_words_tri WHERE search_fts_words_tri MATCH :match"
    return list(session.execute(text(sql), {"match": match}).scalars())


def words_starting(session: Session, *, prefixes: Sequence[str]) -> list[str]:
    """Listed words starting with any of `prefixes` (what a typo may have meant)."""
    if session.get_bind().dialect.name == "postgresql":
        return _words_like(session, [f"{prefix}%" for prefix in prefixes])
    found: list[str] = []
    for prefix in prefixes:  # a range of the unique index: words are lower case
        bounds = {"low": prefix, "high": prefix[:-1] + chr(ord(prefix[-1]) + 1)}
        sql = "SELECT word FROM search_fts_words WHERE word >= :low AND word < :high"
        found += session.execute(text(sql), bounds).scalars()
    return found


def _words_like(session: Session, patterns: list[str]) -> list[str]:
    params = {f"p{i}": pattern for i, pattern in enumerate(patterns)}
    if not params:
        return []
    where = " OR ".join(f"word LIKE :{name}" for name in params)
    return list(
        session.execute(text(f"SELECT word FROM search_fts_words WHERE {where}"), params).scalars()
    )


def refresh_search_words(session: Session) -> set[str]:
    """List the long words of pending index rows; the words added (none when busy or done)."""
    added: set[str] = set()
    with Session(session.get_bind()) as own:
        try:
            for _ in range(BATCHES):
                more = _take_batch(own)
                own.commit()
                if more is None:
                    break
                added |= more
        except DBAPIError as exc:  # locked by a long write: the next search lists them
            own.rollback()
            log.info("search words not refreshed: %s", exc.orig or exc)
    return added


def _take_batch(session: Session) -> set[str] | None:
    """One batch of pending rows made into listed words; None when nothing was pending."""
    if session.get_bind().dialect.name == "postgresql":
        return _take_postgres(session)
    return _take_sqlite(session)


_PG_TAKE = f"""
WITH batch AS (
  DELETE FROM search_fts_pending WHERE id IN (
    SELECT id FROM search_fts_pending ORDER BY id LIMIT {BATCH} FOR UPDATE SKIP LOCKED)
  RETURNING id)
INSERT INTO search_fts_words(word)
  SELECT DISTINCT u.lexeme FROM batch JOIN search_fts f ON f.id = batch.id, unnest(f.document) u
  WHERE length(u.lexeme) >= {searchquery.COMPOUND_MIN} ORDER BY 1
ON CONFLICT DO NOTHING RETURNING word"""


def _take_postgres(session: Session) -> set[str] | None:
    if session.execute(text("SELECT 1 FROM search_fts_pending LIMIT 1")).first() is None:
        return None
    return set(session.execute(text(_PG_TAKE)).scalars())


def _take_sqlite(session: Session) -> set[str] | None:
    waited = session.execute(text("PRAGMA busy_timeout")).scalar_one()
    session.execute(text(f"PRAGMA busy_timeout={WAIT_MS}"))
    try:
        return _take_sqlite_rows(session)
    finally:
        session.execute(text(f"PRAGMA busy_timeout={int(waited)}"))


def _take_sqlite_rows(session: Session) -> set[str] | None:
    rows = session.execute(
        text(
            "SELECT p.id, f.title, f.body FROM search_fts_pending p "
            f"LEFT JOIN search_fts f ON f.rowid = p.id ORDER BY p.id LIMIT {BATCH}"
        )
    ).all()
    if not rows:
        return None
    found = set().union(*(searchquery.index_words(f"{t or ''} {b or ''}") for _, t, b in rows))
    if found:
        session.execute(
            text("INSERT OR IGNORE INTO search_fts_words(word) VALUES (:word)"),
            [{"word": word} for word in sorted(found)],
        )
    ids = ", ".join(str(int(row_id)) for row_id, _, _ in rows)
    session.execute(text(f"DELETE FROM search_fts_pending WHERE id IN ({ids})"))
    return found
