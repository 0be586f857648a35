"""Noticing changes saved elsewhere (another window or workstation) while the window is open.

Polls a cheap change marker (the newest content release and audit event ids) every few
seconds and says when it moved; the window then shows the new version of what is on screen.
Works the same on a SQLite file and on a shared server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

POLL_MS = 3000


class ChangeWatch(QObject):
    changed = Signal()

    def __init__(
        self,
        marker: Callable[[], Hashable | None],
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
    ) -> None:
        """``marker`` returns None while there is nothing to watch (no library open)."""
        super().__init__(parent)
        self._marker = marker
        self._failing = False
        self._last = self._read()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _read(self) -> Hashable | None:
        try:
            marker = self._marker()
        except Exception:  # busy, unreachable, mid-restore: the next poll or action will say
            if not self._failing:  # once per outage, not every few seconds
                log.info("changes made elsewhere cannot be checked now", exc_info=True)
            self._failing = True
            return None
        self._failing = False
        return marker

    def restart(self) -> None:
        """Take the current state as seen (after the window re-attached) and poll again."""
        self._last = self._read()
        self._timer.start()

    def _poll(self) -> None:
        current = self._read()
        if current is not None and current != self._last:
            changed = self._last is not None
            self._last = current
            if changed:
                self.changed.emit()

    def stop(self) -> None:
        self._timer.stop()
