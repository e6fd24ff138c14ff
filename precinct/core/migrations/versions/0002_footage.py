"""footage: one row per ingested original video file

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 03:10:13.852520
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import precinct.core.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "footage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_path", sa.String(length=1000), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("camera_id", sa.Integer(), nullable=False),
        sa.Column("start_at", precinct.core.db.UTCDateTime(), nullable=False),
        sa.Column("end_at", precinct.core.db.UTCDateTime(), nullable=False),
        sa.Column("codec", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("keyframe_interval", sa.Integer(), nullable=True),
        sa.Column("damaged_at_s", sa.Float(), nullable=True),
        sa.Column("created_at", precinct.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["camera_id"], ["cameras.id"], name=op.f("fk_footage_camera_id_cameras")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_footage")),
        sa.UniqueConstraint("sha256", name=op.f("uq_footage_sha256")),
    )
    with op.batch_alter_table("footage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_footage_camera_id"), ["camera_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_footage_start_at"), ["start_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("footage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_footage_start_at"))
        batch_op.drop_index(batch_op.f("ix_footage_camera_id"))
    op.drop_table("footage")
