"""PostgreSQL: the index of current rows carries each row's source, file and day

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 14:30:00

Search filters and samples the current rows (`search_fts_now`, 0013) by their
source, file and day, which only `search_fts` held: the planner joined every
matching current row to the whole index, history included, with a scan of it
(30 ms of a 110 ms search at 131,000 index rows, ten times that at a million).
`search_fts_now` now holds the three columns of its rows, copied by its trigger
as the tsvector is, so reading the current state never reads history.

SQLite keeps its narrow table `search_fts_meta` for every row, indexed by id, and is
left as it is. Downgrading drops the columns and makes 0013's trigger function again.
"""

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT_STATE = importlib.import_module("db.migrations.versions.0013_search_current_state")
META = "source_id, dossier_id, day"
PG_REFILL = (
    f"INSERT INTO search_fts_now(id, document, {META}) SELECT id, document, {META} "
    f"FROM search_fts WHERE id IN ({CURRENT_STATE.CURRENT_IDS.format(meta='search_fts')})"
)


def _function() -> str:
    """0013's trigger function, copying the three columns with the tsvector."""
    body = CURRENT_STATE._PG_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    for before, after in (
        ("(id, document) SELECT id, document FROM", f"(id, document, {META}) SELECT id, document, {META} FROM"),
        ("(id, document) VALUES (NEW.id, NEW.document)",
         f"(id, document, {META}) VALUES (NEW.id, NEW.document, NEW.source_id, NEW.dossier_id, NEW.day)"),
        ("DO UPDATE SET document = excluded.document",
         "DO UPDATE SET document = excluded.document, source_id = excluded.source_id, "
         "dossier_id = excluded.dossier_id, day = excluded.day"),
    ):  # fmt: skip
        assert before in body, before
        body = body.replace(before, after)
    return body


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE search_fts_now ADD COLUMN source_id integer, "
        "ADD COLUMN dossier_id integer, ADD COLUMN day text"
    )
    op.execute(
        "UPDATE search_fts_now n SET source_id = f.source_id, dossier_id = f.dossier_id, "
        "day = f.day FROM search_fts f WHERE f.id = n.id"
    )
    op.execute(_function())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CURRENT_STATE._PG_FUNCTION.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.execute(
        "ALTER TABLE search_fts_now DROP COLUMN source_id, DROP COLUMN dossier_id, DROP COLUMN day"
    )
