"""Print log: every handout export or print, with the exact item versions it printed.

``print_log_handout.version_id`` refers to ``item_version`` with RESTRICT, so a version that a
log entry printed can never be deleted and a reprint always finds it. On PostgreSQL the reader
role may add log entries (a reader prints handouts too), if ``init-roles`` created it.

Revision ID: 0005_print_log
Revises: 0004_append_only_audit
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005_print_log'
down_revision = '0004_append_only_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('print_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('printed_by', sa.String(length=120), nullable=False),
    sa.Column('output', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('paper', sa.String(length=16), nullable=False),
    sa.Column('large_print', sa.Boolean(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('patient_name', sa.String(length=120), nullable=True),
    sa.Column('escort', sa.String(length=120), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('personal_date', sa.Date(), nullable=True),
    sa.Column('emergency_phone', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_log'))
    )
    op.create_index(op.f('ix_print_log_at'), 'print_log', ['at'], unique=False)
    op.create_table('print_log_handout',
    sa.Column('log_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['log_id'], ['print_log.id'], name=op.f('fk_print_log_handout_log_id_print_log'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['item_version.id'], name=op.f('fk_print_log_handout_version_id_item_version'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('log_id', 'position', name=op.f('pk_print_log_handout'))
    )
    op.create_index(op.f('ix_print_log_handout_slug'), 'print_log_handout', ['slug'], unique=False)
    op.create_index(op.f('ix_print_log_handout_version_id'), 'print_log_handout', ['version_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'ketref_reader') THEN "
            "GRANT INSERT ON print_log, print_log_handout TO ketref_reader; "
            "GRANT USAGE ON SEQUENCE print_log_id_seq TO ketref_reader; END IF; END $$"
        )


def downgrade() -> None:
    op.drop_index(op.f('ix_print_log_handout_version_id'), table_name='print_log_handout')
    op.drop_index(op.f('ix_print_log_handout_slug'), table_name='print_log_handout')
    op.drop_table('print_log_handout')
    op.drop_index(op.f('ix_print_log_at'), table_name='print_log')
    op.drop_table('print_log')
