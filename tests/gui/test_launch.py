"""Start-up, the refused-library path, the exception hook and the screenshot command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage

from ketref.app import main
from ketref.gui import dialogs
from ketref.gui.launch import build_window, open_in_background, run_gui
from ketref.gui.responsiveness import SWITCH_INTERVAL_S
from tests.conftest import SHIPPED_CONTENT, make_workspace

pytestmark = pytest.mark.gui


def test_window_paints_before_the_library_opens(qtbot, workspace) -> None:
    window = build_window(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.services is None
    assert "Opening the library" in window.browser.detail.toPlainText()
    assert not window.search.isEnabled()
    task = open_in_background(workspace, window)
    qtbot.waitUntil(lambda: window.services is not None, timeout=10000)
    task.shutdown(5000)
    assert window.search.isEnabled()
    assert window.browser.proxy.rowCount() > 0
    window.close()
    window.services.close()


def test_a_refused_library_is_explained_and_left_alone(qtbot, workspace, monkeypatch) -> None:
    """Not a database and no backup: the recovery dialog explains and offers Quit only."""
    workspace.paths.ensure()
    workspace.paths.database.write_text('{"not": "a database"}')
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, text: shown.append(text))
    window = build_window(workspace)
    qtbot.addWidget(window)
    window.show()
    session = window.data_actions.session
    open_in_background(workspace, window)
    qtbot.waitUntil(lambda: session.recovery_dialog is not None, timeout=10000)
    assert session.recovery_dialog.restore_button is None
    assert window.services is None
    assert "could not be opened" in window.browser.detail.toPlainText()
    assert workspace.paths.database.read_text() == '{"not": "a database"}'
    assert not shown
    session.recovery_dialog.quit_button.click()
    assert not window.isVisible()


def test_exception_hook_logs_and_shows_without_the_message(monkeypatch, caplog, tmp_path) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    dialogs.install_excepthook(tmp_path / "ketref.log")
    try:
        raise ValueError("Nguyễn Thị Ánh typed this")
    except ValueError:
        with caplog.at_level(logging.ERROR):
            sys.excepthook(*sys.exc_info())
    assert shown and "ValueError" in shown[0] and "ketref.log" in shown[0]
    assert "Nguyễn" not in shown[0]
    assert "ValueError" in caplog.text and "Nguyễn" not in caplog.text


def test_no_display_gets_one_clear_message(monkeypatch, capsys, workspace) -> None:
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert run_gui(workspace.paths, lambda: workspace) == 2
    assert "no display found" in capsys.readouterr().err
    assert not workspace.paths.database.exists()  # nothing was opened or created


def test_screenshot_command_renders_a_page(shipped_home: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("ketref.app.resources_dir", lambda: SHIPPED_CONTENT.parent)
    out = tmp_path / "shot.png"
    code = main(
        [
            "--home",
            str(shipped_home),
            "screenshot",
            "--page",
            "contraindications",
            "--select",
            "pregnancy",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert out.stat().st_size > 30_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--page", "indications", "--select", "no-such-item"], "no indication called"),
        (["--page", "screening", "--select", "x"], "only on item pages"),
    ],
)
def test_screenshot_bad_selection_is_one_line(
    shipped_home, tmp_path, capsys, args, message
) -> None:
    code = main(["--home", str(shipped_home), "screenshot", *args, "-o", str(tmp_path / "x.png")])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_screenshot_unwritable_folder(shipped_home, tmp_path, capsys) -> None:
    out = tmp_path / "missing" / "x.png"
    assert (
        main(["--home", str(shipped_home), "screenshot", "--page", "references", "-o", str(out)])
        == 2
    )
    assert "the folder does not exist" in capsys.readouterr().err


def test_workspace_helper_is_the_shipped_one(shipped_home) -> None:
    assert make_workspace(shipped_home, SHIPPED_CONTENT).content_dir == SHIPPED_CONTENT


def test_a_database_ketref_refuses_is_explained_in_the_window(monkeypatch, tmp_path, qapp) -> None:
    """The window paints first, so a bad --db is refused there: one message, exit code 2."""
    shown: list[str] = []

    def show_error(parent, _title: str, text: str) -> None:
        shown.append(text)
        parent.close()  # the clinician closes the window

    monkeypatch.setattr(dialogs, "show_error", show_error)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    intervals: list[float] = []
    monkeypatch.setattr(sys, "setswitchinterval", intervals.append)  # the suite's stays as is
    QTimer.singleShot(20_000, qapp.quit)  # never hang the suite
    assert main(["--home", str(tmp_path / "home"), "--db", "sqlite://"]) == 2
    assert len(shown) == 1 and "in-memory" in shown[0]
    assert intervals == [SWITCH_INTERVAL_S]  # the GUI thread waits at most 1 ms for the search
