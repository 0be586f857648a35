"""Pausing Python's cyclic garbage collector around bulk work (a content load, a pack).

Loading the 100x knowledge base creates millions of small objects (YAML nodes, dicts, models)
that stay alive until the load ends. The cyclic collector is triggered by allocations and each
of its full passes walks every live object, so it ran again and again over a growing heap: a
third of the CPU time of a 100x load, measured. The data built here holds no reference cycles
that must be reclaimed before the operation ends (plain containers and immutable models are
freed by reference counting), so the collector is paused for the operation and resumed after.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pauses:
    """How many operations want the collector paused, and whether it was on before them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False


_pauses = _Pauses()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (nested and threaded uses are counted: it
    is resumed when the last one ends, and only if it was on before the first)."""
    with _pauses.lock:
        if _pauses.depth == 0:
            _pauses.was_enabled = gc.isenabled()
            gc.disable()
        _pauses.depth += 1
    try:
        yield
    finally:
        with _pauses.lock:
            _pauses.depth -= 1
            if _pauses.depth == 0 and _pauses.was_enabled:
                gc.enable()
