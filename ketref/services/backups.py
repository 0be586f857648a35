"""The backups of one SQLite library: list, verify, make, rotate, and the daily one at start.

Failures of the automatic backup are remembered in a small state file in the config folder (not
in the database, which stays exactly as it was), so the next start tries again and the warning
can say since when backups have been failing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ketref.bounded_read import UnreadableFileError, read_bounded
from ketref.db.backup import (
    BackupError,
    Progress,
    backup_path,
    backup_sqlite,
    integrity_ok,
    list_backup_files,
    remove_stale_partials,
)
from ketref.db.engine import inspect_sqlite_file
from ketref.domain.backups import (
    DEFAULT_RETENTION,
    BackupInfo,
    BackupKind,
    RetentionPolicy,
    backups_to_delete,
)
from ketref.domain.clock import Clock, system_clock
from ketref.domain.errors import BadInputError, DatabaseRefusedError, KetrefError
from ketref.services.files import write_atomic

log = logging.getLogger(__name__)

WARN_AFTER_DAYS = 3
"""Failing automatic backups are reported as overdue after this many days."""
STATE_MAX_BYTES = 64 * 1024
"""The remembered-failures file is a few hundred bytes; anything bigger is not ours."""


@dataclass(frozen=True)
class StartupBackup:
    """What the daily backup at start did; ``warning`` is for the user when it failed."""

    made: BackupInfo | None
    skipped: str | None = None
    warning: str | None = None
    failing_since: datetime | None = None
    overdue: bool = False
    removed: tuple[BackupInfo, ...] = ()


NAME_RACE_ATTEMPTS = 5  # processes backing up one library within the same second


class BackupStore:
    """Backups of the database file ``database`` kept in ``folder``."""

    def __init__(
        self,
        folder: Path,
        database: Path | None,
        *,
        clock: Clock = system_clock,
        state_file: Path | None = None,
        policy: RetentionPolicy = DEFAULT_RETENTION,
    ) -> None:
        self.folder = folder
        self.database = database
        self._clock = clock
        self._state_file = state_file
        self._policy = policy

    # --- reading -------------------------------------------------------------------------

    def available(self, *, verify: bool = False) -> list[BackupInfo]:
        """Every backup of this database, newest first; with ``verify`` each one is checked."""
        if self.database is None:
            return []
        found = list_backup_files(self.folder, self.database.stem)
        if not verify:
            return found
        return [_with_verified(b, self.verify(b.path)) for b in found]

    @staticmethod
    def verify(path: Path) -> bool:
        """True when ``path`` is a ketref database this app can restore and it passes checks."""
        try:
            inspect_sqlite_file(path)
        except DatabaseRefusedError:
            return False
        return integrity_ok(path)

    def newest_verified(self) -> BackupInfo | None:
        """The newest backup that passes every check (older ones are tried in turn)."""
        for backup in self.available():
            if self.verify(backup.path):
                return _with_verified(backup, True)
        return None

    # --- writing -------------------------------------------------------------------------

    def make(
        self,
        kind: BackupKind = BackupKind.MANUAL,
        destination: Path | None = None,
        *,
        progress: Progress | None = None,
    ) -> BackupInfo:
        """Write a verified backup (default name in the backups folder) and describe it.

        Raises:
            BackupError: the destination exists or cannot be written; nothing was left behind.
        """
        source = self._source()
        now = self._clock()
        if destination is not None and not destination.is_dir():
            if destination.exists():
                raise BackupError(f"{destination} already exists; choose another name.")
            remove_stale_partials(self.folder, source.stem)
            path = backup_sqlite(source, destination, progress=progress)
            return BackupInfo(path, kind, now, path.stat().st_size, verified=True)
        folder = destination or self.folder
        remove_stale_partials(self.folder, source.stem)
        for _attempt in range(NAME_RACE_ATTEMPTS):
            chosen = backup_path(folder, source.stem, kind, now)
            try:
                path = backup_sqlite(source, chosen, progress=progress)
            except BackupError as exc:  # another process took that free name this second
                if not isinstance(exc.__cause__, FileExistsError):
                    raise
                continue
            return BackupInfo(path, kind, now, path.stat().st_size, verified=True)
        raise BackupError(f"Could not find a free backup name in {folder}.")

    def rotate(self) -> list[BackupInfo]:
        """Delete the automatic backups the retention policy no longer needs; return them."""
        backups = self.available()
        doomed = backups_to_delete(backups, self.newest_verified(), self._policy)
        removed = []
        for backup in doomed:
            try:
                backup.path.unlink()
            except OSError as exc:
                log.warning("could not delete an old backup: %s", exc.strerror)
                continue
            removed.append(backup)
        return removed

    def daily(self) -> StartupBackup:
        """At start: a verified backup unless one was taken today (UTC), then rotation.

        Never raises for an ordinary failure; the result carries a warning for the user.
        """
        if self.database is None:
            return StartupBackup(
                None, skipped="a shared server database is backed up by its server"
            )
        now = self._clock()
        today = [b for b in self.available() if b.taken_at.date() == now.date()]
        if today:
            return StartupBackup(None, skipped=f"a backup from today exists ({today[0].path.name})")
        try:
            made = self.make(BackupKind.DAILY)
        except KetrefError as exc:
            return self._record_failure(str(exc), now)
        self._clear_failure()
        removed = tuple(self.rotate())
        log.info("daily backup written; %d old backup(s) rotated out", len(removed))
        return StartupBackup(made, removed=removed)

    # --- remembered failures -------------------------------------------------------------

    def _source(self) -> Path:
        if self.database is None:
            raise BadInputError(
                "backups of a shared server database are made with the server's own tools"
            )
        return self.database

    def _load_state(self) -> dict[str, dict[str, str]]:
        if self._state_file is None or not self._state_file.is_file():
            return {}
        try:
            data = json.loads(read_bounded(self._state_file, STATE_MAX_BYTES))
        except (UnreadableFileError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_state(self, state: dict[str, dict[str, str]]) -> None:
        if self._state_file is None:
            return
        try:
            self._state_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            payload = json.dumps(state, indent=2, sort_keys=True).encode("utf-8")
            write_atomic(self._state_file, payload)
        except (OSError, KetrefError):
            log.warning("could not record the backup state")

    def failing_since(self) -> datetime | None:
        """When automatic backups of this database started failing (None: they work)."""
        entry = self._load_state().get(str(self.database), {})
        try:
            return datetime.fromisoformat(entry["failing_since"])
        except (KeyError, ValueError):
            return None

    def _record_failure(self, reason: str, now: datetime) -> StartupBackup:
        state = self._load_state()
        since = self.failing_since() or now
        state[str(self.database)] = {"failing_since": since.isoformat(), "last_error": reason}
        self._save_state(state)
        overdue = now - since >= timedelta(days=WARN_AFTER_DAYS)
        newest = self.newest_verified()
        newest_text = (
            f"the newest good backup is from {newest.when}"
            if newest
            else ("there is no good backup yet")
        )
        if overdue:
            warning = (
                f"Automatic backups have been failing since {since:%Y-%m-%d} "
                f"({(now - since).days} days); {newest_text}. Last error: {reason}"
            )
        else:
            warning = (
                f"The automatic backup failed; ketref will try again at the next start. {reason}"
            )
        log.warning("automatic backup failed (failing since %s)", f"{since:%Y-%m-%d}")
        return StartupBackup(None, warning=warning, failing_since=since, overdue=overdue)

    def _clear_failure(self) -> None:
        state = self._load_state()
        if state.pop(str(self.database), None) is not None:
            self._save_state(state)


def _with_verified(backup: BackupInfo, verified: bool) -> BackupInfo:
    return BackupInfo(backup.path, backup.kind, backup.taken_at, backup.size, verified)
