"""link sightings keep the direction of travel (#5)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('link_sightings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heading_deg', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('link_sightings', schema=None) as batch_op:
        batch_op.drop_column('heading_deg')
