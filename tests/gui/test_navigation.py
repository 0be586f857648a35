"""The sidebar, the list and the item pane agree; only opened items count as recently viewed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ketref.domain.enums import ItemKind
from ketref.gui.browser_pane import FAVOURITES
from ketref.gui.history import Place
from ketref.gui.main_window import SCREENING
from tests.gui.conftest import search

pytestmark = pytest.mark.gui


def test_switching_sections_adds_nothing_to_recently_viewed(window, qtbot) -> None:
    window.browser._visit_timer.setInterval(20)  # a pause that would count as a visit
    for kind in (ItemKind.CONTRAINDICATION, ItemKind.SIDE_EFFECT, ItemKind.PRODUCT):
        window.show_page(kind.value)
        qtbot.wait(60)
    assert not window.ui_state.recents()
    assert window.browser.history.current is None
    window.browser.table.setFocus()
    qtbot.keyClick(window.browser.table, Qt.Key.Key_Down)  # the user moves to an item
    qtbot.wait(60)
    assert len(window.ui_state.recents()) == 1


@pytest.mark.parametrize("page", [SCREENING, ItemKind.HANDOUT.value, FAVOURITES])
def test_item_actions_are_off_where_no_item_is_shown(window, page) -> None:
    assert window.favourite_action.isEnabled() and window.copy_action.isEnabled()
    window.show_page(page)  # favourites is empty here: its message, not an item
    assert not window.favourite_action.isEnabled()
    assert not window.copy_action.isEnabled()
    window.show_page(ItemKind.INDICATION.value)
    assert window.favourite_action.isEnabled() and window.copy_action.isEnabled()


def test_leaving_a_search_lists_the_section_of_the_item_shown(window, qtbot) -> None:
    search(qtbot, window, "aneurysm")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)  # opens the best result
    shown = window.browser.shown
    assert shown is not None and shown.kind is not ItemKind.INDICATION
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.current_page() == shown.kind.value  # sidebar
    assert window.browser.lists(shown)  # list
    assert window.browser.table.currentIndex().data() in window.browser.detail.toPlainText()
    assert window.browser.shown == shown  # item pane


def test_an_item_that_cannot_be_found_leaves_nothing_to_copy(window) -> None:
    window.browser.show_place(Place(ItemKind.INDICATION, "no-such-item"), visit=True)
    assert "Not found" in window.browser.detail.toPlainText()
    assert window.browser.shown is None
    assert not window.copy_action.isEnabled()


def test_search_results_mark_no_section_and_leaving_marks_it_again(window, qtbot) -> None:
    window.show_page(ItemKind.PRODUCT.value)
    search(qtbot, window, "nausea")
    assert window.current_page() == ""  # the results are not the products list
    window.search_controller.clear()
    assert window.current_page() == ItemKind.PRODUCT.value
    assert window.browser.lists(window.browser.shown)


def test_opening_a_handout_from_search_goes_to_the_handouts_page(window, qtbot) -> None:
    search(qtbot, window, "about iv ketamine")
    best = window.search_controller.model.result.hits[0]
    assert best.kind is ItemKind.HANDOUT
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is window.handouts_page
    assert window.current_page() == ItemKind.HANDOUT.value
    assert best.slug in window.handouts_page.printed_slugs()
    assert not window.copy_action.isEnabled()  # no item pane on this page


def test_the_chosen_row_stays_in_view_when_the_filter_is_cleared(window, qtbot) -> None:
    window.show_page(ItemKind.CONTRAINDICATION.value)
    table = window.browser.table
    window.browser.filter.setText("uncontrolled hypertension")
    table.setCurrentIndex(table.model().index(0, 0))
    chosen = table.currentIndex().data()
    qtbot.wait(50)  # the row is shown and painted before the user clears the filter
    window.browser.filter.clear()  # every contraindication is listed again
    assert table.currentIndex().data() == chosen
    qtbot.waitUntil(
        lambda: table.viewport().rect().contains(table.visualRect(table.currentIndex()).center()),
        timeout=2000,
    )
