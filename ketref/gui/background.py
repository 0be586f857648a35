"""Jobs on a worker thread, reported on the GUI thread: the window never waits for them.

One class, ``BackgroundRunner``, serves both uses. With ``latest_only`` (search, PDF preview)
a newer request replaces any pending older one and a result that is already stale is dropped,
so a fast typist costs one job per pause, not one per key. Without it (open, back up, restore,
import) every request runs to its end and reports. Failures come back as the exception itself,
so a caller can tell a busy database (offer Retry) from bad input (show its message); the log
gets the type and the stack only, never the message, which may quote the user's text.
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
Job = Callable[[Any, Progress], object]
"""``job(request, progress)``, run on the worker thread."""

FAILED = "That did not work this time; details are in the log."
_NOTHING = object()


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
    """(result or None, exception or None)."""
    progress = Signal(int, int)

    def __init__(self, job: Job, name: str) -> None:
        super().__init__()
        self._job = job
        self._name = name

    @Slot(object)
    def run(self, request: object) -> None:
        try:
            result = self._job(request, self.progress.emit)
        except KetrefError as exc:  # expected: the message is for the user
            log.warning("%s refused: %s", self._name, exc.__class__.__name__)
            self.done.emit(None, exc)
        except Exception as exc:  # reported to the window, never lost in the thread
            log_failure(self._name, exc)
            self.done.emit(None, exc)
        else:
            self.done.emit(result, None)

    @Slot()
    def stop(self) -> None:
        # Queued behind any request already sent, so that request still runs to its end.
        self.thread().quit()


class BackgroundRunner(QObject):
    """Runs ``job(request, progress)`` on its own thread, one request at a time, in order.

    ``succeeded`` / ``failed`` (the exception; ``user_message`` gives the text) arrive on the
    GUI thread. ``shutdown`` lets the jobs already sent finish and ends the thread; it blocks, so a
    window closing mid-restore never cuts the restore off halfway.
    """

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)

    _request = Signal(object)
    _stop = Signal()

    def __init__(
        self, job: Job, name: str, parent: QObject | None = None, *, latest_only: bool
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.latest_only = latest_only
        self._thread = QThread(self)
        self._thread.setObjectName(f"ketref-{name}")
        self._worker = _Worker(job, name)
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._request.connect(self._worker.run)
        self._stop.connect(self._worker.stop)
        self._worker.done.connect(self._on_done)
        self._worker.progress.connect(self.progressed)
        self._thread.start()
        self._in_flight = 0
        self._waiting: object = _NOTHING
        """latest_only: the newest request not sent yet (sent when the one in flight ends)."""

    def submit(self, request: object = None) -> BackgroundRunner:
        if self.latest_only and self._in_flight:
            self._waiting = request  # replaces any older one that never started
        else:
            self._send(request)
        return self

    @property
    def busy(self) -> bool:
        """A job is running or waiting to run."""
        return self._in_flight > 0

    def _send(self, request: object) -> None:
        self._in_flight += 1
        self._request.emit(request)

    @Slot(object, object)
    def _on_done(self, result: object, error: object) -> None:
        self._in_flight -= 1
        if self._waiting is not _NOTHING:  # this result is already stale: run the newest
            request, self._waiting = self._waiting, _NOTHING
            self._send(request)
            return
        if isinstance(error, BaseException):
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)

    def shutdown(self, msecs: int = 30_000) -> bool:
        """End the thread once the jobs already sent have finished; True when it has."""
        if self._thread.isRunning():
            self._stop.emit()
        return self._thread.wait(msecs)
