"""open shifts: open_shifts and open_shift_claims

Issue 10, openshifts: a store's shift with N places that staff claim; each approved claim
becomes the claimant's own published shift (``shifts.user_id`` stays NOT NULL).

Revision ID: 0010_open_shifts
Revises: 0009_availability_settings
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_open_shifts'
down_revision = '0009_availability_settings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'open_shifts',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('store_id', sa.String(length=64), sa.ForeignKey('stores.id'), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('role', sa.String(length=64), nullable=False),
        sa.Column('slots', sa.Integer(), nullable=False),
        sa.Column('filled', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_open_shifts_store_starts', 'open_shifts', ['store_id', 'starts_at'], unique=False)
    op.create_table(
        'open_shift_claims',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('open_shift_id', sa.String(length=64), sa.ForeignKey('open_shifts.id'), nullable=False),
        sa.Column('store_id', sa.String(length=64), sa.ForeignKey('stores.id'), nullable=False),
        sa.Column('user_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('state', sa.String(length=24), nullable=False),
        sa.Column('shift_id', sa.String(length=64), nullable=True),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('overrides', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint('open_shift_id', 'user_id', name='uq_open_shift_claims_person'),
    )


def downgrade() -> None:
    op.drop_table('open_shift_claims')
    op.drop_index('ix_open_shifts_store_starts', table_name='open_shifts')
    op.drop_table('open_shifts')
