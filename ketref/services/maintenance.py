"""Checking the open database, backing it up, and wiping deleted data from its files."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from ketref.db import items as items_db
from ketref.db import migrate
from ketref.db import repositories as repo
from ketref.db.backup import Progress, integrity_ok
from ketref.db.engine import Database
from ketref.db.errors import DatabaseDamagedError
from ketref.db.health import Integrity, integrity_of, is_damage
from ketref.db.seed import latest_release
from ketref.db.server_backup import dump_server, pg_tools
from ketref.db.server_roles import init_roles
from ketref.domain.backups import BackupInfo, BackupKind
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import BadInputError
from ketref.domain.roles import Role
from ketref.services.backups import BackupStore, StartupBackup
from ketref.services.library_check import ContentCheck, check_content

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckReport:
    database: str
    integrity_ok: bool | None
    """SQLite's integrity_check; None on a server, whose storage ketref cannot check."""
    schema_revision: str | None
    schema_current: bool
    content_version: str | None
    invalid_items: tuple[str, ...] = ()
    """``kind/slug cannot be displayed: first error`` for every stored document that no
    longer fits the content schema (hand-edited, or written by a newer ketref)."""
    content: ContentCheck | None = None
    """The cross-checks; None when the database could not be read far enough to run them."""

    @property
    def ok(self) -> bool:
        return (
            self.integrity_ok is not False
            and not self.invalid_items
            and self.content is not None
            and self.content.ok
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "database": self.database,
            "ok": self.ok,
            "integrity_ok": self.integrity_ok,
            "schema_revision": self.schema_revision,
            "schema_head": migrate.head_revision(),
            "schema_current": self.schema_current,
            "content_version": self.content_version,
            "invalid_items": list(self.invalid_items),
            "content": self.content.as_dict() if self.content else None,
        }


class MaintenanceService:
    def __init__(
        self, db: Database, backups: BackupStore, content_dir: Path, clock: Clock = system_clock
    ) -> None:
        self._db = db
        self.backups = backups
        self._content_dir = content_dir
        self._clock = clock

    @property
    def on_server(self) -> bool:
        """The library is a shared server database (its backups are the server's)."""
        return self._db.target.path is None

    def check(self) -> CheckReport:
        """Storage check (SQLite's full integrity_check), schema revision, every stored item
        validated, and the content cross-checked and compared with its release.

        A failed storage check also stops all further writes (the "Check database" action).
        """
        revision = content = None
        invalid: tuple[str, ...] = ()
        checked: ContentCheck | None = None
        try:
            with self._db.read() as session:
                revision = repo.schema_revision(session)
                release = latest_release(session)
                content = release.version if release else None
                invalid = tuple(str(e) for e in items_db.invalid_documents(session))
            checked = check_content(self._db, self._content_dir, content)
        except DatabaseDamagedError:
            pass  # reported below as a failed integrity check
        path = self._db.target.path
        ok: bool | None = None  # a server keeps its own storage; ketref cannot check it
        if path is not None:
            ok = not self._db.damaged and integrity_ok(path)
            if not ok:
                self._db.damaged = True
        return CheckReport(
            database=self._db.target.display,
            integrity_ok=ok,
            schema_revision=revision,
            schema_current=revision == migrate.head_revision(),
            content_version=content,
            invalid_items=invalid,
            content=checked,
        )

    def check_storage(self) -> str | None:
        """SQLite's full integrity and foreign-key checks of the open library, read-only: what
        they found in one sentence, or None when healthy (and on a server).

        The window opens its library after a cheap check and runs this once it is up. Found
        damage stops all further writes. A disk that cannot be read is not damage: that error
        is raised as it is (the caller logs it).

        Raises:
            sqlite3.Error: the file could not be read (not a sign of damage).
        """
        path = self._db.target.path
        if path is None:
            return None
        try:
            found = integrity_of(path)
        except sqlite3.Error as exc:
            if not is_damage(exc):
                raise
            found = Integrity((f"SQLite: {exc}",))
        if found.ok:
            return None
        self._db.damaged = True
        return found.summary()

    def backup(self, destination: Path | None = None, *, progress: Progress | None = None) -> Path:
        """A verified copy made with SQLite's backup API; default name carries the time.

        Raises:
            BackupError: the destination exists, is not writable, or the copy failed its check.
        """
        return self.backups.make(BackupKind.MANUAL, destination, progress=progress).path

    def server_backup(self, destination: Path | None = None) -> BackupInfo:
        """A pg_dump of the shared library (custom format), checked with pg_restore --list.

        Raises:
            BadInputError: pg_dump is not installed here (the message offers a pack export).
            BackupError: the dump failed or failed its check, or the file exists.
        """
        tools = pg_tools()
        if tools is None:
            raise BadInputError(
                f"This library is on a database server ({self._db.target.display}), so the "
                "server's own backups apply; pg_dump is not installed here to make one. To keep "
                "a copy of the content, run: ketref pack export --all FILE.json"
            )
        now = self._clock()
        if destination is None or destination.is_dir():
            folder = destination or self.backups.folder
            destination = folder / f"ketref-server-{now.astimezone(UTC):%Y%m%d-%H%M%S}.dump"
        verified = dump_server(self._db.engine, destination, tools)
        log.info("wrote a server backup with pg_dump (verified: %s)", verified)
        return BackupInfo(
            destination, BackupKind.MANUAL, now, destination.stat().st_size, verified=verified
        )

    def access(self) -> tuple[str | None, Role]:
        """(database user, ketref role) of this connection; SQLite: (None, owner)."""
        return self._db.user, self._db.role

    def init_roles(self) -> None:
        """Create ketref's group roles on the server and grant them their privileges.

        Raises:
            BadInputError: the library is a SQLite file, which has no roles.
            PermissionRefusedError: this user may not create roles or change the tables.
        """
        if not self.on_server:
            raise BadInputError(
                "Roles belong to a shared server database; a SQLite file has none (its "
                "folder's permissions decide who may change it)."
            )
        with self._db.write(needs=Role.OWNER) as session:
            init_roles(session.connection())
        log.info("created or refreshed ketref's server roles")

    def backup_on_start(self) -> StartupBackup:
        """The daily automatic backup (at most one per day) and rotation; call once at start."""
        return self.backups.daily()

    def list_backups(self, *, verify: bool = True) -> list[BackupInfo]:
        return self.backups.available(verify=verify)

    def erase_deleted(self) -> bool:
        """Push deleted data out of the files: checkpoint the WAL and truncate it to zero.

        With ``secure_delete`` on, deleted rows are zeroed in the database pages; the old page
        images in the ``-wal`` file go with the truncation. Returns False when another process
        was reading, so the WAL could not be emptied now (try again later).
        """
        if self._db.target.path is None:
            return True
        with self._db.engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        return busy is not None and busy[0] == 0
