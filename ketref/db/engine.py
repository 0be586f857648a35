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
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ketref.bounded_read import NotRegularFileError, UnreadableFileError, read_head
from ketref.db import health, migrate
from ketref.db.backup import backup_path, backup_sqlite, create_private, publish_no_clobber
from ketref.db.bulk_insert import canonical_json
from ketref.db.errors import (
    DatabaseDamagedError,
    DatabaseReadOnlyError,
    ForeignDatabaseError,
    IndexDamageError,
    NotADatabaseError,
    NotAFileError,
    is_busy,
    translate_error,
)
from ketref.db.server_url import masked, server_url
from ketref.domain.backups import BackupKind
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import DatabaseRefusedError, KetrefError, PermissionRefusedError
from ketref.domain.roles import WHAT_NEEDS, Role

log = logging.getLogger(__name__)

APPLICATION_ID = 0x4B455452  # "KETR": marks a SQLite file as a ketref database
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class ConnectionSettings:
    """How long a writer waits for another process's lock, and how often it tries again.

    Each attempt waits up to ``busy_timeout_ms`` inside SQLite; between attempts ketref sleeps
    ``backoff`` seconds. With the defaults a save gives up after about 21 s and says so.
    """

    busy_timeout_ms: int = BUSY_TIMEOUT_MS
    write_attempts: int = 4
    backoff: tuple[float, ...] = (0.1, 0.3, 0.9)


DEFAULT_SETTINGS = ConnectionSettings()


@dataclass(frozen=True)
class DatabaseTarget:
    """What to open: a SQLite file (``path`` set) or any SQLAlchemy URL.

    ``password`` is one typed into the connection dialog: kept in memory only, never in
    ``url`` (which may be shown, logged or remembered).
    """

    url: str
    path: Path | None
    password: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, value: str | os.PathLike[str]) -> DatabaseTarget:
        """Accept a file path, a URL (``sqlite:///x.db``, ``postgresql+psycopg://...``,
        libpq's ``postgresql://...``) or a libpq keyword string (``service=clinic``)."""
        raw = os.fspath(value)
        if (server := server_url(raw)) is not None:
            return cls(url=server, path=None)
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
        return masked(self.url)


@dataclass(frozen=True)
class SchemaState:
    revision: str | None
    user_version: int


# --- Connection settings -------------------------------------------------------------------


def configure_sqlite(engine: Engine, settings: ConnectionSettings) -> None:
    """Pragmas on every pooled connection, and transactions that SQLite really honours.

    pysqlite's legacy transaction handling defers BEGIN and breaks SAVEPOINT rollback, so ketref
    turns it off and emits BEGIN itself (IMMEDIATE for writers, avoiding lock-upgrade deadlocks).
    ``secure_delete`` overwrites deleted rows with zeros, so removed text does not linger in
    free pages.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(settings.busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA trusted_schema=OFF")
            cursor.execute("PRAGMA secure_delete=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("ketref_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(target: DatabaseTarget, settings: ConnectionSettings = DEFAULT_SETTINGS) -> Engine:
    """An engine that never logs statement parameters (patient text stays out of logs)."""
    if target.path is not None:
        engine = create_engine(target.url, hide_parameters=True, json_serializer=canonical_json)
        configure_sqlite(engine, settings)
        return engine
    url = make_url(target.url)
    if target.password:
        url = url.set(password=target.password)
    engine = create_engine(url, hide_parameters=True, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        from ketref.db.server import configure_server

        configure_server(engine, settings)
    return engine


class Database:
    """An open, verified, migrated ketref database; hands out one session per operation.

    Every session turns SQLite failures into typed errors with plain messages. A writer that
    finds the database locked by another process retries with backoff before giving up with
    DatabaseBusyError. Once damage is seen, the database refuses all further writes.
    """

    def __init__(
        self,
        target: DatabaseTarget,
        engine: Engine,
        settings: ConnectionSettings = DEFAULT_SETTINGS,
    ) -> None:
        self.target = target
        self.engine = engine
        self.settings = settings
        self.damaged = False
        self.user: str | None = None
        self.role = Role.OWNER  # a SQLite file: whoever can write it owns it
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(
            engine.execution_options(ketref_write=True), expire_on_commit=False
        )

    @property
    def name(self) -> str:
        return self.target.path.name if self.target.path is not None else self.target.display

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except DBAPIError as exc:
            typed = translate_error(exc, self.name)
            if typed is None:
                raise
            if isinstance(typed, DatabaseDamagedError):
                self.damaged = True
            raise typed from exc

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        with self._translated(), self._read.begin() as session:
            yield session

    def require(self, needs: Role) -> None:
        """Refuse, naming the role, what this user's role does not allow (on a server).

        Raises:
            PermissionRefusedError: the user's ketref role is below ``needs``.
        """
        if self.role < needs:
            what = WHAT_NEEDS.get(needs, "This")
            raise PermissionRefusedError(
                f"{what} needs the {needs.server_name} role; {self.user} has "
                f"{self.role.server_name if self.role else 'no ketref role'}. Nothing was "
                f"changed; ask the administrator to GRANT {needs.server_name} TO {self.user}."
            )

    @contextlib.contextmanager
    def write(self, needs: Role = Role.EDITOR) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error.

        Raises:
            PermissionRefusedError: on a server, the user's role is below ``needs``.
            DatabaseBusyError: another process kept the write lock through every retry.
            DatabaseDamagedError: damage was seen earlier; nothing is written any more.
        """
        self.require(needs)
        if self.damaged:
            raise DatabaseDamagedError(
                f"{self.name} is damaged, so ketref no longer writes to it. Close ketref and run "
                "'ketref db recover' to restore the newest backup."
            )
        with self._translated():
            session = self._begin_write()
            with session:
                try:
                    yield session
                except BaseException:
                    session.rollback()
                    raise
                session.commit()

    def _begin_write(self) -> Session:
        """A session holding the write lock (BEGIN IMMEDIATE), retried with backoff when busy."""
        attempts = max(1, self.settings.write_attempts)
        for attempt in range(attempts):
            session = self._write()
            try:
                session.connection()
            except DBAPIError as exc:
                session.close()
                if not is_busy(exc) or attempt == attempts - 1:
                    raise
                log.info("database busy, retrying (attempt %d of %d)", attempt + 2, attempts)
                backoff = self.settings.backoff
                time.sleep(backoff[min(attempt, len(backoff) - 1)] if backoff else 0)
            else:
                return session
        raise AssertionError("unreachable")  # pragma: no cover

    def dispose(self) -> None:
        self.engine.dispose()


