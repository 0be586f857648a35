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


def run_gui(workspace: Workspace) -> int:
    """Open the main window; a refused database gets one clear dialog and exit code 2."""
    if not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ) and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
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
