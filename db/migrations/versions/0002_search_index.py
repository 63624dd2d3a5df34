"""full-text search index over files, events, documents and version texts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:00:00

One index row per searchable thing. Its id encodes what it is: id * 4 + type,
type 0 a file (dossier), 1 an event, 2 a document, 3 a version; the triggers use
it to find their row without scanning.

- SQLite: an FTS5 table `search_fts` (title, body; bm25, snippet()) for the
  words, and a narrow table `search_fts_meta` with the file, source and day of
  each row: filters and facets read it instead of the FTS content rows, which
  carry the whole text (ten times faster on a common word).
- PostgreSQL: one table `search_fts` with a generated tsvector and a GIN index,
  under a text search configuration `lexwatch`: 'simple' (no stemming, every
  language alike) with accents removed by `unaccent`, as FTS5 removes them.

Triggers keep the index in sync, so every writer (crawls, the CLI, imports)
keeps search current without knowing about it. The view `search_fts_source`
says what every row of the index holds; a bulk load pauses the triggers
(`search_fts_state.paused`) and refills the index from the view in one
statement, which FTS5 does ten times faster than row by row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("dossier", "event", "document", "version", "dossieridentifier")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute("CREATE TABLE search_fts_state (paused INTEGER NOT NULL)")
    op.execute("INSERT INTO search_fts_state (paused) VALUES (0)")
    (_postgres_up if postgres else _sqlite_up)()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS search_fts_sync ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS search_fts_{table}()")
    else:
        for table in TABLES:
            for action in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS search_fts_{table}_{action}")
        op.execute("DROP TABLE IF EXISTS search_fts_meta")
    op.execute("DROP VIEW IF EXISTS search_fts_source")
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP TABLE IF EXISTS search_fts_state")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS lexwatch")


# What each table contributes, as SQL over its row `r`, per dialect:
# (type, title, body, dossier id, source id, day, condition for having a row).
def _rows(day: str, concat: str, true: str) -> dict[str, tuple[str, ...]]:
    identifiers = (
        f"coalesce((SELECT {concat} FROM dossieridentifier i WHERE i.dossier_id = r.id), '')"
    )
    seen = day.format("r.first_seen_at")
    return {
        "dossier": ("0", "r.title", f"r.key || ' ' || r.stage || ' ' || {identifiers}", "r.id",
                    "NULL", day.format("r.created_at"), true),
        "event": ("1", "r.title", "r.reference || ' ' || r.origin", "r.dossier_id", "r.source_id",
                  f"coalesce(r.date, {seen})", true),
        "document": ("2", "r.title", "r.reference || ' ' || r.kind", "r.dossier_id",
                     "r.source_id", f"coalesce(r.date, {seen})", true),
        # A version is searched by its text; one without text (an API record) has no row.
        "version": ("3", "''", "r.text", "r.dossier_id", "r.source_id",
                    day.format("r.created_at"), "r.text <> ''"),
    }  # fmt: skip


SQLITE_ROWS = _rows("substr({}, 1, 10)", "group_concat(i.value, ' ')", "1")
PG_ROWS = _rows("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')", "string_agg(i.value, ' ')", "true")
COLUMNS = "rid, title, body, dossier_id, source_id, day"


def _select(rows: dict[str, tuple[str, ...]], table: str, where: str) -> str:
    """The index row(s) of `table` matching `where`, as the view's columns."""
    kind, title, body, dossier, source, day, when = rows[table]
    return (
        f"SELECT r.id * 4 + {kind} AS rid, {title} AS title, {body} AS body, "
        f"{dossier} AS dossier_id, {source} AS source_id, {day} AS day "
        f"FROM {table} r WHERE {where} AND {when}"
    )


def _view(rows: dict[str, tuple[str, ...]], true: str) -> None:
    union = " UNION ALL ".join(_select(rows, table, true) for table in rows)
    op.execute(f"CREATE VIEW search_fts_source AS {union}")


# -- SQLite: FTS5 and a metadata table -----------------------------------------------

_SQLITE_FILL = (
    "INSERT INTO search_fts(rowid, title, body) SELECT rid, title, body FROM ({source}); "
    "INSERT INTO search_fts_meta(id, dossier_id, source_id, day) "
    "SELECT rid, dossier_id, source_id, day FROM ({source});"
)


def _sqlite_insert(table: str, row_id: str) -> str:
    return _SQLITE_FILL.format(source=_select(SQLITE_ROWS, table, f"r.id = {row_id}"))


def _sqlite_delete(table: str, row_id: str) -> str:
    row = f"{row_id} * 4 + {SQLITE_ROWS[table][0]}"
    return (
        f"DELETE FROM search_fts WHERE rowid = {row}; DELETE FROM search_fts_meta WHERE id = {row};"
    )


