"""search every text Lexwatch stores, and the long words that compounds are found by

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-10 09:00:00

0002 indexed a version by its `text` alone: a feed's items, a JSON source's
fields, a record's title, stage and event details were stored but never found,
and a version without text had no index row at all. A version's row now holds
every readable part of its record (what digests.relevance.record_text reads,
less the events and documents, which have rows of their own): title, stage,
event details, item titles and summaries, field values, then the text.

`search_fts_words` lists every indexed word of 8 letters or more (COMPOUND_MIN
in digests.relevance). FTS5 and tsvectors match whole words or their
prefixes only; to find "kindermisbruik" inside "onlinekindermisbruik", search
looks up the listed words that contain it and searches those too. A trigram
index makes that look-up a few milliseconds (a scan of 300,000 words took
0.3 s for the ten long names of one topic): FTS5's trigram tokenizer
(`search_fts_words_tri`, SQLite 3.34 or later) or pg_trgm's GIN index (where
the extension is available; else the list is scanned). The triggers note
each new or changed index row in `search_fts_pending`; db.repo adds the words
of pending rows to the list before a search needs it (PostgreSQL reads them
from the tsvector; SQLite's triggers cannot split text, so Python does). A
word whose last row was deleted stays listed: searching for it finds nothing.

Everything of 0002 is dropped and made again, then refilled from the tables,
so databases with existing rows become searchable in full. Downgrading makes
0002's index again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("dossier", "event", "document", "version", "dossieridentifier")
LONG_WORD = 8  # digests.relevance.COMPOUND_MIN when this was written

# The parts of a version's record that are text a person reads (paths as PostgreSQL's jsonpath).
RECORD_PATHS = ("$.title", "$.stage", "$.events[*].details", "$.items[*].title",
                "$.items[*].summary", "$.fields.*")  # fmt: skip
# The same for SQLite's json_tree: (parent path as LIKE pattern, keys or '' for any).
_SQLITE_PARTS = (("$", "'title', 'stage'"), ("$.events[%]", "'details'"),
                 ("$.items[%]", "'title', 'summary'"), ("$.fields", ""))  # fmt: skip


def upgrade() -> None:
    _drop_index()
    _make_index(everything=True)


def downgrade() -> None:
    _drop_index()
    _make_index(everything=False)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_index() -> None:
    """Drop what 0002 (or this revision) made, but keep the text search configuration."""
    for table in TABLES:
        if _postgres():
            op.execute(f"DROP TRIGGER IF EXISTS search_fts_sync ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS search_fts_{table}()")
        else:
            for action in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS search_fts_{table}_{action}")
    op.execute("DROP VIEW IF EXISTS search_fts_source")
    for table in ("search_fts_vocab", "search_fts_words_tri", "search_fts_words",
                  "search_fts_pending", "search_fts_meta"):  # fmt: skip
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    if _postgres():
        op.execute("DROP FUNCTION IF EXISTS search_fts_record_text(jsonb)")


def _make_index(*, everything: bool) -> None:
    """The index tables, the view of what each row holds, the triggers; then the rows."""
    op.execute("UPDATE search_fts_state SET paused = 1")  # the refill below is one statement
    if _postgres():
        _postgres_up(everything)
    else:
        _sqlite_up(everything)
    op.execute("UPDATE search_fts_state SET paused = 0")


# What each table contributes, as SQL over its row `r`, per dialect:
# (type, title, body, dossier id, source id, day).
def _rows(day: str, concat: str, version_body: str) -> dict[str, tuple[str, ...]]:
    identifiers = (
        f"coalesce((SELECT {concat} FROM dossieridentifier i WHERE i.dossier_id = r.id), '')"
    )
    seen = day.format("r.first_seen_at")
    return {
        "dossier": ("0", "r.title", f"r.key || ' ' || r.stage || ' ' || {identifiers}", "r.id",
                    "CAST(NULL AS INTEGER)", day.format("r.created_at")),
        "event": ("1", "r.title", "r.reference || ' ' || r.origin", "r.dossier_id", "r.source_id",
                  f"coalesce(r.date, {seen})"),
        "document": ("2", "r.title", "r.reference || ' ' || r.kind", "r.dossier_id",
                     "r.source_id", f"coalesce(r.date, {seen})"),
        "version": ("3", "''", version_body, "r.dossier_id", "r.source_id",
                    day.format("r.created_at")),
    }  # fmt: skip


def _sqlite_record_text() -> str:
    """The record's readable parts, one a line, read with json_tree (nothing if not JSON)."""
    parts = " OR ".join(
        f"(j.path LIKE '{path}'" + (f" AND j.key IN ({keys}))" if keys else ")")
        for path, keys in _SQLITE_PARTS
    )
    return (
        "CASE WHEN json_valid(r.record) THEN coalesce((SELECT group_concat(j.value, char(10)) "
        f"FROM json_tree(r.record) j WHERE j.type = 'text' AND ({parts})), '') ELSE '' END"
    )


