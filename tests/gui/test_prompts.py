"""The modal questions themselves (everything else replaces them): buttons mean what they say."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ketref.domain.errors import DatabaseBusyError, StorageFullError
from ketref.gui import dialogs
from ketref.gui.prompts import Prompts

pytestmark = pytest.mark.gui


def _answer(text: str) -> None:
    """Click the button labelled ``text`` on the message box once it is up."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        (button,) = [b for b in box.buttons() if b.text().replace("&", "") == text]
        button.click()

    QTimer.singleShot(0, click)


@pytest.fixture
def prompts(qtbot) -> Prompts:
    parent = QWidget()
    qtbot.addWidget(parent)
    return Prompts(parent)


@pytest.mark.parametrize(("button", "expected"), [("Restore", True), ("Cancel", False)])
def test_confirm_is_true_only_for_the_named_action(prompts, button, expected) -> None:
    _answer(button)
    assert prompts.confirm("Restore a backup?", "Replace the library?", "Restore") is expected


@pytest.mark.parametrize(("button", "expected"), [("Retry", True), ("Cancel", False)])
def test_ask_retry(prompts, button, expected) -> None:
    _answer(button)
    assert prompts.ask_retry("Busy", "Another ketref is saving.") is expected


def test_failure_offers_retry_only_when_busy(prompts, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _p, _t, text: shown.append(text))
    retried: list[int] = []
    _answer("Retry")
    prompts.failure("Import", DatabaseBusyError("busy"), retry=lambda: retried.append(1))
    assert retried == [1] and shown == []
    prompts.failure(
        "Import", StorageFullError("The disk is full."), retry=lambda: retried.append(1)
    )
    prompts.failure("Import", RuntimeError("Nguyễn's notes"), retry=None)
    assert retried == [1]
    assert shown == ["The disk is full.", "That did not work this time; details are in the log."]
