"""availability, days off and the chain's settings

Issue 10, availability: each person's weekly windows and one-off days off (the shift rules'
"the taker is available"), and the chain's settings (shift-trade rules), pulled by devices.

Revision ID: 0009_availability_settings
Revises: 0008_trades_shift_trades
Create Date: 2026-12-01 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_availability_settings'
down_revision = '0008_trades_shift_trades'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'availability_windows',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('user_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('weekday', sa.Integer(), nullable=False),
        sa.Column('starts', sa.String(length=5), nullable=False),
        sa.Column('ends', sa.String(length=5), nullable=False),
    )
    op.create_index('ix_availability_windows_user', 'availability_windows', ['user_id'], unique=False)
    op.create_table(
        'unavailability',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('user_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('first_day', sa.String(length=10), nullable=False),
        sa.Column('last_day', sa.String(length=10), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_unavailability_user', 'unavailability', ['user_id', 'last_day'], unique=False)
    op.create_table(
        'chain_settings',
        sa.Column('key', sa.String(length=64), primary_key=True),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(length=64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('chain_settings')
    op.drop_index('ix_unavailability_user', table_name='unavailability')
    op.drop_table('unavailability')
    op.drop_index('ix_availability_windows_user', table_name='availability_windows')
    op.drop_table('availability_windows')