def _version_body(everything: bool, newline: str, record_text: str) -> str:
    # trim() alone strips spaces only: a record with nothing readable must give ''.
    joined = f"{record_text} || {newline} || r.text"
    return f"trim({joined}, ' ' || {newline})" if everything else "r.text"


def _sqlite_rows(everything: bool) -> dict[str, tuple[str, ...]]:
    body = _version_body(everything, "char(10)", _sqlite_record_text())
    return _rows("substr({}, 1, 10)", "group_concat(i.value, ' ')", body)


def _pg_rows(everything: bool) -> dict[str, tuple[str, ...]]:
    body = _version_body(everything, "E'\\n'", "search_fts_record_text(r.record::jsonb)")
    return _rows("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')", "string_agg(i.value, ' ')", body)


COLUMNS = "rid, title, body, dossier_id, source_id, day"


def _select(rows: dict[str, tuple[str, ...]], table: str, where: str) -> str:
    """The index row(s) of `table` matching `where`, as the view's columns; none when empty."""
    kind, title, body, dossier, source, day = rows[table]
    inner = (
        f"SELECT r.id * 4 + {kind} AS rid, {title} AS title, {body} AS body, "
        f"{dossier} AS dossier_id, {source} AS source_id, {day} AS day FROM {table} r WHERE {where}"
    )
    return f"SELECT {COLUMNS} FROM ({inner}) x WHERE x.title <> '' OR x.body <> ''"


def _view(rows: dict[str, tuple[str, ...]]) -> None:
    union = " UNION ALL ".join(_select(rows, table, "1 = 1") for table in rows)
    op.execute(f"CREATE VIEW search_fts_source AS {union}")


def _note(kind: str, row_id: str, everything: bool) -> str:
    """SQL that marks an index row as pending for the word list (nothing before this revision)."""
    if not everything:
        return ""
    if _postgres():
        return (
            f"INSERT INTO search_fts_pending(id) VALUES ({row_id}::bigint * 4 + {kind}) "
            "ON CONFLICT DO NOTHING;"
        )
    return f"INSERT OR IGNORE INTO search_fts_pending(id) VALUES ({row_id} * 4 + {kind});"


# -- SQLite: FTS5, a metadata table, the word list -------------------------------------

_SQLITE_FILL = (
    "INSERT INTO search_fts(rowid, title, body) SELECT rid, title, body FROM ({source}); "
    "INSERT INTO search_fts_meta(id, dossier_id, source_id, day) "
    "SELECT rid, dossier_id, source_id, day FROM ({source});"
)


class _Sqlite:
    """The trigger bodies for one version of the index."""

    def __init__(self, everything: bool) -> None:
        self.everything = everything
        self.rows = _sqlite_rows(everything)

    def insert(self, table: str, row_id: str) -> str:
        fill = _SQLITE_FILL.format(source=_select(self.rows, table, f"r.id = {row_id}"))
        return fill + _note(self.rows[table][0], row_id, self.everything)

    def delete(self, table: str, row_id: str) -> str:
        row = f"{row_id} * 4 + {self.rows[table][0]}"
        return f"DELETE FROM search_fts WHERE rowid = {row}; DELETE FROM search_fts_meta WHERE id = {row};"


def _sqlite_trigger(name: str, event: str, body: str) -> None:
    # A bulk load pauses the triggers and refills the index from the view afterwards.
    when = "WHEN (SELECT paused FROM search_fts_state) = 0"
    op.execute(f"CREATE TRIGGER {name} {event} {when} BEGIN {body} END")


def _sqlite_up(everything: bool) -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TABLE search_fts_meta (id INTEGER PRIMARY KEY, dossier_id INTEGER, "
        "source_id INTEGER, day TEXT)"
    )
    sql = _Sqlite(everything)
    _view(sql.rows)
    sqlite_triggers(sql)
    for statement in _SQLITE_FILL.format(source="SELECT * FROM search_fts_source").split(";")[:2]:
        op.execute(statement)  # the rows that exist already
    if everything:
        _sqlite_words()


def sqlite_triggers(sql: _Sqlite) -> None:
    """Every table's triggers (migration 0014 makes them again with its own bodies)."""
    for table in sql.rows:
        insert, delete = sql.insert(table, "new.id"), sql.delete(table, "old.id")
        _sqlite_trigger(f"search_fts_{table}_ai", f"AFTER INSERT ON {table}", insert)
        _sqlite_trigger(f"search_fts_{table}_ad", f"AFTER DELETE ON {table}", delete)
        _sqlite_trigger(f"search_fts_{table}_au", f"AFTER UPDATE ON {table}", delete + insert)
    _sqlite_identifier_triggers(sql)


