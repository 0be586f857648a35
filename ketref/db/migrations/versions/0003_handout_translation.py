"""Handout translations: the English source (slug, version, text hash) a translation records.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handout') as batch:
        batch.add_column(sa.Column('translation_of', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('handout') as batch:
        batch.drop_column('translation_of')
