"""Runs searches on a worker thread so typing never waits for the database.

Only one search is in flight; while it runs, newer text replaces older pending text, so a fast
typist costs one search per pause rather than one per key, and stale results are never shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ketref.domain.search import SearchResult

log = logging.getLogger(__name__)


class _Worker(QObject):
    done = Signal(int, object)

    def __init__(self, search: Callable[[str], SearchResult]) -> None:
        super().__init__()
        self._search = search

    @Slot(int, str)
    def run(self, seq: int, text: str) -> None:
        try:
            result: object = self._search(text)
        except Exception as exc:  # reported to the window, never lost in the thread
            log.exception("search failed")
            result = exc
        self.done.emit(seq, result)


class SearchRunner(QObject):
    results = Signal(object)
    """A SearchResult for the newest text submitted."""
    failed = Signal(str)

    _request = Signal(int, str)

    def __init__(self, search: Callable[[str], SearchResult], parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("ketref-search")
        self._worker = _Worker(search)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        self._seq = 0
        self._busy = False
        self._pending: str | None = None

    def submit(self, text: str) -> None:
        self._pending = text
        if not self._busy:
            self._dispatch()

    @property
    def busy(self) -> bool:
        return self._busy

    def _dispatch(self) -> None:
        text, self._pending = self._pending or "", None
        self._seq += 1
        self._busy = True
        self._request.emit(self._seq, text)

    @Slot(int, object)
    def _on_done(self, seq: int, result: object) -> None:
        self._busy = False
        if self._pending is not None:  # the text changed meanwhile: this result is stale
            self._dispatch()
            return
        if isinstance(result, Exception):
            self.failed.emit("Search is not available right now; details are in the log.")
        elif seq == self._seq:
            self.results.emit(result)

    def shutdown(self) -> None:
        self._thread.quit()
        self._thread.wait(5000)
