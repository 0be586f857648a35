"""One definition of damage, and what is *not* damage: a full, read-only or failing disk.

Start-up, ``db check``, ``db recover`` and backup verification all ask ``integrity`` here:
SQLite's full ``integrity_check`` plus ``foreign_key_check``. Only a failed check or a file
that SQLite calls "not a database" is damage. A problem confined to indexes (the table rows are
intact) is repaired with ``REINDEX``. A full disk, a quota, read-only media or an I/O error
while reading is never damage: it gets its own message and never advice to recover, which
would replace a healthy library with an older backup.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ketref.db.errors import (
    DatabaseDamagedError,
    DatabaseReadOnlyError,
    StorageUnavailableError,
)
from ketref.domain.errors import DatabaseBusyError, DatabaseRefusedError

_INDEX_PROBLEM = re.compile(r"^(row \d+ missing from index \S+|wrong # of entries in index \S+)$")
SIDECARS = ("-wal", "-shm")
_SHM_DMS_BYTE = 128
"""SQLite's "dead-man switch" byte in ``-shm``: every connection holds a shared lock on it."""


@dataclass(frozen=True)
class Integrity:
    """What SQLite's checks found; empty ``problems`` means healthy."""

    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def index_only(self) -> bool:
        """Every problem is an index out of step with intact rows (REINDEX rebuilds it)."""
        return bool(self.problems) and all(_INDEX_PROBLEM.match(p) for p in self.problems)

    def summary(self) -> str:
        what = "index problem(s)" if self.index_only else "problem(s)"
        return f"SQLite's integrity check found {len(self.problems)} {what}"


def integrity(conn: sqlite3.Connection) -> Integrity:
    """Run the full checks on an open connection.

    Raises:
        sqlite3.Error: SQLite could not even run them (see ``is_damage`` / ``storage_problem``).
    """
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    problems = [r for r in rows if r != "ok"]
    problems += [
        f"foreign key violation in {r[0]} row {r[1]}"
        for r in conn.execute("PRAGMA foreign_key_check").fetchall()
    ]
    return Integrity(tuple(problems))


def integrity_of(path: Path) -> Integrity:
    """``integrity`` of the file at ``path``, opened read-only.

    Raises:
        sqlite3.Error: the file cannot be opened or read (classify with ``is_damage``).
    """
    conn = sqlite3.connect(read_only_uri(path), uri=True)
    try:
        return integrity(conn)
    finally:
        conn.close()


def read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path`` that also works in a read-only folder.

    SQLite needs to create ``-shm`` to read a WAL database; where the folder cannot be written
    and there is no ``-wal`` (so no commit can be waiting in one), ``immutable=1`` reads the
    file as it is, which is exactly its content.
    """
    uri = f"{path.as_uri()}?mode=ro"
    if Path(f"{path}-wal").exists() or os.access(path.parent, os.W_OK):
        return uri
    return f"{uri}&immutable=1"


def error_name(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(getattr(orig, "sqlite_errorname", "") or "")


def is_damage(exc: BaseException) -> bool:
    """SQLite itself says the file is malformed or not a database."""
    return error_name(exc).startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def is_storage_failure(exc: BaseException) -> bool:
    """The disk refused: full, over quota, a size limit, or an I/O error."""
    return error_name(exc).startswith(("SQLITE_FULL", "SQLITE_IOERR"))


def storage_problem(folder: Path) -> str:
    """Why writing into ``folder`` fails, as far as the system tells: full, read-only, limited."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft != resource.RLIM_INFINITY:
            return f"a file size limit ({soft:,} bytes, ulimit -f) stops ketref's writes"
    except (ImportError, OSError, ValueError):
        pass
    try:
        info = os.statvfs(folder)
    except (AttributeError, OSError):
        return "the disk is full, over quota or failing"
    if info.f_flag & getattr(os, "ST_RDONLY", 1):
        return "the disk is read-only"
    if info.f_bavail * info.f_frsize < 1_048_576 or (info.f_files and info.f_favail == 0):
        return "the disk is full"
    return "the disk is over quota or failing (an I/O error)"


