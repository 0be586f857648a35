"""Backups include uncheckpointed WAL commits, are verified, and restore exactly."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from ketref.db.backup import BackupError, integrity_ok
from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError
from tests.conftest import file_hash, logical_snapshot

pytestmark = [pytest.mark.db, pytest.mark.sqlite_only("SQLite files, backups and WAL")]


def test_backup_contains_commits_still_in_the_wal(services, tmp_path: Path) -> None:
    with services.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    services.catalogue.edit_item(
        ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", {"summary": "Edited in the WAL."}
    )
    assert Path(f"{services.db.target.path}-wal").stat().st_size > 0
    backup = services.maintenance.backup(tmp_path / "b.db")
    assert integrity_ok(backup)
    conn = sqlite3.connect(backup)
    summary = conn.execute(
        "SELECT summary FROM item WHERE slug='uncontrolled-hypertension'"
    ).fetchone()[0]
    conn.close()
    assert summary == "Edited in the WAL."
    assert not list(tmp_path.glob("*.partial"))


def test_backup_refuses_existing_name_and_keeps_it(services, tmp_path: Path) -> None:
    existing = tmp_path / "b.db"
    existing.write_text("an older backup")
    with pytest.raises(BackupError, match="already exists"):
        services.maintenance.backup(existing)
    assert existing.read_text() == "an older backup"


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, non-root"
)
def test_backup_into_read_only_folder_is_one_clear_error(services, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(BackupError, match="Could not write the backup"):
            services.maintenance.backup(folder / "b.db")
    finally:
        folder.chmod(0o755)


def test_restore_equals_backup_and_keeps_the_old_file(workspace, tmp_path: Path) -> None:
    services = workspace.open()
    backup = services.maintenance.backup(tmp_path / "good.db")
    services.catalogue.edit_item(
        ItemKind.CONTRAINDICATION, "uncontrolled-hypertension", {"summary": "Later."}
    )
    services.close()
    expected = logical_snapshot(backup)
    aside = workspace.restore(backup)
    assert logical_snapshot(workspace.paths.database) == expected
    assert aside.exists()
    assert "before-restore" in aside.name
    reopened = workspace.open()
    try:
        detail = reopened.catalogue.get_item(ItemKind.CONTRAINDICATION, "uncontrolled-hypertension")
        assert detail.item.summary != "Later."
    finally:
        reopened.close()


def test_restore_refuses_a_bad_backup_and_changes_nothing(workspace, tmp_path: Path) -> None:
    workspace.open().close()
    before = file_hash(workspace.paths.database)
    bad = tmp_path / "bad.db"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(BadInputError, match=r"Cannot restore from bad\.db"):
        workspace.restore(bad)
    with pytest.raises(BadInputError, match="no backup file"):
        workspace.restore(tmp_path / "missing.db")
    assert file_hash(workspace.paths.database) == before
