"""One-off jobs (open, back up, restore, import) for one window, waited for when it closes.

Unlike search, every job here matters and runs to its end: a backup or an import is never
dropped for a newer request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ketref.gui.background import BackgroundRunner, Progress


class TaskRunner(QObject):
    """Starts background jobs for one window and waits for them all when it closes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: list[BackgroundRunner] = []

    def start(
        self,
        job: Callable[[Progress], object],
        name: str,
        on_success: Callable[[Any], object],
        on_failure: Callable[[BaseException], object],
        on_progress: Callable[[int, int], object] | None = None,
    ) -> BackgroundRunner:
        task = BackgroundRunner(
            lambda _request, progress: job(progress), name, self, latest_only=False
        )
        task.succeeded.connect(on_success)
        task.failed.connect(on_failure)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        task.succeeded.connect(lambda _r, t=task: self._forget(t))
        task.failed.connect(lambda _e, t=task: self._forget(t))
        self._tasks.append(task)
        return task.submit()

    @property
    def busy(self) -> bool:
        return any(t.busy for t in self._tasks)

    def _forget(self, task: BackgroundRunner) -> None:
        if task in self._tasks:  # finished: end its thread, freed once nobody holds it
            self._tasks.remove(task)
            task.shutdown()
            task.setParent(None)

    def wait_all(self, msecs: int = 30_000) -> None:
        """Block until every running job has ended (a restore is never cut off halfway)."""
        for task in list(self._tasks):
            task.shutdown(msecs)
