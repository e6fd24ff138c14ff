"""ring transfers: the transfers between a ring's members and the victims' payments into it,
for the ring page's time-respecting backward trace (#6)

Revision ID: 0012
Revises: 0009
Create Date: 2026-11-29 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = '0012'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fraud_ring_transfers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ring_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=32), nullable=False),
        sa.Column('at', precinct.core.db.UTCDateTime(), nullable=False),
        sa.Column('amount_yuan', sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column('reported', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['ring_id'],
            ['fraud_rings.id'],
            name=op.f('fk_fraud_ring_transfers_ring_id_fraud_rings'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fraud_ring_transfers')),
    )
    with op.batch_alter_table('fraud_ring_transfers', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_fraud_ring_transfers_ring_id'), ['ring_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('fraud_ring_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fraud_ring_transfers_ring_id'))
    op.drop_table('fraud_ring_transfers')
