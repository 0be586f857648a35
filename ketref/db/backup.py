"""Backups with SQLite's online backup API (never a file copy), verified before they count."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ketref.domain.errors import BadInputError


class BackupError(BadInputError):
    """A backup or restore could not be completed; the original files are unchanged."""


def integrity_ok(path: Path) -> bool:
    """True when SQLite's full integrity_check and foreign_key_check both pass."""
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        return [r[0] for r in integrity] == ["ok"] and not fk
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def _fsync_dir(directory: Path) -> None:
    if os.name == "posix":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def backup_sqlite(source: Path, destination: Path) -> Path:
    """Copy ``source`` to ``destination`` with the backup API; verified, then renamed into place.

    The copy includes commits still in the ``-wal`` file. An existing file at ``destination`` is
    never touched unless the new backup verified.

    Raises:
        BackupError: the folder is not writable, the disk is full, or the copy failed its check.
    """
    temp = destination.with_name(destination.name + ".partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp.unlink(missing_ok=True)
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(temp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        if not integrity_ok(temp):
            raise BackupError(f"The backup {destination.name} failed its integrity check.")
        os.chmod(temp, 0o600)
        os.replace(temp, destination)
        _fsync_dir(destination.parent)
    except (OSError, sqlite3.Error) as exc:
        temp.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BackupError(f"Could not write the backup {destination}: {reason}.") from exc
    except BackupError:
        temp.unlink(missing_ok=True)
        raise
    return destination


def restore_sqlite(backup: Path, database: Path, aside: Path) -> None:
    """Replace ``database`` with ``backup``; the current file and its sidecars move to ``aside``.

    The caller has checked that ``backup`` is a healthy ketref database and that nothing has the
    database open.
    """
    temp = database.with_name(database.name + ".restoring")
    temp.unlink(missing_ok=True)
    try:
        backup_sqlite(backup, temp)
        if database.exists():
            os.replace(database, aside)
        for suffix in ("-wal", "-shm"):
            sidecar = Path(f"{database}{suffix}")
            if sidecar.exists():
                os.replace(sidecar, Path(f"{aside}{suffix}"))
        os.replace(temp, database)
        _fsync_dir(database.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise BackupError(f"Could not restore {backup.name}: {exc.strerror}.") from exc
