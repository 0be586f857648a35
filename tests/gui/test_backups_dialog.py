"""Tools → Backups…: the list, Back up now, and a restore that re-attaches the window."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QGroupBox

from ketref.db.backup import BackupError
from ketref.domain.backups import BackupInfo, BackupKind
from ketref.domain.enums import ItemKind
from ketref.domain.errors import DatabaseBusyError, StorageFullError
from ketref.domain.field_words import local_and_utc
from ketref.domain.thresholds import BloodPressure, ThresholdSource
from ketref.gui.backups_dialog import BackupsDialog, BackupTableModel, size_text
from tests.conftest import logical_snapshot
from tests.gui.conftest import search

pytestmark = pytest.mark.gui

WHEN = "2026-11-21 09:30 UTC"
EDITED = "Edited after the backup."


def _open(qtbot, window) -> BackupsDialog:
    dialog = window.data_actions.show_backups()
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    return dialog


def _when(day: int) -> str:
    return local_and_utc(datetime(2026, 11, day, 9, 30, tzinfo=UTC))


def _rows(dialog: BackupsDialog) -> list[list[str]]:
    model = dialog.model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _first_indication(window) -> str:
    return window.services.catalogue.list_items(ItemKind.INDICATION)[0].slug


def _running_search_threads(window) -> int:
    return sum(
        1
        for t in window.findChildren(QThread)
        if t.objectName() == "ketref-search" and t.isRunning()
    )


def test_backup_model_is_a_well_behaved_table(qtmodeltester, tmp_path: Path) -> None:
    def info(day: int, kind: BackupKind, verified: bool | None) -> BackupInfo:
        taken = datetime(2026, 11, day, 9, 30, tzinfo=UTC)
        return BackupInfo(tmp_path / f"b{day}.db", kind, taken, 2_500_000, verified)

    model = BackupTableModel()
    model.set_backups(
        [
            info(19, BackupKind.MANUAL, None),
            info(21, BackupKind.DAILY, True),
            info(20, BackupKind.BEFORE_IMPORT, False),
        ]
    )
    qtmodeltester.check(model, force_py=True)
    assert [model.index(r, 0).data() for r in range(3)] == [
        _when(21),
        _when(20),
        _when(19),
    ]
    assert [model.index(r, 3).data() for r in range(3)] == [
        "✔ verified",
        "✘ fails the check",
        "not checked",
    ]
    assert model.index(1, 1).data() == "before a content pack import"
    assert model.index(0, 2).data() == "2.4 MB"
    assert size_text(300) == "1 KB"


def test_lists_backups_newest_first_with_their_check(qtbot, data_window) -> None:
    backups = data_window.data_actions.session.workspace.paths.backups
    (backups / "ketref-20261120-093000.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    dialog = _open(qtbot, data_window)
    assert _rows(dialog)[0][:2] == [
        _when(21),
        "daily, at start",
    ]
    assert _rows(dialog)[0][3] == "✔ verified"
    assert _rows(dialog)[1] == [_when(20), "made by hand", "1 KB", "✘ fails the check"]
    assert "2 backup(s)" in dialog.status.text()
    assert str(backups) in dialog.intro.text()
    dialog.table.selectRow(1)
    assert not dialog.restore_button.isEnabled()  # a backup that fails its check is never offered
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    dialog.close()


def test_back_up_now_adds_a_verified_backup(qtbot, data_window) -> None:
    dialog = _open(qtbot, data_window)
    assert dialog.model.rowCount() == 1
    dialog.backup_button.click()
    assert dialog.working and not dialog.backup_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    assert "Backed up to ketref-20261121-093000.db" in dialog.status.text()
    kinds = [row[1] for row in _rows(dialog)]
    assert sorted(kinds) == ["daily, at start", "made by hand"]
    assert all(row[3] == "✔ verified" for row in _rows(dialog))
    dialog.close()


def test_busy_database_during_backup_offers_retry(qtbot, data_window, monkeypatch) -> None:
    maintenance = data_window.services.maintenance
    real_backup = maintenance.backup
    calls: list[int] = []

    def busy_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseBusyError("The database is busy: another ketref window is saving.")
        return real_backup(*args, **kwargs)

    monkeypatch.setattr(maintenance, "backup", busy_once)
    asked: list[str] = []
    prompts = data_window.data_actions.prompts
    monkeypatch.setattr(prompts, "ask_retry", lambda _t, text: asked.append(text) or True)
    dialog = _open(qtbot, data_window)
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: len(calls) == 2 and not dialog.working, timeout=10000)
    assert asked == ["The database is busy: another ketref window is saving."]
    assert dialog.model.rowCount() == 2
    dialog.close()


def test_full_disk_during_backup_is_one_message(qtbot, data_window, monkeypatch) -> None:
    def full(*_args, **_kwargs):
        raise StorageFullError("The disk is full, so the backup was not made.")

    monkeypatch.setattr(data_window.services.maintenance, "backup", full)
    prompts = data_window.data_actions.prompts
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(prompts, "show_error", lambda title, text: shown.append((title, text)))
    monkeypatch.setattr(prompts, "ask_retry", lambda *_a: pytest.fail("only busy offers retry"))
    dialog = _open(qtbot, data_window)
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    assert shown == [("The backup was not made", "The disk is full, so the backup was not made.")]
    assert dialog.model.rowCount() == 1
    dialog.close()


def test_restore_replaces_the_library_and_reattaches_the_window(
    qtbot, data_window, monkeypatch
) -> None:
    window = data_window
    workspace = window.data_actions.session.workspace
    daily = workspace.list_backups()[0].path
    slug = _first_indication(window)
    window.services.catalogue.edit_item(ItemKind.INDICATION, slug, {"summary": EDITED})
    window.services.screening.save_clinic_thresholds(
        BloodPressure(150, 95), BloodPressure(190, 110)
    )
    old_services = window.services
    forms = len(window.screening_page.form_box.findChildren(QGroupBox))
    asked: list[str] = []
    prompts = window.data_actions.prompts
    monkeypatch.setattr(prompts, "confirm", lambda _t, text, _yes: asked.append(text) or True)

    dialog = _open(qtbot, window)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: window.services not in (None, old_services), timeout=10000)
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)

    assert f"the backup from {WHEN} (daily, at start)" in asked[0]
    assert "kept aside" in asked[0]
    assert "clinic profile" in asked[0] and "blood-pressure thresholds" in asked[0]
    assert logical_snapshot(workspace.paths.database) == logical_snapshot(daily)
    aside = workspace.paths.database.with_name("ketref.db.before-restore-20261121-093000")
    assert logical_snapshot(aside) != logical_snapshot(daily)  # the edited library, kept
    assert window.services.catalogue.get_item(ItemKind.INDICATION, slug).item.summary != EDITED
    assert "Restored" in dialog.status.text()
    # as the confirmation said: the thresholds are the backup's (none set then: the defaults)
    assert window.services.screening.clinic_thresholds().source is ThresholdSource.DEFAULT
    notices = window.data_actions.notices
    assert f"restored from the backup of {WHEN}" in notices.label.text()
    # Re-attached safely: one search thread, one screening form, lists refilled and usable.
    assert _running_search_threads(window) == 1
    assert len(window.screening_page.form_box.findChildren(QGroupBox)) == forms
    assert window.browser.proxy.rowCount() == 12
    assert window.search.isEnabled()
    dialog.close()
    search(qtbot, window, "aneurysm")
    assert window.search_controller.model.rowCount() > 0


def test_restore_cancelled_changes_nothing(qtbot, data_window, monkeypatch) -> None:
    window = data_window
    services = window.services
    before = logical_snapshot(window.data_actions.session.workspace.paths.database)
    monkeypatch.setattr(window.data_actions.prompts, "confirm", lambda *_a: False)
    dialog = _open(qtbot, window)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    assert window.services is services
    assert not dialog.working
    assert logical_snapshot(window.data_actions.session.workspace.paths.database) == before
    dialog.close()


def test_a_failed_restore_says_so_and_reopens_the_same_library(
    qtbot, data_window, monkeypatch
) -> None:
    window = data_window
    session = window.data_actions.session
    slug = _first_indication(window)
    window.services.catalogue.edit_item(ItemKind.INDICATION, slug, {"summary": EDITED})
    old_services = window.services

    def full(_path):
        raise BackupError("Could not restore ketref-daily.db: the disk is full.")

    monkeypatch.setattr(session.workspace, "restore", full)
    prompts = window.data_actions.prompts
    monkeypatch.setattr(prompts, "confirm", lambda *_a: True)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(prompts, "show_error", lambda title, text: shown.append((title, text)))
    dialog = _open(qtbot, window)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: window.services not in (None, old_services), timeout=10000)
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    assert shown == [
        ("The backup was not restored", "Could not restore ketref-daily.db: the disk is full.")
    ]
    assert "not restored" in dialog.status.text()
    assert window.services.catalogue.get_item(ItemKind.INDICATION, slug).item.summary == EDITED
    assert _running_search_threads(window) == 1
    assert not list(session.workspace.paths.database.parent.glob("*before-restore*"))
    dialog.close()


def test_closing_the_window_waits_for_a_running_backup(qtbot, data_window, monkeypatch) -> None:
    maintenance = data_window.services.maintenance
    real_backup = maintenance.backup

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return real_backup(*args, **kwargs)

    monkeypatch.setattr(maintenance, "backup", slow)
    dialog = _open(qtbot, data_window)
    dialog.backup_button.click()
    started = time.monotonic()
    data_window.close()
    assert time.monotonic() - started < 5
    assert not any(t.isRunning() for t in data_window.findChildren(QThread))
    backups = data_window.data_actions.session.workspace.paths.backups
    assert len(list(backups.glob("ketref-2*.db"))) == 1  # finished, not cut off


def test_the_menu_reopens_one_dialog_with_a_fresh_list(qtbot, data_window) -> None:
    actions = data_window.data_actions
    actions.backups_action.trigger()
    dialog = actions.backups_dialog
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    dialog.close()
    data_window.services.maintenance.backup()  # made elsewhere (e.g. the command line)
    actions.backups_action.trigger()
    assert actions.backups_dialog is dialog and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    assert dialog.model.rowCount() == 2
    dialog.close()


def test_a_restore_that_fails_halfway_never_opens_an_empty_library(
    qtbot, data_window, monkeypatch
) -> None:
    """The library was moved aside but the copy could not be put in place: the window stays
    closed and says where the library is, rather than creating an empty one."""
    window = data_window
    session = window.data_actions.session
    database = session.workspace.paths.database
    aside = database.with_name("ketref.db.before-restore-20261121-093000")

    def half_done(_path):
        database.rename(aside)
        raise BackupError(f"Could not restore the backup: the disk is full. Kept as {aside}.")

    monkeypatch.setattr(session.workspace, "restore", half_done)
    prompts = window.data_actions.prompts
    monkeypatch.setattr(prompts, "confirm", lambda *_a: True)
    shown: list[str] = []
    monkeypatch.setattr(prompts, "show_error", lambda _title, text: shown.append(text))
    dialog = _open(qtbot, window)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    qtbot.waitUntil(lambda: not window.data_actions.tasks.busy, timeout=10000)
    assert window.services is None
    assert not database.exists()
    assert str(aside) in shown[0]
    assert "could not be opened" in window.browser.detail.toPlainText()
    assert not window.data_actions.import_action.isEnabled()
    dialog.close()


def test_restore_reattaches_the_handouts_page_once(qtbot, data_window, monkeypatch) -> None:
    window = data_window
    page = window.handouts_page
    handouts, templates = page.handouts.count(), page.template.count()
    page.patient_name.setText("Nguyễn Văn A")
    page.notes.setPlainText("escort: Trần Thị B")
    monkeypatch.setattr(window.data_actions.prompts, "confirm", lambda *_a: True)
    old = window.services
    dialog = _open(qtbot, window)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: window.services not in (None, old), timeout=10000)
    qtbot.waitUntil(lambda: not dialog.working, timeout=10000)
    assert (page.handouts.count(), page.template.count()) == (handouts, templates)
    assert (page.patient_name.text(), page.notes.toPlainText()) == ("", "")  # no name carried
    running = [t for t in window.findChildren(QThread) if t.objectName() == "ketref-preview"]
    assert sum(t.isRunning() for t in running) == 1
    dialog.close()
