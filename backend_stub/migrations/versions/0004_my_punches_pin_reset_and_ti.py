"""my punches pin reset and timesheet queries

Issue 8, my-punches: "this looks wrong" requests on a person's own timesheet, each store's
pay period (monthly by default), and the flag a manager's PIN reset sets so the next login
chooses a new PIN.

Revision ID: 0004_my_punches_pin_reset_and_ti
Revises: 0003_sign_in_protection_and_phot
Create Date: 2026-11-30 19:03:35.709859
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_my_punches_pin_reset_and_ti'
down_revision = '0003_sign_in_protection_and_phot'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timesheet_queries',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('timesheet_queries', schema=None) as batch_op:
        batch_op.create_index('ix_timesheet_queries_store', ['store_id', 'status'], unique=False)

    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pay_period', sa.String(length=16), server_default='monthly', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_pin', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_pin')

    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_column('pay_period')

    with op.batch_alter_table('timesheet_queries', schema=None) as batch_op:
        batch_op.drop_index('ix_timesheet_queries_store')

    op.drop_table('timesheet_queries')
