"""Wiring one database to its services; the app builds one Workspace and passes it down."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ketref.db.engine import Database, DatabaseTarget, open_database
from ketref.db.seed import LoadReport
from ketref.domain.clock import Clock, system_clock
from ketref.paths import AppPaths
from ketref.services.catalogue import CatalogueService
from ketref.services.clinic import ClinicService
from ketref.services.content import ContentService
from ketref.services.handouts import HandoutService
from ketref.services.maintenance import MaintenanceService, restore_database


@dataclass
class Services:
    """The use cases over one open database."""

    db: Database
    catalogue: CatalogueService
    content: ContentService
    maintenance: MaintenanceService
    load_report: LoadReport | None
    clinic: ClinicService
    handouts: HandoutService

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
    ) -> None:
        self.paths = paths
        self.target = target
        self.content_dir = content_dir
        self.clock = clock

    def open(self, *, load_content: bool = True) -> Services:
        """Open (create, migrate) the database and load shipped content if it is newer.

        Raises:
            DatabaseRefusedError: the database is foreign, damaged or too new (left untouched).
            ContentError: the shipped content is invalid (the database is not changed).
        """
        db = open_database(self.target, backups_dir=self.paths.backups, clock=self.clock)
        content = ContentService(db, self.content_dir, self.clock)
        try:
            report = content.load_shipped() if load_content else None
        except Exception:
            db.dispose()
            raise
        catalogue = CatalogueService(db, self.clock)
        return Services(
            db=db,
            catalogue=catalogue,
            content=content,
            maintenance=MaintenanceService(db, self.paths.backups, self.clock),
            load_report=report,
            clinic=ClinicService(db, self.clock),
            handouts=HandoutService(db, self.content_dir, catalogue, self.clock),
        )

    def restore(self, backup: Path) -> Path:
        """Replace the database with a verified backup; returns where the old file was kept."""
        return restore_database(self.target, backup, self.clock)
