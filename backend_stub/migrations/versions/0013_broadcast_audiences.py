"""broadcast audiences: broadcasts.pinned and .audience; broadcast_recipients.store_id,
.delivered_at and .acknowledged_at

Issue 11, broadcasts: a broadcast reaches an audience (stores, an area, a role, named people)
resolved into broadcast_recipients when it is sent; each recipient's row holds the store they are
counted under in receipts, when their phone pulled it, and when they acknowledged an urgent one.

Revision ID: 0013_broadcast_audiences
Revises: 0011_shift_change_broadcasts
Create Date: 2026-12-01 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013_broadcast_audiences'
down_revision = '0011_shift_change_broadcasts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('pinned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('audience', sa.Text(), nullable=False, server_default='{}'))
    with op.batch_alter_table('broadcast_recipients') as batch:
        batch.add_column(sa.Column('store_id', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_broadcast_recipients_user', 'broadcast_recipients', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_broadcast_recipients_user', table_name='broadcast_recipients')
    with op.batch_alter_table('broadcast_recipients') as batch:
        batch.drop_column('acknowledged_at')
        batch.drop_column('delivered_at')
        batch.drop_column('store_id')
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('audience')
        batch.drop_column('pinned')
