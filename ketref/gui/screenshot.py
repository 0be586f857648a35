"""``ketref screenshot``: render one page of the real window offscreen to a PNG."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEventLoop,
    QIODevice,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from ketref.domain.enums import ItemKind
from ketref.domain.errors import BadInputError
from ketref.gui.history import Place
from ketref.gui.launch import application
from ketref.gui.main_window import PAGES, MainWindow
from ketref.gui.ui_state import UiState
from ketref.services.files import write_atomic
from ketref.services.workspace import Services, Workspace

SIZE = (1280, 800)
PAINT_MS = 300
"""The preview paints its pages on its own thread after the document loads: let it finish."""
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints()"


def render_window(
    window: MainWindow, page: str, select: str | None, search: str | None = None
) -> bytes:
    """Show ``page`` (item ``select`` on it, or results for ``search``); return PNG bytes."""
    if page not in PAGES:
        raise BadInputError(f"unknown page {page!r}; choose one of: {', '.join(PAGES)}")
    window.show_page(page)
    if select:
        try:
            kind = ItemKind(page)
        except ValueError:
            raise BadInputError(f"--select works only on item pages, not {page!r}") from None
        items = window.services.catalogue.list_items(kind) if window.services else []
        if select not in {i.slug for i in items}:
            raise BadInputError(f"no {kind.singular.lower()} called {select!r} was found")
        window.open_place(Place(kind, select))
    if search:
        _show_search(window, search)
    if page == ItemKind.HANDOUT.value:
        _wait_for_preview(window)
    for _ in range(3):
        QApplication.processEvents()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    window.grab().save(buffer, "PNG")
    return bytes(data.data())


def _show_search(window: MainWindow, text: str) -> None:
    loop = QEventLoop()
    window.results_shown.connect(loop.quit)
    QTimer.singleShot(10_000, loop.quit)  # never hang a screenshot on a stuck search
    window.search.setText(text)
    loop.exec()
    first = window.search_controller.model.first_hit_index()
    if first.isValid():
        window.search_controller.view.setCurrentIndex(first)


def _wait_for_preview(window: MainWindow) -> None:
    """Let the handout preview render (it runs on a worker thread), for at most 10 s."""
    handouts = window.handouts_page
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if handouts is None or not handouts.is_updating():
            break
        time.sleep(0.01)
    painted = time.monotonic() + PAINT_MS / 1000
    while time.monotonic() < painted:  # else the grab can catch blank pages
        QApplication.processEvents()
        time.sleep(0.01)


def _quiet_offscreen_noise() -> None:
    """Drop the one warning the offscreen platform prints for every window shown.

    Qt's base QPlatformWindow warns that the plugin "does not support propagateSizeHints()"
    whenever a window's size limits are passed on; offscreen has no window manager to pass them
    to, so nothing is lost. Every other message goes to the terminal as before.
    """

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message != OFFSCREEN_NOISE:
            print(qFormatLogMessage(mode, context, message), file=sys.stderr)

    qInstallMessageHandler(handler)


def run_screenshot(
    workspace: Workspace, page: str, select: str | None, out: Path, search: str | None = None
) -> Path:
    """Open the library, render the page at a realistic size and write the PNG atomically.

    Always offscreen (it needs no display, and shows nothing): Qt would otherwise abort on a
    machine without one.
    """
    if QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _quiet_offscreen_noise()
    application()
    services: Services = workspace.open()
    try:
        with tempfile.TemporaryDirectory(prefix="ketref-shot-") as state_dir:
            window = MainWindow(UiState(Path(state_dir) / "ui.ini"))
            window.resize(*SIZE)
            window.show()
            try:
                window.attach(services)
                png = render_window(window, page, select, search)
            finally:
                window.close()
        return write_atomic(out, png, mode=0o644)
    finally:
        services.close()
