"""Checking the open database, backing it up, and wiping deleted data from its files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ketref.db import items as items_db
from ketref.db import migrate
from ketref.db import repositories as repo
from ketref.db.backup import Progress, integrity_ok
from ketref.db.engine import Database
from ketref.db.errors import DatabaseDamagedError
from ketref.db.seed import latest_release
from ketref.domain.backups import BackupInfo, BackupKind
from ketref.services.backups import BackupStore, StartupBackup


@dataclass(frozen=True)
class CheckReport:
    database: str
    integrity_ok: bool
    schema_revision: str | None
    schema_current: bool
    content_version: str | None
    invalid_items: tuple[str, ...] = ()
    """``kind/slug cannot be displayed: first error`` for every stored document that no
    longer fits the content schema (hand-edited, or written by a newer ketref)."""

    @property
    def ok(self) -> bool:
        return self.integrity_ok and not self.invalid_items

    def as_dict(self) -> dict[str, object]:
        return {
            "database": self.database,
            "integrity_ok": self.integrity_ok,
            "schema_revision": self.schema_revision,
            "schema_head": migrate.head_revision(),
            "schema_current": self.schema_current,
            "content_version": self.content_version,
            "invalid_items": list(self.invalid_items),
        }


class MaintenanceService:
    def __init__(self, db: Database, backups: BackupStore) -> None:
        self._db = db
        self.backups = backups

    def check(self) -> CheckReport:
        """Full integrity check (SQLite), schema revision, and every stored item validated.

        A failed check also stops all further writes (the "Check database" action).
        """
        revision = content = None
        invalid: tuple[str, ...] = ()
        try:
            with self._db.read() as session:
                revision = repo.schema_revision(session)
                release = latest_release(session)
                content = release.version if release else None
                invalid = tuple(str(e) for e in items_db.invalid_documents(session))
        except DatabaseDamagedError:
            pass  # reported below as a failed integrity check
        path = self._db.target.path
        ok = not self._db.damaged and (integrity_ok(path) if path is not None else True)
        if not ok:
            self._db.damaged = True
        return CheckReport(
            database=self._db.target.display,
            integrity_ok=ok,
            schema_revision=revision,
            schema_current=revision == migrate.head_revision(),
            content_version=content,
            invalid_items=invalid,
        )

    def backup(self, destination: Path | None = None, *, progress: Progress | None = None) -> Path:
        """A verified copy made with SQLite's backup API; default name carries the time.

        Raises:
            BackupError: the destination exists, is not writable, or the copy failed its check.
        """
        return self.backups.make(BackupKind.MANUAL, destination, progress=progress).path

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