# --- Inspection before opening -------------------------------------------------------------


def inspect_sqlite_file(
    path: Path, *, require_writable: bool = False, full_check: bool = True
) -> SchemaState:
    """Check, read-only, that ``path`` is a healthy ketref database that this app can open.

    With ``require_writable`` the file and its folder must also be writable; that is probed
    before SQLite opens the file, so a read-only folder is never mistaken for damage. Without
    ``full_check`` only the header, the schema and the revision are read (about a millisecond
    where the full checks take seconds on a large library); the caller runs the full checks later.

    Raises:
        NotADatabaseError: empty, or not SQLite at all.
        ForeignDatabaseError: another program's SQLite database.
        DatabaseDamagedError: SQLite reports damage.
        DatabaseTooNewError: written by a newer ketref.
        DatabaseReadOnlyError: ``require_writable`` and the file or folder is read-only.
        DatabaseRefusedError: the file cannot be read.
    """
    name = path.name
    try:
        header = read_head(path, 100)
    except NotRegularFileError as exc:
        raise NotAFileError(
            f"{exc} ketref never renames or replaces it; point --db at a library file."
        ) from exc
    except UnreadableFileError as exc:
        raise DatabaseRefusedError(f"{exc}") from exc
    if not header:
        raise NotADatabaseError(
            f"The database file {path} is empty (0 bytes), so it is not a ketref library. "
            "It was left untouched."
        )
    if not header.startswith(SQLITE_HEADER):
        raise NotADatabaseError(
            f"{name} is not a ketref database (it is not a SQLite file). It was left untouched."
        )
    if len(header) < 100:
        raise DatabaseDamagedError(
            f"{name} is damaged: the file is shorter than its header. It was left untouched."
        )
    app_id = int.from_bytes(header[68:72], "big", signed=True)
    if app_id != APPLICATION_ID:
        raise ForeignDatabaseError(
            f"{name} is a database of another program, not of ketref. It was left untouched."
        )
    if require_writable:
        refuse_if_read_only(path)
    sidecars = health.sidecars_present(path)
    try:
        state = _read_state(path, full_check)
    except BaseException:
        health.remove_new_sidecars(path, sidecars)  # a refusal leaves no -wal/-shm behind
        raise
    migrate.refuse_unknown_schema(state.revision, state.user_version, name)
    return state


