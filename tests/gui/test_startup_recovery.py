"""Start-up with the data-safety half: daily backup, its warnings, and the recovery dialog."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from ketref.db.backup import BackupError
from ketref.domain.errors import DatabaseBusyError
from ketref.gui.notice_bar import Level
from ketref.paths import AppPaths
from ketref.services.backups import BackupStore
from ketref.services.workspace import Workspace
from tests.conftest import FIXED_NOW, SHIPPED_CONTENT, file_hash, logical_snapshot
from tests.gui.conftest import finish_window, start_window

pytestmark = pytest.mark.gui

WHEN = "2026-11-21 09:30 UTC"


def _damaged_with_backup(ws: Workspace) -> tuple[Path, str]:
    """Take the daily backup, then cut the library in half; returns (backup, damaged hash)."""
    services = ws.open()
    daily = services.maintenance.backup_on_start()
    services.close()
    assert daily.made is not None
    database = ws.paths.database
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 2])
    return daily.made.path, file_hash(database)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_start_takes_the_daily_backup_without_a_notice(qtbot, shipped_workspace) -> None:
    window = start_window(qtbot, shipped_workspace)
    assert window.services is None  # painted first; the library arrives later
    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        backups = shipped_workspace.list_backups()
        assert [b.kind.value for b in backups] == ["daily"]
        assert not window.data_actions.notices.isVisible()
        assert window.data_actions.import_action.isEnabled()
    finally:
        finish_window(window)


def test_a_failed_daily_backup_is_shown_in_the_notice_bar(
    qtbot, shipped_workspace, monkeypatch
) -> None:
    def full_disk(*_args, **_kwargs):
        raise BackupError("Could not write the backup: the disk is full.")

    monkeypatch.setattr(BackupStore, "make", full_disk)
    window = start_window(qtbot, shipped_workspace)
    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        notices = window.data_actions.notices
        assert notices.isVisible()
        assert notices.level is Level.WARNING
        assert "automatic backup failed" in notices.label.text()
        assert "the disk is full" in notices.label.text()
        assert window.search.isEnabled()  # the library is open all the same
        notices.backups_button.click()
        dialog = window.data_actions.backups_dialog
        assert dialog is not None and dialog.isVisible()
        qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
        dialog.close()
        notices.dismiss_button.click()
        assert not notices.isVisible()
    finally:
        finish_window(window)


def test_overdue_backups_are_an_alert(qtbot, shipped_workspace, monkeypatch) -> None:
    since = FIXED_NOW - timedelta(days=5)
    state = shipped_workspace.paths.config / "backup-state.json"
    state.write_text(
        json.dumps({str(shipped_workspace.paths.database): {"failing_since": since.isoformat()}})
    )

    def read_only(*_args, **_kwargs):
        raise BackupError("Could not write the backup: the disk is read-only.")

    monkeypatch.setattr(BackupStore, "make", read_only)
    window = start_window(qtbot, shipped_workspace)
    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        notices = window.data_actions.notices
        assert notices.level is Level.ALERT
        assert "failing since 2026-11-16 (5 days)" in notices.label.text()
        assert "font-weight: 600" in notices.label.styleSheet()
        notices.notify("Exported 3 item(s).", Level.INFO)  # milder news never hides it
        assert "failing since" in notices.label.text()
    finally:
        finish_window(window)


def test_damaged_library_is_recovered_from_the_newest_backup(qtbot, shipped_workspace) -> None:
    backup, damaged = _damaged_with_backup(shipped_workspace)
    expected = logical_snapshot(backup)
    window = start_window(qtbot, shipped_workspace)
    try:
        session = window.data_actions.session
        qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=10000)
        dialog = session.recovery_dialog
        text = dialog.text.text()
        assert "The library file is damaged" in text
        assert f"newest verified backup is from <b>{WHEN}</b>" in text
        assert "never deleted or overwritten" in text
        assert dialog.restore_button is not None
        assert dialog.restore_button.text() == f"Restore the backup from {WHEN}"
        assert window.services is None
        assert file_hash(shipped_workspace.paths.database) == damaged  # nothing happened yet

        dialog.restore_button.click()
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        database = shipped_workspace.paths.database
        kept = list(database.parent.glob("ketref.db.damaged-*"))
        assert [file_hash(p) for p in kept if not p.name.endswith(("-wal", "-shm"))] == [damaged]
        assert window.search.isEnabled()
        assert window.browser.proxy.rowCount() == 12
        notices = window.data_actions.notices
        assert f"restored from the backup of {WHEN}" in notices.label.text()
        assert "damaged file was kept" in notices.label.text()
        assert session.recovery_dialog is None  # closed (and deleted) once restored
        assert window.isVisible()
    finally:
        finish_window(window)
    assert logical_snapshot(shipped_workspace.paths.database) == expected


def test_a_failed_recovery_says_why_and_offers_the_choice_again(qtbot, shipped_workspace) -> None:
    backup, damaged = _damaged_with_backup(shipped_workspace)
    window = start_window(qtbot, shipped_workspace)
    try:
        session = window.data_actions.session
        qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=10000)
        backup.unlink()  # gone between the diagnosis and the click
        dialog = session.recovery_dialog
        dialog.restore_button.click()
        qtbot.waitUntil(dialog.quit_button.isEnabled, timeout=10000)
        assert "The backup was not restored" in dialog.status.text()
        assert dialog.isVisible()
        assert window.services is None
        assert file_hash(shipped_workspace.paths.database) == damaged
    finally:
        finish_window(window)


def test_damaged_library_without_backup_offers_quit_only(qtbot, shipped_workspace) -> None:
    database = shipped_workspace.paths.database
    database.write_bytes(database.read_bytes()[:8192])
    before = file_hash(database)
    window = start_window(qtbot, shipped_workspace)
    try:
        session = window.data_actions.session
        qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=10000)
        dialog = session.recovery_dialog
        assert dialog.restore_button is None
        assert "No verified backup was found" in dialog.text.text()
        assert "did not create an empty library" in dialog.text.text()
        dialog.quit_button.click()
        assert not window.isVisible()
    finally:
        finish_window(window)
    assert file_hash(database) == before
    assert set(_files(database.parent)) <= {"ketref.db", "ketref.db-wal", "ketref.db-shm"}


def _foreign(tmp_path: Path) -> Path:
    foreign = tmp_path / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    return foreign


def test_another_programs_file_is_explained_and_never_offered_for_recovery(qtbot, tmp_path) -> None:
    from ketref.db.engine import DatabaseTarget

    foreign = _foreign(tmp_path)
    before = file_hash(foreign)
    ws = Workspace(
        AppPaths.resolve(tmp_path / "home"), DatabaseTarget.parse(foreign), SHIPPED_CONTENT
    )
    window = start_window(qtbot, ws)
    try:
        session = window.data_actions.session
        qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=10000)
        dialog = session.recovery_dialog
        assert dialog.restore_button is None
        assert "belongs to another program" in dialog.text.text()
        assert "never moves or changes another program's file" in dialog.text.text()
        dialog.reject()  # Escape means Quit as well
        assert not window.isVisible()
    finally:
        finish_window(window)
    assert file_hash(foreign) == before
    assert _files(tmp_path) == ["home", "notes.db"]


def test_a_library_from_a_newer_ketref_asks_for_an_update(qtbot, shipped_workspace) -> None:
    conn = sqlite3.connect(shipped_workspace.paths.database)
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    before = file_hash(shipped_workspace.paths.database)
    window = start_window(qtbot, shipped_workspace)
    try:
        session = window.data_actions.session
        qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=10000)
        dialog = session.recovery_dialog
        assert dialog.restore_button is None
        assert "newer version of ketref" in dialog.text.text()
        assert "install the newer version" in dialog.text.text()
    finally:
        finish_window(window)
    assert file_hash(shipped_workspace.paths.database) == before
    assert not list(shipped_workspace.paths.backups.iterdir())


def test_a_busy_library_at_start_offers_retry(qtbot, shipped_workspace, monkeypatch) -> None:
    real_open = shipped_workspace.open
    attempts: list[int] = []

    def busy_once(**kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise DatabaseBusyError("The database is busy: another ketref window is saving.")
        return real_open(**kwargs)

    monkeypatch.setattr(shipped_workspace, "open", busy_once)
    from ketref.gui.launch import build_window, open_in_background

    window = build_window(shipped_workspace)
    asked: list[str] = []
    prompts = window.data_actions.prompts
    monkeypatch.setattr(prompts, "ask_retry", lambda _title, text: asked.append(text) or True)
    window.show()
    open_in_background(shipped_workspace, window)
    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        assert asked == ["The database is busy: another ketref window is saving."]
        assert len(attempts) == 2
    finally:
        finish_window(window)
