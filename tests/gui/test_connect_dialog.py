"""File → Connect to clinic server…: the dialog against the throwaway PostgreSQL cluster.

Test connection gives the same one-line messages as a start (a wrong password is named, never
shown); Connect remembers everything but the password and reopens the window on the server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from ketref.gui.connect_dialog import ConnectDialog
from ketref.gui.ui_state import SERVER_HOST, SERVER_PORT, UiState
from tests.conftest import SHIPPED_CONTENT

pytestmark = [pytest.mark.gui, pytest.mark.postgres]


@pytest.fixture
def server_library(pg_templates) -> str:
    name = pg_templates.fresh(SHIPPED_CONTENT)
    yield name
    pg_templates.drop(name)


def fill(dialog: ConnectDialog, port: int, database: str, password: str) -> None:
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(port)
    dialog.database.setText(database)
    dialog.user.setText("postgres")
    dialog.sslmode.setCurrentText("disable")
    dialog.password.setText(password)


def outcome_of_test(qtbot, dialog: ConnectDialog) -> str:
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.outcome.text() not in ("", "Connecting…"), timeout=15000)
    return dialog.outcome.text()


def test_test_connection_says_what_is_wrong_then_who_is_connected(
    qtbot, pg_cluster, server_library: str, tmp_path: Path
) -> None:
    dialog = ConnectDialog(UiState(tmp_path / "ui.ini"))
    qtbot.addWidget(dialog)
    fill(dialog, pg_cluster.port, server_library, "wrong-secret")
    text = outcome_of_test(qtbot, dialog)
    assert "refused the password" in text
    assert "wrong-secret" not in text
    fill(dialog, pg_cluster.port, "no_such_library", pg_cluster.password)
    assert "There is no such database" in outcome_of_test(qtbot, dialog)
    fill(dialog, pg_cluster.port, server_library, pg_cluster.password)
    text = outcome_of_test(qtbot, dialog)
    assert text.startswith(f"Connected to {server_library} on 127.0.0.1:{pg_cluster.port}")
    assert "as postgres" in text and "a ketref library" in text
    assert pg_cluster.password not in text
    dialog.host.setText("")
    dialog.test_button.click()
    assert "host name" in dialog.outcome.text()
    dialog.reject()  # ends its worker thread


def test_connect_reopens_the_window_on_the_server_and_forgets_the_password(
    qtbot, data_window, pg_cluster, server_library: str, monkeypatch
) -> None:
    monkeypatch.setattr(QMessageBox, "exec", lambda _self: QMessageBox.StandardButton.Ok)
    win = data_window
    local = win.services
    assert local is not None and local.db.target.path is not None
    dialog = win.data_actions.show_connect()
    fill(dialog, pg_cluster.port, server_library, pg_cluster.password)
    dialog.connect_button.click()
    qtbot.waitUntil(
        lambda: win.services is not None and win.services.db.target.path is None, timeout=20000
    )
    assert str(pg_cluster.port) in win.services.db.target.display
    assert win.services.content.status().counts["indications"] > 0
    assert win.browser.shown is not None  # the first page of the server's library is shown
    assert win._watch.listening  # and other workstations' changes are heard
    again = win.data_actions.show_connect()
    assert again.host.text() == "127.0.0.1"
    assert again.port.value() == pg_cluster.port
    assert again.database.text() == server_library
    assert again.sslmode.currentText() == "disable"
    assert again.password.text() == ""
    assert win.ui_state.get(SERVER_HOST) == "127.0.0.1"
    assert win.ui_state.get(SERVER_PORT) == pg_cluster.port
    home = Path(local.db.target.path).parent.parent  # ui.ini, logs, first list: no password
    assert (home / "config" / "ui.ini").exists()
    for file in home.rglob("*"):
        if file.is_file() and file.suffix in (".ini", ".json", ".log", ""):
            assert pg_cluster.password not in file.read_text(errors="replace"), file
    again.reject()
