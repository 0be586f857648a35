"""Start the Qt application on an opened workspace."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from ketref.domain.errors import KetrefError
from ketref.gui.main_window import MainWindow
from ketref.services.workspace import Workspace

log = logging.getLogger(__name__)


def headless_without_platform() -> bool:
    """True on Linux with no X11/Wayland display and no Qt platform chosen explicitly."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(workspace: Workspace) -> int:
    """Open the main window; a refused database gets one clear dialog and exit code 2."""
    if headless_without_platform():
        # Qt would abort the process here; say why instead (tests and screenshots set offscreen).
        print(
            "ketref: no display found, so the window cannot open. Run it in a desktop session, "
            "or use the command line (ketref --help).",
            file=sys.stderr,
        )
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ketref")
    app.setOrganizationName("ketref")
    try:
        services = workspace.open()
    except KetrefError as exc:
        log.warning("database refused: %s", exc.__class__.__name__)
        QMessageBox.critical(None, "ketref cannot open its library", str(exc))
        return exc.exit_code
    window = MainWindow(services.catalogue)
    window.show()
    try:
        return app.exec()
    finally:
        services.close()
