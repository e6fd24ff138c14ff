"""video search index, trace judgements and case leads (#4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db  # noqa: F401  (UTCDateTime in column types)


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('video_tracks', schema=None) as batch_op:
        batch_op.create_index('ix_video_tracks_start', ['start_at'], unique=False)
    op.create_table('video_trace_judgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sighting_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('judged_by', sa.String(length=64), nullable=False),
    sa.Column('judged_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['video_tracks.id'], name=op.f('fk_video_trace_judgements_candidate_id_video_tracks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sighting_id'], ['video_tracks.id'], name=op.f('fk_video_trace_judgements_sighting_id_video_tracks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video_trace_judgements')),
    sa.UniqueConstraint('sighting_id', 'candidate_id', name=op.f('uq_video_trace_judgements_sighting_id'))
    )
    with op.batch_alter_table('video_trace_judgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_video_trace_judgements_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_video_trace_judgements_sighting_id'), ['sighting_id'], unique=False)
    op.create_table('video_leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('track_ids', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', precinct.core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_video_leads'))
    )
    with op.batch_alter_table('video_leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_video_leads_case_number'), ['case_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('video_leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_video_leads_case_number'))
    op.drop_table('video_leads')
    with op.batch_alter_table('video_trace_judgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_video_trace_judgements_sighting_id'))
        batch_op.drop_index(batch_op.f('ix_video_trace_judgements_candidate_id'))
    op.drop_table('video_trace_judgements')
    with op.batch_alter_table('video_tracks', schema=None) as batch_op:
        batch_op.drop_index('ix_video_tracks_start')
