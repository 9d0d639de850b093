"""training: courses, quizzes, sessions, sign-ins, quiz attempts, completions

Issue 13, trainapi: the server side of training (rules: app.domain.training). A session's
secret is a column of its own, never emitted nor returned; a quiz row holds the answer key.

Revision ID: 0024_training
Revises: 0023_task_schedules
Create Date: 2026-12-01 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0024_training'
down_revision = '0023_task_schedules'
branch_labels = None
depends_on = None


def _ts(name: str, **kw) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kw)


def _id(name: str, *fk, **kw) -> sa.Column:
    return sa.Column(name, sa.String(length=64), *fk, **kw)


def upgrade() -> None:
    op.create_table(
        'training_courses',
        _id('id', primary_key=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        _id('skill', nullable=False),
        sa.Column('validity_months', sa.Integer(), nullable=True),
        sa.Column('sign_out_required', sa.Boolean(), server_default=sa.false(), nullable=False),
        _id('quiz_id', nullable=True),
        _id('written_by', nullable=False),
        _ts('written_at', nullable=False),
    )
    op.create_table(
        'training_quizzes',
        _id('id', primary_key=True),
        sa.Column('version', sa.Integer(), primary_key=True),
        sa.Column('body', sa.Text(), nullable=False),
        _id('written_by', nullable=False),
        _ts('written_at', nullable=False),
    )
    op.create_table(
        'training_sessions',
        _id('id', primary_key=True),
        _id('course_id', sa.ForeignKey('training_courses.id'), nullable=False),
        _id('trainer_id', sa.ForeignKey('users.id'), nullable=False),
        _id('store_id', sa.ForeignKey('stores.id'), nullable=False),
        sa.Column('room', sa.String(length=200), server_default='', nullable=False),
        sa.Column('latitude', sa.Float(), nullable=False),
        sa.Column('longitude', sa.Float(), nullable=False),
        sa.Column('radius_m', sa.Float(), nullable=False),
        _ts('starts_at', nullable=False),
        _ts('ends_at', nullable=False),
        *(sa.Column(f'{name}_s', sa.Integer(), nullable=False) for name in (
            'early_margin', 'late_allowance', 'late_margin', 'sign_out_early', 'sign_out_margin',
            'manual_add_margin')),
        sa.Column('capacity', sa.Integer(), nullable=True),
        sa.Column('invite_only', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('invited_user_ids', sa.Text(), server_default='[]', nullable=False),
        sa.Column('invited_roles', sa.Text(), server_default='[]', nullable=False),
        sa.Column('status', sa.String(length=16), server_default='scheduled', nullable=False),
        sa.Column('secret', sa.Text(), nullable=False),
        _id('created_by', nullable=False),
        _ts('created_at', nullable=False),
    )
    op.create_index('ix_training_sessions_store_id', 'training_sessions', ['store_id'])
    op.create_table(
        'training_sign_ins',
        _id('session_id', sa.ForeignKey('training_sessions.id'), primary_key=True),
        _id('user_id', sa.ForeignKey('users.id'), primary_key=True),
        _ts('device_time', nullable=True),
        _ts('signed_in_at', nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('geofence', sa.String(length=16), nullable=True),
        sa.Column('distance_m', sa.Float(), nullable=True),
        sa.Column('manual_reason', sa.Text(), nullable=True),
        _id('added_by', nullable=True),
        sa.Column('flags', sa.Text(), server_default='[]', nullable=False),
        _ts('signed_out_at', nullable=True),
        _ts('sign_out_device_time', nullable=True),
        _ts('received_at', nullable=False),
    )
    op.create_table(
        'quiz_attempts',
        _id('user_id', sa.ForeignKey('users.id'), primary_key=True),
        _id('quiz_id', primary_key=True),
        sa.Column('version', sa.Integer(), primary_key=True),
        sa.Column('attempt', sa.Integer(), primary_key=True),
        _id('session_id', sa.ForeignKey('training_sessions.id'), nullable=False),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.Column('correct', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('right', sa.Text(), nullable=False),
        _ts('device_time', nullable=True),
        _ts('graded_at', nullable=False),
    )
    op.create_table(
        'training_completions',
        _id('id', primary_key=True),
        _id('user_id', sa.ForeignKey('users.id'), nullable=False),
        _id('course_id', sa.ForeignKey('training_courses.id'), nullable=False),
        _id('session_id', sa.ForeignKey('training_sessions.id'), nullable=True),
        _ts('completed_at', nullable=False),
        _ts('expires_at', nullable=True),
        sa.Column('via', sa.String(length=16), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
    )
    op.create_index('ix_training_completions_user_id', 'training_completions', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_training_completions_user_id', table_name='training_completions')
    op.drop_table('training_completions')
    op.drop_table('quiz_attempts')
    op.drop_table('training_sign_ins')
    op.drop_index('ix_training_sessions_store_id', table_name='training_sessions')
    op.drop_table('training_sessions')
    op.drop_table('training_quizzes')
    op.drop_table('training_courses')
