"""Start the Qt application: paint the window first, then load and open the library.

Before the first frame only Qt, the window's own modules and the first-list snapshot are
loaded (``tests/gui/test_first_paint.py`` pins the list). Right after it, the database layer,
the content models and the services are imported on a worker thread, the data actions are
installed and the library opens (with the daily backup) on another one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ketref.gui.background import BackgroundRunner, user_message
from ketref.gui.dialogs import install_excepthook
from ketref.gui.first_list import FirstList
from ketref.gui.main_window import MainWindow
from ketref.gui.qt_settings import keep_qt_settings_in
from ketref.gui.responsiveness import share_interpreter_fairly
from ketref.gui.ui_state import UiState
from ketref.paths import AppPaths

if TYPE_CHECKING:
    from ketref.gui.data_actions import DataActions
    from ketref.services.workspace import Workspace

log = logging.getLogger(__name__)

FIRST_LIST_FILE = "first-list.json"
"""Beside the default database, in the data folder."""


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


def new_window(paths: AppPaths, database: str) -> MainWindow:
    """The window with its saved layout and the first list of ``database``, no library yet."""
    keep_qt_settings_in(paths.config / "qt")  # before the first file dialog
    first_list = FirstList(paths.data / FIRST_LIST_FILE, database)
    ui_state = UiState(paths.config / "ui.ini")
    return MainWindow(ui_state, data_dir=str(paths.data), first_list=first_list)


def install_data_actions(window: MainWindow, workspace: Workspace) -> DataActions:
    """Menus, notices and the library session of ``workspace`` (loads the services' GUI)."""
    from ketref.gui.data_actions import install_data_actions as install

    return install(window, workspace)


def build_window(workspace: Workspace) -> MainWindow:
    """The main window with its saved layout and data actions, not yet attached to a library."""
    target = workspace.target
    window = new_window(workspace.paths, str(target.path or target.url))
    install_data_actions(window, workspace)
    return window


def open_in_background(workspace: Workspace, window: MainWindow) -> BackgroundRunner:
    """Open the library after the window is up; the window attaches it when it arrives.

    The daily backup runs on the same worker thread; a refused library shows the recovery
    dialog instead (never an empty library in its place).
    """
    actions: DataActions | None = getattr(window, "data_actions", None)
    if actions is None:
        actions = install_data_actions(window, workspace)
    return actions.session.open(daily_backup=True)


class _AfterFirstPaint(QObject):
    """Runs ``then`` once, just after the first widget of ``window`` has been painted."""

    def __init__(self, window: MainWindow, then: Callable[[], object]) -> None:
        super().__init__(window)
        self._window = window
        self._then = then
        self._app = application()
        self._app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self._window
        ):
            self._app.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after the rest of this frame
        return False


def start_after_paint(
    window: MainWindow, make_workspace: Callable[[], Workspace]
) -> BackgroundRunner:
    """After the first frame: build the workspace off the GUI thread, then open the library.

    Returns the loader, to be shut down when the application ends.
    """

    def opened(workspace: Workspace) -> None:
        loader.shutdown()
        open_in_background(workspace, window)

    def failed(exc: BaseException) -> None:
        loader.shutdown()
        window.refuse(user_message(exc))

    loader = BackgroundRunner(
        lambda _request, _progress: make_workspace(), "load", window, latest_only=False
    )
    loader.succeeded.connect(opened)
    loader.failed.connect(failed)
    _AfterFirstPaint(window, loader.submit)
    return loader


def run_gui(
    paths: AppPaths,
    make_workspace: Callable[[], Workspace],
    database: str | None = None,
    log_file: Path | None = None,
) -> int:
    """Open the main window; a refused database gets one clear dialog and exit code 2.

    ``database`` is the database as the user named it (None: the default one); it keys the
    first-list snapshot. ``make_workspace`` runs on a worker thread after the first paint.
    """
    if headless_without_platform():
        # Qt would abort the process here; say why instead (tests and screenshots set offscreen).
        print(
            "ketref: no display found, so the window cannot open. Run it in a desktop session, "
            "or use the command line (ketref --help).",
            file=sys.stderr,
        )
        return 2
    app = application()
    share_interpreter_fairly()  # the search thread never holds the GUI thread up for long
    install_excepthook(log_file)
    window = new_window(paths, database or str(paths.database))
    loader = start_after_paint(window, make_workspace)
    window.show()
    code = app.exec()
    loader.shutdown()  # closed while the library was still loading
    actions: DataActions | None = getattr(window, "data_actions", None)
    if actions is not None:
        actions.tasks.wait_all(10000)
    if window.services is not None:
        window.services.close()
        return code
    return code or 2


def end_process(code: int) -> NoReturn:
    """End the process once the window has closed, everything is saved and the library closed.

    Python's own teardown of what the window held (Qt wrappers, the loaded content, the ORM's
    mappers) took 0.9–1.5 s under X11 after the window had gone, so quitting felt stuck. It
    writes nothing (ui.ini is synced on close, the database closed, no thread left running),
    so it is skipped: logs and the terminal are flushed, then the process exits.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
