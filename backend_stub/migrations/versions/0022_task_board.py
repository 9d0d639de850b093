"""task board: tasks' board fields, task_photos

Issue 12, taskboard: a task's kind, example photo, assignees, checklist, photo count, review and
the inspection finding a corrective task came from; the photos sent with each completion with
the reviewer's verdicts. Old rows keep working: status "open" becomes "to_do" ("done" stays).

Revision ID: 0022_task_board
Revises: 0021_photo_checks
Create Date: 2026-12-01 19:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0022_task_board'
down_revision = '0021_photo_checks'
branch_labels = None
depends_on = None

_TEXT = ('cant_do_reason', 'review_comment')
_IDS = ('example_photo_sha256', 'reviewed_by', 'created_by', 'inspection_id', 'finding_item_id')


def upgrade() -> None:
    with op.batch_alter_table('tasks') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('assignees', sa.Text(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('checklist', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('checklist_ticks', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('photos_required', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('after_photo_required', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        for name in _TEXT:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        for name in _IDS:
            batch_op.add_column(sa.Column(name, sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_tasks_store_status', ['store_id', 'status'])
    op.execute("UPDATE tasks SET status = 'to_do' WHERE status = 'open'")
    op.create_table(
        'task_photos',
        sa.Column('task_id', sa.String(length=64), sa.ForeignKey('tasks.id'), primary_key=True),
        sa.Column('photo_sha256', sa.String(length=64), primary_key=True),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=16), nullable=False),
        sa.Column('comment', sa.Text(), server_default='', nullable=False),
        sa.Column('flags', sa.Text(), server_default='[]', nullable=False),
        sa.Column('sent_by', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_task_photos_sha', 'task_photos', ['photo_sha256'])


def downgrade() -> None:
    op.drop_index('ix_task_photos_sha', table_name='task_photos')
    op.drop_table('task_photos')
    op.execute("UPDATE tasks SET status = 'open' WHERE status <> 'done'")
    with op.batch_alter_table('tasks') as batch_op:
        batch_op.drop_index('ix_tasks_store_status')
        for name in ('kind', 'assignees', 'checklist', 'checklist_ticks', 'photos_required', 'after_photo_required',
                     'round', 'version', *_TEXT, *_IDS, 'reviewed_at', 'created_at'):
            batch_op.drop_column(name)
