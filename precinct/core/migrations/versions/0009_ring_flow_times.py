"""ring money flows keep when the victims' money first and last moved along them (#6)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('fraud_ring_flows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_at', precinct.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_at', precinct.core.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('fraud_ring_flows', schema=None) as batch_op:
        batch_op.drop_column('last_at')
        batch_op.drop_column('first_at')
