"""a small index of what is current: files, events, documents, each source's newest version

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:00:00

A word in nearly every version (a million index rows) cannot be ranked within
a page's time, yet a person searching wants the current state first: the files,
events and documents, and the newest version of each source. `search_fts_now`
indexes exactly those rows of `search_fts` (same row ids), so search ranks the
few thousand current rows and reaches into history only as far as a page needs.

It follows `search_fts` without any writer knowing: on SQLite, triggers on
`search_fts_meta` (whose rows 0011's triggers write right after the FTS row, and
delete right after it) copy a new current row in and drop the version it
replaces; deleting a source's newest version brings the one before it back. On
PostgreSQL the triggers sit on `search_fts` itself and copy the row's tsvector.
On SQLite, `search_fts_now_vocab` says how many current rows hold a word: search
estimates from it what a query would cost on the whole index.
A bulk load that pauses the index (search_fts_state.paused) refills it with
REFILL, as this revision does for the rows that exist.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = "(SELECT paused FROM search_fts_state) = 0"
# The newest version row of each source, and every row that is not a version.
CURRENT_IDS = (
    "SELECT id FROM {meta} WHERE id % 4 <> 3 UNION ALL "
    "SELECT max(id) FROM {meta} WHERE id % 4 = 3 GROUP BY source_id"
)
SQLITE_REFILL = (
    "INSERT INTO search_fts_now(rowid, title, body) SELECT rowid, title, body FROM search_fts "
    f"WHERE rowid IN ({CURRENT_IDS.format(meta='search_fts_meta')})"
)
PG_REFILL = (
    "INSERT INTO search_fts_now(id, document) SELECT id, document FROM search_fts "
    f"WHERE id IN ({CURRENT_IDS.format(meta='search_fts')})"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_up()
    else:
        _sqlite_up()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_fts_now_sync ON search_fts")
        op.execute("DROP FUNCTION IF EXISTS search_fts_now_sync()")
        op.execute("DROP INDEX IF EXISTS search_fts_source_versions")
    else:
        op.execute("DROP TRIGGER IF EXISTS search_fts_now_ai")
        op.execute("DROP TRIGGER IF EXISTS search_fts_now_ad")
        op.execute("DROP INDEX IF EXISTS search_fts_meta_source_versions")
        op.execute("DROP TABLE IF EXISTS search_fts_now_vocab")
    op.execute("DROP TABLE IF EXISTS search_fts_now")


# -- SQLite: an FTS5 table of the current rows -------------------------------------------


def _newer(row: str) -> str:
    """SQL: a version of the same source newer than `row` exists."""
    return (
        f"EXISTS (SELECT 1 FROM search_fts_meta m WHERE m.source_id = {row}.source_id "
        f"AND m.id % 4 = 3 AND m.id > {row}.id)"
    )


def _newest_before(row: str) -> str:
    """SQL: the id of the source's newest version row older than `row`."""
    return (
        f"(SELECT max(m.id) FROM search_fts_meta m WHERE m.source_id = {row}.source_id "
        f"AND m.id % 4 = 3 AND m.id < {row}.id)"
    )


_SQLITE_COPY = (
    "INSERT INTO search_fts_now(rowid, title, body) SELECT rowid, title, body FROM search_fts "
)

_SQLITE_INSERTED = (
    f"DELETE FROM search_fts_now WHERE new.id % 4 = 3 AND NOT {_newer('new')} "
    f"AND rowid = {_newest_before('new')}; "
    f"{_SQLITE_COPY} WHERE rowid = new.id AND (new.id % 4 <> 3 OR NOT {_newer('new')});"
)
_SQLITE_DELETED = (
    "DELETE FROM search_fts_now WHERE rowid = old.id; "
    f"{_SQLITE_COPY} WHERE old.id % 4 = 3 AND NOT {_newer('old')} AND rowid = {_newest_before('old')};"
)


def _sqlite_up() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_fts_now USING fts5(title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE INDEX search_fts_meta_source_versions ON search_fts_meta(source_id, id) "
        "WHERE id % 4 = 3"
    )
    op.execute(
        f"CREATE TRIGGER search_fts_now_ai AFTER INSERT ON search_fts_meta WHEN {RUNNING} "
        f"BEGIN {_SQLITE_INSERTED} END"
    )
    op.execute(
        f"CREATE TRIGGER search_fts_now_ad AFTER DELETE ON search_fts_meta WHEN {RUNNING} "
        f"BEGIN {_SQLITE_DELETED} END"
    )
    # How many current rows hold a word: what search estimates a query's cost from.
    op.execute("CREATE VIRTUAL TABLE search_fts_now_vocab USING fts5vocab(search_fts_now, row)")
    op.execute(SQLITE_REFILL)


# -- PostgreSQL: the current rows' tsvectors, with a GIN index -----------------------------

_PG_FUNCTION = """
CREATE FUNCTION search_fts_now_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r search_fts := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
DECLARE before bigint;
BEGIN
  IF (SELECT paused FROM search_fts_state) <> 0 THEN RETURN NULL; END IF;
  IF TG_OP = 'DELETE' THEN DELETE FROM search_fts_now WHERE id = OLD.id; END IF;
  IF r.id % 4 = 3 THEN
    IF EXISTS (SELECT 1 FROM search_fts f WHERE f.source_id = r.source_id
               AND f.id % 4 = 3 AND f.id > r.id) THEN RETURN NULL; END IF;
    SELECT max(f.id) INTO before FROM search_fts f
      WHERE f.source_id = r.source_id AND f.id % 4 = 3 AND f.id < r.id;
    IF TG_OP = 'DELETE' THEN
      INSERT INTO search_fts_now(id, document) SELECT id, document FROM search_fts WHERE id = before
        ON CONFLICT (id) DO NOTHING;
      RETURN NULL;
    END IF;
    DELETE FROM search_fts_now WHERE id = before;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO search_fts_now(id, document) VALUES (NEW.id, NEW.document)
      ON CONFLICT (id) DO UPDATE SET document = excluded.document;
  END IF;
  RETURN NULL;
END $$"""


def _postgres_up() -> None:
    op.execute("CREATE TABLE search_fts_now (id bigint PRIMARY KEY, document tsvector NOT NULL)")
    op.execute("CREATE INDEX search_fts_now_document ON search_fts_now USING gin (document)")
    op.execute(
        "CREATE INDEX search_fts_source_versions ON search_fts(source_id, id) WHERE id % 4 = 3"
    )
    op.execute(_PG_FUNCTION)
    op.execute(
        "CREATE TRIGGER search_fts_now_sync AFTER INSERT OR DELETE ON search_fts "
        "FOR EACH ROW EXECUTE FUNCTION search_fts_now_sync()"
    )
    op.execute(PG_REFILL)
