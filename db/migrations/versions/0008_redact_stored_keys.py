"""redact API keys already stored in snapshot URLs, run errors and health reasons

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00

Before keys moved to headers, the congress.gov key travelled as `api_key=` in
URLs and was stored with them: in every Snapshot.url, in CrawlRun.error and in
Source.health_reason, from where it reached the API, admin pages and digests.
This revision passes those columns through redact.redact (the credential
patterns, and the secret values configured when it runs). Redacted values
cannot come back: the downgrade leaves them as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vocab.redact import redact

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, a cheap SQL filter for the rows that may hold a credential)
COLUMNS = (
    ("snapshot", "url", "url LIKE '%=%' OR url LIKE '%@%'"),
    ("crawlrun", "error", "error <> ''"),
    ("source", "health_reason", "health_reason <> ''"),
)


def upgrade() -> None:
    for table, column, where in COLUMNS:
        _redact_column(table, column, where)


def _redact_column(table: str, column: str, where: str) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE {where}")).all()
    update = sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id")
    for row_id, value in rows:
        clean = redact(value)
        if clean != value:
            bind.execute(update, {"value": clean, "id": row_id})


def downgrade() -> None:
    """Nothing to undo: a redacted key is gone."""
