"""Noticing changes saved elsewhere (another window or workstation) while the window is open.

Reads a cheap change marker (the newest content release and audit event ids) and says when it
moved; the window then shows the new version of what is on screen. On a SQLite file it polls
every 3 seconds. On a PostgreSQL server a listener thread (LISTEN/NOTIFY) wakes it as soon as
another workstation commits, and the poll slows to a safety net for notifications missed while
the server was away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

POLL_MS = 3000
LISTENING_POLL_MS = 30000


class Listener(Protocol):
    def stop(self) -> None: ...


Listen = Callable[[Callable[[], object]], Listener | None]
"""Starts a listener that calls back (from any thread) on a change; None when it cannot."""


class ChangeWatch(QObject):
    changed = Signal()
    _woken = Signal()  # emitted by the listener's thread; delivered on the GUI thread

    def __init__(
        self,
        marker: Callable[[], Hashable | None],
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
        listen: Listen | None = None,
        listening_interval_ms: int = LISTENING_POLL_MS,
    ) -> None:
        """``marker`` returns None while there is nothing to watch (no library open)."""
        super().__init__(parent)
        self._marker = marker
        self._failing = False
        self._interval = interval_ms
        self._listening_interval = listening_interval_ms
        self._listener: Listener | None = None
        self._woken.connect(self._poll)
        self._last = self._read()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._poll)
        self._listen(listen)
        self._timer.start()

    @property
    def listening(self) -> bool:
        return self._listener is not None

    def _listen(self, listen: Listen | None) -> None:
        if self._listener is not None:
            self._listener.stop()
        try:
            self._listener = listen(self._woken.emit) if listen is not None else None
        except Exception:  # no listener: the poll still notices changes, only later
            log.info("cannot listen for changes; polling instead", exc_info=True)
            self._listener = None
        self._timer.setInterval(
            self._listening_interval if self._listener is not None else self._interval
        )

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

    def restart(self, listen: Listen | None = None) -> None:
        """Take the current state as seen (after the window re-attached) and watch again."""
        self._last = self._read()
        self._listen(listen)
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
        self._listen(None)
