"""Keep Qt's own settings inside the ketref home, and Qt's file-dialog history out of them.

Qt's file dialog records the folders it visited (``history``, ``lastVisited``) in
``QtProject.conf`` under the user's config folder, world-readable, outside ketref's home; a
folder named after a patient would land there. ketref points every Qt settings path at
``<config>/qt`` (owner-only, like the rest of the home) and clears Qt's dialog history after
every file dialog. The folder ketref itself remembers is in ``ui.ini`` (0600) and "Forget recent
folders" removes it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

QT_ORGANISATION = "QtProject"
"""Qt's file dialog writes under this name whatever the application's organisation is."""


def keep_qt_settings_in(folder: Path) -> None:
    """Send every QSettings file Qt or a plug-in writes (user and system scope) to ``folder``.

    Call before the first file dialog; the folder is created owner-only.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, str(folder))


def forget_qt_dialog_history() -> None:
    """Remove what Qt's file dialog remembered (visited folders, sidebar, last folder)."""
    settings = QSettings(QSettings.Scope.UserScope, QT_ORGANISATION)
    settings.remove("FileDialog")
    settings.sync()
