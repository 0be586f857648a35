"""Exporting and importing content packs (see ketref.domain.packs and ketref.content.packs).

Import order: read and check the whole file (size, encoding, checksum, schema, references inside
the pack) -> plan against the database (links, conflicts) -> refuse on conflicts unless
``overwrite_local`` -> a verified backup -> plan again and write, all in one transaction.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ketref import __version__
from ketref.bounded_read import FileTooLargeError, read_bounded
from ketref.content.packs import (
    format_of,
    read_pack,
    serialise_checked,
    size_limit,
    size_problem,
)
from ketref.db import packs as db_packs
from ketref.db.engine import Database
from ketref.domain.backups import BackupKind
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import BadInputError
from ketref.domain.packs import (
    ContentPack,
    ExportReport,
    ImportReport,
    PackConflictError,
    PackError,
    PackScope,
    audit_record,
)
from ketref.services.backups import BackupStore
from ketref.services.catalogue import current_actor
from ketref.services.files import write_atomic
from ketref.services.gc_pause import collector_paused

log = logging.getLogger(__name__)


def _format(path: Path) -> str:
    fmt = format_of(path.suffix)
    if fmt is None:
        raise BadInputError(f"{path.name}: a content pack file name ends in .json, .yaml or .yml")
    return fmt


class PackService:
    def __init__(self, db: Database, backups: BackupStore, clock: Clock = system_clock) -> None:
        self._db = db
        self._backups = backups
        self._clock = clock

    # --- export --------------------------------------------------------------------------

    def export(
        self, path: Path, *, everything: bool = False, title: str | None = None
    ) -> ExportReport:
        """Write the local edits (or every item) with their references and audit history.

        The file is written atomically (never half a pack) and is byte-identical for the same
        library, so packs can be compared and signed.

        Raises:
            BadInputError: nothing to export, or an unknown file type.
            ExportError: the file cannot be written (folder missing, read-only, disk full).
        """
        with collector_paused():
            return self._export(path, everything=everything, title=title)

    def _export(self, path: Path, *, everything: bool, title: str | None) -> ExportReport:
        fmt = _format(path)
        with self._db.read() as session:
            found = db_packs.gather_export(session, everything=everything)
        if not found.items:
            raise BadInputError(
                "There are no local edits to export; use --all to export every item."
            )
        if found.base_content_version is None:
            raise BadInputError("No content release is loaded, so there is nothing to export.")
        scope = PackScope.ALL if everything else PackScope.LOCAL
        payload: dict[str, Any] = {
            "pack": {
                "title": title,
                "exported_by": current_actor(),
                "app_version": __version__,
                "base_content_version": found.base_content_version,
                "scope": scope.value,
                "as_of": max(i.updated_at for i in found.items).isoformat(),
            },
            "references": [r.model_dump(mode="json", by_alias=True) for r in found.references],
            "items": [
                {
                    "kind": i.kind.value,
                    "content_version": i.content_version,
                    "item": i.item.model_dump(mode="json", by_alias=True),
                }
                for i in found.items
            ],
            "audit": [audit_record(e) for e in found.audit],
        }
        data, pack = serialise_checked(payload, fmt)  # a pack that would not import: refused
        write_atomic(path, data)
        log.info("exported a content pack (%d items)", len(found.items))
        return ExportReport(
            path=str(path),
            scope=scope,
            items=len(found.items),
            references=len(found.references),
            audit_events=len(found.audit),
            checksum=pack.checksum,
        )

    # --- import --------------------------------------------------------------------------

    def read(self, path: Path) -> ContentPack:
        """Read and check a pack file without touching the database.

        Raises:
            BadInputError: missing, unreadable or of the wrong type.
            PackError: every problem found, each with its JSON path.
        """
        fmt = _format(path)
        try:
            data = read_bounded(path, size_limit(fmt))
        except FileTooLargeError as exc:
            raise PackError([size_problem(exc.size, fmt) or "pack too large"]) from None
        with collector_paused():
            return read_pack(data, fmt)

    def preview(self, path: Path, *, overwrite_local: bool = False) -> ImportReport:
        """What an import would do, conflicts included; nothing is written (the GUI asks)."""
        pack = self.read(path)
        with self._db.read() as session:
            return db_packs.plan_import(session, pack, overwrite_local=overwrite_local).report

    def import_pack(self, path: Path, *, overwrite_local: bool = False) -> ImportReport:
        """Import a pack in one transaction: all of it, or nothing.

        Raises:
            PackError: the pack is invalid (every problem listed); nothing was imported.
            PackConflictError: it would overwrite local edits or newer content and
                ``overwrite_local`` is off; nothing was imported.
            BackupError: the safety backup before importing failed; nothing was imported.
        """
        with collector_paused():
            return self._import(path, overwrite_local=overwrite_local)

    def _import(self, path: Path, *, overwrite_local: bool) -> ImportReport:
        pack = self.read(path)
        with self._db.read() as session:
            plan = db_packs.plan_import(session, pack, overwrite_local=overwrite_local)
        if plan.report.conflicts and not overwrite_local:
            raise PackConflictError(plan.report.conflicts)
        if not plan.report.changes_anything:
            return plan.report
        backup = None
        if self._db.target.path is not None:
            backup = self._backups.make(BackupKind.BEFORE_IMPORT).path.name
        with self._db.write() as session:  # plan again: another window may have saved since
            plan = db_packs.plan_import(session, pack, overwrite_local=overwrite_local)
            if plan.report.conflicts and not overwrite_local:
                raise PackConflictError(plan.report.conflicts)
            if not plan.report.changes_anything:  # it did: the same pack, imported meanwhile
                return plan.report
            db_packs.apply_import(session, pack, plan, actor=current_actor(), now=self._clock())
        plan.report.imported = True
        plan.report.backup = backup
        log.info(
            "imported a content pack: %d added, %d updated",
            len(plan.report.added),
            len(plan.report.updated),
        )
        return plan.report
