"""Hooks the data-safety features into the main window: menus, notices, start-up and recovery.

``install_data_actions(window, workspace)`` adds File → Connect to clinic server… and
Import/Export content pack…, Tools → Backups… / Audit trail…, the notice bar, and the library
session that opens, recovers, reopens and switches the library. The window itself only needs
``attach`` and its menus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from ketref.domain.enums import ItemKind
from ketref.domain.roles import Role
from ketref.gui.audit_view import AuditDialog
from ketref.gui.backups_dialog import BackupsDialog
from ketref.gui.connect_dialog import ConnectDialog
from ketref.gui.library_session import LibrarySession
from ketref.gui.main_window import MainWindow
from ketref.gui.notice_bar import NoticeBar
from ketref.gui.packs_ui import PackActions
from ketref.gui.prompts import Prompts
from ketref.gui.tasks import TaskRunner
from ketref.services.server_connection import ServerChoice, workspace_on
from ketref.services.workspace import Workspace


class DataActions(QObject):
    def __init__(self, window: MainWindow, workspace: Workspace) -> None:
        super().__init__(window)
        self.window = window
        self.tasks = TaskRunner(self)
        self.prompts = Prompts(window)
        self.notices = NoticeBar(window, self.show_backups)
        self.session = LibrarySession(workspace, window, self.tasks, self.prompts, self.notices)
        self.packs = PackActions(
            window,
            self.session,
            self.tasks,
            self.prompts,
            notices=self.notices,
            refresh=self.refresh_window,
        )
        self.backups_dialog: BackupsDialog | None = None
        self.audit_dialog: AuditDialog | None = None

        self.connect_dialog: ConnectDialog | None = None
        self.connect_action = self._action("Connect to clinic server…", self.show_connect)
        self.import_action = self._action("Import content pack…", self.packs.import_pack)
        self.export_action = self._action("Export content pack…", self.packs.export_pack)
        self.backups_action = self._action("Backups…", self.show_backups)
        self.audit_action = self._action("Audit trail…", self.show_audit)
        file_menu = window.file_menu
        separators = [a for a in file_menu.actions() if a.isSeparator()]
        before = separators[-1] if separators else None  # above Quit
        if before is not None and file_menu.actions()[0] is not before:
            file_menu.insertSeparator(before)
        for action in (self.connect_action, self.import_action, self.export_action):
            if before is None:
                file_menu.addAction(action)
            else:
                file_menu.insertAction(before, action)
        tools_menu = window.tools_menu
        tools_menu.addActions([self.backups_action, self.audit_action])

        self.session.attached.connect(lambda _services: self._update_actions())
        self.session.detached.connect(self._update_actions)
        window.closing.connect(self._on_window_closing)
        self._update_actions()

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _update_actions(self) -> None:
        services = self.window.services
        open_ = services is not None
        for action in (self.export_action, self.audit_action):
            action.setEnabled(open_)
        may_edit = services is not None and services.maintenance.access()[1] >= Role.EDITOR
        self.import_action.setEnabled(may_edit)
        self.import_action.setToolTip("" if may_edit or not open_ else Role.EDITOR.needed)

    def refresh_window(self) -> None:
        """Show what changed (after an import): re-attach, staying on the same page."""
        window = self.window
        services = window.services
        if services is None:
            return
        page = window.current_page()
        window.attach(services)
        if page and page != ItemKind.INDICATION.value:
            window.show_page(page)

    def show_backups(self) -> BackupsDialog:
        dialog = self.backups_dialog
        if dialog is None:
            dialog = BackupsDialog(self.session, self.tasks, self.prompts, self.window)
            self.backups_dialog = dialog
        elif dialog.isVisible():
            dialog.raise_()
            return dialog
        elif not dialog.working:
            dialog.refresh()
        dialog.open()
        return dialog

    def show_connect(self) -> ConnectDialog:
        """The clinic-server dialog; Connect reopens the window on the server's library."""
        dialog = ConnectDialog(self.window.ui_state, self.window)
        dialog.connect_requested.connect(self.connect_to)
        self.connect_dialog = dialog
        dialog.open()
        return dialog

    def connect_to(self, choice: ServerChoice, password: str) -> None:
        self.session.switch(workspace_on(self.session.workspace, choice, password or None))

    def show_audit(self) -> AuditDialog | None:
        services = self.window.services
        if services is None:
            return None
        self.audit_dialog = AuditDialog(services.audit, self.tasks, self.window)
        self.audit_dialog.show()  # read-only: the window stays usable beside it
        return self.audit_dialog

    def _on_window_closing(self) -> None:
        self.tasks.wait_all()  # never quit halfway through a restore or an import
        if self.connect_dialog is not None:
            self.connect_dialog.reject()  # ends its connection test's thread


def install_data_actions(window: MainWindow, workspace: Workspace) -> DataActions:
    actions = DataActions(window, workspace)
    window.data_actions = actions  # type: ignore[attr-defined]  # found by launch and tests
    return actions
