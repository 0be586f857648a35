"""Every question the data-safety actions ask, in one small class that tests replace.

File dialogs, confirmations and error boxes are modal: in a test each method is monkeypatched
on the instance, so no modal dialog ever blocks a run. The flows call only these methods.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ketref.domain.errors import DatabaseBusyError
from ketref.gui import dialogs
from ketref.gui.qt_settings import forget_qt_dialog_history
from ketref.gui.tasks import user_message

PACK_FILTER = "Content packs (*.json *.yaml *.yml);;JSON (*.json);;YAML (*.yaml *.yml)"


class Prompts:
    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def confirm(self, title: str, text: str, yes: str) -> bool:
        """Ask before something that changes the library; ``yes`` names the action."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is accept

    def ask_retry(self, title: str, text: str) -> bool:
        """The database was busy: offer to try again (True) or leave it (False)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        box.setStandardButtons(QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        return box.exec() == QMessageBox.StandardButton.Retry

    def show_error(self, title: str, text: str) -> None:
        dialogs.show_error(self.parent, title, text)

    def open_file(self, title: str, folder: Path) -> Path | None:
        name, _filter = QFileDialog.getOpenFileName(self.parent, title, str(folder), PACK_FILTER)
        forget_qt_dialog_history()
        return Path(name) if name else None

    def save_file(self, title: str, suggested: Path) -> Path | None:
        name, _filter = QFileDialog.getSaveFileName(self.parent, title, str(suggested), PACK_FILTER)
        forget_qt_dialog_history()
        return Path(name) if name else None

    def failure(
        self, title: str, exc: BaseException, retry: Callable[[], object] | None = None
    ) -> None:
        """One clear message for a failed job; a busy database offers Retry when it can."""
        if retry is not None and isinstance(exc, DatabaseBusyError):
            if self.ask_retry(title, str(exc)):
                retry()
            return
        self.show_error(title, user_message(exc))
