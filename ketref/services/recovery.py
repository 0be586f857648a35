"""What to do when the library at start is damaged, foreign, too new or read-only.

ketref never deletes, overwrites or silently replaces such a file with an empty library. It
explains the problem in plain words, names the newest verified backup with its date, and, only
when asked (``ketref db recover`` or the recovery dialog), moves the damaged file aside under a
timestamped name and restores that backup. These functions work on files and never open the
database with SQLAlchemy, so they are safe to run on anything.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from ketref.db.backup import backup_sqlite, restore_sqlite
from ketref.db.engine import DatabaseTarget, inspect_sqlite_file
from ketref.db.errors import (
    DatabaseDamagedError,
    DatabaseReadOnlyError,
    DatabaseTooNewError,
    ForeignDatabaseError,
    IndexDamageError,
    NotADatabaseError,
    NotAFileError,
    StorageUnavailableError,
)
from ketref.db.health import reindex
from ketref.domain.backups import BackupInfo, BackupKind
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import BadInputError, DatabaseRefusedError
from ketref.services.backups import BackupStore

log = logging.getLogger(__name__)


class DatabaseProblem(StrEnum):
    DAMAGED = "damaged"
    NOT_A_DATABASE = "not-a-database"
    FOREIGN = "foreign"
    TOO_NEW = "too-new"
    READ_ONLY = "read-only"
    STORAGE = "storage"
    NOT_A_FILE = "not-a-file"
    UNREADABLE = "unreadable"
    INDEXES = "damaged-indexes"

    @property
    def recoverable(self) -> bool:
        """Whether replacing the file from a backup is the right remedy.

        Another program's file is not ours to move; a newer library needs a newer ketref; a
        read-only one needs its permissions fixed; a full or failing disk needs space or a
        new disk (a backup would lose every edit since it was taken); damaged indexes are
        rebuilt in place.
        """
        return self in (DatabaseProblem.DAMAGED, DatabaseProblem.NOT_A_DATABASE)


_PROBLEM_BY_ERROR: list[tuple[type[DatabaseRefusedError], DatabaseProblem]] = [
    (IndexDamageError, DatabaseProblem.INDEXES),
    (StorageUnavailableError, DatabaseProblem.STORAGE),
    (NotAFileError, DatabaseProblem.NOT_A_FILE),
    (DatabaseDamagedError, DatabaseProblem.DAMAGED),
    (NotADatabaseError, DatabaseProblem.NOT_A_DATABASE),
    (ForeignDatabaseError, DatabaseProblem.FOREIGN),
    (DatabaseTooNewError, DatabaseProblem.TOO_NEW),
    (DatabaseReadOnlyError, DatabaseProblem.READ_ONLY),
]


@dataclass(frozen=True)
class Diagnosis:
    """Why the library cannot be opened, and the newest verified backup (if any)."""

    database: Path
    problem: DatabaseProblem
    explanation: str
    newest_backup: BackupInfo | None
    backups_folder: Path

    @property
    def can_recover(self) -> bool:
        return self.problem.recoverable and self.newest_backup is not None

    def one_line(self) -> str:
        """The whole story in one line: the problem, the newest backup, the command."""
        text = self.explanation
        if self.problem is DatabaseProblem.FOREIGN:
            return f"{text} Choose another file with --db."
        if self.problem is DatabaseProblem.INDEXES:
            return f"{text} Run 'ketref db recover' to rebuild them (a copy is kept first)."
        if not self.problem.recoverable:
            return text
        if self.newest_backup is None:
            return (
                f"{text} No verified backup was found in {self.backups_folder}, so ketref did not "
                "create a new library in its place; move the file away to start an empty one."
            )
        return (
            f"{text} The newest verified backup is from {self.newest_backup.when} "
            f"({self.newest_backup.path.name}); run 'ketref db recover' to keep the damaged "
            "file aside and restore that backup."
        )


class RecoveryNeededError(DatabaseRefusedError):
    """The library at start was refused; ``diagnosis`` drives the recovery dialog."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.one_line())
        self.diagnosis = diagnosis


@dataclass(frozen=True)
class RecoveryResult:
    """Where the damaged file went (None: there was no file) and which backup came back, or,
    for damaged indexes, that they were rebuilt in place (``restored`` None, ``aside`` the
    copy of the file as it was)."""

    aside: Path | None
    restored: BackupInfo | None

    def report(self) -> str:
        """What was done, for the command line (one line per step)."""
        if self.restored is None:
            return (
                "The damaged indexes were rebuilt; the rows were intact, so nothing was lost. "
                f"The file as it was is kept as {self.aside}."
            )
        kept = (
            f"The damaged database was kept as {self.aside}.\n"
            if self.aside
            else "There was no database file.\n"
        )
        return f"{kept}Restored the backup from {self.restored.when} ({self.restored.path.name})."


def _problem_of(exc: DatabaseRefusedError) -> DatabaseProblem:
    for error_type, problem in _PROBLEM_BY_ERROR:
        if isinstance(exc, error_type):
            return problem
    return DatabaseProblem.UNREADABLE


def diagnosis_for(exc: DatabaseRefusedError, database: Path, store: BackupStore) -> Diagnosis:
    """Turn a refusal into a diagnosis, looking up the newest verified backup when it helps."""
    problem = _problem_of(exc)
    newest = store.newest_verified() if problem.recoverable else None
    return Diagnosis(database, problem, str(exc), newest, store.folder)


def diagnose(target: DatabaseTarget, store: BackupStore) -> Diagnosis | None:
    """Check the library file without changing it; None when it is healthy or not there yet."""
    if target.path is None or not target.path.exists():
        return None
    try:
        inspect_sqlite_file(target.path, require_writable=True)
    except DatabaseRefusedError as exc:
        return diagnosis_for(exc, target.path, store)
    return None


