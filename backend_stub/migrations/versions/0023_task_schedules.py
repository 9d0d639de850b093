"""task schedules: recurring tasks, overdue reminders

Issue 12, taskrecur: a store's recurring task schedules (daily, or weekly on chosen weekdays,
due at a local time, appearing a lead time before); the schedule a task came from; the tasks
whose overdue reminder was sent (once per task); the department an equipment repair was sent to.

Revision ID: 0023_task_schedules
Revises: 0022_task_board
Create Date: 2026-12-01 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0023_task_schedules'
down_revision = '0022_task_board'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tasks') as batch_op:
        batch_op.add_column(sa.Column('schedule_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('department_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sent_to_department_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'task_schedules',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('store_id', sa.String(length=64), sa.ForeignKey('stores.id'), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), server_default='', nullable=False),
        sa.Column('kind', sa.String(length=32), server_default='other', nullable=False),
        sa.Column('assignees', sa.Text(), server_default='{}', nullable=False),
        sa.Column('checklist', sa.Text(), server_default='[]', nullable=False),
        sa.Column('photos_required', sa.Integer(), server_default='0', nullable=False),
        sa.Column('recurrence', sa.String(length=16), nullable=False),
        sa.Column('weekdays', sa.Text(), server_default='[]', nullable=False),
        sa.Column('due_time', sa.String(length=5), nullable=False),
        sa.Column('lead_minutes', sa.Integer(), server_default='0', nullable=False),
        sa.Column('paused', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_task_schedules_store_id', 'task_schedules', ['store_id'])
    op.create_table(
        'task_overdue_reminders',
        sa.Column('task_id', sa.String(length=64), sa.ForeignKey('tasks.id'), primary_key=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('people', sa.Text(), server_default='[]', nullable=False),
    )


def downgrade() -> None:
    op.drop_table('task_overdue_reminders')
    op.drop_index('ix_task_schedules_store_id', table_name='task_schedules')
    op.drop_table('task_schedules')
    with op.batch_alter_table('tasks') as batch_op:
        for name in ('schedule_id', 'department_id', 'sent_to_department_at'):
            batch_op.drop_column(name)
