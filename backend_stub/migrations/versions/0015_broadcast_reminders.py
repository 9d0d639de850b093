"""broadcast reminders: broadcast_reminders

Issue 11, bcfollow: "remind them" on a broadcast's receipts records each reminder (who sent it,
when, what it waited for, how many and which people it reached).

Revision ID: 0015_broadcast_reminders
Revises: 0014_colleague_availability
Create Date: 2026-12-01 12:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0015_broadcast_reminders'
down_revision = '0014_colleague_availability'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'broadcast_reminders',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('broadcast_id', sa.String(length=64), sa.ForeignKey('broadcasts.id'), nullable=False),
        sa.Column('sent_by', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('waiting_for', sa.String(length=16), nullable=False),
        sa.Column('people', sa.Integer(), nullable=False),
        sa.Column('recipient_ids', sa.Text(), nullable=False),
    )
    op.create_index('ix_broadcast_reminders_broadcast', 'broadcast_reminders', ['broadcast_id'])


def downgrade() -> None:
    op.drop_index('ix_broadcast_reminders_broadcast', table_name='broadcast_reminders')
    op.drop_table('broadcast_reminders')
