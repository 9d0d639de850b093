"""inspection template backfill: put templates written before the feed carried them into it

Issue 12, inspbuild: phones get inspection templates from the change feed
(``inspection_template``, audience ``inspectors``), emitted when a version is written. Templates
written before that existed had no feed row, so a phone signing in never got them until their
next edit. This data migration emits the current version of each template the feed has never
carried (no schema change). Downgrade keeps the rows: the code at 0024 emits the same ones.

Revision ID: 0025_inspection_tpl_backfill
Revises: 0024_training
Create Date: 2026-12-02 02:10:00
"""

from alembic import op

from backend_stub.services.changes import flush
from backend_stub.services.inspections import backfill_template_feed

# The file keeps the asked-for name; the id is shorter: alembic_version holds 32 characters (PostgreSQL).
revision = '0025_inspection_tpl_backfill'
# Issue 12, inspbuild: after the current head (the lead may re-chain it at the merge).
down_revision = '0024_training'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    backfill_template_feed(conn)
    flush(conn)  # the rows are buffered per connection; written here, inside the migration


def downgrade() -> None:
    pass  # the rows describe templates as they are; 0024's code emits the same
