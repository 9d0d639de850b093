"""broadcast checks: broadcasts.check_question

Issue 11, bccheck: the sender of an urgent broadcast may ask one question with 2 to 4 choices and
mark the right one (JSON: question, choices, right); an acknowledgement counts only with it.

Revision ID: 0018_broadcast_checks
Revises: 0017_broadcast_attachments
Create Date: 2026-12-01 15:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0018_broadcast_checks'
# Issue 11, bccheck: written beside 0017 and 0019 (other parts of issue 11); re-chained at the merge.
down_revision = '0017_broadcast_attachments'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('check_question', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('check_question')
