"""File → Connect to clinic server…: for clinics that do not edit connection URLs.

Host, port, database, user and SSL mode are remembered in ui.ini; the password is asked each
time and never saved (left empty, libpq reads ~/.pgpass). "Test connection" connects once on
a worker thread and shows the same one-line message a start would give. "Connect" switches the
window to the server's library (the session reopens it, as after a restore).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.errors import KetrefError
from ketref.gui.background import BackgroundRunner, user_message
from ketref.gui.ui_state import (
    SERVER_DATABASE,
    SERVER_HOST,
    SERVER_PORT,
    SERVER_SSLMODE,
    SERVER_USER,
    UiState,
)
from ketref.services.server_connection import SSL_MODES, ServerChoice, check_connection


class ConnectDialog(QDialog):
    connect_requested = Signal(object, str)
    """(ServerChoice, password or "") once the user chose Connect with a valid choice."""

    def __init__(self, ui_state: UiState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to clinic server")
        self.setMinimumWidth(480)
        self._ui_state = ui_state
        self.host = QLineEdit(ui_state.get(SERVER_HOST))
        self.host.setPlaceholderText("e.g. db.clinic.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(ui_state.get(SERVER_PORT))
        self.database = QLineEdit(ui_state.get(SERVER_DATABASE))
        self.user = QLineEdit(ui_state.get(SERVER_USER))
        self.sslmode = QComboBox()
        self.sslmode.addItems(list(SSL_MODES))
        saved = ui_state.get(SERVER_SSLMODE)
        self.sslmode.setCurrentText(saved if saved in SSL_MODES else SSL_MODES[0])
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("not saved; empty: from ~/.pgpass")
        form = QFormLayout()
        form.addRow("&Host:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("&SSL mode:", self.sslmode)
        form.addRow("Pass&word:", self.password)
        self.outcome = QLabel("")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.test_connection)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("&Connect")
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self._tester = BackgroundRunner(
            lambda request, _progress: check_connection(*request),
            "connect-test",
            self,
            latest_only=True,
        )
        self._tester.succeeded.connect(self._tested)
        self._tester.failed.connect(self._test_failed)

    def done(self, code: int) -> None:
        self._tester.shutdown(10_000)  # a test in flight ends within its connect timeout
        super().done(code)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tester.shutdown(10_000)
        super().closeEvent(event)

    def choice(self) -> ServerChoice:
        return ServerChoice(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            sslmode=self.sslmode.currentText(),
        )

    def _valid_choice(self) -> ServerChoice | None:
        choice = self.choice()
        try:
            choice.target()
        except KetrefError as exc:
            self.outcome.setText(str(exc))
            return None
        return choice

    def test_connection(self) -> None:
        choice = self._valid_choice()
        if choice is None:
            return
        self.outcome.setText("Connecting…")
        self.test_button.setEnabled(False)
        self._tester.submit((choice, self.password.text() or None))

    def _tested(self, line: object) -> None:
        self.test_button.setEnabled(True)
        self.outcome.setText(str(line))

    def _test_failed(self, exc: object) -> None:
        self.test_button.setEnabled(True)
        self.outcome.setText(user_message(exc) if isinstance(exc, BaseException) else str(exc))

    def choose(self) -> None:
        """Remember everything but the password, then ask the window to switch."""
        choice = self._valid_choice()
        if choice is None:
            return
        state = self._ui_state
        state.set(SERVER_HOST, choice.host)
        state.set(SERVER_PORT, choice.port)
        state.set(SERVER_DATABASE, choice.database)
        state.set(SERVER_USER, choice.user)
        state.set(SERVER_SSLMODE, choice.sslmode)
        state.sync()
        password = self.password.text()
        self.password.clear()
        self.accept()
        self.connect_requested.emit(choice, password)
