"""broadcast attachments: broadcast_attachments

Issue 11, bcattach: a broadcast may carry photos or PDF files, uploaded through the
content-addressed photo upload; each row names one file by its SHA-256.

Revision ID: 0017_broadcast_attachments
Revises: 0016_broadcast_versions
Create Date: 2026-12-01 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0017_broadcast_attachments'
# Issue 11, bcattach: written beside 0018/0019; re-chained at the merge.
down_revision = '0016_broadcast_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'broadcast_attachments',
        sa.Column('broadcast_id', sa.String(length=64), sa.ForeignKey('broadcasts.id'), primary_key=True),
        sa.Column('sha256', sa.String(length=64), primary_key=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
    )
    op.create_index('ix_broadcast_attachments_sha', 'broadcast_attachments', ['sha256'])


def downgrade() -> None:
    op.drop_index('ix_broadcast_attachments_sha', table_name='broadcast_attachments')
    op.drop_table('broadcast_attachments')
