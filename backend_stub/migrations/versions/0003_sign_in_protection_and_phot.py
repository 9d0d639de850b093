"""sign-in protection and photo lookups

Wrong-PIN counters and the manager unlock audit (throttling), device sessions that access
tokens name (logout ends them), and indexes to find the records citing a photo.

Revision ID: 0003_sign_in_protection_and_phot
Revises: 0002_punch_status_length
Create Date: 2026-11-30 16:34:29.163730
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_sign_in_protection_and_phot'
down_revision = '0002_punch_status_length'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'key')
    )
    op.create_table('sign_in_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('by_user', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=True),
    sa.Column('was_locked', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['by_user'], ['users.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('auth_sessions',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=16), nullable=True),
    sa.Column('refresh_hash', sa.String(length=64), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=True),
    sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('refresh_hash')
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_auth_sessions_device', ['device_id', 'ended_at'], unique=False)
        batch_op.create_index('ix_auth_sessions_previous', ['previous_hash'], unique=False)

    with op.batch_alter_table('punches', schema=None) as batch_op:
        batch_op.create_index('ix_punches_selfie', ['selfie_sha256'], unique=False)

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_photo', ['photo_sha256'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_photo')

    with op.batch_alter_table('punches', schema=None) as batch_op:
        batch_op.drop_index('ix_punches_selfie')

    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_auth_sessions_previous')
        batch_op.drop_index('ix_auth_sessions_device')

    op.drop_table('auth_sessions')
    op.drop_table('sign_in_audit')
    op.drop_table('login_attempts')
