"""The window's hold on its library: open it off the GUI thread, recover it, close and reopen it.

Opening also takes the daily backup (on the worker thread) and reports a failing one in the
notice bar. The library opens after a cheap check (header, schema, revision); SQLite's full
checks run on a worker thread once the window is idle, and damage they find stops all writes
and is said in the notice bar (the next start then checks before opening and offers repair).
A refused library shows the recovery dialog and never becomes an empty one. A restore closes
the services, replaces the file on a worker thread, reopens it and re-attaches the window,
whether the restore worked or not (the old library is then still in place).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ketref.domain.backups import BackupInfo
from ketref.domain.errors import DatabaseBusyError
from ketref.gui.background import BackgroundRunner, Progress, log_failure, user_message
from ketref.gui.main_window import MainWindow
from ketref.gui.notice_bar import Level, NoticeBar
from ketref.gui.prompts import Prompts
from ketref.gui.recovery_dialog import RecoveryDialog
from ketref.gui.tasks import TaskRunner
from ketref.services.backups import StartupBackup
from ketref.services.recovery import RecoveryNeededError, RecoveryResult, is_damage
from ketref.services.workspace import Services, Workspace

log = logging.getLogger(__name__)

IDLE_CHECK_DELAY_MS = 2000
"""After the library is attached: the first searches and clicks come first."""
DAMAGE_FOUND = (
    "{summary} in {name} after it opened. To keep your data safe, ketref saves nothing more "
    "to it. Quit and start ketref again: it will check the library before opening it and "
    "offer to repair it or restore a backup. What is on screen can still be read."
)

STARTUP_BACKUP_FAILED = (
    "The automatic backup could not run this time; ketref will try again at the next start. "
    "You can back up now from Tools → Backups…"
)


@dataclass(frozen=True)
class Opened:
    services: Services
    startup: StartupBackup | None


def open_library(workspace: Workspace, *, daily_backup: bool) -> Opened:
    """Open (create, migrate, load) the library, then take the daily backup; worker thread."""
    services = workspace.open(full_check=False)  # the full checks run once the window is up
    try:
        services.screening.knowledge()  # what the pages read first, read here off the GUI thread
    except Exception as exc:
        services.close()
        if not is_damage(exc):
            raise
        # The quick check passed but reading the content met damage: open again with the full
        # checks first, which refuse the file and offer recovery (repair or a backup).
        log.error("damage found while reading the library: %s", exc)
        workspace.check_before_next_open()
        services = workspace.open(full_check=True)
        services.close()
        raise  # the full checks found nothing: the read error stands
    startup = None
    if daily_backup:
        try:
            startup = services.maintenance.backup_on_start()
        except Exception as exc:  # a failed backup must never keep the library closed
            log_failure("daily backup", exc)
            startup = StartupBackup(None, warning=STARTUP_BACKUP_FAILED)
    return Opened(services, startup)


def backup_notice(startup: StartupBackup) -> tuple[str, Level] | None:
    """What the notice bar says about the daily backup (None when it worked or was not due)."""
    if startup.warning is None:
        return None
    return startup.warning, Level.ALERT if startup.overdue else Level.WARNING


class LibrarySession(QObject):
    attached = Signal(object)
    """The window shows a (re)opened library; carries its Services."""
    detached = Signal()
    """The window's library is closed (for a restore) or could not be opened."""

    def __init__(
        self,
        workspace: Workspace,
        window: MainWindow,
        tasks: TaskRunner,
        prompts: Prompts,
        notices: NoticeBar,
    ) -> None:
        super().__init__(window)
        self.workspace = workspace
        self.window = window
        self.tasks = tasks
        self.prompts = prompts
        self.notices = notices
        self.recovery_dialog: RecoveryDialog | None = None
        self._note: str | None = None

    @property
    def services(self) -> Services | None:
        return self.window.services

    def _set_usable(self, usable: bool) -> None:
        """Pages and search off while the library is closed (``attach`` turns search back on)."""
        central = self.window.centralWidget()
        if central is not None:
            central.setEnabled(usable)
        if not usable:
            self.window.search.setEnabled(False)

    # --- opening ---------------------------------------------------------------------------

    def open(self, *, daily_backup: bool = True, note: str | None = None) -> BackgroundRunner:
        """Open the library on a worker thread; the window attaches it when it arrives.

        ``note`` (what a restore did) is shown in the notice bar once the library is back.
        """
        self._note = note

        def job(_progress: Progress) -> Opened:
            return open_library(self.workspace, daily_backup=daily_backup)

        return self.tasks.start(
            job,
            "open-library",
            self._on_opened,
            lambda exc: self._on_open_failed(exc, daily_backup),
        )

    def _on_opened(self, opened: Opened) -> None:
        self._set_usable(True)
        self.window.attach(opened.services)
        if opened.startup is not None and (notice := backup_notice(opened.startup)):
            self.notices.notify(notice[0], notice[1], backups_button=True)
        if opened.services.repaired:
            self.notices.notify(opened.services.repaired, Level.WARNING)
        if self._note:
            self.notices.notify(self._note, Level.INFO)
            self._note = None
        self.attached.emit(opened.services)
        services = opened.services
        QTimer.singleShot(IDLE_CHECK_DELAY_MS, self, lambda: self._check_storage(services))

    def _check_storage(self, services: Services) -> None:
        """SQLite's full checks, deferred from opening, on a worker thread."""
        if self.services is not services:
            return  # closed or replaced (a restore) in the meantime: that open checks again

        def job(_progress: Progress) -> str | None:
            return services.maintenance.check_storage()

        def checked(found: str | None) -> None:
            if found is None:
                return
            log.error("integrity check after opening: %s", found)
            self.workspace.check_before_next_open()
            name = self.workspace.target.path.name if self.workspace.target.path else "it"
            text = DAMAGE_FOUND.format(summary=found, name=name)
            self.notices.notify(text, Level.ALERT, backups_button=True)

        def failed(exc: BaseException) -> None:  # unreadable, not damaged: it is not damage
            log_failure("integrity check after opening", exc)

        self.tasks.start(job, "check-storage", checked, failed)

    def _on_open_failed(self, exc: BaseException, daily_backup: bool) -> None:
        if isinstance(exc, RecoveryNeededError):
            self._show_closed(exc.diagnosis.explanation)
            self._offer_recovery(exc)
            return
        if isinstance(exc, DatabaseBusyError):
            self._show_closed(str(exc))
            if self.prompts.ask_retry("The library is busy", str(exc)):
                self.open(daily_backup=daily_backup, note=self._note)
            return
        self.detached.emit()
        self.window.refuse(user_message(exc))

    def _show_closed(self, text: str) -> None:
        self.window.show_closed(text)
        self.detached.emit()

    # --- recovery at start -----------------------------------------------------------------

    def _offer_recovery(self, error: RecoveryNeededError) -> None:
        log.warning("library needs recovery: %s", error.diagnosis.problem.value)
        dialog = RecoveryDialog(error.diagnosis, self.window)
        dialog.restore_requested.connect(self._recover)
        dialog.quit_requested.connect(self.window.close)
        self.recovery_dialog = dialog
        dialog.open()

    def _recover(self) -> None:
        def job(_progress: Progress) -> RecoveryResult:
            return self.workspace.recover()

        self.tasks.start(job, "recover", self._on_recovered, self._on_recover_failed)

    def _on_recovered(self, result: RecoveryResult) -> None:
        dialog = self.recovery_dialog
        self.recovery_dialog = None
        if dialog is not None:
            dialog.quit_requested.disconnect(self.window.close)
            dialog.accept()
            dialog.deleteLater()
        kept = f" The damaged file was kept as {result.aside}." if result.aside else ""
        self.window.browser.show_message("ketref", "Opening the library…")
        if result.restored is None:  # damaged indexes, rebuilt in place
            self.open(note=result.report())
            return
        self.open(note=f"The library was restored from the backup of {result.restored.when}.{kept}")

    def _on_recover_failed(self, exc: BaseException) -> None:
        if self.recovery_dialog is not None:
            self.recovery_dialog.show_failure(f"The backup was not restored: {user_message(exc)}")

    def switch(self, workspace: Workspace) -> BackgroundRunner:
        """Close the library on screen and open ``workspace``'s instead (File → Connect to
        clinic server…); a refusal is shown like one at start, with nothing open."""
        services = self.services
        self.window.detach()
        self._set_usable(False)
        self.detached.emit()
        if services is not None:
            services.close()
        self.workspace = workspace
        self.window.first_list = None  # the snapshot belongs to the library named at start
        self.window.statusBar().showMessage(f"Connecting to {workspace.target.display}…")
        self.window.browser.show_message("ketref", "Opening the library…")
        return self.open(daily_backup=False)

    # --- restoring a backup while the window is open ---------------------------------------

    def detach(self) -> None:
        """Close the services the window uses; its search and pages wait until re-attached."""
        window = self.window
        services = self.services
        window.detach()  # lets a search in flight finish before the files move
        self._set_usable(False)
        window.statusBar().showMessage("The library is closed while a backup is restored…")
        self.detached.emit()
        if services is not None:
            services.close()

    def restore(self, backup: BackupInfo, finished: Callable[[str | None], object]) -> None:
        """Replace the library with ``backup`` and reopen it; ``finished(error or None)``."""
        self.detach()

        def job(_progress: Progress) -> Path:
            return self.workspace.restore(backup.path)

        def done(aside: object) -> None:
            assert isinstance(aside, Path)
            self.open(
                daily_backup=False,
                note=(
                    f"The library was restored from the backup of {backup.when}. The library "
                    f"as it was before is kept as {aside}."
                ),
            )
            finished(None)

        def failed(exc: BaseException) -> None:
            text = user_message(exc)
            database = self.workspace.target.path
            if database is None or database.exists():
                self.open(daily_backup=False)  # the library that was there is still there
            else:  # moved aside but not replaced: never let opening create an empty one
                self._show_closed(text)
            self.prompts.show_error("The backup was not restored", text)
            finished(text)

        self.tasks.start(job, "restore", done, failed)
