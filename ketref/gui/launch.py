"""Start the Qt application: paint the window first, then open the library off the GUI thread."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication

from ketref.domain.errors import KetrefError
from ketref.gui.dialogs import install_excepthook
from ketref.gui.main_window import MainWindow
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
    """The main window with its saved layout, not yet attached to a library."""
    ui_state = UiState(workspace.paths.config / "ui.ini")
    return MainWindow(ui_state, data_dir=str(workspace.paths.data))


class LibraryOpener(QObject):
    """Opens (creates, migrates, loads) the library on a worker thread."""

    opened = Signal(object)
    refused = Signal(str)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self._workspace = workspace

    @Slot()
    def run(self) -> None:
        try:
            services = self._workspace.open()
        except KetrefError as exc:
            log.warning("library refused: %s", exc.__class__.__name__)
            self.refused.emit(str(exc))
            return
        except Exception:
            log.exception("library failed to open")
            self.refused.emit("An unexpected error stopped the library from opening.")
            return
        self.opened.emit(services)


def open_in_background(workspace: Workspace, window: MainWindow) -> QThread:
    """Open the library after the window is up; the window attaches it when it arrives.

    The signals are connected to the window's own slots, so Qt delivers them on the GUI thread.
    """
    thread = QThread(window)
    opener = LibraryOpener(workspace)
    opener.moveToThread(thread)
    thread.started.connect(opener.run)
    opener.opened.connect(window.attach)
    opener.refused.connect(window.refuse)
    opener.opened.connect(thread.quit)
    opener.refused.connect(thread.quit)
    thread.finished.connect(opener.deleteLater)
    thread.start()
    window.opener = opener  # type: ignore[attr-defined]  # keep it alive with the window
    return thread


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
    thread = open_in_background(workspace, window)
    code = app.exec()
    thread.wait(10000)
    if window.services is not None:
        window.services.close()
        return code
    return code or 2
