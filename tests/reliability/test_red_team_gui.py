"""Red-team findings in the window (RELIABILITY.md RT-08): the folder a PDF was saved to stays
inside the ketref home, owner-only, and "Forget recent folders" removes it; Qt's own file-dialog
history is never kept."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from ketref.gui import dialogs
from ketref.gui.launch import build_window
from ketref.gui.qt_settings import QT_ORGANISATION
from tests.conftest import SHIPPED_CONTENT, make_workspace

pytestmark = pytest.mark.gui

PATIENT_FOLDER = "Nguyen Van A - ketamine"


def _cancel_the_dialog_soon() -> None:
    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, cancel)
            return
        dialog.reject()

    QTimer.singleShot(50, cancel)


def _files_mentioning(root: Path, text: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def test_rt08_file_dialog_history_stays_inside_the_home_and_is_forgotten(
    qtbot, tmp_path: Path
) -> None:
    """RT-08, as reported: Qt's file dialog wrote the folder of a saved PDF (named after a
    patient) to QtProject.conf (0644) outside the ketref home. Now Qt's settings live in the
    home, its dialog history is cleared after every dialog, ketref's own last folder is in
    ui.ini (0600), and "Forget recent folders" clears that too."""
    real_qt_conf = Path(QSettings(QSettings.Scope.UserScope, QT_ORGANISATION).fileName())
    before = real_qt_conf.stat().st_mtime_ns if real_qt_conf.exists() else None
    workspace = make_workspace(tmp_path / "home", SHIPPED_CONTENT)
    window = build_window(workspace)
    qtbot.addWidget(window)
    patient_folder = tmp_path / "outside" / PATIENT_FOLDER
    patient_folder.mkdir(parents=True)

    qt_conf = Path(QSettings(QSettings.Scope.UserScope, QT_ORGANISATION).fileName())
    assert qt_conf.is_relative_to(workspace.paths.config)
    _cancel_the_dialog_soon()
    assert dialogs.ask_save_pdf(window, "Save", patient_folder / "summary.pdf") is None
    assert _files_mentioning(tmp_path / "home", PATIENT_FOLDER) == []

    window.ui_state.remember_folder(patient_folder)
    ui_ini = workspace.paths.config / "ui.ini"
    assert stat.S_IMODE(ui_ini.stat().st_mode) == 0o600
    assert window.ui_state.last_folder() == patient_folder
    assert _files_mentioning(tmp_path / "home", PATIENT_FOLDER) == [ui_ini]

    window.forget_recent_folders()
    assert _files_mentioning(tmp_path / "home", PATIENT_FOLDER) == []
    assert window.ui_state.last_folder() == Path.home()
    after = real_qt_conf.stat().st_mtime_ns if real_qt_conf.exists() else None
    assert after == before  # nothing written to the user's own Qt settings
    assert stat.S_IMODE(workspace.paths.config.stat().st_mode) == 0o700
