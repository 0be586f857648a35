"""The reference browser as a clinician uses it: pages, search by keyboard, items, links."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import QToolBar

from ketref.domain.enums import ItemKind
from ketref.gui.history import Place
from ketref.gui.main_window import PAGES, SCREENING
from ketref.gui.models import DETAIL_RUNS_ROLE
from ketref.services.about import schema_version
from tests.conftest import shipped_version
from tests.gui.conftest import search

pytestmark = pytest.mark.gui


def test_opens_on_indications_with_list_and_detail(window, shipped_services) -> None:
    assert window.nav.currentItem().text() == "Indications"
    n = len(shipped_services.catalogue.list_items(ItemKind.INDICATION))
    assert window.browser.proxy.rowCount() == n == 12
    assert "Reviewed" in window.browser.detail.toPlainText()
    assert "Content 2026" in window.statusBar().currentMessage()


@pytest.mark.parametrize("kind", [k for k in ItemKind if k is not ItemKind.HANDOUT])
def test_every_section_lists_its_items(window, shipped_services, kind) -> None:
    window.show_page(kind.value)
    expected = sorted(s.title.casefold() for s in shipped_services.catalogue.list_items(kind))
    shown = [
        window.browser.proxy.index(r, 0).data().casefold()
        for r in range(window.browser.proxy.rowCount())
    ]
    assert shown == expected
    assert window.browser.list_title.text().endswith(f"({len(expected)})")


def test_screening_page_opens(window) -> None:
    window.show_page(SCREENING)
    assert window.pages.currentWidget() is window.screening_page
    assert "does not replace" in window.screening_page.results.toPlainText()


def test_filter_narrows_the_list(window, qtbot) -> None:
    window.show_page(ItemKind.CONTRAINDICATION.value)
    qtbot.keyClicks(window.browser.filter, "pregn")
    titles = [
        window.browser.proxy.index(r, 0).data() for r in range(window.browser.proxy.rowCount())
    ]
    assert titles
    assert all(
        "pregn" in t.lower()
        or "pregn"
        in (window.browser.proxy.index(r, 0).data(Qt.ItemDataRole.ToolTipRole) or "").lower()
        for r, t in enumerate(titles)
    )
    assert window.browser.proxy.rowCount() < window.browser.items_model.rowCount()


def test_search_by_keyboard(window, qtbot) -> None:
    window.browser.table.setFocus()
    assert not window.search.hasFocus()
    qtbot.keyClick(window.browser.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    search(qtbot, window, "aneurysm")
    assert window.browser.list_stack.currentWidget() is window.search_controller.view
    assert window.browser.message.text().startswith(
        window.search_controller.model.result.message()[:3]
    )
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.search_controller.view.hasFocus()
    first = window.search_controller.model.hit(window.search_controller.view.currentIndex())
    assert first is not None
    assert first.title in window.browser.detail.toPlainText()
    qtbot.keyClick(window.search_controller.view, Qt.Key.Key_Return)
    assert window.browser.detail.hasFocus()
    assert window.ui_state.recents()[0] == Place(first.kind, first.slug)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.browser.list_stack.currentWidget() is window.browser.table


def test_enter_in_the_search_field_opens_the_best_result(window, qtbot) -> None:
    search(qtbot, window, "pregnancy")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    best = window.search_controller.model.result.hits[0]
    assert best.title in window.browser.detail.toPlainText()


def test_results_are_grouped_by_kind_and_highlighted(window, qtbot) -> None:
    search(qtbot, window, "blood pressure")
    model = window.search_controller.model
    groups = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert len(groups) >= 3
    assert all("(" in g for g in groups)
    kinds_seen = {model.hit(model.index(0, 0, model.index(r, 0))).kind for r in range(len(groups))}
    assert len(kinds_seen) == len(groups)  # one group per kind
    snippet = model.index(0, 0, model.index(0, 0)).data(DETAIL_RUNS_ROLE)
    assert any(bold for _text, bold in snippet)


def test_a_miss_says_nothing_found_and_nothing_else(window, qtbot) -> None:
    search(qtbot, window, "grapefruit")
    assert window.browser.message.text() == "Nothing found for \u201cgrapefruit\u201d."
    assert window.search_controller.model.rowCount() == 0
    shown = window.browser.message.text().lower()
    assert "no risk" not in shown and "safe" not in shown and "no interaction" not in shown


def test_clearing_the_search_while_it_runs_keeps_the_list(window, qtbot) -> None:
    window.search.setText("ketamine")
    window.search.clear()
    qtbot.waitUntil(lambda: not window.search_controller.runner.busy, timeout=5000)
    assert window.browser.list_stack.currentWidget() is window.browser.table


def test_a_hostile_query_is_shown_as_text(window, qtbot) -> None:
    search(qtbot, window, "<img src=y> & x")
    assert window.browser.message.textFormat() == Qt.TextFormat.PlainText
    assert "<img src=y> & x" in window.browser.message.text()


def test_reference_link_opens_the_reference_page(window) -> None:
    detail = window.services.catalogue.get_item(ItemKind.SIDE_EFFECT, "nausea")
    window.open_place(Place(ItemKind.SIDE_EFFECT, "nausea"))
    ref = detail.references[0]
    window.browser.follow_link(QUrl(f"ketref:reference/{ref.id}"))
    assert window.current_page() == ItemKind.REFERENCE.value
    assert "Cited by" in window.browser.detail.toPlainText()
    assert "Nausea" in window.browser.detail.toPlainText()


def test_web_links_go_to_the_browser(window, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window.browser.follow_link(QUrl("https://doi.org/10.1000/x"))
    assert opened == ["https://doi.org/10.1000/x"]


def test_cross_links_back_and_forward(window, qtbot) -> None:
    start = Place(ItemKind.SIDE_EFFECT, "blood-pressure-increase")
    window.open_place(start)
    window.browser.commit_visit()
    detail = window.services.catalogue.get_item(start.kind, start.slug)
    target = next(r for r in detail.related if r.kind is ItemKind.MONITORING)
    window.browser.follow_link(QUrl(f"ketref:item/{target.kind.value}/{target.slug}"))
    assert window.current_page() == ItemKind.MONITORING.value
    assert target.title in window.browser.detail.toPlainText()
    assert "Blood-pressure increase" in window.browser.detail.toPlainText()  # linked from
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_page() == ItemKind.SIDE_EFFECT.value
    assert window.browser.detail.toPlainText().startswith("Blood-pressure increase")
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.browser.detail.toPlainText().startswith(target.title)


def test_favourites_and_recents_survive_a_restart(make_window, qtbot) -> None:
    first = make_window()
    place = Place(ItemKind.CONTRAINDICATION, "pregnancy")
    first.open_place(place)
    first.browser.table.setFocus()  # as after a click on the item (Ctrl+D in the search deletes)
    qtbot.keyClick(first.browser.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert first.favourite_action.isChecked()
    first.browser.commit_visit()
    first.close()

    second = make_window()
    second.show_page("favourites")
    assert second.browser.proxy.rowCount() == 1
    assert second.browser.proxy.index(0, 0).data() == "Pregnancy"
    second.show_page("recent")
    assert second.browser.proxy.index(0, 0).data() == "Pregnancy"
    second.browser.table.setFocus()
    qtbot.keyClick(
        second.browser.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
    )  # un-fav
    second.show_page("favourites")
    assert second.browser.proxy.rowCount() == 0
    assert "No favourites yet" in second.browser.message.text()


def test_copy_as_plain_text(window, qtbot) -> None:
    window.open_place(
        Place(
            ItemKind.INTERACTION, window.services.catalogue.list_items(ItemKind.INTERACTION)[0].slug
        )
    )
    qtbot.keyClick(
        window,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    text = QGuiApplication.clipboard().text()
    assert "References" in text and "Reviewed" in text
    assert "<" not in text.split("\n")[0]


def test_text_size_scales_the_whole_window_and_is_kept(make_window, qtbot) -> None:
    first = make_window()
    size = first.browser.detail.font().pointSizeF()
    parts = (first.nav, first.browser.table, first.browser.filter, first.search)
    before = [w.font().pointSizeF() for w in parts]
    qtbot.keyClick(first, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(  # the font change reaches widgets through posted events
        lambda: all(w.font().pointSizeF() > b for w, b in zip(parts, before, strict=True))
    )
    bigger = first.browser.detail.font().pointSizeF()
    assert bigger > size
    rows = first.browser.table.verticalHeader().defaultSectionSize()
    assert rows > first.browser.table.fontMetrics().height()  # rows follow the text
    assert first.nav.minimumWidth() >= first.nav.sizeHintForColumn(0)  # section names whole
    assert first.screening_page.font().pointSizeF() == bigger
    assert first.show_about().font().pointSizeF() == bigger  # a dialog opened afterwards
    first.close()
    assert QGuiApplication.font().pointSizeF() == size  # the desktop font back on close
    second = make_window()
    assert second.browser.detail.font().pointSizeF() == bigger
    qtbot.keyClick(second, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: second.browser.detail.font().pointSizeF() == size)


def test_geometry_and_splitters_are_remembered(make_window) -> None:
    first = make_window()
    first.resize(760, 560)  # inside the offscreen screen (800x600), which restore clamps to
    first.browser.setSizes([200, 350])
    first.close()
    second = make_window()
    assert (second.size().width(), second.size().height()) == (760, 560)
    assert second.browser.sizes()[0] == pytest.approx(200, abs=5)


def test_about_dialog_has_versions_review_state_and_disclaimer(window) -> None:
    dialog = window.show_about()
    text = dialog.text.text()
    assert "ketref" in text and shipped_version() in text
    assert "due for review" in text and "unverified" in text
    assert "supports, and does not replace, clinical" in text
    assert f"Database schema:</b> {schema_version()}" in text
    for part in ("PySide6", "LGPL-3.0", "DejaVu", "ReportLab (BSD-3-Clause)", "SQLAlchemy (MIT)"):
        assert part in text
    dialog.close()


def test_dark_palette_keeps_links_readable(window) -> None:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#eeeeee"),
    ):
        palette.setColor(role, colour)
    window.setPalette(palette)
    assert "#8ab4f8" in window.browser.detail.document().defaultStyleSheet()


def test_pages_are_in_the_documented_order_and_all_can_be_screenshot() -> None:
    from ketref.cli.screenshot import PAGE_NAMES

    kinds = [k.value for k in ItemKind if k is not ItemKind.REFERENCE]
    assert PAGES[2:] == (*kinds, "screening", "references")
    assert set(PAGE_NAMES) == set(PAGES)


def test_window_grab_is_a_real_picture(window, tmp_path: Path) -> None:
    path = tmp_path / "main.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 20_000


def test_new_patient_clears_every_personal_field_on_both_pages(window, qtbot) -> None:
    screening, handouts = window.screening_page, window.handouts_page
    first_flag = next(iter(screening._flags))
    screening.set_flag(first_flag, True)
    screening.set_number(next(iter(screening._numbers)), "150")
    screening.medications.setText("lorazepam")
    screening.no_diagnosis.setChecked(True)
    handouts.patient_name.setText("Nguyễn Văn A <&>")
    handouts.escort.setText("Trần Thị B")
    handouts.emergency.setText("555-0100")
    handouts.notes.setPlainText("Bring the escort's number")
    handouts.print_date.setChecked(True)
    handouts.date.setDate(handouts.date.date().addDays(-30))
    handouts.schedule_box.setChecked(True)
    handouts.start.setDate(handouts.start.date().addDays(9))
    window.show_page(ItemKind.REFERENCE.value)  # from any page: it is a window action

    assert window.new_patient_action in window.findChild(QToolBar, "toolbar").actions()
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    assert all(tri.value() is None for tri in screening._flags.values())
    assert all(edit.text() == "" for edit in screening._numbers.values())
    assert screening.medications.text() == ""
    assert not screening.no_diagnosis.isChecked()
    assert (handouts.patient_name.text(), handouts.escort.text(), handouts.emergency.text()) == (
        "",
        "",
        "",
    )
    assert handouts.notes.toPlainText() == ""
    assert not handouts.print_date.isChecked()
    assert handouts.date.date() == QDate.currentDate()
    assert not handouts.schedule_box.isChecked()
    assert handouts.start.date() == QDate.currentDate()
    assert handouts.request().personal.patient_name == ""
    assert "New patient" in window.statusBar().currentMessage()
