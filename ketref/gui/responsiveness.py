"""Interpreter settings that keep the GUI thread from waiting on the search thread.

Both threads run Python under one interpreter lock. CPython asks a thread holding it to let go
only every ``sys.getswitchinterval()`` (5 ms by default), so while a search ranks its hits the
GUI thread could wait up to 5 ms each time it enters Python (a key press, the text-changed
slot, the results arriving), and the search waits as long for the GUI. One millisecond bounds
those waits at a fraction of a frame (16 ms) while costing the search little: the measured
search-thread CPU per query did not change.

The cyclic garbage collector's full collection walks every object alive; after the library
opens that is the loaded content, the search index and the ORM (160,000 objects on the shipped
content), and one such collection, triggered by whatever allocation comes next, stopped both
threads for 75-210 ms, a visibly dropped keystroke. Objects that live as long as the library
is attached are moved out of the collector's sight (``gc.freeze``) once search is prepared,
and given back (``gc.unfreeze``) when the library is detached, so a restore or reconnect
does not keep the old library's objects forever.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the interpreter while another waits for it (CPython: 5 ms)."""


def share_interpreter_fairly() -> None:
    """Shorten the interpreter's switch interval; called once where the application starts."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def keep_collector_off_library() -> None:
    """Everything alive now lives as long as the attached library: full collections skip it."""
    gc.freeze()


def give_library_back_to_collector() -> None:
    """The library is detached: what it held may be garbage now and must be collectable."""
    gc.unfreeze()
