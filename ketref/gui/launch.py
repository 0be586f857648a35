"""Start the Qt application: paint the window first, then open the library off the GUI thread."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ketref.gui.data_actions import DataActions, install_data_actions
from ketref.gui.dialogs import install_excepthook
from ketref.gui.main_window import MainWindow
from ketref.gui.qt_settings import keep_qt_settings_in
from ketref.gui.tasks import BackgroundTask
from ketref.gui.ui_state import UiState
from ketref.services.workspace import Workspace

log = logging.getLogger(__name__)


def headless_without_platform() -> bool:
    """True on Linux with no X11/Wayland display and no Qt platform chosen explicitly."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("ketref")
    app.setOrganizationName("ketref")
    return app


def build_window(workspace: Workspace) -> MainWindow:
    """The main window with its saved layout and data actions, not yet attached to a library."""
    keep_qt_settings_in(workspace.paths.config / "qt")
    ui_state = UiState(workspace.paths.config / "ui.ini")
    window = MainWindow(ui_state, data_dir=str(workspace.paths.data))
    install_data_actions(window, workspace)
    return window


def open_in_background(workspace: Workspace, window: MainWindow) -> BackgroundTask:
    """Open the library after the window is up; the window attaches it when it arrives.

    The daily backup runs on the same worker thread; a refused library shows the recovery
    dialog instead (never an empty library in its place).
    """
    actions = getattr(window, "data_actions", None)
    if not isinstance(actions, DataActions):
        actions = install_data_actions(window, workspace)
    return actions.session.open(daily_backup=True)


def run_gui(workspace: Workspace, log_file: Path | None = None) -> int:
    """Open the main window; a refused database gets one clear dialog and exit code 2."""
    if headless_without_platform():
        # Qt would abort the process here; say why instead (tests and screenshots set offscreen).
        print(
            "ketref: no display found, so the window cannot open. Run it in a desktop session, "
            "or use the command line (ketref --help).",
            file=sys.stderr,
        )
        return 2
    app = application()
    install_excepthook(log_file)
    window = build_window(workspace)
    window.show()
    actions = window.data_actions  # type: ignore[attr-defined]
    open_in_background(workspace, window)
    code = app.exec()
    actions.tasks.wait_all(10000)
    if window.services is not None:
        window.services.close()
        return code
    return code or 2
