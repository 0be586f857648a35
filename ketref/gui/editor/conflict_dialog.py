"""Two people edited the same item: show both versions field by field and let the second
choose; nothing is overwritten without them seeing what the first saved."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.document_diff import MISSING, diff_documents

KEEP_MINE, TAKE_THEIRS = 1, 2


def _shown(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=1)


class ConflictDialog(QDialog):
    """``exec()`` returns KEEP_MINE (keep editing your text over theirs; save again to replace
    theirs), TAKE_THEIRS (load their version into the form, undoable) or 0 (cancel)."""

    def __init__(
        self,
        message: str,
        theirs: dict[str, Any],
        mine: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else saved this item")
        self.resize(860, 520)
        intro = QLabel(message)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        changes = diff_documents(theirs, mine)
        self.table = QTableWidget(len(changes), 3)
        self.table.setHorizontalHeaderLabels(["Field", "Their saved version", "Your version"])
        for row, change in enumerate(changes):
            for column, text in enumerate((change.path, _shown(change.old), _shown(change.new))):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, cell)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.resizeRowsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        mine_button = QPushButton("Keep my text (save again to replace theirs)")
        theirs_button = QPushButton("Load their version")
        buttons.addButton(mine_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(theirs_button, QDialogButtonBox.ButtonRole.ActionRole)
        mine_button.clicked.connect(lambda _checked=False: self.done(KEEP_MINE))
        theirs_button.clicked.connect(lambda _checked=False: self.done(TAKE_THEIRS))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        same = QLabel("" if changes else "Their saved text is the same as yours.")
        for widget in (intro, same, self.table, buttons):
            layout.addWidget(widget)
