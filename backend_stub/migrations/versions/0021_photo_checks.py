"""photo checks: photo_details, task_photo_flags

Issue 12, photoprep: a received photo's picture hash and camera time, and the reviewer's flags
on a task's photo (reused, camera time far from the completion).

Revision ID: 0021_photo_checks
Revises: 0020_inspections
Create Date: 2026-12-01 15:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0021_photo_checks'
# Issue 12, photoprep: written beside 0020_inspections (issue 12, inspscore); re-chained at the merge.
down_revision = '0020_inspections'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'photo_details',
        sa.Column('sha256', sa.String(length=64), sa.ForeignKey('photos.sha256'), primary_key=True),
        sa.Column('picture_hash', sa.String(length=16)),
        sa.Column('taken_at', sa.DateTime(timezone=True)),
    )
    op.create_index('ix_photo_details_hash', 'photo_details', ['picture_hash'])
    op.create_table(
        'task_photo_flags',
        sa.Column('task_id', sa.String(length=64), sa.ForeignKey('tasks.id'), primary_key=True),
        sa.Column('photo_sha256', sa.String(length=64), nullable=False),
        sa.Column('flags', sa.Text(), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('task_photo_flags')
    op.drop_index('ix_photo_details_hash', table_name='photo_details')
    op.drop_table('photo_details')
