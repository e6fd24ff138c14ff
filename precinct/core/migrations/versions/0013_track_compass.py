"""video tracks keep their compass heading (on the ground at cameras with a homography), so
search filters headings in SQL (#4); existing tracks are filled from their camera's calibration

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 09:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from precinct.video.heading import calibration_from, compass_heading

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_cameras = sa.table(
    'cameras',
    sa.column('id', sa.Integer),
    sa.column('heading_deg', sa.Float),
    sa.column('calibration', sa.JSON),
)
_tracks = sa.table(
    'video_tracks',
    sa.column('id', sa.Integer),
    sa.column('camera_id', sa.Integer),
    sa.column('direction_deg', sa.Float),
    sa.column('path', sa.JSON),
    sa.column('compass_deg', sa.Float),
)


def _fill() -> None:
    """Every existing track's heading, from its camera's calibration and heading now."""
    bind = op.get_bind()
    cameras = bind.execute(sa.select(_cameras.c.id, _cameras.c.heading_deg, _cameras.c.calibration))
    for camera_id, heading, calibration in cameras.all():
        cal = calibration_from(calibration)
        rows = bind.execute(
            sa.select(_tracks.c.id, _tracks.c.path, _tracks.c.direction_deg).where(
                _tracks.c.camera_id == camera_id
            )
        ).all()
        values = [
            {'tid': tid, 'compass': compass_heading(path, cal, d, heading)}
            for tid, path, d in rows
        ]
        if values:
            stmt = (
                sa.update(_tracks)
                .where(_tracks.c.id == sa.bindparam('tid'))
                .values(compass_deg=sa.bindparam('compass'))
            )
            bind.execute(stmt, values)


def upgrade() -> None:
    with op.batch_alter_table('video_tracks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('compass_deg', sa.Float(), nullable=True))
        batch_op.create_index(
            'ix_video_tracks_compass', ['compass_deg', 'start_at'], unique=False
        )
    _fill()


def downgrade() -> None:
    with op.batch_alter_table('video_tracks', schema=None) as batch_op:
        batch_op.drop_index('ix_video_tracks_compass')
        batch_op.drop_column('compass_deg')
