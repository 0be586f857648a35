"""Tools → Backups…: the library's backups (newest first), Back up now, and Restore selected.

Listing verifies every backup (SQLite's integrity check), and backing up copies the whole
library, so both run on a worker thread while the dialog shows that it is busy. Restoring goes
through the library session, which closes the window's services, replaces the file, reopens it
and re-attaches the window.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.backups import BackupInfo
from ketref.domain.field_words import local_and_utc
from ketref.gui.background import Progress, user_message
from ketref.gui.detail_html import GREEN, RED
from ketref.gui.library_session import LibrarySession
from ketref.gui.models import RowsTableModel
from ketref.gui.prompts import Prompts
from ketref.gui.tasks import TaskRunner
from ketref.gui.widgets import row_table
from ketref.services.workspace import Workspace

Index = QModelIndex | QPersistentModelIndex
RESTORE_REPLACES = (
    "Everything stored in the library goes back to how it was then: content edits, imported "
    "packs, the clinic profile (name, address, phones, logo, paper) and the screening "
    "blood-pressure thresholds (the clinic setting, or the documented defaults if none was "
    "set then). Changes made since then will not be in the restored library."
)
"""A restore is the exact, verified copy of the backup: settings stored in the library are
restored with it rather than merged, so the restored file is the backup and nothing else."""


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def check_text(verified: bool | None) -> str:
    if verified is None:
        return "not checked"
    return "✔ verified" if verified else "✘ fails the check"


class BackupTableModel(RowsTableModel):
    """One row per backup file: when, why, how big, and whether it passed the check."""

    WHEN, KIND, SIZE, CHECK = range(4)
    HEADERS = ("Taken (local, UTC)", "Kind", "Size", "Check")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BackupInfo] = []

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._rows = sorted(backups, key=lambda b: b.taken_at, reverse=True)
        self.endResetModel()

    def backup(self, row: int) -> BackupInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        backup = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WHEN:
                return local_and_utc(backup.taken_at)
            if column == self.KIND:
                return backup.kind.label
            if column == self.SIZE:
                return size_text(backup.size)
            return check_text(backup.verified)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(backup.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.CHECK
            and backup.verified is not None
        ):
            return QColor(GREEN if backup.verified else RED)
        return None


def intro_html(workspace: Workspace) -> str:
    database = workspace.target.path
    if database is None:
        return (
            "This library is on a database server: it is backed up with the server's own "
            "tools, not by ketref."
        )
    return (
        f"Backups of <b>{escape(database.name)}</b> in "
        f"{escape(str(workspace.paths.backups))}. ketref makes one at the first start of "
        "each day, before a database upgrade and before a pack import, and keeps the "
        "newest of each of the last 7 days, 4 weeks and 12 months. Backups made here "
        "are never deleted by ketref."
    )


class BackupsDialog(QDialog):
    def __init__(
        self,
        session: LibrarySession,
        tasks: TaskRunner,
        prompts: Prompts,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tasks = tasks
        self.prompts = prompts
        self.working = False
        self.setWindowTitle("Backups")
        self.resize(680, 440)
        self.intro = QLabel(intro_html(session.workspace))
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        self.model = BackupTableModel(self)
        self.table = self._build_table()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addLayout(self._build_buttons())
        session.attached.connect(self._library_changed)
        session.detached.connect(self._library_changed)
        self.refresh()

    def _build_table(self) -> QTableView:
        table = row_table(self.model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BackupTableModel.KIND, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(self._library_changed)
        table.doubleClicked.connect(self._double_clicked)
        return table

    def _build_buttons(self) -> QHBoxLayout:
        self.backup_button = QPushButton("Back up now")
        self.backup_button.clicked.connect(self.back_up)
        self.restore_button = QPushButton("Restore selected…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button = QPushButton("Open folder")
        self.folder_button.clicked.connect(self.open_folder)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.backup_button, self.restore_button, self.folder_button):
            button.setAutoDefault(False)  # Enter closes; it never restores by accident
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.close_button)
        return buttons

    def _library_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _double_clicked(self, _index: QModelIndex) -> None:
        self.restore_selected()

    # --- state ----------------------------------------------------------------------------

    def selected(self) -> BackupInfo | None:
        index = self.table.currentIndex()
        return self.model.backup(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        has_file = self.session.workspace.target.path is not None
        selected = self.selected()
        idle = not self.working
        self.backup_button.setEnabled(idle and has_file and self.session.services is not None)
        self.restore_button.setEnabled(
            idle and selected is not None and selected.verified is not False
        )
        self.folder_button.setEnabled(has_file)
        self.table.setEnabled(idle)

    def _busy(self, text: str) -> None:
        self.working = True
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._update_buttons()

    def _idle(self, text: str = "", *, error: bool = False) -> None:
        self.working = False
        self.progress.hide()
        self.status.setStyleSheet(f"color: {RED};" if error else "")
        self.status.setText(text)
        self._update_buttons()

    # --- listing ---------------------------------------------------------------------------

    def refresh(self, message: str = "") -> None:
        """List and verify the backups on a worker thread; ``message`` stays on show after."""
        self._busy("Checking the backups…")
        workspace = self.session.workspace

        def job(_progress: Progress) -> list[BackupInfo]:
            return workspace.list_backups(verify=True)

        def listed(backups: object) -> None:
            assert isinstance(backups, list)
            previous = self.selected()
            self.model.set_backups(backups)
            self._reselect(previous)
            count = len(backups)
            summary = f"{count} backup(s)." if count else "There are no backups yet."
            self._idle(f"{message} {summary}".strip())

        def failed(exc: BaseException) -> None:
            self._idle(f"The backups could not be listed: {user_message(exc)}", error=True)

        self.tasks.start(job, "list-backups", listed, failed)

    def _reselect(self, previous: BackupInfo | None) -> None:
        for row in range(self.model.rowCount()):
            backup = self.model.backup(row)
            if previous is not None and backup is not None and backup.path == previous.path:
                self.table.selectRow(row)
                return
        if self.model.rowCount():
            self.table.selectRow(0)

    # --- back up now -----------------------------------------------------------------------

    def back_up(self) -> None:
        services = self.session.services
        if services is None or self.working:
            return
        self._busy("Backing up…")
        maintenance = services.maintenance

        def job(progress: Progress) -> object:
            return maintenance.backup(progress=progress)

        def progressed(remaining: int, total: int) -> None:
            if total > 0:
                self.progress.setRange(0, total)
                self.progress.setValue(total - remaining)

        def done(path: object) -> None:
            self.refresh(f"Backed up to {getattr(path, 'name', path)}.")

        def failed(exc: BaseException) -> None:
            self._idle("The backup was not made.", error=True)
            self.prompts.failure("The backup was not made", exc, retry=self.back_up)

        self.tasks.start(job, "backup", done, failed, progressed)

    # --- restore ---------------------------------------------------------------------------

    def restore_selected(self) -> None:
        backup = self.selected()
        if backup is None or self.working or backup.verified is False:
            return
        if self.tasks.busy:
            self.prompts.show_error(
                "ketref is busy",
                "Another job (a backup or an import) is still running. Try again when it has "
                "finished; nothing was changed.",
            )
            return
        database = self.session.workspace.target.path
        name = database.name if database is not None else "the library"
        if not self.prompts.confirm(
            "Restore a backup?",
            f"Replace the library with the backup from {backup.when} ({backup.kind.label})?\n\n"
            f"{RESTORE_REPLACES}\n\nThe current {name} is kept aside in its folder, not deleted.",
            "Restore",
        ):
            return
        self._busy(f"Restoring the backup from {backup.when}…")
        self.session.restore(backup, self._restored)

    def _restored(self, error: str | None) -> None:
        if error is not None:
            self._idle(f"The backup was not restored: {error}", error=True)
            return
        self.refresh("Restored. The window shows the restored library.")

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.session.workspace.paths.backups)))

    def reject(self) -> None:
        if not self.working:  # closing mid-restore would hide what happened
            super().reject()
