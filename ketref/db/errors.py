"""Database failures in plain words: the refusals at open and the typed errors of a session.

SQLite's come by error name; a PostgreSQL server's by SQLSTATE (and, for failures before the
server answers, by libpq's wording), each with its own one-line message naming the server with
its password hidden.

Messages never carry SQL or parameters, so no patient text reaches a dialog or a log.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError

from ketref.domain.errors import (
    DatabaseBusyError,
    DatabaseRefusedError,
    KetrefError,
    PermissionRefusedError,
    ReadOnlyStorageError,
    ServerUnreachableError,
    StorageFullError,
)


class NotADatabaseError(DatabaseRefusedError):
    """The file is empty or not SQLite at all (often a damaged or overwritten library)."""


class NotAFileError(DatabaseRefusedError):
    """A device, FIFO, socket or folder at the library's path: never renamed or replaced."""


class ForeignDatabaseError(DatabaseRefusedError):
    """A healthy SQLite file of another program; ketref never writes to it."""


class DatabaseDamagedError(DatabaseRefusedError):
    """The file is a ketref database but fails SQLite's checks; it was left untouched."""


class IndexDamageError(DatabaseDamagedError):
    """Only indexes are out of step with intact rows; REINDEX (after a backup) repairs it."""


class StorageUnavailableError(DatabaseRefusedError):
    """The disk is full, over quota, read-only or failing: not damage, so never "recover"."""


class DatabaseTooNewError(DatabaseRefusedError):
    """The schema was written by a newer ketref; opening it could lose data."""


class SchemaMismatchError(DatabaseRefusedError):
    """The recorded schema revision does not match the tables; upgrading it would fail."""


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
    server = translate_server_error(exc, name)
    if server is not None:
        return server
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


# Failures that come before the server answers carry no SQLSTATE, only libpq's words.
_UNREACHABLE_WORDS = (
    "connection refused",
    "could not translate host name",
    "no such file or directory",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "could not connect",
)
_LOST_WORDS = (
    "server closed the connection",
    "consuming input failed",
    "connection is lost",
    "connection is closed",
    "terminating connection",
    "ssl syscall error",
    "eof detected",
)


def translate_server_error(exc: BaseException, where: str) -> KetrefError | None:
    """The typed error for a PostgreSQL failure (None when it is not a server failure).

    ``where`` names the server and database with the password already hidden; driver messages
    are never copied into the text, as they may quote SQL.
    """
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if type(orig).__module__.split(".")[0] != "psycopg":
        return None
    state = _sqlstate(exc)
    words = str(orig).lower()
    if state == "28P01" or "password authentication failed" in words:
        return DatabaseRefusedError(
            f"The PostgreSQL server refused the password ({where}). Check the password in "
            "~/.pgpass or your connection service file; ketref never stores one."
        )
    if "no password supplied" in words:
        return DatabaseRefusedError(
            f"The PostgreSQL server asks for a password and none was found ({where}). Put it "
            "in ~/.pgpass (or the file PGPASSFILE names); ketref never stores one."
        )
    if state == "28000" or "no pg_hba.conf entry" in words:
        return DatabaseRefusedError(
            f"The PostgreSQL server does not let this user connect from here ({where}). Its "
            "administrator must allow it (pg_hba.conf) or give you another user."
        )
    if state == "3D000" or re.search(r'database ".*" does not exist', words):
        return DatabaseRefusedError(
            f"There is no such database on the PostgreSQL server ({where}). Check its name; "
            "a clinic's database is created once by the server's administrator (see the README)."
        )
    if "append-only" in words:  # the audit trail's triggers (migration 0004)
        return PermissionRefusedError(
            f"The PostgreSQL server refused this ({where}): audit events are append-only. "
            "Nothing was changed."
        )
    if state == "42501" or "permission denied" in words:
        return PermissionRefusedError(
            f"The PostgreSQL server refused this to your database user ({where}): permission "
            "denied. Nothing was changed; ask the administrator for the ketref role this needs "
            "(ketref_reader to read, ketref_editor to save changes)."
        )
    if "ssl" in words and "not support" in words:
        return DatabaseRefusedError(
            f"The PostgreSQL server does not offer SSL, but the connection asks for it "
            f"(sslmode) ({where}). Ask the administrator to enable SSL, or change sslmode."
        )
    lost = any(w in words for w in _LOST_WORDS) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )
    if not lost and (
        state == "57P03"
        or words.startswith("connection failed")
        or any(w in words for w in _UNREACHABLE_WORDS)
    ):
        return ServerUnreachableError(
            f"Cannot reach the PostgreSQL server ({where}): is it running, and are the host "
            "and port right? Nothing was changed."
        )
    if lost or state.startswith(("08", "57P")):
        return ServerUnreachableError(
            f"The connection to the PostgreSQL server was lost ({where}). The unfinished step "
            "was not saved (the server rolled it back); try again when the server is back."
        )
    return None