def _read_state(path: Path, full_check: bool) -> SchemaState:
    """Integrity (when ``full_check``), ``user_version`` and Alembic revision, read-only."""
    name = path.name
    try:
        conn = sqlite3.connect(health.read_only_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise health.refusal(exc, path) from exc
    try:
        found = health.integrity(conn) if full_check else health.Integrity(())
        if found.index_only:
            raise IndexDamageError(
                f"{name} has damaged indexes ({found.summary()}); the rows themselves are "
                "intact, so rebuilding the indexes repairs it."
            )
        if not found.ok:
            raise DatabaseDamagedError(
                f"{name} is damaged ({found.summary()}). It was left untouched."
            )
        user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        has_version_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        revision = None
        if has_version_table:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.Error as exc:
        raise health.refusal(exc, path) from exc
    finally:
        conn.close()
    return SchemaState(revision=revision, user_version=user_version)


def refuse_if_read_only(path: Path) -> None:
    """Refuse a database whose file or folder cannot be written (probed, not guessed).

    SQLite needs the folder for its ``-wal`` and ``-shm`` files; permission bits and ``access``
    lie for administrators and network drives, so ketref tries to open both for writing.

    Raises:
        DatabaseReadOnlyError: with the reason; nothing was changed.
    """
    try:
        with path.open("r+b"):
            pass
        with tempfile.TemporaryFile(dir=path.parent, prefix=".ketref-probe-"):
            pass
    except OSError as exc:
        raise DatabaseReadOnlyError(
            f"{path.name} cannot be written ({exc.strerror or 'permission denied'}): the file or "
            "its folder is read-only. ketref needs to write to keep your edits safe, so it did "
            "not open it; check the permissions or copy the file to a writable folder."
        ) from exc


# --- Opening -------------------------------------------------------------------------------


def _stamp_sqlite(path: Path) -> None:
    """Mark the file as ketref's and record its schema number (outside any transaction)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version={migrate.schema_number()}")
    finally:
        conn.close()


def _create_sqlite(path: Path, settings: ConnectionSettings) -> None:
    """Build a fresh, migrated database beside ``path`` and publish it under that name.

    The temporary name is unique per process and publishing never replaces a file, so two
    windows starting at once on a missing library end up sharing one database, not two.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(f"{path.name}.{os.getpid()}.creating")
    leftovers = (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm"), Path(f"{temp}-journal"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    try:
        create_private(temp)
        engine = make_engine(DatabaseTarget(url=f"sqlite:///{temp}", path=temp), settings)
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        _stamp_sqlite(temp)
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")  # fold the WAL in before the rename
            conn.execute("VACUUM")  # no free pages left by tables earlier schema steps dropped
        finally:
            conn.close()
        publish_no_clobber(temp, path)
    except FileExistsError:
        log.info("another ketref created the database first; using that one")
    finally:
        for leftover in leftovers:  # a failed creation leaves nothing behind
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    log.info("created a new ketref database")


def open_database(
    target: DatabaseTarget,
    *,
    backups_dir: Path,
    clock: Clock = system_clock,
    settings: ConnectionSettings = DEFAULT_SETTINGS,
    full_check: bool = True,
) -> Database:
    """Open (creating or migrating when needed) the database ``target`` points at.

    ``full_check=False`` leaves SQLite's full checks of an existing file to the caller (a
    window runs them once it is up); a file that needs migrating is always checked first.

    Raises:
        DatabaseRefusedError: and its subclasses; the file is never modified when raised.
    """
    if target.path is None:
        from ketref.db.server import open_server_database

        return open_server_database(target, settings)
    path = target.path
    if not path.exists():
        try:
            _create_sqlite(path, settings)
        except (OSError, sqlite3.Error, DBAPIError) as exc:
            raise health.creation_refusal(exc, path) from exc
    sidecars = health.sidecars_present(path)
    try:
        return _open_sqlite(target, path, backups_dir, clock, settings, full_check=full_check)
    except BaseException:
        health.remove_new_sidecars(path, sidecars)  # a refused start leaves no -wal/-shm
        raise


def _open_sqlite(
    target: DatabaseTarget,
    path: Path,
    backups_dir: Path,
    clock: Clock,
    settings: ConnectionSettings,
    *,
    full_check: bool,
) -> Database:
    state = inspect_sqlite_file(path, require_writable=True, full_check=full_check)
    if not full_check and state.revision != migrate.head_revision():
        inspect_sqlite_file(path, require_writable=True)  # never migrate a damaged file
    engine = make_engine(target, settings)
    if state.revision != migrate.head_revision():
        backup = backup_path(backups_dir, path.stem, BackupKind.BEFORE_MIGRATION, clock())
        try:
            backup_sqlite(path, backup)
        except KetrefError:
            engine.dispose()
            raise
        log.info("backed up the database before migrating it to %s", migrate.head_revision())
        # IMMEDIATE: a second window starting at the same moment waits, then finds it done.
        try:
            migrate.upgrade(engine.execution_options(ketref_write=True))
        except Exception as exc:
            engine.dispose()
            typed = translate_error(exc, path.name) if isinstance(exc, DBAPIError) else None
            if typed is not None and not isinstance(typed, DatabaseDamagedError):
                raise typed from exc  # busy, full disk, read-only: not the schema's fault
            raise migrate.upgrade_failed(path.name, state.revision, exc, backup) from exc
        _stamp_sqlite(path)
    return Database(target, engine, settings)
