"""a snapshot says whether its body made a version; snapshots are found by their body

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 02:15:00

A page whose answers differ only in what the normaliser takes out (a clock, a
session id) makes no new version, yet each answer was kept as a new body with
its snapshot for the retention period: 13 KB a page at every crawl on the bench's
noisy site. A snapshot now says whether its body made a version (`versioned`);
once a newer answer of its URL is parsed, a parsed snapshot whose body made none
goes, and that body with it unless another snapshot holds it. Every
snapshot stored before this revision counts as having made one, so none of them
is dropped. The index on `sha256` finds whether another snapshot holds a body
without reading them all (the retention's sweep of old bodies asks it too).
Downgrading drops both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "snapshot",
        sa.Column("versioned", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_index("ix_snapshot_sha256", "snapshot", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_snapshot_sha256", table_name="snapshot")
    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.drop_column("versioned")
