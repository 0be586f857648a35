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


def test_many_emits_cannot_exhaust_true() -> None:
    """Every ``emit`` from Python drops a reference to True (its return value) in PySide6 6.12.0."""
    timer = QTimer()
    for _ in range(20_000):  # more than True's natural count on Python 3.11
        timer.timeout.emit()
    if sys.version_info < (3, 12):
        assert sys.getrefcount(True) > ketref.gui.NONE_BALLAST // 2
        assert sys.getrefcount(False) > ketref.gui.NONE_BALLAST // 2
