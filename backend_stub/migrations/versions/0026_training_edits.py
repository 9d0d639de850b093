"""training edits: a session's version and cancellation; expiry reminders sent

Issue 13, trainmanage: a manager edits (on the version they saw) or cancels a session; the
expiry-reminder job records each reminder it sent (once per person, course, expiry and day).

Revision ID: 0026_training_edits
Revises: 0025_inspection_tpl_backfill
Create Date: 2026-12-02 02:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0026_training_edits'
down_revision = '0025_inspection_tpl_backfill'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('training_sessions') as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.String(length=64), nullable=True))
    op.create_table(
        'training_reminders',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('user_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('course_id', sa.String(length=64), sa.ForeignKey('training_courses.id'), nullable=False),
        sa.Column('days_before', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('training_reminders')
    with op.batch_alter_table('training_sessions') as batch_op:
        for name in ('cancelled_by', 'cancelled_at', 'version'):
            batch_op.drop_column(name)