def _sqlite_identifier_triggers(sql: _Sqlite) -> None:
    """A file is found by its identifiers too: refresh its row when they change."""

    def refresh(row: str) -> str:
        file_id = f"{row}.dossier_id"
        return sql.delete("dossier", file_id) + sql.insert("dossier", file_id)

    table = "dossieridentifier"
    _sqlite_trigger(f"search_fts_{table}_ai", f"AFTER INSERT ON {table}", refresh("new"))
    _sqlite_trigger(f"search_fts_{table}_ad", f"AFTER DELETE ON {table}", refresh("old"))
    _sqlite_trigger(
        f"search_fts_{table}_au", f"AFTER UPDATE ON {table}", refresh("old") + refresh("new")
    )


def _sqlite_words() -> None:
    """The word list with its trigram index, filled from FTS5's vocabulary (words as indexed)."""
    op.execute("CREATE TABLE search_fts_pending (id INTEGER PRIMARY KEY)")
    op.execute("CREATE TABLE search_fts_words (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)")
    op.execute(
        "CREATE VIRTUAL TABLE search_fts_words_tri USING fts5(word, content='search_fts_words', "
        "content_rowid='id', tokenize='trigram')"
    )
    # Words are only ever added (INSERT OR IGNORE skips a listed one without firing this).
    op.execute(
        "CREATE TRIGGER search_fts_words_ai AFTER INSERT ON search_fts_words BEGIN "
        "INSERT INTO search_fts_words_tri(rowid, word) VALUES (new.id, new.word); END"
    )
    op.execute("CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row)")
    op.execute(
        "INSERT OR IGNORE INTO search_fts_words(word) SELECT term FROM search_fts_vocab "
        f"WHERE length(term) >= {LONG_WORD}"
    )


# -- PostgreSQL: a tsvector column with a GIN index, the word list --------------------

_PG_RECORD_TEXT = f"""
CREATE FUNCTION search_fts_record_text(record jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(part #>> '{{}}', E'\\n'), '')
  FROM unnest(ARRAY[{", ".join(f"'{path}'" for path in RECORD_PATHS)}]::jsonpath[]) AS p(path),
       jsonb_path_query(record, p.path) AS part
  WHERE jsonb_typeof(part) = 'string'
$$"""


def _pg_function(rows: dict[str, tuple[str, ...]], table: str, everything: bool) -> str:
    kind = rows[table][0]
    return f"""
CREATE FUNCTION search_fts_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT paused FROM search_fts_state) <> 0 THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM search_fts WHERE id = OLD.id::bigint * 4 + {kind};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO search_fts(id, title, body, dossier_id, source_id, day)
      {_select(rows, table, "r.id = NEW.id")};
    {_note(kind, "NEW.id", everything)}
  END IF;
  RETURN NULL;
END $$"""


def _pg_identifier_function(rows: dict[str, tuple[str, ...]], everything: bool) -> str:
    return f"""
CREATE FUNCTION search_fts_dossieridentifier() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE file_id integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.dossier_id ELSE NEW.dossier_id END;
BEGIN
  IF (SELECT paused FROM search_fts_state) <> 0 THEN RETURN NULL; END IF;
  DELETE FROM search_fts WHERE id = file_id::bigint * 4;
  INSERT INTO search_fts(id, title, body, dossier_id, source_id, day)
    {_select(rows, "dossier", "r.id = file_id")};
  {_note("0", "file_id", everything)}
  RETURN NULL;
END $$"""


def _postgres_up(everything: bool) -> None:
    if everything:
        op.execute(_PG_RECORD_TEXT)
    rows = _pg_rows(everything)
    op.execute(
        "CREATE TABLE search_fts (id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL, "
        "dossier_id integer, source_id integer, day text, "
        "document tsvector GENERATED ALWAYS AS (setweight(to_tsvector('lexwatch', title), 'A') "
        "|| setweight(to_tsvector('lexwatch', body), 'B')) STORED)"
    )
    op.execute("CREATE INDEX search_fts_document ON search_fts USING gin (document)")
    _view(rows)
    for table in ("dossier", "event", "document", "version"):
        op.execute(_pg_function(rows, table, everything))
    op.execute(_pg_identifier_function(rows, everything))
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER search_fts_sync AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION search_fts_{table}()"
        )
    op.execute(
        "INSERT INTO search_fts(id, title, body, dossier_id, source_id, day) "
        f"SELECT {COLUMNS} FROM search_fts_source"
    )
    if everything:
        _pg_words()


def _pg_words() -> None:
    """The word list (trigram-indexed where pg_trgm is available), filled from the lexemes."""
    op.execute("CREATE TABLE search_fts_pending (id bigint PRIMARY KEY)")
    op.execute("CREATE TABLE search_fts_words (word text PRIMARY KEY)")
    found = "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
    if op.get_bind().execute(sa.text(found)).first() is not None:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(
            "CREATE INDEX search_fts_words_trigram ON search_fts_words USING gin (word gin_trgm_ops)"
        )
    op.execute(
        "INSERT INTO search_fts_words(word) SELECT word FROM "
        f"ts_stat('SELECT document FROM search_fts') WHERE length(word) >= {LONG_WORD}"
    )
