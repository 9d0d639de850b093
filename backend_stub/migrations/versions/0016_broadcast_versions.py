"""broadcast versions: broadcasts.translations, .version, .edited_by, .edited_at; broadcast_versions

Issue 11, bcwrite: the sender may add a broadcast's title and text in other languages (JSON:
language code -> {title, body}); a sent broadcast may be edited, keeping each earlier version
with who wrote it and when; one may be sent later and expire (``stage``: held, sent, expired).

Revision ID: 0016_broadcast_versions
Revises: 0014_colleague_availability
Create Date: 2026-12-01 12:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0016_broadcast_versions'
# Issue 11, bcwrite: written beside 0015_broadcast_reminders; re-chained at the merge.
down_revision = '0015_broadcast_reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('translations', sa.Text(), nullable=False, server_default='{}'))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch.add_column(sa.Column('edited_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('send_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('stage', sa.String(length=12), nullable=False, server_default='sent'))
    op.create_table(
        'broadcast_versions',
        sa.Column('broadcast_id', sa.String(length=64), sa.ForeignKey('broadcasts.id'), primary_key=True),
        sa.Column('version', sa.Integer(), primary_key=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('translations', sa.Text(), nullable=False),
        sa.Column('written_by', sa.String(length=64), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('broadcast_versions')
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('stage')
        batch.drop_column('expires_at')
        batch.drop_column('send_at')
        batch.drop_column('edited_at')
        batch.drop_column('edited_by')
        batch.drop_column('version')
        batch.drop_column('translations')
