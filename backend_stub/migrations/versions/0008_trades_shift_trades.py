"""trades: swap, offer and cover requests

Issue 10, trades: one row per request with its state, the rules' last verdict and the
overrides a manager gave (who, why, when).

Revision ID: 0008_trades_shift_trades
Revises: 0007_leave_requests_chains_deleg
Create Date: 2026-12-01 03:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_trades_shift_trades'
down_revision = '0007_leave_requests_chains_deleg'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'shift_trades',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('store_id', sa.String(length=64), sa.ForeignKey('stores.id'), nullable=False),
        sa.Column('shift_id', sa.String(length=64), sa.ForeignKey('shifts.id'), nullable=False),
        sa.Column('shift_version', sa.Integer(), nullable=False),
        sa.Column('swap_shift_id', sa.String(length=64), sa.ForeignKey('shifts.id'), nullable=True),
        sa.Column('swap_shift_version', sa.Integer(), nullable=True),
        sa.Column('requester_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('taker_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('state', sa.String(length=24), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('overrides', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_shift_trades_store_state', 'shift_trades', ['store_id', 'state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_shift_trades_store_state', table_name='shift_trades')
    op.drop_table('shift_trades')
