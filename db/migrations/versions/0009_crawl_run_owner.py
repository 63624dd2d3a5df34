"""record which process owns a running crawl

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:10:00

`crawlrun.owner` names the process that runs a crawl (host, pid, start token), so
that a starting scheduler or worker marks only the runs of dead processes as
interrupted, never those of another live one (db/owner.py). Runs from before
have no owner and count as abandoned once they are older than the grace period.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("crawlrun", schema=None) as batch_op:
        batch_op.drop_column("owner")
