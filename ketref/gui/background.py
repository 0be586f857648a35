"""Runs one kind of job on a worker thread so the window never waits (search, PDF preview).

Only one job is in flight; while it runs, a newer request replaces any older pending one, so a
fast typist costs one job per pause rather than one per key, and stale results are never shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ketref.domain.errors import KetrefError

log = logging.getLogger(__name__)

_NOTHING = object()


class _Worker(QObject):
    done = Signal(int, object)

    def __init__(self, job: Callable[[Any], object]) -> None:
        super().__init__()
        self._job = job

    @Slot(int, object)
    def run(self, seq: int, request: object) -> None:
        try:
            result: object = self._job(request)
        except KetrefError as exc:  # the user's input: its message is the one to show
            result = exc
        except Exception as exc:  # reported to the window, never lost in the thread
            log.error("background job failed (%s)", exc.__class__.__name__)
            result = exc
        self.done.emit(seq, result)


class LatestOnly(QObject):
    """Submit requests; ``finished`` carries the result for the newest one only."""

    finished = Signal(object)
    failed = Signal(str)
    """A one-line message: the input's problem, or that the job failed (details in the log)."""

    _request = Signal(int, object)

    def __init__(
        self, job: Callable[[Any], object], name: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName(f"ketref-{name}")
        self._worker = _Worker(job)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        self._seq = 0
        self._busy = False
        self._pending: object = _NOTHING

    def submit(self, request: object) -> None:
        self._pending = request
        if not self._busy:
            self._dispatch()

    @property
    def busy(self) -> bool:
        return self._busy

    def _dispatch(self) -> None:
        request, self._pending = self._pending, _NOTHING
        self._seq += 1
        self._busy = True
        self._request.emit(self._seq, request)

    @Slot(int, object)
    def _on_done(self, seq: int, result: object) -> None:
        self._busy = False
        if self._pending is not _NOTHING:  # a newer request arrived: this result is stale
            self._dispatch()
            return
        if isinstance(result, KetrefError):
            self.failed.emit(str(result))
        elif isinstance(result, Exception):
            self.failed.emit("That did not work this time; details are in the log.")
        elif seq == self._seq:
            self.finished.emit(result)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(5000)
