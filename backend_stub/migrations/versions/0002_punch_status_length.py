"""punch status fits awaiting_confirmation

String(16) held "awaiting_confirmation" (21) only because SQLite ignores lengths;
PostgreSQL refused the punch.

Revision ID: 0002_punch_status_length
Revises: 0001_baseline
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = '0002_punch_status_length'
down_revision = '0001_baseline'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('punches', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=16),
               type_=sa.String(length=32),
               existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('punches', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.String(length=32),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)
