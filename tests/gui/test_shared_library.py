"""A window on a shared library: changes saved elsewhere show up, and a reader sees no editing
action the server would refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from ketref.domain.enums import ItemKind
from tests.conftest import SHIPPED_CONTENT, make_workspace

pytestmark = pytest.mark.gui


def test_an_edit_saved_elsewhere_replaces_the_item_on_screen(
    window, shipped_home: Path, qtbot
) -> None:
    window._watch._timer.setInterval(50)
    first = window.browser.shown
    assert first is not None and first.kind is ItemKind.INDICATION
    other = make_workspace(shipped_home, SHIPPED_CONTENT).open()  # the other workstation
    try:
        other.catalogue.edit_item(first.kind, first.slug, {"summary": "Saved at the front desk."})
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: "Saved at the front desk." in window.browser.detail.toPlainText(), timeout=5000
    )
    assert window.browser.shown == first
    assert "changes saved elsewhere" in window.statusBar().currentMessage()


def test_nothing_changes_when_nothing_was_saved(window, qtbot) -> None:
    window._watch._timer.setInterval(20)
    shown = window.browser.detail.toHtml()
    qtbot.wait(200)
    assert window.browser.detail.toHtml() == shown
    assert "elsewhere" not in window.statusBar().currentMessage()


def test_a_reader_finds_the_editing_actions_disabled(window, make_window, shipped_services) -> None:
    """On a shared server a reader's window offers no action the server would refuse."""
    from ketref.domain.roles import Role

    assert window.clinic_action.isEnabled()
    shipped_services.db.role = Role.READER
    reader_window = make_window()
    assert not reader_window.clinic_action.isEnabled()
    assert "ketref_editor" in reader_window.clinic_action.toolTip()


@pytest.mark.parametrize(
    "db_backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_second_workstation_hears_an_edit_without_polling(
    window, shipped_home: Path, qtbot
) -> None:
    """On a server the window listens (LISTEN/NOTIFY): its 30 s safety-net poll is not what
    brings the other workstation's edit on screen within seconds."""
    watch = window._watch
    assert watch.listening
    assert watch._timer.interval() >= 30000
    first = window.browser.shown
    assert first is not None
    qtbot.waitUntil(watch._listener.listening.is_set, timeout=10000)
    other = make_workspace(shipped_home, SHIPPED_CONTENT).open()  # the other workstation
    try:
        other.catalogue.edit_item(first.kind, first.slug, {"summary": "Saved in room 2."})
    finally:
        other.close()
    qtbot.waitUntil(lambda: "Saved in room 2." in window.browser.detail.toPlainText(), timeout=5000)
    assert "changes saved elsewhere" in window.statusBar().currentMessage()