def _aside_path(database: Path, label: str, clock: Clock) -> Path:
    """``ketref.db.damaged-20261121-093000`` (numbered if taken): never an existing name."""
    base = f"{database.name}.{label}-{clock():%Y%m%d-%H%M%S}"
    candidate = database.with_name(base)
    number = 2
    while any(Path(f"{candidate}{s}").exists() for s in ("", "-wal", "-shm", "-journal")):
        candidate = database.with_name(f"{base}-{number}")
        number += 1
    return candidate


def _checked_backup(store: BackupStore, backup: Path) -> BackupInfo:
    if not backup.is_file():
        raise BadInputError(f"There is no backup file at {backup}.")
    try:
        inspect_sqlite_file(backup)
    except DatabaseRefusedError as exc:
        raise BadInputError(f"Cannot restore from {backup.name}: {exc}") from exc
    if not store.verify(backup):
        raise BadInputError(
            f"Cannot restore from {backup.name}: it fails SQLite's integrity check."
        )
    known = {b.path.resolve(): b for b in store.available()}
    if backup.resolve() in known:
        info = known[backup.resolve()]
        return BackupInfo(info.path, info.kind, info.taken_at, info.size, verified=True)
    stat = backup.stat()
    taken = datetime.fromtimestamp(stat.st_mtime, UTC)
    return BackupInfo(backup, BackupKind.MANUAL, taken, stat.st_size, verified=True)


def restore(
    target: DatabaseTarget, store: BackupStore, backup: Path, clock: Clock = system_clock
) -> Path:
    """Replace the library with a verified ``backup``; return where the old file was kept.

    Must run while nothing has the database open (close the window's services first).

    Raises:
        BadInputError: the backup is missing, not a ketref database, damaged or too new.
        BackupError: the copy or a rename failed; the current library is where it was.
    """
    if target.path is None:
        raise BadInputError("restore works on a SQLite database file only")
    _checked_backup(store, backup)
    aside = _aside_path(target.path, "before-restore", clock)
    restore_sqlite(backup, target.path, aside)
    log.warning("restored the database from a backup; the previous file was kept aside")
    return aside


def recover(
    target: DatabaseTarget,
    store: BackupStore,
    backup: Path | None = None,
    clock: Clock = system_clock,
) -> RecoveryResult:
    """Keep a damaged library aside (renamed with a timestamp) and restore a verified backup.

    ``backup`` defaults to the newest verified one. A missing library file is restored from
    it too. Must run while nothing has the file open.

    Raises:
        BadInputError: the library is healthy, the problem is not one a backup fixes, or there
            is no verified backup; nothing was changed.
    """
    if target.path is None:
        raise BadInputError("recovery works on a SQLite database file only")
    if not target.path.exists():
        return _restore_missing(target.path, store, backup)
    diagnosis = diagnose(target, store)
    if diagnosis is None:
        raise BadInputError(
            f"{target.path.name} is healthy (or not created yet); there is nothing to recover. "
            "To go back to a backup anyway, use 'ketref db restore FILE'."
        )
    if diagnosis.problem is DatabaseProblem.INDEXES:
        return RecoveryResult(aside=repair_indexes(target.path, clock), restored=None)
    if not diagnosis.problem.recoverable:
        raise BadInputError(diagnosis.one_line())
    if backup is not None:
        chosen = _checked_backup(store, backup)
    elif diagnosis.newest_backup is not None:
        chosen = diagnosis.newest_backup
    else:
        raise BadInputError(diagnosis.one_line())
    aside = _aside_path(target.path, "damaged", clock)
    restore_sqlite(chosen.path, target.path, aside)
    log.warning("recovered a damaged database from a backup; the damaged file was kept aside")
    return RecoveryResult(aside=aside, restored=chosen)


def _restore_missing(database: Path, store: BackupStore, backup: Path | None) -> RecoveryResult:
    chosen = _checked_backup(store, backup) if backup is not None else store.newest_verified()
    if chosen is None:
        raise BadInputError(
            f"There is no library at {database} and no verified backup in {store.folder}; "
            "ketref creates a new library when it starts."
        )
    restore_sqlite(chosen.path, database, database.with_name(f"{database.name}.unused-aside"))
    log.warning("restored a missing database from a backup")
    return RecoveryResult(aside=None, restored=chosen)


def repair_indexes(database: Path, clock: Clock = system_clock) -> Path:
    """Keep an exact copy of ``database`` aside, then REINDEX it; returns the copy's path.

    Only for damage confined to indexes (the rows are intact, so nothing is lost). Must run
    while nothing has the file open.

    Raises:
        DatabaseDamagedError: the rebuild did not make the file pass its checks (the copy is
            kept; the problem is then ordinary damage, for a restore from a backup).
    """
    aside = _aside_path(database, "before-reindex", clock)
    backup_sqlite(database, aside, verify=False)
    try:
        after = reindex(database)
    except sqlite3.Error as exc:
        raise DatabaseDamagedError(
            f"{database.name} is damaged: rebuilding its indexes failed ({exc}); the file as "
            f"it was is kept as {aside}."
        ) from exc
    if not after.ok:
        raise DatabaseDamagedError(
            f"{database.name} is damaged: rebuilding its indexes did not repair it "
            f"({after.summary()}); the file as it was is kept as {aside}."
        )
    log.warning("rebuilt damaged indexes; a copy of the file as it was was kept aside")
    return aside


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the library's file is damaged (not busy, full or unreachable)."""
    return isinstance(exc, DatabaseDamagedError)
