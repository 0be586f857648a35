"""The window survives PySide6's lost references to None on Python < 3.12."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QTimer

import ketref.gui

pytestmark = pytest.mark.gui


def test_many_void_calls_cannot_exhaust_none() -> None:
    timer = QTimer()
    for _ in range(20_000):  # more than None's natural count on Python 3.11 (~5,000)
        timer.stop()
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > ketref.gui.NONE_BALLAST // 2
