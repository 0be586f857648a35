"""BackupStore: names, listing with dates and sizes, the daily backup at start, rotation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ketref.db.backup import backup_path, list_backup_files
from ketref.domain.backups import BackupKind
from ketref.services.backups import BackupStore
from ketref.services.workspace import Workspace
from tests.conftest import FIXED_NOW

pytestmark = [pytest.mark.db, pytest.mark.sqlite_only("SQLite files, backups and WAL")]


def _store(ws: Workspace, days: float = 0) -> BackupStore:
    return BackupStore(
        ws.paths.backups,
        ws.paths.database,
        clock=lambda: FIXED_NOW + timedelta(days=days),
        state_file=ws.paths.config / "backup-state.json",
    )


def test_names_parse_back_to_kind_and_time(tmp_path: Path) -> None:
    for kind in BackupKind:
        path = backup_path(tmp_path, "ketref", kind, FIXED_NOW)
        path.write_bytes(b"x" * 10)
    again = backup_path(tmp_path, "ketref", BackupKind.DAILY, FIXED_NOW)
    assert again.name == "ketref-daily-20261121-093000-2.db"
    (tmp_path / "other-daily-20261121-093000.db").write_bytes(b"")
    (tmp_path / "ketref-daily-20261121-093000.db.123.partial").write_bytes(b"")
    found = list_backup_files(tmp_path, "ketref")
    assert {b.kind for b in found} == set(BackupKind)
    assert all(b.taken_at == FIXED_NOW and b.size == 10 for b in found)


def test_daily_backup_once_a_day_then_rotation(services, workspace: Workspace) -> None:
    first = _store(workspace).daily()
    assert first.made is not None
    assert first.made.kind is BackupKind.DAILY
    assert first.made.verified
    again = _store(workspace).daily()
    assert again.made is None
    assert again.skipped is not None
    assert "from today" in again.skipped
    for day in range(1, 30):
        assert _store(workspace, day).daily().made is not None
    listed = _store(workspace, 30).available(verify=True)
    assert all(b.verified for b in listed)
    assert len(listed) <= 7 + 4 + 12
    assert listed[0].taken_at == FIXED_NOW + timedelta(days=29)


def test_services_api_lists_backups_newest_first(services, workspace: Workspace) -> None:
    services.maintenance.backup()
    _store(workspace, 1).make(BackupKind.DAILY)
    listed = services.maintenance.list_backups()
    assert [b.kind for b in listed] == [BackupKind.DAILY, BackupKind.MANUAL]
    assert listed[0].when == "2026-11-22 09:30 UTC"
    assert all(b.size > 0 and b.verified for b in listed)
    assert listed[0].as_dict()["taken_at"] == "2026-11-22T09:30:00+00:00"


def test_a_damaged_backup_is_listed_as_failing_and_skipped(services, workspace: Workspace) -> None:
    good = _store(workspace).make(BackupKind.DAILY)
    bad = _store(workspace, 1).make(BackupKind.DAILY)
    bad.path.write_bytes(bad.path.read_bytes()[:4096])
    listed = workspace.list_backups()
    assert [(b.path, b.verified) for b in listed] == [(bad.path, False), (good.path, True)]
    newest = workspace.backups.newest_verified()
    assert newest is not None
    assert newest.path == good.path


def test_only_ketrefs_own_leftovers_are_cleaned(services, workspace: Workspace) -> None:
    """Interrupted-backup leftovers of a dead process go; anything else in the folder stays."""
    folder = workspace.paths.backups
    folder.mkdir(parents=True, exist_ok=True)
    dead = folder / "ketref-daily-20261120-093000.db.999999999.partial"
    foreign = folder / "holiday-photos.partial"
    other_db = folder / "clinic-daily-20261120-093000.db.999999999.partial"
    for path in (dead, foreign, other_db):
        path.write_bytes(b"x")
    services.maintenance.backup()
    assert not dead.exists()
    assert foreign.exists()
    assert other_db.exists()
