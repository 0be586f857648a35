"""Append-only audit trail: the database itself refuses UPDATE and DELETE on audit events.

ketref only ever inserts audit events; these triggers make that a property of the file (or the
server), so neither a bug nor a hand-run SQL statement can rewrite who changed what.
SQLite: BEFORE UPDATE / BEFORE DELETE triggers that abort. PostgreSQL: a row trigger for UPDATE
and DELETE and a statement trigger for TRUNCATE, raising insufficient_privilege.

Revision ID: 0004_append_only_audit
Revises: 0003
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0004_append_only_audit'
down_revision = '0003'
branch_labels = None
depends_on = None

MESSAGE = 'audit events are append-only'


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    elif dialect == 'postgresql':
        op.execute(
            'CREATE FUNCTION ketref_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$"
        )
        op.execute(
            'CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event '
            'FOR EACH ROW EXECUTE FUNCTION ketref_audit_append_only()'
        )
        op.execute(
            'CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event '
            'FOR EACH STATEMENT EXECUTE FUNCTION ketref_audit_append_only()'
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_update')
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_delete')
    elif dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event')
        op.execute('DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event')
        op.execute('DROP FUNCTION IF EXISTS ketref_audit_append_only()')
