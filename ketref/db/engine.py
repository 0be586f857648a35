"""Opening a ketref database safely: recognise it, refuse what is not ours, migrate with a backup.

Order matters. A file is inspected read-only (header, ``application_id``, quick_check, schema
revision) *before* SQLAlchemy or Alembic touch it, so a foreign, damaged or newer file is never
written to. A new database is built under a temporary name and renamed into place, so a
half-created file is never mistaken for a library.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ketref.db import migrate
from ketref.db.backup import backup_sqlite
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import DatabaseRefusedError

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4B455452  # "KETR": marks a SQLite file as a ketref database
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class DatabaseDamagedError(DatabaseRefusedError):
    """The file is a ketref database but fails SQLite's checks; it was left untouched."""


class DatabaseTooNewError(DatabaseRefusedError):
    """The schema was written by a newer ketref; opening it could lose data."""


@dataclass(frozen=True)
class DatabaseTarget:
    """What to open: a SQLite file (``path`` set) or any SQLAlchemy URL."""

    url: str
    path: Path | None

    @classmethod
    def parse(cls, value: str | os.PathLike[str]) -> DatabaseTarget:
        """Accept a file path or a URL (``sqlite:///x.db``, ``postgresql+psycopg://...``)."""
        raw = os.fspath(value)
        if "://" not in raw:
            path = Path(raw).expanduser().resolve()
            return cls(url=f"sqlite:///{path}", path=path)
        url = make_url(raw)
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                raise DatabaseRefusedError("an in-memory SQLite database cannot hold a library")
            path = Path(url.database).expanduser().resolve()
            return cls(url=f"sqlite:///{path}", path=path)
        return cls(url=raw, path=None)

    @property
    def display(self) -> str:
        """Safe to show and log: a file path, or the URL with its password hidden."""
        if self.path is not None:
            return str(self.path)
        return make_url(self.url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class SchemaState:
    revision: str | None
    user_version: int


# --- Connection settings -------------------------------------------------------------------


def _configure_sqlite(engine: Engine) -> None:
    """Pragmas on every pooled connection, and transactions that SQLite really honours.

    pysqlite's legacy transaction handling defers BEGIN and breaks SAVEPOINT rollback, so ketref
    turns it off and emits BEGIN itself (IMMEDIATE for writers, avoiding lock-upgrade deadlocks).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA trusted_schema=OFF")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("ketref_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(target: DatabaseTarget) -> Engine:
    """An engine that never logs statement parameters (patient text stays out of logs)."""
    if target.path is not None:
        engine = create_engine(target.url, hide_parameters=True)
        _configure_sqlite(engine)
        return engine
    return create_engine(target.url, hide_parameters=True, pool_pre_ping=True)


class Database:
    """An open, verified, migrated ketref database; hands out one session per operation."""

    def __init__(self, target: DatabaseTarget, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(ketref_write=True), expire_on_commit=False
        )

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with self._read.begin() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self._write.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


# --- Inspection before opening -------------------------------------------------------------


def inspect_sqlite_file(path: Path) -> SchemaState:
    """Check, read-only, that ``path`` is a healthy ketref database that this app can open.

    Raises:
        DatabaseRefusedError: not SQLite, another program's database, or an empty file.
        DatabaseDamagedError: SQLite reports damage.
        DatabaseTooNewError: written by a newer ketref.
    """
    name = path.name
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise DatabaseRefusedError(
            f"Cannot read the database file {path}: {exc.strerror}."
        ) from exc
    if not header:
        raise DatabaseRefusedError(
            f"The database file {path} is empty (0 bytes), so it is not a ketref library. "
            "It was left untouched; move it away or choose another file with --db."
        )
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseRefusedError(
            f"{name} is not a ketref database (it is not a SQLite file). It was left untouched."
        )
    if len(header) < 100:
        raise DatabaseDamagedError(f"{name} is damaged: the file is shorter than its header.")
    app_id = int.from_bytes(header[68:72], "big", signed=True)
    if app_id != APPLICATION_ID:
        raise DatabaseRefusedError(
            f"{name} is a database of another program, not of ketref. It was left untouched."
        )
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseDamagedError(f"{name} cannot be opened: {exc}.") from exc
    try:
        check = conn.execute("PRAGMA quick_check").fetchall()
        if [row[0] for row in check] != ["ok"]:
            raise DatabaseDamagedError(
                f"{name} is damaged (SQLite's check found {len(check)} problem(s)). "
                "It was left untouched; restore a backup with 'ketref db restore'."
            )
        user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        has_version_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        revision = None
        if has_version_table:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise DatabaseDamagedError(
            f"{name} is damaged ({exc}). It was left untouched; restore a backup with "
            "'ketref db restore'."
        ) from exc
    finally:
        conn.close()
    state = SchemaState(revision=revision, user_version=user_version)
    _refuse_if_too_new(state, name)
    return state


def _refuse_if_too_new(state: SchemaState, name: str) -> None:
    if (state.revision is not None and state.revision not in migrate.known_revisions()) or (
        state.user_version > migrate.schema_number()
    ):
        raise DatabaseTooNewError(
            f"{name} was created by a newer version of ketref (schema {state.user_version}, "
            f"this app knows up to {migrate.schema_number()}). Please update ketref; "
            "the file was not changed."
        )


# --- Opening -------------------------------------------------------------------------------


def _stamp_sqlite(path: Path) -> None:
    """Mark the file as ketref's and record its schema number (outside any transaction)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version={migrate.schema_number()}")
    finally:
        conn.close()


def _create_sqlite(path: Path) -> None:
    """Build a fresh, migrated database beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(path.name + ".creating")
    for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(DatabaseTarget(url=f"sqlite:///{temp}", path=temp))
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    _stamp_sqlite(temp)
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")  # fold the WAL in before the rename
    finally:
        conn.close()
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    log.info("created a new ketref database")


def open_database(
    target: DatabaseTarget, *, backups_dir: Path, clock: Clock = system_clock
) -> Database:
    """Open (creating or migrating when needed) the database ``target`` points at.

    Raises:
        DatabaseRefusedError: and its subclasses; the file is never modified when raised.
    """
    if target.path is None:
        return _open_server_database(target, backups_dir=backups_dir)
    path = target.path
    if not path.exists():
        _create_sqlite(path)
    state = inspect_sqlite_file(path)
    engine = make_engine(target)
    if state.revision != migrate.head_revision():
        stamp = clock().strftime("%Y%m%d-%H%M%S")
        backup = backups_dir / f"ketref-before-migration-{stamp}.db"
        backup_sqlite(path, backup)
        log.info("backed up the database before migrating it to %s", migrate.head_revision())
        migrate.upgrade(engine)
        _stamp_sqlite(path)
    return Database(target, engine)


def _open_server_database(target: DatabaseTarget, *, backups_dir: Path) -> Database:
    """A shared (e.g. PostgreSQL) database: recognise it by its meta table, then migrate."""
    engine = make_engine(target)
    try:
        tables = set(inspect(engine).get_table_names())
        revision: str | None = None
        if "alembic_version" in tables:
            with engine.connect() as conn:
                revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if tables and "ketref_meta" not in tables:
            raise DatabaseRefusedError(
                f"{target.display} holds another program's tables, not a ketref library."
            )
        _refuse_if_too_new(SchemaState(revision, 0), target.display)
        if revision != migrate.head_revision():
            migrate.upgrade(engine)
    except DatabaseRefusedError:
        engine.dispose()
        raise
    except Exception as exc:  # driver errors differ per backend; report them in one line
        engine.dispose()
        raise DatabaseRefusedError(
            f"Cannot open {target.display}: {exc.__class__.__name__}."
        ) from exc
    return Database(target, engine)
