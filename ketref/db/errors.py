"""SQLite failures in plain words: the refusals at open and the typed errors of a session.

Messages never carry SQL or parameters, so no patient text reaches a dialog or a log.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from ketref.domain.errors import (
    DatabaseBusyError,
    DatabaseRefusedError,
    KetrefError,
    ReadOnlyStorageError,
    StorageFullError,
)


class NotADatabaseError(DatabaseRefusedError):
    """The file is empty or not SQLite at all (often a damaged or overwritten library)."""


class ForeignDatabaseError(DatabaseRefusedError):
    """A healthy SQLite file of another program; ketref never writes to it."""


class DatabaseDamagedError(DatabaseRefusedError):
    """The file is a ketref database but fails SQLite's checks; it was left untouched."""


class DatabaseTooNewError(DatabaseRefusedError):
    """The schema was written by a newer ketref; opening it could lose data."""


class DatabaseReadOnlyError(DatabaseRefusedError):
    """The file or its folder cannot be written, so ketref could not keep edits safe."""


LOCK_NOT_AVAILABLE = "55P03"
_BUSY = (
    "The database is busy: another ketref window or command is saving. Nothing was changed; "
    "try again in a moment."
)


def _sqlite_error_name(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return str(getattr(orig, "sqlite_errorname", "") or "")


def _sqlstate(exc: BaseException) -> str:
    """PostgreSQL's SQLSTATE code of a driver error ('' for other backends)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return str(getattr(orig, "sqlstate", "") or "")


def is_busy(exc: BaseException) -> bool:
    """Another writer held the lock too long (SQLite busy, PostgreSQL lock_timeout)."""
    return _sqlite_error_name(exc).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or (
        _sqlstate(exc) == LOCK_NOT_AVAILABLE
    )


def translate_error(exc: BaseException, name: str) -> KetrefError | None:
    """The typed, plain-words error for a SQLite failure, or None when it is not one we know.

    Messages never carry SQL or parameters, so no patient text reaches a dialog or a log.
    """
    code = _sqlite_error_name(exc)
    if is_busy(exc):
        return DatabaseBusyError(_BUSY)
    if code.startswith("SQLITE_FULL"):
        return StorageFullError(
            "The disk is full, so the change was not saved (nothing was changed). "
            "Free some space and try again."
        )
    if code.startswith("SQLITE_IOERR"):
        return StorageFullError(
            "The disk could not be written (it may be full or failing), so the change was not "
            "saved (nothing was changed). Free some space or check the disk, then try again."
        )
    if code.startswith("SQLITE_READONLY"):
        return ReadOnlyStorageError(
            f"{name} cannot be written (the file or its folder is read-only), so nothing was "
            "saved. Check its permissions."
        )
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DatabaseDamagedError(
            f"{name} is damaged (SQLite reported it while reading). Nothing more will be written "
            "to it; close ketref and run 'ketref db recover' to restore the newest backup."
        )
    if code.startswith("SQLITE_CANTOPEN"):
        return DatabaseRefusedError(
            f"{name} cannot be opened any more (moved, deleted, or its folder is not accessible)."
        )
    return None
