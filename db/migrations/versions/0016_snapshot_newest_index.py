"""the newest snapshot of a URL found in the index alone, on PostgreSQL too

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 01:45:00

A URL's newest snapshot is the one fetched last, the later stored first when two
were fetched at the same moment (`ORDER BY fetched_at DESC, id DESC`): what a
new answer is compared with, what is marked parsed, and what the next crawl's
plan starts from. The index on (source_id, url, fetched_at) gave that order on
SQLite, where every index ends with the row's id, but not on PostgreSQL, which
read and sorted every snapshot of the URL to find it: one per crawl for a page
whose every answer differs, kept for the retention period. The index now ends
with the id on both. Nothing else changes; downgrading puts the old index back.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "ix_snapshot_source_url_seen", "ix_snapshot_source_url_newest"


def upgrade() -> None:
    # Plain index statements: no table is copied (a batch operation might, on SQLite).
    op.create_index(NEW, "snapshot", ["source_id", "url", "fetched_at", "id"], unique=False)
    op.drop_index(OLD, table_name="snapshot")


def downgrade() -> None:
    op.create_index(OLD, "snapshot", ["source_id", "url", "fetched_at"], unique=False)
    op.drop_index(NEW, table_name="snapshot")
