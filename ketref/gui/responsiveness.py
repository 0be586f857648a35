"""Interpreter settings that keep the GUI thread from waiting on the search thread.

Both threads run Python under one interpreter lock. CPython asks a thread holding it to let go
only every ``sys.getswitchinterval()`` (5 ms by default), so while a search ranks its hits the
GUI thread could wait up to 5 ms each time it enters Python (a key press, the text-changed
slot, the results arriving), and the search waits as long for the GUI. One millisecond bounds
those waits at a fraction of a frame (16 ms) while costing the search little: the measured
search-thread CPU per query did not change.

The cyclic garbage collector's full collection walks every object alive; after the library
opens that is the loaded content, the search index and the ORM (160,000 objects on the shipped
content, 285,000 at 100x), and one such collection, triggered by whatever allocation comes
next, stopped both threads for 75-230 ms, a visibly dropped keystroke. Objects that live as
long as the library is attached are moved out of the collector's sight (``gc.freeze``) once
search is prepared, and given back (``gc.unfreeze``) when the library is detached, so a
restore or reconnect does not keep the old library's objects forever. Full collections then
take 13-20 ms at 100x.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL_S = 0.001
"""How long a thread may hold the interpreter while another waits for it (CPython: 5 ms)."""


def share_interpreter_fairly() -> None:
    """Shorten the interpreter's switch interval; called once where the application starts."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


FULL_COLLECTION_AFTER = 100
"""Young-generation collections between full ones while the library is frozen (CPython: 10).

With the library frozen, CPython's other condition for a full collection (the objects promoted
since the last one exceed a quarter of those it kept) holds almost always, so at 100x (a dozen
young collections per key) full collections of 20-80 ms came every 25 keys instead of one of
150-200 ms every 250; after 100 they come about every 250 keys and stay short.
"""


def keep_collector_off_library() -> None:
    """Everything alive now lives as long as the attached library: full collections skip it."""
    gc.freeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)


def give_library_back_to_collector() -> None:
    """The library is detached: what it held may be garbage now and must be collectable."""
    gc.unfreeze()
    young, middle, _full = gc.get_threshold()
    gc.set_threshold(young, middle, _DEFAULT_FULL_AFTER)


_DEFAULT_FULL_AFTER = gc.get_threshold()[2]
