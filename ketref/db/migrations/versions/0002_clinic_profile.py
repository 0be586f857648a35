"""Clinic profile: the letterhead printed on handouts (one row).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clinic_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('emergency_phone', sa.String(length=40), nullable=True),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_mime', sa.String(length=32), nullable=True),
    sa.Column('paper', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_clinic_profile_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clinic_profile'))
    )


def downgrade() -> None:
    op.drop_table('clinic_profile')
