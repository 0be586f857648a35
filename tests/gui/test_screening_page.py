"""The Screening page: unknown by default, live results per product, nothing decided for you."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ketref.domain.enums import Product, ScreeningStatus
from ketref.domain.patient import PATIENT_FIELDS, FieldKind
from ketref.gui.main_window import SCREENING

pytestmark = pytest.mark.gui


@pytest.fixture
def page(window, qtbot):
    window.show_page(SCREENING)
    return window.screening_page


def wait_for(qtbot, page, product: Product, status: ScreeningStatus) -> None:
    qtbot.waitUntil(
        lambda: page.result is not None and page.result.for_product(product).status is status,
        timeout=3000,
    )


def test_every_answer_starts_unknown(page) -> None:
    patient = page.read_patient()
    assert patient.unknown_fields() == [s.name for s in PATIENT_FIELDS]
    flags = [s for s in PATIENT_FIELDS if s.kind is FieldKind.FLAG]
    assert all(page._flags[s.name].value() is None for s in flags)
    assert all(r.status is ScreeningStatus.CANNOT_DETERMINE for r in page.result.results)
    text = page.results.toPlainText()
    assert "does not replace" in text
    assert "Not known yet" in text


def test_results_update_live_and_name_the_values(page, qtbot) -> None:
    page.set_number("systolic_bp", "190")
    page.set_number("diastolic_bp", "95")
    page.set_flag("aneurysmal_vascular_disease", True)
    wait_for(qtbot, page, Product.IV_KETAMINE, ScreeningStatus.NOT_ELIGIBLE)
    assert page.result.for_product(Product.ESKETAMINE_NASAL).status is ScreeningStatus.NOT_ELIGIBLE
    text = page.results.toPlainText()
    assert "Resting systolic blood pressure = 190" in text  # the field in words, not its name
    assert "systolic_bp" not in text
    assert "details: rule " in text  # rule ids only in the details line; sources by title
    cited = {r for p in page.result.results for f in p.findings for r in f.references}
    assert cited and not [r for r in cited if r in text]  # sources by title, never by id
    page.set_flag("aneurysmal_vascular_disease", None)  # back to unknown: not "no"
    qtbot.waitUntil(lambda: page.read_patient().aneurysmal_vascular_disease is None)
    wait_for(qtbot, page, Product.ESKETAMINE_NASAL, ScreeningStatus.CANNOT_DETERMINE)


def test_clicking_yes_no_unknown_by_mouse(page, qtbot) -> None:
    tri = page._flags["pregnant"]
    qtbot.mouseClick(tri.group.button(2), Qt.MouseButton.LeftButton)
    assert page.read_patient().pregnant is False
    qtbot.mouseClick(tri.group.button(0), Qt.MouseButton.LeftButton)
    assert page.read_patient().pregnant is None


def test_a_bad_number_names_the_field_and_keeps_the_last_result(page, qtbot) -> None:
    before = page.result
    page.set_number("systolic_bp", "abc")
    qtbot.waitUntil(page.error.isVisible, timeout=3000)
    assert "systolic" in page.error.text().lower()
    assert page.result is before
    assert not page.print_button.isEnabled()
    page.set_number("systolic_bp", "400")
    qtbot.waitUntil(
        lambda: "400" in page.error.text() or "range" in page.error.text(), timeout=3000
    )


def test_unknown_medicine_is_not_recognised_never_no_interaction(page, qtbot) -> None:
    page.medications.setText("lorazepam, <b>grapefruitmab</b> & co")
    qtbot.waitUntil(
        lambda: page.result is not None and "grapefruitmab" in page.results.toPlainText(),
        timeout=3000,
    )
    text = page.results.toPlainText().lower()
    assert "not recognised" in text
    assert "review" in text
    for claim in ("no interactions found", "no known interaction", "no interaction found"):
        assert claim not in text
    assert "<b>grapefruitmab</b>" in page.results.toPlainText()  # shown literally, escaped


def test_no_medicines_is_an_explicit_answer(page, qtbot) -> None:
    assert page.read_patient().medications is None
    page.no_medicines.setChecked(True)
    assert page.read_patient().medications == ()
    assert not page.medications.isEnabled()


def test_diagnoses_tick_and_none(page) -> None:
    assert page.read_patient().diagnoses is None
    page.diagnoses.item(0).setCheckState(Qt.CheckState.Checked)
    assert len(page.read_patient().diagnoses) == 1
    page.diagnoses.item(0).setCheckState(Qt.CheckState.Unchecked)
    page.no_diagnosis.setChecked(True)
    assert page.read_patient().diagnoses == ()


def test_clear_form_returns_everything_to_unknown(page, qtbot) -> None:
    page.set_number("age_years", "40")
    page.set_flag("pregnant", False)
    page.medications.setText("lorazepam")
    page.clear()
    assert page.read_patient().unknown_fields() == [s.name for s in PATIENT_FIELDS]


def test_reference_links_go_to_the_reference_page(window, page) -> None:
    ref = next(r for pr in page.result.results for f in pr.findings for r in f.references)
    from PySide6.QtCore import QUrl

    page.link_activated.emit(QUrl(f"ketref:reference/{ref}"))
    assert window.current_page() == "references"
    assert "Cited by" in window.browser.detail.toPlainText()


def test_status_reason_and_avoid_colour_in_the_window() -> None:
    from ketref.gui.detail_html import AMBER
    from ketref.gui.screening_cards import AVOID_ORANGE, STATUS_COLOUR, result_html
    from tests.screening_support import clear_patient, run

    weak = result_html(run(clear_patient(diagnoses=["fibromyalgia"])))
    assert "off-label; evidence very low: Fibromyalgia" in weak
    assert "Eligible to consider" not in weak.split("<h2>")[1]  # the IV heading
    avoid = result_html(run(clear_patient(medications=["theophylline"])))
    caution = result_html(run(clear_patient(medications=["lorazepam"])))
    assert AVOID_ORANGE in avoid and "Needs review: medicine to avoid" in avoid
    assert AVOID_ORANGE not in caution and AMBER in caution
    assert len(set(STATUS_COLOUR.values())) == len(STATUS_COLOUR)  # each status its own colour


def test_a_brand_name_is_shown_as_typed_with_its_generic(page, qtbot) -> None:
    page.medications.setText("Xanax, SEROquel")
    qtbot.waitUntil(
        lambda: page.result is not None and "Xanax (alprazolam)" in page.results.toPlainText(),
        timeout=3000,
    )
    assert "SEROquel (quetiapine)" in page.results.toPlainText()


def test_a_source_is_named_by_its_title_cut_at_a_word_and_its_year() -> None:
    from ketref.domain.content import Reference
    from ketref.domain.enums import ReferenceKind
    from ketref.gui.screening_cards import source_label

    title = "Esketamine nasal spray versus quetiapine for treatment-resistant depression"
    trial = Reference(
        id="x-2024", kind=ReferenceKind.TRIAL, citation="A trial.", title=title, year=2024
    )
    assert source_label(trial) == "Esketamine nasal spray versus quetiapine for… (2024)"
