"""Backups with SQLite's online backup API (never a file copy), verified before they count.

A backup is written under a temporary ``*.partial`` name inside one read transaction (so it is a
consistent snapshot that includes commits still in the ``-wal`` file, and writers are not
blocked), checked with ``integrity_check``, made owner-only, and only then published under its
final name. Publishing never replaces an existing file. Backup file names carry the database's
stem, why the backup was made and when (UTC): ``ketref-daily-20261121-093000.db``.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import sqlite3
import stat
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from ketref.db.health import integrity_of, read_only_uri, sole_user
from ketref.domain.backups import BackupInfo, BackupKind
from ketref.domain.errors import BadInputError

Progress = Callable[[int, int], None]
"""Called after each copy step with (pages remaining, pages in total)."""

PAGES_PER_STEP = 256
SIDECARS = ("-wal", "-shm", "-journal")
STALE_PARTIAL_SECONDS = 3600


class BackupError(BadInputError):
    """A backup or restore could not be completed; the original files are unchanged."""


_OS_REASONS = {
    errno.ENOENT: "the folder does not exist",
    errno.EACCES: "permission denied (a read-only folder or file)",
    errno.EPERM: "permission denied (a read-only folder or file)",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EFBIG: "the disk is full (file size limit reached)",
    errno.EEXIST: "a file with that name already exists",
}
_SQLITE_REASONS = {
    "SQLITE_FULL": "the disk is full",
    "SQLITE_READONLY": "the folder is read-only",
    "SQLITE_CANTOPEN": "the file cannot be created there (missing or read-only folder)",
}


def failure_reason(exc: BaseException) -> str:
    """A short, plain reason for an OS or SQLite failure (never SQL text or parameters)."""
    if isinstance(exc, OSError):
        return _OS_REASONS.get(exc.errno or 0, exc.strerror or "the system refused")
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        for prefix, reason in _SQLITE_REASONS.items():
            if name.startswith(prefix):
                return reason
        if name.startswith("SQLITE_IOERR"):
            return "the disk could not be written (it may be full or failing)"
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return "the source database is damaged"
        return str(exc)
    return exc.__class__.__name__


def integrity_ok(path: Path) -> bool:
    """True when SQLite's full integrity_check and foreign_key_check both pass."""
    try:
        return integrity_of(path).ok
    except sqlite3.Error:
        return False


