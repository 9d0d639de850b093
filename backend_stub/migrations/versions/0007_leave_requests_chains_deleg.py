"""leave requests chains delegations

Issue 10, leave: requests (leave, overtime, shift change, purchase), their decisions, the
chain per request type, approval delegations and leave entitlements.

Revision ID: 0007_leave_requests_chains_deleg
Revises: 0006_roster_shift_status
Create Date: 2026-12-01 03:42:09.110592
"""

import sqlalchemy as sa
from alembic import op

revision = '0007_leave_requests_chains_deleg'
down_revision = '0006_roster_shift_status'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('request_chains',
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('steps', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('type')
    )
    op.create_table('approval_delegations',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('delegator_id', sa.String(length=64), nullable=False),
    sa.Column('delegate_id', sa.String(length=64), nullable=False),
    sa.Column('first_day', sa.String(length=10), nullable=False),
    sa.Column('last_day', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['delegator_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('leave_entitlements',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('days', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'type', 'year')
    )
    op.create_table('requests',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('requester_id', sa.String(length=64), nullable=False),
    sa.Column('store_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('first_day', sa.String(length=10), nullable=True),
    sa.Column('last_day', sa.String(length=10), nullable=True),
    sa.Column('days', sa.Float(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('after_the_fact', sa.Boolean(), nullable=False),
    sa.Column('shift_id', sa.String(length=64), nullable=True),
    sa.Column('amount_hkd', sa.Float(), nullable=False),
    sa.Column('certificate_sha256', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.create_index('ix_requests_requester', ['requester_id', 'type'], unique=False)
        batch_op.create_index('ix_requests_store', ['store_id', 'status'], unique=False)

    op.create_table('request_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('request_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('on_behalf_of', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['requests.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('request_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_request_decisions_request', ['request_id', 'id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('request_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_request_decisions_request')

    op.drop_table('request_decisions')
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_index('ix_requests_store')
        batch_op.drop_index('ix_requests_requester')

    op.drop_table('requests')
    op.drop_table('leave_entitlements')
    op.drop_table('approval_delegations')
    op.drop_table('request_chains')

