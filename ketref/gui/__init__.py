"""The Qt user interface (the only package that imports PySide6).

Importing it first applies ``keep_none_alive``: PySide6 6.12.0 on Python 3.11 drops one reference
to ``None`` on every void method called from Python (``QPainter.save``, ``QTimer.stop`` ...),
and one to ``True`` on every ``signal.emit(...)`` from Python (it returns True). After a few
thousand such calls CPython aborts with "none_dealloc" or "bool_dealloc", which a clinician would
see as the window vanishing mid-search. Python 3.12+ makes ``None``, ``True`` and ``False``
immortal, so nothing is done there. The benchmark ``gui-keystroke`` keeps measuring the ``None``
leak and ``tests/gui/test_pyside_workaround.py`` the ``True`` one, so we notice when they are fixed.
"""

from __future__ import annotations

import ctypes
import platform
import sys

NONE_BALLAST = 1 << 40
"""References added to ``None``, ``True`` and ``False`` on CPython < 3.12: more than any session
can drop."""


def keep_none_alive() -> None:
    if sys.version_info < (3, 12) and platform.python_implementation() == "CPython":
        for constant in (None, True, False):
            ctypes.c_ssize_t.from_address(id(constant)).value += NONE_BALLAST


keep_none_alive()
