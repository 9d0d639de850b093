"""saved audiences: saved_audiences

Issue 11, bcsaved: a manager saves the audience of a broadcast under a name and chooses it again
later; each saved audience is its owner's only.

Revision ID: 0019_saved_audiences
Revises: 0018_broadcast_checks
Create Date: 2026-12-01 15:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0019_saved_audiences'
# Issue 11, bcsaved: written beside 0017/0018 (other parts of issue 11); re-chained at the merge.
down_revision = '0018_broadcast_checks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'saved_audiences',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('owner_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('audience', sa.Text(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('owner_id', 'name', name='uq_saved_audiences_owner_name'),
    )


def downgrade() -> None:
    op.drop_table('saved_audiences')
