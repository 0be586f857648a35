"""File → Import / Export content pack…: preview, conflicts, the import itself, and export."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QThread

from ketref.db.engine import ConnectionSettings, DatabaseTarget
from ketref.domain.enums import ItemKind
from ketref.domain.packs import Conflict, ConflictReason, ImportReport
from ketref.gui.launch import build_window
from ketref.gui.packs_ui import ExportChoice, ExportDialog, PackPreviewDialog
from ketref.gui.ui_state import PACKS_FOLDER
from ketref.paths import AppPaths
from ketref.services.workspace import Workspace
from tests.conftest import SHIPPED_CONTENT, fixed_clock, logical_snapshot, make_workspace
from tests.gui.conftest import finish_window, start_window

pytestmark = pytest.mark.gui

KIND = ItemKind.CONTRAINDICATION
PACK_SUMMARY = "The clinic's own wording, shared as a pack."
LOCAL_SUMMARY = "Edited here, not yet shared."


@pytest.fixture
def pack(tmp_path: Path, shipped_db_template: Path) -> tuple[Path, str]:
    """A pack exported from another library where one contraindication was edited."""
    home = tmp_path / "other"
    paths = AppPaths.resolve(home)
    paths.ensure()
    shutil.copy2(shipped_db_template, paths.database)
    services = make_workspace(home, SHIPPED_CONTENT).open()
    try:
        slug = services.catalogue.list_items(KIND)[0].slug
        services.catalogue.edit_item(KIND, slug, {"summary": PACK_SUMMARY})
        path = tmp_path / "clinic.yaml"
        services.packs.export(path, title="Clinic edits")
    finally:
        services.close()
    return path, slug


def _importing(window, monkeypatch, path: Path, choice: bool | None) -> list[ImportReport]:
    """Answer the file dialog with ``path`` and the preview with ``choice``; returns previews."""
    actions = window.data_actions
    previews: list[ImportReport] = []
    monkeypatch.setattr(actions.prompts, "open_file", lambda *_a: path)
    monkeypatch.setattr(
        actions.packs, "ask_import", lambda report, _path: previews.append(report) or choice
    )
    return previews


def _wait_idle(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.data_actions.tasks.busy, timeout=10000)


def _summary(window, slug: str) -> str:
    return window.services.catalogue.get_item(KIND, slug).item.summary


def _before_import_backups(window) -> list[Path]:
    folder = window.data_actions.session.workspace.paths.backups
    return sorted(folder.glob("*before-import*"))


def test_menus_hold_the_data_actions_and_wait_for_the_library(qtbot, shipped_workspace) -> None:
    window = build_window(shipped_workspace)
    qtbot.addWidget(window)
    file_items = [a.text() for a in window.file_menu.actions()]
    assert file_items[:6] == [
        "New patient",
        "",
        "Connect to clinic server…",
        "Import content pack…",
        "Export content pack…",
        "",
    ]
    assert file_items[-1] == "Quit"
    tools = [a.text() for a in window.tools_menu.actions()]
    assert tools[-2:] == ["Backups…", "Audit trail…"]
    actions = window.data_actions
    assert not actions.import_action.isEnabled()
    assert not actions.audit_action.isEnabled()
    assert actions.backups_action.isEnabled()  # backups can be listed before the library opens


def test_import_is_previewed_then_imported_and_the_lists_refresh(
    qtbot, data_window, monkeypatch, pack
) -> None:
    path, slug = pack
    window = data_window
    window.show_page(KIND.value)
    previews = _importing(window, monkeypatch, path, choice=False)
    window.data_actions.import_action.trigger()
    qtbot.waitUntil(lambda: "Imported" in window.data_actions.notices.label.text(), timeout=10000)
    _wait_idle(qtbot, window)
    (report,) = previews
    assert report.updated == [f"{KIND.value}/{slug}"]
    assert report.conflicts == []
    assert not report.imported  # it was a preview
    assert _summary(window, slug) == PACK_SUMMARY
    assert "1 updated" in window.data_actions.notices.label.text()
    assert len(_before_import_backups(window)) == 1
    # The window shows the change on the page it was on, with one search thread.
    assert window.current_page() == KIND.value
    row = window.browser.items_model.row_of(KIND, slug)
    assert window.browser.items_model.summary(row).locally_edited
    running = [t for t in window.findChildren(QThread) if t.objectName() == "ketref-search"]
    assert sum(t.isRunning() for t in running) == 1


def test_conflicts_are_shown_and_cancelling_changes_nothing(
    qtbot, data_window, monkeypatch, pack
) -> None:
    path, slug = pack
    window = data_window
    window.services.catalogue.edit_item(KIND, slug, {"summary": LOCAL_SUMMARY})
    database = window.data_actions.session.workspace.paths.database
    before = logical_snapshot(database)
    previews = _importing(window, monkeypatch, path, choice=None)
    window.data_actions.import_action.trigger()
    qtbot.waitUntil(lambda: bool(previews), timeout=10000)
    _wait_idle(qtbot, window)
    (conflict,) = previews[0].conflicts
    assert (conflict.slug, conflict.reason) == (slug, ConflictReason.LOCAL_EDIT)
    assert _summary(window, slug) == LOCAL_SUMMARY
    assert logical_snapshot(database) == before
    assert _before_import_backups(window) == []
    assert window.statusBar().currentMessage().startswith("Content ")  # as before the preview


def test_conflicts_are_overwritten_only_when_chosen(qtbot, data_window, monkeypatch, pack) -> None:
    path, slug = pack
    window = data_window
    window.services.catalogue.edit_item(KIND, slug, {"summary": LOCAL_SUMMARY})
    _importing(window, monkeypatch, path, choice=True)
    window.data_actions.import_action.trigger()
    qtbot.waitUntil(lambda: "Imported" in window.data_actions.notices.label.text(), timeout=10000)
    _wait_idle(qtbot, window)
    assert _summary(window, slug) == PACK_SUMMARY
    assert "1 local item(s) replaced" in window.data_actions.notices.label.text()


def test_a_tampered_pack_is_one_message_and_imports_nothing(
    qtbot, data_window, monkeypatch, pack
) -> None:
    path, _slug = pack
    path.write_text(path.read_text().replace(PACK_SUMMARY, "Quietly changed after export."))
    window = data_window
    before = logical_snapshot(window.data_actions.session.workspace.paths.database)
    previews = _importing(window, monkeypatch, path, choice=False)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        window.data_actions.prompts, "show_error", lambda t, text: shown.append((t, text))
    )
    window.data_actions.import_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    _wait_idle(qtbot, window)
    ((title, text),) = shown
    assert title == "This content pack cannot be imported"
    assert text.startswith("clinic.yaml cannot be imported:\n• ")
    assert "checksum does not match" in text
    assert text.endswith("Nothing was imported.")
    assert previews == []
    assert logical_snapshot(window.data_actions.session.workspace.paths.database) == before


def test_a_busy_library_during_import_offers_retry(
    qtbot, shipped_home: Path, monkeypatch, pack
) -> None:
    """Another ketref holds the write lock: "busy, try again" with Retry, then it imports."""
    path, slug = pack
    paths = AppPaths.resolve(shipped_home)
    quick = ConnectionSettings(busy_timeout_ms=50, write_attempts=1, backoff=())
    workspace = Workspace(
        paths, DatabaseTarget.parse(paths.database), SHIPPED_CONTENT, fixed_clock, quick
    )
    window = start_window(qtbot, workspace)
    other = sqlite3.connect(paths.database, isolation_level=None, timeout=0.05)
    try:
        qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
        _importing(window, monkeypatch, path, choice=False)
        asked: list[str] = []

        def retry(_title: str, text: str) -> bool:
            asked.append(text)
            other.execute("ROLLBACK")  # the other writer finishes
            return True

        monkeypatch.setattr(window.data_actions.prompts, "ask_retry", retry)
        other.execute("BEGIN IMMEDIATE")
        window.data_actions.import_action.trigger()
        qtbot.waitUntil(
            lambda: "Imported" in window.data_actions.notices.label.text(), timeout=10000
        )
        _wait_idle(qtbot, window)
        assert len(asked) == 1
        assert "another ketref window or command is saving" in asked[0]
        assert _summary(window, slug) == PACK_SUMMARY
    finally:
        other.close()
        finish_window(window)


def test_export_local_edits_adds_the_suffix_and_says_where(
    qtbot, data_window, monkeypatch, tmp_path
) -> None:
    window = data_window
    slug = window.services.catalogue.list_items(KIND)[0].slug
    window.services.catalogue.edit_item(KIND, slug, {"summary": LOCAL_SUMMARY})
    counts: list[tuple[int, int]] = []
    packs = window.data_actions.packs

    def choose(local: int, total: int) -> ExportChoice:
        counts.append((local, total))
        return ExportChoice(everything=False, title="Clinic edits")

    monkeypatch.setattr(packs, "ask_export", choose)
    monkeypatch.setattr(window.data_actions.prompts, "save_file", lambda *_a: tmp_path / "mine")
    window.data_actions.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported" in window.data_actions.notices.label.text(), timeout=10000)
    _wait_idle(qtbot, window)
    written = tmp_path / "mine.json"
    assert str(written) in window.data_actions.notices.label.text()
    local, total = counts[0]
    assert local == 1 and total > 100
    exported = window.services.packs.read(written)
    assert exported.header.title == "Clinic edits"
    assert [e.item.slug for e in exported.entries] == [slug]
    assert window.ui_state.get(PACKS_FOLDER) == tmp_path


def test_export_everything(qtbot, data_window, monkeypatch, tmp_path) -> None:
    window = data_window
    monkeypatch.setattr(
        window.data_actions.packs, "ask_export", lambda *_a: ExportChoice(True, None)
    )
    monkeypatch.setattr(window.data_actions.prompts, "save_file", lambda *_a: tmp_path / "all.json")
    window.data_actions.export_action.trigger()
    qtbot.waitUntil(lambda: "Exported" in window.data_actions.notices.label.text(), timeout=10000)
    _wait_idle(qtbot, window)
    assert len(window.services.packs.read(tmp_path / "all.json").entries) > 100


def test_export_into_a_missing_folder_is_one_message(
    qtbot, data_window, monkeypatch, tmp_path
) -> None:
    window = data_window
    slug = window.services.catalogue.list_items(KIND)[0].slug
    window.services.catalogue.edit_item(KIND, slug, {"summary": LOCAL_SUMMARY})
    prompts = window.data_actions.prompts
    monkeypatch.setattr(
        window.data_actions.packs, "ask_export", lambda *_a: ExportChoice(False, None)
    )
    monkeypatch.setattr(prompts, "save_file", lambda *_a: tmp_path / "missing" / "p.json")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(prompts, "show_error", lambda title, text: shown.append((title, text)))
    window.data_actions.export_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    _wait_idle(qtbot, window)
    assert shown[0][0] == "The content pack was not exported"
    assert "the folder does not exist" in shown[0][1]
    assert not (tmp_path / "missing").exists()


def _report(**changes) -> ImportReport:
    header = {
        "title": "Clinic edits",
        "exported_by": "drsmith",
        "base_content_version": "2026.11.1",
    }
    return ImportReport(pack="ab" * 32, **header, **changes)


def test_preview_dialog_names_the_conflicts_and_asks(qtbot, tmp_path) -> None:
    conflict = Conflict(KIND.value, "pregnancy", ConflictReason.LOCAL_EDIT, "2026.11.1", "2026.9.1")
    report = _report(added=["side-effects/new-one"], conflicts=[conflict])
    dialog = PackPreviewDialog(report, tmp_path / "clinic.yaml")
    qtbot.addWidget(dialog)
    text = dialog.details.toPlainText()
    assert "Clinic edits" in text and "drsmith" in text
    assert "Would overwrite what is in this library (1)" in text
    assert "Contraindication: pregnancy: edited in this library (here 2026.11.1" in text
    assert "Side effect: new-one" in text
    assert dialog.import_button.text() == "Import, replacing 1 local item(s)"
    dialog.import_button.click()
    assert dialog.choice is True


def test_preview_dialog_without_changes_only_closes(qtbot, tmp_path) -> None:
    dialog = PackPreviewDialog(_report(unchanged=["handouts/x"]), tmp_path / "p.json")
    qtbot.addWidget(dialog)
    assert dialog.import_button is None
    assert "Nothing to import" in dialog.note.text()
    dialog.reject()
    assert dialog.choice is None


def test_export_dialog_offers_local_edits_only_when_there_are_some(qtbot) -> None:
    none = ExportDialog(0, 150)
    qtbot.addWidget(none)
    assert not none.local.isEnabled() and none.everything.isChecked()
    some = ExportDialog(3, 150)
    qtbot.addWidget(some)
    assert some.local.isChecked()
    some.title.setText("  May edits ")
    assert some.choice() == ExportChoice(everything=False, title="May edits")
