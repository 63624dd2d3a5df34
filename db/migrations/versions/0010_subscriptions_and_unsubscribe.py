"""when a subscription started, and the key that signs unsubscribe links

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00

- `subscriber.subscribed_at`: when the subscriber last became active. No
  digest covers a week that ended before it, and a digest never catches up on
  weeks from before it. Existing subscribers get their `created_at`.
- `appstate` row `unsubscribe_key`: the secret that signs every subscriber's
  unsubscribe links. It lives in the database, with the subscribers it signs
  for, so every process that sends digests or serves the link (`lexwatch run`,
  `lexwatch serve`, on one machine or several) signs and checks with the same
  key, and a new LEXWATCH_SECRET_KEY (which ends sign-in sessions) leaves the
  links in mails already sent working.
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "unsubscribe_key"


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
    stamp = sqlmodel.sql.sqltypes.UTCDateTime()
    state = sa.table(
        "appstate", sa.column("key"), sa.column("value"), sa.column("updated_at", stamp)
    )
    op.execute(
        state.insert().values(
            key=KEY, value=secrets.token_urlsafe(32), updated_at=datetime.now(UTC)
        )
    )


def downgrade() -> None:
    state = sa.table("appstate", sa.column("key"))
    op.execute(state.delete().where(state.c.key == KEY))
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_column("subscribed_at")
