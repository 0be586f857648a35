"""The screening form by keyboard and in bulk: Tab, arrows, Escape, and "Mark the rest No"."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel

from ketref.domain.enums import ItemKind, ScreeningStatus
from ketref.gui import dialogs
from ketref.gui.main_window import SCREENING
from ketref.gui.screening_cards import status_why
from ketref.gui.screening_form import BULK_MARK, TriState

pytestmark = pytest.mark.gui


@pytest.fixture
def page(window, qtbot):
    window.resize(1280, 800)
    window.show_page(SCREENING)
    return window.screening_page


def section(page, title: str):
    return page.sections[title]


def test_mark_the_rest_no_asks_lists_and_sets_only_unknown_answers(page, qtbot) -> None:
    history = section(page, "History and conditions")
    page.set_flag("stroke_or_tia_history", True)
    asked: list[tuple[str, str]] = []
    page.confirm = lambda title, text: asked.append((title, text)) or False  # declined
    history.rest_no.click()
    assert asked and "Stroke" not in asked[0][1].split("Unknown:")[1].split("Set them")[0]
    assert "Acute porphyria" in asked[0][1]
    assert page.read_patient().acute_porphyria is None  # nothing changed when declined
    assert page.bulk_no() == ()

    page.confirm = lambda _title, _text: True
    history.rest_no.click()
    patient = page.read_patient()
    assert patient.stroke_or_tia_history is True  # an answer given is never overwritten
    assert patient.acute_porphyria is False
    assert patient.pregnant is None  # another section stays Unknown
    assert "acute_porphyria" in page.bulk_no()
    assert "stroke_or_tia_history" not in page.bulk_no()
    assert page._flags["acute_porphyria"].mark.isVisibleTo(page)
    assert not page._flags["stroke_or_tia_history"].mark.isVisibleTo(page)
    assert not history.rest_no.isEnabled()  # nothing Unknown left in that section
    qtbot.waitUntil(lambda: BULK_MARK in page.results.toPlainText(), timeout=3000)
    assert "Acute porphyria" in page.results.toPlainText().split(BULK_MARK)[1]


def test_a_hand_change_clears_the_bulk_mark(page, qtbot) -> None:
    page.confirm = lambda _title, _text: True
    section(page, "Patient").rest_no.click()
    tri = page._flags["breastfeeding"]
    assert tri.bulk and tri.mark.isVisibleTo(page)
    qtbot.mouseClick(tri.group.button(2), Qt.MouseButton.LeftButton)  # No, now asked by hand
    assert not tri.bulk and not tri.mark.isVisibleTo(page)
    assert page.read_patient().breastfeeding is False
    page.clear()
    assert page.bulk_no() == () and page.read_patient().breastfeeding is None


def test_bulk_answers_are_named_on_the_saved_summary(page, qtbot, tmp_path, monkeypatch) -> None:
    page.confirm = lambda _title, _text: True
    section(page, "Patient").rest_no.click()
    target = tmp_path / "summary.pdf"
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a: "")
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: target)
    monkeypatch.setattr("ketref.gui.screening_page.QDesktopServices.openUrl", lambda _u: True)
    qtbot.waitUntil(lambda: page.patient is not None and page.patient.pregnant is False)
    assert page.print_button.text() == "Save screening summary as PDF…"
    assert page.save_summary_pdf() == target
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Mark the rest No" in text and "Pregnant" in text.split("Mark the rest No")[1]
    assert text.count("does not replace") == 1  # the disclaimer once


def test_tab_reaches_each_question_and_arrows_choose_the_answer(page, qtbot) -> None:
    pregnant, breastfeeding = page._flags["pregnant"], page._flags["breastfeeding"]
    pregnant.group.button(0).setFocus()
    qtbot.waitUntil(lambda: pregnant.group.button(0).hasFocus(), timeout=2000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is breastfeeding.group.button(0)  # one stop a question
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert breastfeeding.value() is True
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert breastfeeding.value() is False
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    assert breastfeeding.value() is None  # back to Unknown by keyboard
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is pregnant.group.button(0)
    flags = list(page.findChildren(TriState))
    assert all(
        sum(b.focusPolicy() == Qt.FocusPolicy.StrongFocus for b in t.group.buttons()) == 1
        for t in flags
    )


@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_escape_closes_the_medicine_completer_and_stays_in_the_field(window, qtbot) -> None:
    window.show_page(SCREENING)
    field = window.screening_page.medications
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, "loraz")
    popup = field.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    # The window's own Escape (clear search, which moves focus) must not take the key
    override = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Escape, Qt.KeyboardModifier(0))
    QApplication.sendEvent(popup, override)
    assert override.isAccepted()
    QApplication.sendEvent(
        popup, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier(0))
    )
    assert not popup.isVisible()
    assert field.hasFocus() and field.text() == "loraz"


def test_labels_use_the_full_row_at_1280_by_800(page) -> None:
    for sec in page.sections.values():
        for spec, tri in sec.flags:
            label = sec.layout.itemAt(sec.layout.indexOf(tri) - 1).widget()
            one_line = label.fontMetrics().horizontalAdvance(label.text()) < sec.box.width() - 40
            if one_line:  # a label that fits is never broken onto a second line
                assert label.height() <= label.fontMetrics().lineSpacing() * 1.5, spec.name


def test_every_status_has_a_one_line_why(page, qtbot) -> None:
    for product_result in page.result.results:
        why = status_why(product_result)
        assert why.startswith("Why: ") and "\n" not in why
        assert product_result.status is ScreeningStatus.CANNOT_DETERMINE
        assert "unanswered question(s) could rule it out" in why
    assert page.results.toPlainText().count("Why: ") >= 2 * len(page.result.results)
    page.set_number("systolic_bp", "200")
    page.set_number("diastolic_bp", "120")
    qtbot.waitUntil(
        lambda: page.result.results[0].status is ScreeningStatus.NOT_ELIGIBLE, timeout=3000
    )
    why = status_why(page.result.results[0])
    assert "blood pressure" in why.lower()


def test_the_form_and_the_benzodiazepine_advice_use_one_equivalent(window, page) -> None:
    conversion = "10 mg diazepam is about 1 mg lorazepam"
    hint = page.sections["Medicines"].box.findChildren(QLabel)
    assert any(conversion in label.text() for label in hint)
    item = window.services.catalogue.get_item(ItemKind.INTERACTION, "benzodiazepines").item
    assert "lorazepam equivalents" in item.rule and "10 mg diazepam = about 1 mg" in item.rule
    assert "diazepam equivalents" not in item.rule
    assert "who-2009-withdrawal-management" in item.references


def test_handout_schedule_fields_say_what_they_are(window) -> None:
    handouts = window.handouts_page
    labels = [w.text() for w in handouts.schedule_box.findChildren(QLabel)]
    assert "Start date (first session on or after)" in labels
    choices = [handouts.template.itemText(i) for i in range(handouts.template.count())]
    assert any("3-2-1" in c and c.endswith("· Unverified") for c in choices)
    assert all("Unverified" not in c for c in choices if "3-2-1" not in c)
