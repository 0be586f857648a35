"""Hearing other workstations' changes on a PostgreSQL server: LISTEN on ketref's channel.

Every write transaction on a server queues ``NOTIFY ketref_changes`` (ketref.db.server), which
the server delivers only when that transaction commits. A listener holds one extra connection
of its own, waits on it in a daemon thread, and calls back at most every ``BATCH_SECONDS``
however many notifications arrived. When the server goes away it reconnects quietly every few
seconds; meanwhile the window's slower poll still notices changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANGES_CHANNEL = "ketref_changes"
BATCH_SECONDS = 0.5
RETRY_SECONDS = 5.0


class ChangeListener:
    """Calls ``on_change()`` (from its own thread) after other connections commit writes."""

    def __init__(
        self,
        engine: Engine,
        on_change: Callable[[], object],
        *,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self._engine = engine
        self._on_change = on_change
        self._retry = retry_seconds
        self._stop = threading.Event()
        self.listening = threading.Event()
        """Set while LISTEN is in place (tests wait for it before writing)."""
        self._thread = threading.Thread(target=self._run, name="ketref-listen", daemon=True)

    def start(self) -> ChangeListener:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Stop listening and close the connection (returns within about ``timeout``)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _connect(self) -> Any:
        import psycopg

        cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
        return psycopg.connect(*cargs, autocommit=True, **cparams)

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self.listening.set()
                    if failing:
                        log.info("listening for changes again")
                    failing = False
                    while not self._stop.is_set():
                        if list(conn.notifies(timeout=BATCH_SECONDS)):
                            self._on_change()
            except Exception as exc:  # server down, connection cut: retry, log once per outage
                self.listening.clear()
                if not failing:
                    log.info("not listening for changes (%s); retrying", exc.__class__.__name__)
                failing = True
                self._stop.wait(self._retry)
        self.listening.clear()


def listen_for_changes(engine: Engine, on_change: Callable[[], object]) -> ChangeListener | None:
    """A started listener on a PostgreSQL server; None for a SQLite file (nothing to hear)."""
    if engine.dialect.name != "postgresql":
        return None
    return ChangeListener(engine, on_change).start()
