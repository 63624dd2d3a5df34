"""when a subscription started

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-08 09:00:00

- `subscriber.subscribed_at`: when the subscriber last became active. No
  digest covers a week that ended before it, and a digest never catches up on
  weeks from before it. Existing subscribers get their `created_at`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subscribed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    subscriber = sa.table("subscriber", sa.column("created_at"), sa.column("subscribed_at"))
    op.execute(subscriber.update().values(subscribed_at=subscriber.c.created_at))
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.alter_column(
            "subscribed_at", existing_type=sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_column("subscribed_at")
