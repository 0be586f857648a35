"""A shared PostgreSQL library: one writer at a time, opening with a lock, roles at start.

Kept apart from the SQLite file handling in ketref.db.engine, which imports this lazily.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event, inspect, text

from ketref.db import migrate
from ketref.db.change_listener import CHANGES_CHANNEL
from ketref.db.engine import (
    APPLICATION_ID,
    ConnectionSettings,
    Database,
    DatabaseTarget,
    make_engine,
)
from ketref.db.errors import ForeignDatabaseError, translate_error
from ketref.db.server_roles import detect_role, roles_in_use
from ketref.domain.errors import DatabaseRefusedError, KetrefError
from ketref.domain.roles import Role

WRITER_LOCK = APPLICATION_ID  # the advisory lock every write transaction takes


def configure_server(engine: Engine, settings: ConnectionSettings) -> None:
    """One writer at a time on a server too, the way SQLite's BEGIN IMMEDIATE gives it.

    A write transaction first takes a transaction-scoped advisory lock, so migrations, content
    loads, imports and edits from every workstation run one after another, each seeing what the
    one before committed (READ COMMITTED takes a new snapshot per statement): the fingerprint
    check then catches a concurrent edit, and a second import of a pack finds the first one's
    items. Waiting is bounded like SQLite's busy timeout; past it the write is "busy". Each
    write also queues a NOTIFY on ``CHANGES_CHANNEL``, sent by the server when (and only if) the
    transaction commits, so other windows show an edit, approval or import within a second.
    """

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("ketref_write", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(settings.busy_timeout_ms)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            # Delivered to the other workstations' listeners only if this transaction commits.
            conn.exec_driver_sql(f"NOTIFY {CHANGES_CHANNEL}")
            ddl_role = conn.get_execution_options().get("ketref_ddl_role")
            if ddl_role:  # migrations create tables owned by the owner role, not the person
                conn.exec_driver_sql(f"SET LOCAL ROLE {ddl_role}")


def open_server_database(target: DatabaseTarget, settings: ConnectionSettings) -> Database:
    """A shared (e.g. PostgreSQL) database: recognise it by its meta table, then migrate.

    The migration runs as a writer (under the writer lock), so workstations starting at once on
    an empty database wait for the first one; Alembic then finds the schema at head.
    """
    try:
        engine = make_engine(target, settings)
    except Exception as exc:  # e.g. the driver is not installed
        raise DatabaseRefusedError(
            f"Cannot open {target.display}: {exc.__class__.__name__}."
        ) from exc
    try:
        with engine.connect() as conn:
            user, role = detect_role(conn)
            has_roles = roles_in_use(conn)
            tables = set(inspect(conn).get_table_names())
            revision: str | None = None
            if "alembic_version" in tables:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if tables and "ketref_meta" not in tables:
            raise ForeignDatabaseError(
                f"{target.display} holds another program's tables, not a ketref library."
            )
        migrate.refuse_unknown_schema(revision, None, target.display)
        db = Database(target, engine, settings)
        db.user, db.role = user, role
        if revision != migrate.head_revision():
            db.require(Role.OWNER)
            options: dict[str, Any] = {"ketref_write": True}
            if has_roles:
                options["ketref_ddl_role"] = Role.OWNER.server_name
            try:
                migrate.upgrade(engine.execution_options(**options))
            except Exception as exc:  # the server's own refusals first (busy, lost, denied)
                typed = translate_error(exc, target.display)
                raise typed or migrate.upgrade_failed(target.display, revision, exc, None) from exc
    except KetrefError:
        engine.dispose()
        raise
    except Exception as exc:  # driver errors differ per backend; report them in one line
        engine.dispose()
        typed = translate_error(exc, target.display)
        raise typed or DatabaseRefusedError(
            f"Cannot open {target.display}: {exc.__class__.__name__}."
        ) from exc
    return db