def create_private(path: Path) -> None:
    """Create ``path`` empty and 0600 before SQLite opens it: owner-only from the first byte
    whatever the umask (SQLite gives its ``-journal``/``-wal``/``-shm`` the same mode).

    Raises:
        FileExistsError: something is already there.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(path, 0o600)  # a umask can only have removed bits; this restores owner rw


def fsync_dir(directory: Path) -> None:
    if os.name == "posix":
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def publish_no_clobber(temp: Path, final: Path) -> None:
    """Give ``temp`` the name ``final``, failing with FileExistsError if ``final`` exists.

    A hard link is atomic and refuses to overwrite; where links are not supported the check and
    rename are separate steps (a tiny window, acceptable on such file systems).
    """
    try:
        os.link(temp, final)
    except FileExistsError:
        raise
    except OSError:
        if final.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(final)) from None
        os.replace(temp, final)
        return
    temp.unlink()


def _copy(source: Path, temp: Path, progress: Progress | None) -> None:
    src = sqlite3.connect(read_only_uri(source), uri=True, isolation_level=None)
    try:
        # One read transaction across all steps: a consistent snapshot that never restarts,
        # even while another process keeps committing (WAL readers do not block writers).
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        dst = sqlite3.connect(temp)
        try:
            src.backup(
                dst,
                pages=PAGES_PER_STEP,
                progress=(lambda _s, rem, tot: progress(rem, tot)) if progress else None,
                sleep=0,
            )
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
        src.execute("COMMIT")
    finally:
        src.close()


def backup_sqlite(
    source: Path, destination: Path, *, progress: Progress | None = None, verify: bool = True
) -> Path:
    """Copy ``source`` to ``destination`` with the backup API; verified, then published.

    ``verify=False`` keeps an exact copy of a file known to fail its check (before a repair).

    Raises:
        BackupError: the folder is not writable, the disk is full, ``destination`` exists, or
            the copy failed its check. No file is left under ``destination`` or the temp name.
    """
    temp = destination.with_name(f"{destination.name}.{os.getpid()}.partial")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp.unlink(missing_ok=True)
        if destination.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(destination))
        create_private(temp)
        _copy(source, temp, progress)
        if verify and not integrity_ok(temp):
            raise BackupError(f"The backup {destination.name} failed its integrity check.")
        publish_no_clobber(temp, destination)
        fsync_dir(destination.parent)
    except (OSError, sqlite3.Error) as exc:
        _remove_quietly(temp)
        raise BackupError(
            f"Could not write the backup {destination}: {failure_reason(exc)}."
        ) from exc
    except BaseException:
        _remove_quietly(temp)
        raise
    return destination


def _remove_quietly(path: Path) -> None:
    for candidate in (path, *(Path(f"{path}{s}") for s in SIDECARS)):
        with contextlib.suppress(OSError):
            candidate.unlink(missing_ok=True)


def _writer_gone(path: Path) -> bool:
    """True when the process named in ``name.PID.partial`` no longer runs (POSIX only)."""
    pid = path.suffixes[-2][1:] if len(path.suffixes) >= 2 else ""
    if os.name != "posix" or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def remove_stale_partials(folder: Path, stem: str, now: float | None = None) -> list[Path]:
    """Delete the ``{stem}*.db.PID.partial`` files an interrupted backup left in ``folder``.

    A file is stale when the process that wrote it is gone, or when it is over an hour old.
    Only ketref's own backup leftovers match; nothing else in the folder is touched.
    """
    if not folder.is_dir():
        return []
    now = time.time() if now is None else now
    removed = []
    for path in folder.glob(f"{glob.escape(stem)}*.db.*.partial"):
        with contextlib.suppress(OSError):
            if _writer_gone(path) or now - path.stat().st_mtime > STALE_PARTIAL_SECONDS:
                _remove_quietly(path)
                removed.append(path)
    return removed


def move_aside(database: Path, aside: Path) -> None:
    """Rename ``database`` and its sidecars (``-wal``, ``-shm``, ``-journal``) to ``aside``.

    The pair of database and ``-wal`` must travel together, or committed data is lost.
    """
    for suffix in ("", *SIDECARS):
        if Path(f"{aside}{suffix}").exists():
            raise FileExistsError(errno.EEXIST, "exists", f"{aside}{suffix}")
    if database.exists():
        os.replace(database, aside)
    for suffix in SIDECARS:
        sidecar = Path(f"{database}{suffix}")
        if sidecar.exists():
            os.replace(sidecar, Path(f"{aside}{suffix}"))


def refuse_non_regular(database: Path) -> None:
    """Refuse when something other than a regular file (a device, FIFO, folder, link) has the
    library's name: ketref never renames or replaces such a thing.

    Raises:
        BackupError: naming what is there; nothing was changed.
    """
    try:
        mode = os.lstat(database).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise BackupError(
            f"{database} is not a regular file (a device, pipe, folder or link), so ketref does "
            "not rename or replace it; nothing was changed. Point --db at a library file."
        )


def restore_sqlite(backup: Path, database: Path, aside: Path) -> None:
    """Replace ``database`` with ``backup``; the current file and its sidecars move to ``aside``.

    The backup is copied (with the backup API) to a temporary name first, so a failure leaves the
    current database in place. The caller has checked that ``backup`` is a healthy ketref
    database and that nothing has the database open.

    Raises:
        BackupError: the copy or a rename failed; the current database is where it was.
    """
    refuse_non_regular(database)
    temp = database.with_name(database.name + ".restoring")
    _remove_quietly(temp)
    with sole_user(database):  # never swap the file under another ketref
        backup_sqlite(backup, temp)
        try:
            move_aside(database, aside)
        except OSError as exc:
            _remove_quietly(temp)
            raise BackupError(f"Could not restore {backup.name}: {failure_reason(exc)}.") from exc
        try:
            os.replace(temp, database)
            fsync_dir(database.parent)
        except OSError as exc:
            raise BackupError(
                f"Could not restore {backup.name}: {failure_reason(exc)}. The previous "
                f"database was kept as {aside}."
            ) from exc


# --- Names and listing ---------------------------------------------------------------------

_STAMP = "%Y%m%d-%H%M%S"


def backup_path(folder: Path, stem: str, kind: BackupKind, at: datetime) -> Path:
    """A free file name for a new backup, e.g. ``ketref-daily-20261121-093000.db``."""
    middle = "" if kind is BackupKind.MANUAL else f"-{kind.value}"
    base = f"{stem}{middle}-{at.astimezone(UTC):{_STAMP}}"
    candidate = folder / f"{base}.db"
    number = 2
    while candidate.exists():
        candidate = folder / f"{base}-{number}.db"
        number += 1
    return candidate


def _name_pattern(stem: str) -> re.Pattern[str]:
    kinds = "|".join(re.escape(k.value) for k in BackupKind if k is not BackupKind.MANUAL)
    return re.compile(
        rf"^{re.escape(stem)}(?:-(?P<kind>{kinds}))?-(?P<stamp>\d{{8}}-\d{{6}})(?:-(?P<n>\d+))?\.db$"
    )


def list_backup_files(folder: Path, stem: str) -> list[BackupInfo]:
    """Backups of the database called ``stem`` in ``folder``, newest first (not verified)."""
    if not folder.is_dir():
        return []
    pattern = _name_pattern(stem)
    found = []
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match is None or not path.is_file():
            continue
        taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        kind = BackupKind(match["kind"]) if match["kind"] else BackupKind.MANUAL
        info = BackupInfo(path=path, kind=kind, taken_at=taken, size=path.stat().st_size)
        found.append((taken, int(match["n"] or 1), info))
    return [info for *_, info in sorted(found, key=lambda f: f[:2], reverse=True)]
