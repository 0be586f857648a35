"""The print log: record each handout export or print, list the log, and the clinic's choices.

An entry is written only after the PDF is safely on disk (or sent to the printer), in its own
transaction, so a failed export records nothing and a failed log write never loses the PDF:
``record`` reports the failure instead of raising. Patient details are stored only while the
clinic keeps names in the log; switching that off can erase the stored ones.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from ketref.db import print_log as log_db
from ketref.db.engine import Database
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import KetrefError, NotFoundError
from ketref.domain.print_log import (
    PrintLogEntry,
    PrintLogFilter,
    PrintLogSettings,
    PrintOutput,
    PrintPlan,
)
from ketref.domain.printing import Personalisation
from ketref.domain.roles import Role
from ketref.pdf.document import page_count
from ketref.services.catalogue import current_actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recorded:
    """The outcome of logging one printout: the entry's id, or why there is none."""

    entry_id: int | None = None
    problem: str | None = None
    """Set when the log entry could not be written (the PDF itself is fine)."""

    def note(self) -> str:
        """A sentence to add to the "saved" message, or nothing."""
        if self.problem is None:
            return ""
        return f" The print log entry could not be written ({self.problem}); the PDF is kept."


@dataclass(frozen=True)
class NamesErased:
    entries: int
    wal_emptied: bool
    """False when another process was reading, so old pages may sit in the WAL until the next
    checkpoint (SQLite); always True on PostgreSQL, where see ``PrintLogService.erase_names``."""


class PrintLogService:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    def settings(self) -> PrintLogSettings:
        with self._db.read() as session:
            return log_db.load_settings(session)

    def change_settings(
        self, settings: PrintLogSettings, *, erase_names: bool = False
    ) -> NamesErased | None:
        """Store the clinic's choices; with ``erase_names`` (only when names are switched off)
        also erase every stored name, escort, note, date and emergency number.

        Raises:
            PermissionRefusedError: on a server, the user is not an approver.
        """
        with self._db.write(needs=Role.APPROVER) as session:
            log_db.store_settings(session, settings)
            erase = erase_names and not settings.keep_names
            erased = log_db.erase_names(session) if erase else None
        if erased is None:
            return None
        log.info("print log: personal fields erased from %d entries", erased)
        return NamesErased(erased, self._empty_wal())

    def erase_names(self) -> NamesErased:
        """Erase every stored personal field, whatever the setting says.

        SQLite: the rows are overwritten (``secure_delete`` zeroes the old cell contents) and the
        WAL is checkpointed and truncated. PostgreSQL keeps old row versions until VACUUM, in
        its WAL and in server backups; the administrator runs ``VACUUM FULL print_log`` there.
        Backups made while names were kept still hold them in every case.
        """
        with self._db.write(needs=Role.APPROVER) as session:
            erased = log_db.erase_names(session)
        return NamesErased(erased, self._empty_wal())

    def _empty_wal(self) -> bool:
        if self._db.target.path is None:
            return True
        with self._db.engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        return busy is not None and busy[0] == 0

    def record(
        self, plan: PrintPlan, data: bytes, output: PrintOutput, personal: Personalisation
    ) -> Recorded:
        """Log one printout whose PDF ``data`` is already written or sent. Never raises for a
        database problem: the PDF must not be lost because its log entry was not."""
        try:
            with self._db.read() as session:
                settings = log_db.load_settings(session)
            if not settings.enabled:
                return Recorded()
            keep = settings.keep_names and not personal.is_empty
            with self._db.write(needs=Role.READER) as session:
                entry_id = log_db.add_entry(
                    session,
                    at=self._clock(),
                    printed_by=self._db.user or current_actor(),
                    output=output,
                    plan=plan,
                    page_count=page_count(data),
                    pdf_sha256=hashlib.sha256(data).hexdigest(),
                    personal=personal if keep else None,
                )
        except KetrefError as exc:
            log.warning("print log entry not written: %s", type(exc).__name__)
            return Recorded(problem=str(exc))
        except Exception as exc:  # a bug here must not turn a written PDF into a failure
            log.error("print log entry not written: internal error %s", type(exc).__name__)
            return Recorded(problem="internal error; details are in the log")
        return Recorded(entry_id)

    def entries(self, where: PrintLogFilter = PrintLogFilter()) -> list[PrintLogEntry]:  # noqa: B008
        """Logged printouts matching ``where``, newest first."""
        with self._db.read() as session:
            return log_db.entries(session, where)

    def entry(self, entry_id: int) -> PrintLogEntry:
        """
        Raises:
            NotFoundError: no entry with that id.
        """
        with self._db.read() as session:
            found = log_db.entry(session, entry_id)
        if found is None:
            raise NotFoundError(f"No print log entry {entry_id} was found (see 'ketref prints').")
        return found

    def missing_versions(self, entry: PrintLogEntry) -> list[int]:
        with self._db.read() as session:
            return log_db.missing_versions(session, [h.version_id for h in entry.plan.handouts])
