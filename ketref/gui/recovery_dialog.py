"""The dialog shown when the library cannot be opened at start: what is wrong, and what to do.

It explains the problem in plain words, says that the file is kept (never deleted or replaced
by an empty library), and offers the newest verified backup by its date when a backup is the
right remedy. Another program's file, a library from a newer ketref and a read-only file get an
explanation and Quit only: recovery refuses those, so the dialog does not offer it.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ketref.gui.detail_html import RED
from ketref.services.recovery import DatabaseProblem, Diagnosis

HEADINGS = {
    DatabaseProblem.DAMAGED: "The library file is damaged",
    DatabaseProblem.NOT_A_DATABASE: "The library file is not a ketref library",
    DatabaseProblem.FOREIGN: "This file belongs to another program",
    DatabaseProblem.TOO_NEW: "This library was made by a newer version of ketref",
    DatabaseProblem.READ_ONLY: "The library cannot be written",
    DatabaseProblem.UNREADABLE: "The library cannot be read",
}


def advice(diagnosis: Diagnosis) -> list[str]:
    """What happens to the file and what the user can do: short paragraphs of rich text."""
    name = escape(diagnosis.database.name)
    folder = escape(str(diagnosis.database.parent))
    problem = diagnosis.problem
    if problem is DatabaseProblem.FOREIGN:
        return [
            "ketref never moves or changes another program's file.",
            "Quit, and start ketref on your own library (without --db for the default one).",
        ]
    if problem is DatabaseProblem.TOO_NEW:
        return [
            "Opening it with this older version could lose data.",
            "Quit, and install the newer version of ketref that made it.",
        ]
    if problem is DatabaseProblem.READ_ONLY:
        return [
            "Nothing was changed. Quit, check the permissions of the file and its folder "
            f"({folder}), then start ketref again.",
        ]
    if problem is DatabaseProblem.UNREADABLE:
        return [
            "Nothing was changed. Quit, check that the disk or folder is available, then start "
            "ketref again.",
        ]
    backup = diagnosis.newest_backup
    if backup is None:
        return [
            f"No verified backup was found in {escape(str(diagnosis.backups_folder))}, so there "
            "is nothing to "
            "restore. ketref did not create an empty library in its place and has not changed "
            "the file.",
            f"Quit, and move {name} out of {folder} to start with a new, empty library (keep the "
            "file: it may still be rescued).",
        ]
    return [
        f"The newest verified backup is from <b>{escape(backup.when)}</b> "
        f"({escape(backup.kind.label)}). Restoring it brings the library back as it was then; "
        "changes made after that are not in it.",
        f"The damaged file is kept: it is renamed to {name}.damaged-&lt;date&gt; in {folder}, "
        "never deleted or overwritten.",
    ]


def restore_label(diagnosis: Diagnosis) -> str | None:
    backup = diagnosis.newest_backup
    if not diagnosis.can_recover or backup is None:
        return None
    return f"Restore the backup from {backup.when}"


class RecoveryDialog(QDialog):
    """Restore (only when a backup fixes it) or Quit; busy while the restore runs."""

    restore_requested = Signal()
    quit_requested = Signal()

    def __init__(self, diagnosis: Diagnosis, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagnosis = diagnosis
        self.setWindowTitle("ketref cannot open its library")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(48, 48)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        paragraphs = "".join(f"<p>{p}</p>" for p in advice(diagnosis))
        self.text = QLabel(
            f"<h3>{escape(HEADINGS[diagnosis.problem])}</h3>"
            f"<p>{escape(diagnosis.explanation)}</p>{paragraphs}"
        )
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setFixedWidth(540)  # a fixed width lets the layout size the wrapped text
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()

        self.quit_button = QPushButton("Quit")
        self.quit_button.clicked.connect(self.reject)
        self.restore_button: QPushButton | None = None
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        label = restore_label(diagnosis)
        if label is not None:
            self.restore_button = QPushButton(label)
            self.restore_button.setDefault(True)
            self.restore_button.clicked.connect(self._restore)
            buttons.addWidget(self.restore_button)
        else:
            self.quit_button.setDefault(True)
        buttons.addWidget(self.quit_button)

        body = QHBoxLayout()
        body.addWidget(icon)
        body.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # grows with the status
        layout.addLayout(body)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self.rejected.connect(self.quit_requested)

    def _restore(self) -> None:
        self.set_busy("Restoring the backup…")
        self.restore_requested.emit()

    def set_busy(self, text: str) -> None:
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.status.show()
        self.busy.show()
        for button in (self.restore_button, self.quit_button):
            if button is not None:
                button.setEnabled(False)

    def show_failure(self, text: str) -> None:
        """The restore did not work: say why and offer the same choices again."""
        self.busy.hide()
        self.status.setStyleSheet(f"color: {RED}; font-weight: 600;")
        self.status.setText(text)
        self.status.show()
        for button in (self.restore_button, self.quit_button):
            if button is not None:
                button.setEnabled(True)

    def reject(self) -> None:
        if self.quit_button.isEnabled():  # Escape during a restore does not quit halfway
            super().reject()
