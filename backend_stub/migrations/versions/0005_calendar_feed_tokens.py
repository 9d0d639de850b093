"""calendar feed tokens

Issue 10, calendar: each person's live calendar feed token, kept as its SHA-256 only.

Revision ID: 0005_calendar_feed_tokens
Revises: 0004_my_punches_pin_reset_and_ti
Create Date: 2026-12-01 03:05:36.406177
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_calendar_feed_tokens'
down_revision = '0004_my_punches_pin_reset_and_ti'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id'),
    sa.UniqueConstraint('token_hash')
    )


def downgrade() -> None:
    op.drop_table('calendar_feeds')
