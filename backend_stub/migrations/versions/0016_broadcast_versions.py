"""broadcast versions: broadcasts.translations

Issue 11, bcwrite: the sender may add a broadcast's title and text in other languages; each
reader sees their language's version (JSON: language code -> {title, body}).

Revision ID: 0016_broadcast_versions
Revises: 0014_colleague_availability
Create Date: 2026-12-01 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016_broadcast_versions'
# Issue 11, bcwrite: written beside 0015_broadcast_reminders; re-chained at the merge.
down_revision = '0014_colleague_availability'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('translations', sa.Text(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('translations')
