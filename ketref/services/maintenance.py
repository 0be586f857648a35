"""Checking, backing up and restoring the database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ketref.db import migrate
from ketref.db import repositories as repo
from ketref.db.backup import BackupError, backup_sqlite, integrity_ok, restore_sqlite
from ketref.db.engine import Database, DatabaseTarget, inspect_sqlite_file
from ketref.db.seed import latest_release
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import BadInputError, DatabaseRefusedError


@dataclass(frozen=True)
class CheckReport:
    database: str
    integrity_ok: bool
    schema_revision: str | None
    schema_current: bool
    content_version: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "database": self.database,
            "integrity_ok": self.integrity_ok,
            "schema_revision": self.schema_revision,
            "schema_head": migrate.head_revision(),
            "schema_current": self.schema_current,
            "content_version": self.content_version,
        }


class MaintenanceService:
    def __init__(self, db: Database, backups_dir: Path, clock: Clock = system_clock) -> None:
        self._db = db
        self._backups = backups_dir
        self._clock = clock

    def check(self) -> CheckReport:
        """Full integrity check (SQLite) and schema revision of the open database."""
        with self._db.read() as session:
            revision = repo.schema_revision(session)
            release = latest_release(session)
            content = release.version if release else None
        path = self._db.target.path
        ok = integrity_ok(path) if path is not None else True
        return CheckReport(
            database=self._db.target.display,
            integrity_ok=ok,
            schema_revision=revision,
            schema_current=revision == migrate.head_revision(),
            content_version=content,
        )

    def backup(self, destination: Path | None = None) -> Path:
        """A verified copy made with SQLite's backup API; default name carries the time.

        Raises:
            BackupError: the destination is not writable or the copy failed verification.
        """
        source = self._sqlite_path()
        if destination is None or destination.is_dir():
            stamp = self._clock().strftime("%Y%m%d-%H%M%S")
            destination = (destination or self._backups) / f"ketref-{stamp}.db"
        if destination.exists():
            raise BackupError(f"{destination} already exists; choose another name.")
        return backup_sqlite(source, destination)

    def _sqlite_path(self) -> Path:
        if self._db.target.path is None:
            raise BadInputError(
                "backups of a shared server database are made with the server's own tools"
            )
        return self._db.target.path


def restore_database(target: DatabaseTarget, backup: Path, clock: Clock = system_clock) -> Path:
    """Replace the database at ``target`` with a verified ``backup``; return where the old one went.

    Must run while nothing has the database open (the CLI does it before opening).

    Raises:
        BadInputError: the backup is missing, not a ketref database, damaged or too new.
    """
    if target.path is None:
        raise BadInputError("restore works on a SQLite database file only")
    if not backup.is_file():
        raise BadInputError(f"There is no backup file at {backup}.")
    try:
        inspect_sqlite_file(backup)
    except DatabaseRefusedError as exc:
        raise BadInputError(f"Cannot restore from {backup.name}: {exc}") from exc
    if not integrity_ok(backup):
        raise BadInputError(
            f"Cannot restore from {backup.name}: it fails SQLite's integrity check."
        )
    stamp = clock().strftime("%Y%m%d-%H%M%S")
    aside = target.path.with_name(f"{target.path.name}.before-restore-{stamp}")
    try:
        restore_sqlite(backup, target.path, aside)
    except sqlite3.Error as exc:
        raise BackupError(f"Could not restore {backup.name}: {exc}.") from exc
    return aside
