"""The first main window: it opens on the real services, lists, searches and shows items."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from ketref.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, shipped_services):
    win = MainWindow(shipped_services.catalogue)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_opens_on_first_kind_with_items(window) -> None:
    assert window.nav.currentItem().text() == "Indications"
    assert window.items.count() == 12
    assert "Reviewed" in window.detail.toPlainText()


def test_typing_searches_and_shows_a_result(window, qtbot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClicks(window.search, "aneurysm")
    qtbot.waitUntil(lambda: "result(s)" in window.status.text(), timeout=3000)
    window.items.setCurrentRow(0)
    assert "Aneurysmal vascular disease" in window.detail.toPlainText()


def test_miss_says_nothing_found(window, qtbot) -> None:
    qtbot.keyClicks(window.search, "grapefruit")
    qtbot.waitUntil(lambda: window.status.text().startswith("Nothing found"), timeout=3000)
    assert window.items.count() == 0
    assert window.detail.toPlainText() == "Nothing found for \u201cgrapefruit\u201d."


def test_content_text_is_escaped_in_the_detail_pane(window) -> None:
    window.nav.setCurrentRow(2)  # side effects
    html = window.detail.toHtml()
    assert "<script" not in html


def test_screenshot_is_a_real_picture(window, tmp_path: Path) -> None:
    window.nav.setCurrentRow(1)
    path = tmp_path / "main.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_no_display_gets_one_clear_message(monkeypatch, capsys, workspace) -> None:
    from ketref.gui.launch import run_gui

    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert run_gui(workspace) == 2
    assert "no display found" in capsys.readouterr().err
    assert not workspace.paths.database.exists()  # nothing was opened or created