def _sqlite_trigger(name: str, event: str, body: str) -> None:
    # A bulk load pauses the triggers and refills the index from the view afterwards.
    when = "WHEN (SELECT paused FROM search_fts_state) = 0"
    op.execute(f"CREATE TRIGGER {name} {event} {when} BEGIN {body} END")


def _sqlite_up() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TABLE search_fts_meta (id INTEGER PRIMARY KEY, dossier_id INTEGER, "
        "source_id INTEGER, day TEXT)"
    )
    _view(SQLITE_ROWS, "1")
    for table in SQLITE_ROWS:
        insert, delete = _sqlite_insert(table, "new.id"), _sqlite_delete(table, "old.id")
        _sqlite_trigger(f"search_fts_{table}_ai", f"AFTER INSERT ON {table}", insert)
        _sqlite_trigger(f"search_fts_{table}_ad", f"AFTER DELETE ON {table}", delete)
        _sqlite_trigger(f"search_fts_{table}_au", f"AFTER UPDATE ON {table}", delete + insert)
    _sqlite_identifier_triggers()
    for statement in _SQLITE_FILL.format(source="SELECT * FROM search_fts_source").split(";")[:2]:
        op.execute(statement)  # the rows that exist already


def _sqlite_identifier_triggers() -> None:
    """A file is found by its identifiers too: refresh its row when they change."""

    def refresh(row: str) -> str:
        file_id = f"{row}.dossier_id"
        return _sqlite_delete("dossier", file_id) + _sqlite_insert("dossier", file_id)

    table = "dossieridentifier"
    _sqlite_trigger(f"search_fts_{table}_ai", f"AFTER INSERT ON {table}", refresh("new"))
    _sqlite_trigger(f"search_fts_{table}_ad", f"AFTER DELETE ON {table}", refresh("old"))
    _sqlite_trigger(
        f"search_fts_{table}_au", f"AFTER UPDATE ON {table}", refresh("old") + refresh("new")
    )


# -- PostgreSQL: a tsvector column with a GIN index -------------------------------------


def _pg_function(table: str) -> str:
    kind = PG_ROWS[table][0]
    return f"""
CREATE FUNCTION search_fts_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT paused FROM search_fts_state) <> 0 THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM search_fts WHERE id = OLD.id::bigint * 4 + {kind};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(id, title, body, dossier_id, source_id, day)
      {_select(PG_ROWS, table, "r.id = NEW.id")};
  END IF;
  RETURN NULL;
END $$"""


_PG_IDENTIFIER_FUNCTION = f"""
CREATE FUNCTION search_fts_dossieridentifier() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE file_id integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.dossier_id ELSE NEW.dossier_id END;
BEGIN
  IF (SELECT paused FROM search_fts_state) <> 0 THEN RETURN NULL; END IF;
  DELETE FROM search_fts WHERE id = file_id::bigint * 4;
  INSERT INTO search_fts(id, title, body, dossier_id, source_id, day)
    {_select(PG_ROWS, "dossier", "r.id = file_id")};
  RETURN NULL;
END $$"""


def _pg_configuration() -> None:
    """'simple' words without accents; plain 'simple' where the unaccent extension is missing."""
    found = "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    unaccent = op.get_bind().execute(sa.text(found)).first() is not None
    if unaccent:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE TEXT SEARCH CONFIGURATION lexwatch (COPY = simple)")
    if unaccent:
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION lexwatch "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
        )


def _postgres_up() -> None:
    _pg_configuration()
    op.execute(
        "CREATE TABLE search_fts (id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL, "
        "dossier_id integer, source_id integer, day text, "
        "document tsvector GENERATED ALWAYS AS (setweight(to_tsvector('lexwatch', title), 'A') "
        "|| setweight(to_tsvector('lexwatch', body), 'B')) STORED)"
    )
    op.execute("CREATE INDEX search_fts_document ON search_fts USING gin (document)")
    _view(PG_ROWS, "true")
    for table in PG_ROWS:
        op.execute(_pg_function(table))
        op.execute(
            f"CREATE TRIGGER search_fts_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION search_fts_{table}()"
        )
    op.execute(_PG_IDENTIFIER_FUNCTION)
    op.execute(
        "CREATE TRIGGER search_fts_sync AFTER INSERT OR UPDATE OR DELETE ON dossieridentifier "
        "FOR EACH ROW EXECUTE FUNCTION search_fts_dossieridentifier()"
    )
    op.execute(
        "INSERT INTO search_fts(id, title, body, dossier_id, source_id, day) "
        f"SELECT {COLUMNS} FROM search_fts_source"
    )
