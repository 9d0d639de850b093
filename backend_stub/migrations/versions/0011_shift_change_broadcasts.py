"""shift change broadcasts: broadcasts.kind, broadcasts.shift_ids, broadcast_recipients and
shifts.told_user_id (who staff last saw on a shift moved to someone else, until published)

Issue 10, shiftnews: publishing a roster tells each person affected what changed, in a
"shift_change" broadcast addressed to that person alone and linking the shifts.

Revision ID: 0011_shift_change_broadcasts
Revises: 0010_open_shifts
Create Date: 2026-12-01 10:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011_shift_change_broadcasts'
down_revision = '0010_open_shifts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=24), nullable=False, server_default='normal'))
        batch.add_column(sa.Column('shift_ids', sa.Text(), nullable=False, server_default='[]'))
    with op.batch_alter_table('shifts') as batch:
        batch.add_column(sa.Column('told_user_id', sa.String(length=64), nullable=True))
    op.create_table(
        'broadcast_recipients',
        sa.Column('broadcast_id', sa.String(length=64), sa.ForeignKey('broadcasts.id'), primary_key=True),
        sa.Column('user_id', sa.String(length=64), sa.ForeignKey('users.id'), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table('broadcast_recipients')
    with op.batch_alter_table('shifts') as batch:
        batch.drop_column('told_user_id')
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('shift_ids')
        batch.drop_column('kind')
