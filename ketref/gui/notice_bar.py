"""A dismissable line across the top of the window for news about the library's safety.

It says when the automatic backup failed (amber), when backups are overdue (red, bold, and it
stays until dismissed), and what a restore or an import did. It is a toolbar below the main one,
so the window's own layout is untouched; it never takes the focus.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QSizePolicy, QToolBar

from ketref.gui.detail_html import AMBER, RED


class Level(Enum):
    INFO = "info"
    WARNING = "warning"
    ALERT = "alert"


class NoticeBar(QToolBar):
    def __init__(self, window: QMainWindow, open_backups: Callable[[], object]) -> None:
        super().__init__("Notices", window)
        self.setObjectName("notices")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.level: Level | None = None
        self.label = QLabel()
        self.label.setObjectName("noticeText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setContentsMargins(8, 4, 8, 4)
        self.backups_button = QPushButton("Backups…")
        self.backups_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.backups_button.clicked.connect(lambda _checked=False: open_backups())
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.dismiss_button.clicked.connect(self.dismiss)
        self.addWidget(self.label)
        self._backups_action = self.addWidget(self.backups_button)  # toolbars hide actions
        self.addWidget(self.dismiss_button)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        self.hide()

    def notify(self, text: str, level: Level, *, backups_button: bool = False) -> None:
        """Show ``text``; an alert is never replaced by a milder notice until dismissed."""
        if self.level is Level.ALERT and level is not Level.ALERT and self.isVisible():
            return
        self.level = level
        self.label.setText(text)
        self.label.setToolTip(text)
        colour = {Level.INFO: "", Level.WARNING: AMBER, Level.ALERT: RED}[level]
        weight = "font-weight: 600;" if level is Level.ALERT else ""
        self.label.setStyleSheet(f"color: {colour}; {weight}" if colour else weight)
        self.label.setAccessibleName(f"{level.value}: {text}")
        self._backups_action.setVisible(backups_button)
        self.show()

    def dismiss(self) -> None:
        self.level = None
        self.hide()
