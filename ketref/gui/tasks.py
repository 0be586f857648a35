"""One-off jobs (open, back up, restore, import) on a worker thread, reported on the GUI thread.

Unlike the search runner, every job here matters and runs to its end: a backup or an import is
never dropped for a newer request. Failures come back as the exception itself, so the caller can
tell a busy database (offer Retry) from bad input (show its message); the log gets the type and
the stack only, never the message, which may quote the user's text.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ketref.domain.errors import KetrefError

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called from the job with (steps remaining, steps in total)."""

FAILED = "That did not work this time; details are in the log."


def log_failure(what: str, exc: BaseException) -> None:
    """Log an unexpected failure: its type and where it happened, never its message."""
    stack = "".join(
        f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
        for f in traceback.extract_tb(exc.__traceback__)
    )
    log.error("%s failed with %s\n%s", what, exc.__class__.__name__, stack)


def user_message(exc: BaseException) -> str:
    """The text to show: a KetrefError's own plain message, otherwise a generic one."""
    return str(exc) if isinstance(exc, KetrefError) else FAILED


class _Worker(QObject):
    done = Signal(object, object)
    """(result, None) or (None, exception)."""
    progress = Signal(int, int)

    def __init__(self, job: Callable[[Progress], object], name: str) -> None:
        super().__init__()
        self._job = job
        self._name = name

    @Slot()
    def run(self) -> None:
        try:
            result = self._job(self.progress.emit)
        except KetrefError as exc:  # expected: the message is for the user
            log.warning("%s refused: %s", self._name, exc.__class__.__name__)
            self.done.emit(None, exc)
        except Exception as exc:
            log_failure(self._name, exc)
            self.done.emit(None, exc)
        else:
            self.done.emit(result, None)
        finally:
            # End the thread here, not from the GUI thread: a window that waits for its jobs
            # while closing must not wait for an event it is itself blocking.
            self.thread().quit()


class BackgroundTask(QObject):
    """Runs ``job(progress)`` once on its own thread; ``succeeded``/``failed`` on the GUI thread.

    Keep a reference until it reports (``running`` is False then); ``wait`` blocks until the
    thread has ended, for closing the window mid-job.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    """The exception; use ``user_message`` for the text to show."""
    progressed = Signal(int, int)

    def __init__(
        self, job: Callable[[Progress], object], name: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.running = False
        self.worker_thread = QThread(self)
        self.worker_thread.setObjectName(f"ketref-{name}")
        self._worker = _Worker(job, name)
        self._worker.moveToThread(self.worker_thread)
        self.worker_thread.started.connect(self._worker.run)
        self.worker_thread.finished.connect(self._worker.deleteLater)
        self._worker.done.connect(self._on_done)
        self._worker.progress.connect(self.progressed)

    def start(self) -> BackgroundTask:
        self.running = True
        self.worker_thread.start()
        return self

    def wait(self, msecs: int = 30_000) -> bool:
        return self.worker_thread.wait(msecs)

    @Slot(object, object)
    def _on_done(self, result: object, error: object) -> None:
        self.worker_thread.wait()
        self.running = False
        if isinstance(error, BaseException):
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)


class TaskRunner(QObject):
    """Starts background tasks for one window and waits for them all when it closes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: list[BackgroundTask] = []

    def start(
        self,
        job: Callable[[Progress], object],
        name: str,
        on_success: Callable[[Any], object],
        on_failure: Callable[[BaseException], object],
        on_progress: Callable[[int, int], object] | None = None,
    ) -> BackgroundTask:
        task = BackgroundTask(job, name, self)
        task.succeeded.connect(on_success)
        task.failed.connect(on_failure)
        if on_progress is not None:
            task.progressed.connect(on_progress)
        task.succeeded.connect(lambda _r, t=task: self._forget(t))
        task.failed.connect(lambda _e, t=task: self._forget(t))
        self._tasks.append(task)
        return task.start()

    @property
    def busy(self) -> bool:
        return any(t.running for t in self._tasks)

    def _forget(self, task: BackgroundTask) -> None:
        if task in self._tasks:  # finished: freed once nobody holds it (its thread has ended)
            self._tasks.remove(task)
            task.setParent(None)

    def wait_all(self, msecs: int = 30_000) -> None:
        """Block until every running job has ended (a restore is never cut off halfway)."""
        for task in list(self._tasks):
            task.wait(msecs)
