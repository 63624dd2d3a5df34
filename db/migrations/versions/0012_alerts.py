"""alerts: a watch's channels, its least alerted significance and quiet hours, and every alert

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 14:00:00

- `watch.alert_min` (default `major`) and `watch.quiet_hours` ("22-07", empty: none).
- `alertchannel`: an apprise URL of a watch (it holds secrets: pages, logs and
  emails show it masked) with its health (failures in a row, the last reason).
- `alert`: one row per (watch, change, channel), ever: the unique key forbids
  telling a change twice; its status, attempts and when it is next due.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
STAMP = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_min", TEXT(), nullable=False, server_default="major"))
        batch_op.add_column(sa.Column("quiet_hours", TEXT(), nullable=False, server_default=""))
    _channels()
    _alerts()


def _channels() -> None:
    op.create_table(
        "alertchannel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("url", TEXT(), nullable=False),
        sa.Column("created_at", STAMP(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", TEXT(), nullable=False),
        sa.Column("failing_since", STAMP(), nullable=True),
        sa.Column("last_sent_at", STAMP(), nullable=True),
        sa.ForeignKeyConstraint(["watch_id"], ["watch.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alertchannel", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alertchannel_watch_id"), ["watch_id"], unique=False)


def _alerts() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", TEXT(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", STAMP(), nullable=False),
        sa.Column("error", TEXT(), nullable=False),
        sa.Column("created_at", STAMP(), nullable=False),
        sa.Column("sent_at", STAMP(), nullable=True),
        sa.ForeignKeyConstraint(["watch_id"], ["watch.id"]),
        sa.ForeignKeyConstraint(["change_id"], ["change.id"]),
        sa.ForeignKeyConstraint(["channel_id"], ["alertchannel.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("watch_id", "change_id", "channel_id"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        for column in ("watch_id", "change_id", "channel_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_alert_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("alert")
    op.drop_table("alertchannel")
    with op.batch_alter_table("watch", schema=None) as batch_op:
        batch_op.drop_column("quiet_hours")
        batch_op.drop_column("alert_min")
