"""Backup rotation: 7 daily, 4 weekly, 12 monthly; never the newest, verified or manual ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketref.domain.backups import BackupInfo, BackupKind, RetentionPolicy, backups_to_delete

pytestmark = pytest.mark.unit

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _backup(day: float, kind: BackupKind = BackupKind.DAILY) -> BackupInfo:
    at = START + timedelta(days=day)
    return BackupInfo(Path(f"ketref-{kind.value}-{at:%Y%m%d-%H%M%S}.db"), kind, at, 1000)


def test_a_year_of_daily_backups_keeps_days_weeks_and_months() -> None:
    backups = [_backup(d) for d in range(365)]
    doomed = {b.path for b in backups_to_delete(backups, None)}
    kept = sorted((b for b in backups if b.path not in doomed), key=lambda b: b.taken_at)
    days = {b.taken_at.date() for b in kept}
    newest = backups[-1].taken_at.date()
    assert {newest - timedelta(days=n) for n in range(7)} <= days
    assert len({b.taken_at.isocalendar()[:2] for b in kept}) >= 4
    assert len({(b.taken_at.year, b.taken_at.month) for b in kept}) == 12
    assert len(kept) <= 7 + 4 + 12


def test_manual_backups_are_never_rotated() -> None:
    manual = [_backup(d, BackupKind.MANUAL) for d in range(100)]
    assert backups_to_delete(manual, None) == []


def test_the_newest_verified_backup_is_kept_even_if_old() -> None:
    backups = [_backup(d) for d in range(400)]
    verified = backups[3]
    doomed = backups_to_delete(backups, verified, RetentionPolicy(daily=1, weekly=0, monthly=0))
    assert verified not in doomed
    assert backups[-1] not in doomed
    assert len(doomed) == 398


def test_the_newest_migration_backup_is_kept() -> None:
    backups = [_backup(d) for d in range(60)] + [_backup(2.5, BackupKind.BEFORE_MIGRATION)]
    doomed = backups_to_delete(backups, None)
    assert backups[-1] not in doomed


@given(
    days=st.lists(st.floats(min_value=0, max_value=2000), min_size=1, max_size=60),
    kinds=st.lists(st.sampled_from(list(BackupKind)), min_size=60, max_size=60),
    verified_index=st.integers(0, 59),
)
def test_rotation_invariants(
    days: list[float], kinds: list[BackupKind], verified_index: int
) -> None:
    backups = [_backup(d, k) for d, k in zip(days, kinds, strict=False)]
    backups = list({b.path: b for b in backups}.values())
    verified = backups[verified_index % len(backups)]
    doomed = backups_to_delete(backups, verified)
    automatic = [b for b in backups if b.kind.automatic]
    assert all(b.kind.automatic for b in doomed)
    assert verified not in doomed
    if automatic:
        assert max(automatic, key=lambda b: b.taken_at) not in doomed
    kept_automatic = [b for b in automatic if b not in doomed]
    assert len(kept_automatic) <= 7 + 4 + 12 + 2