def could_not_write(path: Path) -> str:
    """The one message for storage failures; it never mentions damage or recovery."""
    return (
        f"could not write: {storage_problem(path.parent)}, so ketref could not open or change "
        f"{path.name}; nothing was changed. Free some space, raise the limit or check the disk, "
        "then try again."
    )


def refusal(exc: sqlite3.Error, path: Path) -> DatabaseRefusedError:
    """Damage only when SQLite says so; a full or failing disk is its own refusal."""
    if is_damage(exc):
        return DatabaseDamagedError(f"{path.name} is damaged ({exc}). It was left untouched.")
    if is_storage_failure(exc):
        return StorageUnavailableError(could_not_write(path))
    if error_name(exc).startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return DatabaseReadOnlyError(
            f"{path.name} cannot be read and written here (read-only file or folder); "
            "nothing was changed."
        )
    return DatabaseRefusedError(f"{path.name} cannot be opened ({exc}); nothing was changed.")


def creation_refusal(exc: BaseException, path: Path) -> DatabaseRefusedError:
    """Why a new library could not be created at ``path`` (nothing was left behind)."""
    code = exc.errno if isinstance(exc, OSError) else None
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageUnavailableError(could_not_write(path))
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseReadOnlyError(
            f"A new library cannot be created in {path.parent} (read-only folder or disk); "
            "nothing was changed. Choose a writable --home or fix the permissions."
        )
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        return refusal(orig, path)
    return DatabaseRefusedError(
        f"A new library cannot be created at {path} ({exc.__class__.__name__}); nothing was "
        "changed."
    )


def sidecars_present(path: Path) -> dict[str, bool]:
    return {s: Path(f"{path}{s}").exists() for s in SIDECARS}


def remove_new_sidecars(path: Path, before: dict[str, bool]) -> None:
    """Remove ``-wal``/``-shm`` files a refused start created, when provably unused and empty.

    A ``-wal`` goes only when empty (it may hold commits otherwise); either goes only when no
    connection anywhere holds SQLite's lock byte in ``-shm`` (POSIX; elsewhere they stay).
    """
    shm = Path(f"{path}-shm")
    wal = Path(f"{path}-wal")
    if os.name != "posix" or before.get("-shm") or not shm.exists():
        return
    import fcntl

    with contextlib.suppress(OSError):
        fd = os.open(shm, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    return  # another ketref has the library open: its files stay
                raise
            if not before.get("-wal") and wal.exists() and wal.stat().st_size == 0:
                wal.unlink()
            if not wal.exists():
                shm.unlink()
        finally:
            os.close(fd)


@contextlib.contextmanager
def sole_user(path: Path) -> Iterator[None]:
    """Hold SQLite's lock byte in ``-shm`` exclusively while the block runs (POSIX).

    Every SQLite connection to a WAL database, in any process, holds that byte shared while it
    is open, so getting it exclusively proves no other ketref has the library open, and keeps
    a new one from opening it (it waits as if busy) until the block ends.

    Raises:
        DatabaseBusyError: another process has the library open; nothing was changed.
    """
    shm = Path(f"{path}-shm")
    if os.name != "posix" or not shm.exists():
        yield
        return
    import fcntl

    fd = os.open(shm, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise DatabaseBusyError(
                f"Another ketref (a window or a command) has {path.name} open, so it was not "
                "replaced; nothing was changed. Close the other ketref, then try again."
            ) from None
        yield
    finally:
        os.close(fd)


def reindex(path: Path) -> Integrity:
    """Rebuild every index of the file at ``path``; returns the checks afterwards.

    Raises:
        sqlite3.Error: SQLite refused (e.g. a UNIQUE index whose rows now clash).
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("REINDEX")
        return integrity(conn)
    finally:
        conn.close()
