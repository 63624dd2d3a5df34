"""sessions and feed tokens bound to per-user stamps; wrong passwords counted per account and address

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 09:00:00

- `user.session_stamp`: every session cookie carries it; sign-out and a new
  password replace it, so a copied cookie stops working at once.
- `user.token_stamp`: the feed token is derived from it; rotating the token
  replaces it. Existing users get random stamps: their old feed tokens (derived
  from the password hash) and old cookies stop working once, on upgrade.
- `signinfailure` replaces `user.failed_logins` / `user.locked_until`: a lock
  that anyone could trigger for an account becomes a lock per account *and*
  client address.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMPS = ("session_stamp", "token_stamp")


def upgrade() -> None:
    op.create_table(
        "signinfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signinfailure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signinfailure_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_signinfailure_failed_at"), ["failed_at"], unique=False)
    with op.batch_alter_table("user", schema=None) as batch_op:
        for name in STAMPS:  # '' only until each row gets its own random value below
            batch_op.add_column(
                sa.Column(
                    name, sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
                )
            )
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("locked_until")
    _stamp_every_user()
    with op.batch_alter_table("user", schema=None) as batch_op:
        for name in STAMPS:
            batch_op.alter_column(name, server_default=None)


def _stamp_every_user() -> None:
    users = sa.table("user", sa.column("id"), *(sa.column(name) for name in STAMPS))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        stamps = {name: secrets.token_urlsafe(18) for name in STAMPS}
        bind.execute(users.update().where(users.c.id == user_id).values(**stamps))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        for name in STAMPS:
            batch_op.drop_column(name)
    with op.batch_alter_table("signinfailure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signinfailure_failed_at"))
        batch_op.drop_index(batch_op.f("ix_signinfailure_key"))
    op.drop_table("signinfailure")
