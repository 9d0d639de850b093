"""roster: shift status, role and version

Issue 10, roster: shifts are drafts (managers only), published or cancelled; each has the
role worked and a version raised by every change (the calendar feed's SEQUENCE) and the
version last published. Shifts that existed before are published (role = their position).

Revision ID: 0005_roster_shift_status
Revises: 0004_my_punches_pin_reset_and_ti
Create Date: 2026-12-01 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_roster_shift_status'
down_revision = '0004_my_punches_pin_reset_and_ti'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='published', nullable=False))
        batch_op.add_column(sa.Column('role', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('published_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_by', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_shifts_store_starts', ['store_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_shifts_user_starts', ['user_id', 'starts_at'], unique=False)
    op.execute("UPDATE shifts SET role = position")


def downgrade() -> None:
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_shifts_user_starts')
        batch_op.drop_index('ix_shifts_store_starts')
        for name in ('updated_by', 'updated_at', 'published_version', 'version', 'role', 'status'):
            batch_op.drop_column(name)
