"""inspections: inspection_templates, inspection_template_versions, inspections

Issue 12, inspscore: inspection templates (each edit a new version, never changed) and finished
inspections kept with the template version they were done with and the server's score.

Revision ID: 0020_inspections
Revises: 0019_saved_audiences
Create Date: 2026-12-01 15:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0020_inspections'
down_revision = '0019_saved_audiences'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inspection_templates',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('area', sa.String(length=64), nullable=True),
        sa.Column('current_version', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'inspection_template_versions',
        sa.Column('template_id', sa.String(length=64), sa.ForeignKey('inspection_templates.id'), primary_key=True),
        sa.Column('version', sa.Integer(), primary_key=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('written_by', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        'inspections',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('template_id', sa.String(length=64), nullable=False),
        sa.Column('template_version', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.String(length=64), sa.ForeignKey('stores.id'), nullable=False),
        sa.Column('inspector_id', sa.String(length=64), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('geofence', sa.String(length=16), nullable=True),
        sa.Column('distance_m', sa.Float(), nullable=True),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.Column('score', sa.Float(), nullable=True),
        sa.Column('section_scores', sa.Text(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('critical_failed', sa.Text(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
    )
    op.create_index('ix_inspections_store_template', 'inspections', ['store_id', 'template_id', 'finished_at'])


def downgrade() -> None:
    op.drop_index('ix_inspections_store_template', table_name='inspections')
    op.drop_table('inspections')
    op.drop_table('inspection_template_versions')
    op.drop_table('inspection_templates')
