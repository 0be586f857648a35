"""Backups as the screens see them, and which automatic backups rotation keeps.

Rotation is grandfather-father-son over *automatic* backups only (made at start, before a
migration, before a pack import): the newest backup of each of the last 7 days that have one, of
the last 4 ISO weeks and of the last 12 months. Periods are counted among those that have
backups, so a library left closed for a season still keeps its history. The newest automatic
backup and the newest verified one are always kept, whatever the policy says. Backups a user made
by hand are never deleted by ketref.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path


class BackupKind(StrEnum):
    MANUAL = "manual"
    DAILY = "daily"
    BEFORE_MIGRATION = "before-migration"
    BEFORE_IMPORT = "before-import"

    @property
    def automatic(self) -> bool:
        return self is not BackupKind.MANUAL

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    BackupKind.MANUAL: "made by hand",
    BackupKind.DAILY: "daily, at start",
    BackupKind.BEFORE_MIGRATION: "before a database upgrade",
    BackupKind.BEFORE_IMPORT: "before a content pack import",
}


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: when it was taken (UTC), why, how big; ``verified`` None = not checked."""

    path: Path
    kind: BackupKind
    taken_at: datetime
    size: int
    verified: bool | None = None

    @property
    def when(self) -> str:
        """The time for people: ``2026-11-21 09:30 UTC``."""
        return f"{self.taken_at:%Y-%m-%d %H:%M} UTC"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "name": self.path.name,
            "kind": self.kind.value,
            "taken_at": self.taken_at.isoformat(),
            "size": self.size,
            "verified": self.verified,
        }


@dataclass(frozen=True)
class RetentionPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


DEFAULT_RETENTION = RetentionPolicy()


def _newest_per_period(
    backups: Sequence[BackupInfo], period: Callable[[datetime], Hashable], count: int
) -> set[Path]:
    kept: set[Path] = set()
    seen: set[Hashable] = set()
    for backup in backups:  # newest first
        key = period(backup.taken_at)
        if key in seen:
            continue
        if len(seen) == count:
            break
        seen.add(key)
        kept.add(backup.path)
    return kept


def backups_to_delete(
    backups: Sequence[BackupInfo],
    newest_verified: BackupInfo | None,
    policy: RetentionPolicy = DEFAULT_RETENTION,
) -> list[BackupInfo]:
    """The automatic backups rotation may delete, oldest first; never the newest or verified."""
    automatic = sorted(
        (b for b in backups if b.kind.automatic), key=lambda b: b.taken_at, reverse=True
    )
    if not automatic:
        return []
    keep = {automatic[0].path}
    keep |= _newest_per_period(automatic, lambda t: t.date(), policy.daily)
    keep |= _newest_per_period(automatic, lambda t: t.isocalendar()[:2], policy.weekly)
    keep |= _newest_per_period(automatic, lambda t: (t.year, t.month), policy.monthly)
    migrations = [b for b in automatic if b.kind is BackupKind.BEFORE_MIGRATION]
    if migrations:
        keep.add(migrations[0].path)  # the undo of the latest schema upgrade
    if newest_verified is not None:
        keep.add(newest_verified.path)
    return [b for b in reversed(automatic) if b.path not in keep]
