"""Wiring one database to its services; the app builds one Workspace and passes it down."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from ketref.db.engine import (
    DEFAULT_SETTINGS,
    ConnectionSettings,
    Database,
    DatabaseTarget,
    open_database,
)
from ketref.db.errors import DatabaseReadOnlyError, IndexDamageError
from ketref.db.read_only import open_read_only
from ketref.db.seed import LoadReport
from ketref.domain.backups import BackupInfo
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import DatabaseRefusedError
from ketref.paths import AppPaths
from ketref.services import recovery
from ketref.services.audit import AuditService
from ketref.services.backups import BackupStore
from ketref.services.catalogue import CatalogueService
from ketref.services.clinic import ClinicService
from ketref.services.content import ContentService
from ketref.services.handouts import HandoutService
from ketref.services.maintenance import MaintenanceService
from ketref.services.monitoring_sheet import MonitoringSheetService
from ketref.services.packs import PackService
from ketref.services.release_updates import ReleaseUpdateService
from ketref.services.review import ReviewService
from ketref.services.screening import ScreeningService

CHECK_MARK = "check-before-open"
"""In the data folder: names a library whose check after opening found damage."""


@dataclass
class Services:
    """The use cases over one open database."""

    db: Database
    catalogue: CatalogueService
    content: ContentService
    maintenance: MaintenanceService
    load_report: LoadReport | None
    screening: ScreeningService
    packs: PackService
    audit: AuditService
    clinic: ClinicService
    handouts: HandoutService
    review: ReviewService
    sheets: MonitoringSheetService
    releases: ReleaseUpdateService
    repaired: str | None = None
    """What start-up repaired (damaged indexes rebuilt), to tell the user once."""

    def close(self) -> None:
        self.db.dispose()


class Workspace:
    """Where ketref's files are and which database to use; opens it on demand."""

    def __init__(
        self,
        paths: AppPaths,
        target: DatabaseTarget,
        content_dir: Path,
        clock: Clock = system_clock,
        settings: ConnectionSettings = DEFAULT_SETTINGS,
    ) -> None:
        self.paths = paths
        self.target = target
        self.content_dir = content_dir
        self.clock = clock
        self.settings = settings

    @property
    def backups(self) -> BackupStore:
        """The backups of this library (usable while the database is closed or refused)."""
        return BackupStore(
            self.paths.backups,
            self.target.path,
            clock=self.clock,
            state_file=self.paths.config / "backup-state.json",
        )

    def open(
        self, *, load_content: bool = True, reads_only: bool = False, full_check: bool = True
    ) -> Services:
        """Open (create, migrate) the database and load shipped content if it is newer.

        With ``reads_only`` (a command that never writes), a library whose file or folder is
        read-only is opened read-only instead of refused; nothing is migrated or loaded.
        ``full_check=False`` (the window) opens after a cheap check and runs SQLite's full
        checks later with ``MaintenanceService.check_storage``; when such a later check found
        damage (``check_before_next_open``), this start checks fully before opening again.

        Raises:
            RecoveryNeededError: the file is damaged, foreign, too new or read-only (left
                untouched); its ``diagnosis`` names the newest verified backup.
            ContentError: the shipped content is invalid (the database is not changed).
        """
        repaired = None
        full_check = full_check or self._check_pending()
        try:
            try:
                db = self._open_database(full_check)
            except DatabaseReadOnlyError:
                if not reads_only or self.target.path is None or not self.target.path.exists():
                    raise
                db = open_read_only(self.target, self.settings)
                load_content = False
            except IndexDamageError:
                # Rows intact, indexes out of step: rebuild them (a copy is kept first).
                assert self.target.path is not None
                aside = recovery.repair_indexes(self.target.path, self.clock)
                repaired = recovery.RecoveryResult(aside=aside, restored=None).report()
                db = self._open_database(full_check)
        except DatabaseRefusedError as exc:
            if self.target.path is None or isinstance(exc, recovery.RecoveryNeededError):
                raise
            raise recovery.RecoveryNeededError(
                recovery.diagnosis_for(exc, self.target.path, self.backups)
            ) from exc
        content = ContentService(db, self.content_dir, self.clock)
        try:
            report = content.load_shipped() if load_content else None
        except Exception:
            db.dispose()
            raise
        catalogue = CatalogueService(db, self.clock)
        clinic = ClinicService(db, self.clock)
        screening = ScreeningService(db, self.clock)
        return Services(
            db=db,
            catalogue=catalogue,
            content=content,
            maintenance=MaintenanceService(db, self.backups, self.content_dir, self.clock),
            load_report=report,
            screening=screening,
            packs=PackService(db, self.backups, self.clock),
            audit=AuditService(db),
            clinic=clinic,
            handouts=HandoutService(db, self.content_dir, catalogue, self.clock),
            review=ReviewService(db, self.clock),
            sheets=MonitoringSheetService(db, self.content_dir, clinic, screening, self.clock),
            releases=ReleaseUpdateService(db, self.clock),
            repaired=repaired,
        )

    def _open_database(self, full_check: bool) -> Database:
        db = open_database(
            self.target,
            backups_dir=self.paths.backups,
            clock=self.clock,
            settings=self.settings,
            full_check=full_check,
        )
        if full_check:  # the file passed: a damage mark from an earlier run is settled
            self._check_mark.unlink(missing_ok=True)
        return db

    @property
    def _check_mark(self) -> Path:
        return self.paths.data / CHECK_MARK

    def _check_pending(self) -> bool:
        try:
            return self._check_mark.read_text(encoding="utf-8") == self.target.display
        except (OSError, UnicodeDecodeError):
            return False

    def check_before_next_open(self) -> None:
        """A check after opening found damage: the next open checks fully first, so it is
        refused there and offered for repair or restore (best effort on an unwritable disk)."""
        with contextlib.suppress(OSError):
            self.paths.data.mkdir(parents=True, exist_ok=True)
            self._check_mark.write_text(self.target.display, encoding="utf-8")

    def list_backups(self, *, verify: bool = True) -> list[BackupInfo]:
        """Backups of this library, newest first, each checked when ``verify``."""
        return self.backups.available(verify=verify)

    def diagnose(self) -> recovery.Diagnosis | None:
        """Why the library cannot be opened (None when healthy); never changes a file."""
        return recovery.diagnose(self.target, self.backups)

    def restore(self, backup: Path) -> Path:
        """Replace the database with a verified backup; returns where the old file was kept.

        Close every Services of this workspace first.
        """
        return recovery.restore(self.target, self.backups, backup, self.clock)

    def recover(self, backup: Path | None = None) -> recovery.RecoveryResult:
        """Keep a damaged library aside and restore ``backup`` (default: newest verified)."""
        return recovery.recover(self.target, self.backups, backup, self.clock)
