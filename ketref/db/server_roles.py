"""ketref's roles as PostgreSQL group roles: created, granted, and detected at start.

Privileges follow the roles: readers SELECT, editors also INSERT/UPDATE/DELETE (never the
schema's version table), the owner role owns the tables (so only its members migrate) and
loads releases. Default privileges make tables added by later migrations follow the same rules.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from ketref.domain.roles import ROLES_LOW_TO_HIGH, Role


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def init_roles_sql(database: str, schema: str) -> list[str]:
    """Idempotent statements: create the group roles, hand over the tables, grant."""
    reader, editor, approver, owner = (r.server_name for r in ROLES_LOW_TO_HIGH)
    db, sch, schema_text = _quoted(database), _quoted(schema), _literal(schema)
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role.server_name}')"
        f" THEN CREATE ROLE {role.server_name} NOLOGIN; END IF; END $$"
        for role in ROLES_LOW_TO_HIGH
    ]
    statements += [
        f"GRANT {reader} TO {editor}",
        f"GRANT {editor} TO {approver}",
        f"GRANT {approver} TO {owner}",
        f"GRANT CONNECT ON DATABASE {db} TO {reader}",
        f"GRANT USAGE ON SCHEMA {sch} TO {reader}",
        f"GRANT CREATE ON SCHEMA {sch} TO {owner}",
        # every table of the schema is owned by the owner role (their sequences follow)
        "DO $$ DECLARE r record; BEGIN "
        "FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE n.nspname = {schema_text} AND c.relkind IN ('r', 'p') LOOP "
        f"EXECUTE format('ALTER TABLE %%I.%%I OWNER TO {owner}', {schema_text}, r.relname); "
        "END LOOP; END $$",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {sch} TO {reader}",
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {editor}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {editor}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {sch} "
        f"GRANT SELECT ON TABLES TO {reader}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {sch} "
        f"GRANT INSERT, UPDATE, DELETE ON TABLES TO {editor}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {sch} "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {editor}",
    ]
    statements.append(
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_tables WHERE schemaname = {schema_text} AND "
        f"tablename = 'alembic_version') THEN EXECUTE 'REVOKE INSERT, UPDATE, DELETE ON "
        f"{sch}.alembic_version FROM {editor}'; END IF; END $$"
    )
    # a reader prints handouts too, so it may add print-log entries (and nothing else)
    statements.append(
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_tables WHERE schemaname = {schema_text} AND "
        f"tablename = 'print_log') THEN EXECUTE 'GRANT INSERT ON {sch}.print_log, "
        f"{sch}.print_log_handout TO {reader}'; EXECUTE 'GRANT USAGE ON SEQUENCE "
        f"{sch}.print_log_id_seq TO {reader}'; END IF; END $$"
    )
    return statements


def init_roles(conn: Connection) -> None:
    """Run :func:`init_roles_sql` for the connected database, in the caller's transaction
    (through the driver, so ``%%`` stands for ``%``)."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    for statement in init_roles_sql(str(database), str(schema)):
        conn.exec_driver_sql(statement)


def roles_in_use(conn: Connection) -> bool:
    """``init-roles`` was run for this database: its tables belong to the owner role.

    PostgreSQL's roles are shared by every database of a server; this asks about this one.
    """
    owner = conn.execute(
        text(
            "SELECT tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'ketref_meta'"
        )
    ).scalar()
    return owner == Role.OWNER.server_name


def detect_role(conn: Connection) -> tuple[str, Role]:
    """(login user, the highest ketref role it holds).

    Before ``init-roles`` (for this database) there are no roles to hold: everyone who can
    connect is treated as the owner, as before roles existed (the server's own privileges
    still apply).
    """
    user, superuser = conn.execute(
        text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    ).one()
    if superuser or not roles_in_use(conn):
        return str(user), Role.OWNER
    for role in reversed(ROLES_LOW_TO_HIGH):
        held = conn.execute(
            text("SELECT pg_has_role(current_user, :name, 'USAGE')"), {"name": role.server_name}
        ).scalar_one()
        if held:
            return str(user), role
    return str(user), Role.NONE
