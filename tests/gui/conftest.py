"""A real main window over the shipped content, with its UI state in the test's folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ketref.gui.launch import build_window, open_in_background
from ketref.gui.main_window import MainWindow
from ketref.gui.ui_state import UiState
from ketref.services.workspace import Services, Workspace
from tests.conftest import SHIPPED_CONTENT, make_workspace

WindowFactory = Callable[[], MainWindow]


@pytest.fixture
def ui_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "ui.ini"


@pytest.fixture
def make_window(qtbot, shipped_services: Services, ui_path: Path) -> Iterator[WindowFactory]:
    """Open windows on one library and one settings file (a second call is a "restart")."""
    opened: list[MainWindow] = []

    def make() -> MainWindow:
        win = MainWindow(UiState(ui_path))
        win.show()
        qtbot.waitExposed(win)
        win.windowHandle().requestActivate()  # offscreen: activateWindow() alone is not enough
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
        win.attach(shipped_services)
        opened.append(win)
        return win

    yield make
    for win in opened:
        win.close()


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()


def search(qtbot, window: MainWindow, text: str) -> None:
    """Type ``text`` into the search field and wait until its results are on screen."""
    window.search.setFocus()
    with qtbot.waitSignal(window.results_shown, timeout=5000):
        qtbot.keyClicks(window.search, text)
    qtbot.waitUntil(lambda: not window.search_controller.runner.busy, timeout=5000)


@pytest.fixture
def shipped_workspace(shipped_home: Path) -> Workspace:
    return make_workspace(shipped_home, SHIPPED_CONTENT)


def start_window(qtbot, workspace: Workspace) -> MainWindow:
    """The real start-up: window first, then the library (and daily backup) off the GUI thread."""
    win = build_window(workspace)
    win.show()
    qtbot.waitExposed(win)
    open_in_background(workspace, win)
    return win


def finish_window(win: MainWindow) -> None:
    win.close()
    win.data_actions.tasks.wait_all()
    if win.services is not None:
        win.services.close()


@pytest.fixture
def data_window(qtbot, shipped_workspace: Workspace) -> Iterator[MainWindow]:
    """A window started like the app (with its data actions) on a copy of the shipped library."""
    win = start_window(qtbot, shipped_workspace)
    qtbot.waitUntil(lambda: win.services is not None, timeout=10000)
    yield win
    finish_window(win)
