"""Content → Retire this item… names the item by its title; Content → Retired items… lists what
was retired and restores it: the window lists it again, shows it, and repaints the start-up
list with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from ketref.domain.enums import ItemKind
from ketref.gui.editor.retired_dialog import EMPTY, RetiredTableModel
from ketref.gui.first_list import FirstList
from ketref.gui.history import Place
from ketref.gui.main_window import MainWindow

pytestmark = pytest.mark.gui
TRD = Place(ItemKind.INDICATION, "treatment-resistant-depression")
TRD_TITLE = "Treatment-resistant depression"


def _listed(window: MainWindow) -> set[str]:
    return {s.slug for s in window.browser.items_model.rows()}


def test_retire_asks_and_reports_by_title(qtbot, window: MainWindow, monkeypatch) -> None:
    asked: list[str] = []

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    window.open_place(TRD)
    assert window.editor_actions.retire_shown()
    assert asked and f"Retire “{TRD_TITLE}”?" in asked[0]
    assert TRD.slug not in asked[0]
    assert f"Retired “{TRD_TITLE}”" in window.statusBar().currentMessage()
    assert TRD.slug not in _listed(window)


def test_retired_items_dialog_restores_and_the_window_shows_it(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    actions = window.editor_actions
    window.first_list = FirstList(tmp_path / "first-list.json", "test library")
    window.open_place(TRD)
    assert actions.retire_shown(confirmed=True)
    assert TRD.slug not in {s.slug for s in window.first_list.read()}  # start-up list too

    assert actions.retired_action.isEnabled()
    dialog = actions.show_retired()
    assert dialog is not None and dialog.isVisible()
    model = dialog.model
    assert model.rowCount() == 1 and dialog.empty.isHidden()
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells[RetiredTableModel.TITLE] == TRD_TITLE
    assert cells[RetiredTableModel.KIND] == "Indication"
    assert cells[RetiredTableModel.WHO] and "UTC" in cells[RetiredTableModel.WHEN]

    asked: list[str] = []
    dialog.prompts.confirm = lambda _title, text, _yes: asked.append(text) or False  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert asked and f"Restore “{TRD_TITLE}”" in asked[0]
    assert model.rowCount() == 1 and TRD.slug not in _listed(window)  # cancelled: nothing done

    dialog.prompts.confirm = lambda *_: True  # type: ignore[method-assign]
    dialog.reason.setText("retired by mistake")
    with qtbot.waitSignal(dialog.restored):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()  # closed, so the restored item shows
    assert TRD.slug in _listed(window)
    assert window.browser.shown == TRD
    assert f"Restored “{TRD_TITLE}”" in window.statusBar().currentMessage()
    assert TRD.slug in {s.slug for s in window.first_list.read()}
    assert window.services is not None
    history = window.services.catalogue.history(TRD.kind, TRD.slug)
    assert history[0].reason == "restored after retirement: retired by mistake"
    assert actions.show_retired() is dialog and dialog.isVisible()  # opened again: up to date
    assert (
        model.rowCount() == 0 and dialog.empty.text() == EMPTY and dialog.empty.isVisibleTo(dialog)
    )
    assert not dialog.restore_button.isEnabled() and not dialog.reason.text()


def test_a_retired_handout_leaves_the_handouts_page_and_comes_back(
    qtbot, window: MainWindow
) -> None:
    page = window.handouts_page
    assert page is not None
    slug = page.handouts.item(0).data(Qt.ItemDataRole.UserRole)
    window.open_place(Place(ItemKind.HANDOUT, slug))
    assert page.chosen_slugs() == (slug,)
    actions = window.editor_actions
    assert actions.retire_shown(confirmed=True)

    def listed() -> set[str]:
        return {
            page.handouts.item(r).data(Qt.ItemDataRole.UserRole)
            for r in range(page.handouts.count())
        }

    assert slug not in listed()
    dialog = actions.show_retired()
    assert dialog is not None
    assert dialog.restore_selected(confirmed=True) is not None
    assert slug in listed() and page.chosen_slugs() == (slug,)  # shown (ticked) again
