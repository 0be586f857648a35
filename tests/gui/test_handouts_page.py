"""The Handouts page: pick, personalise, live preview off the GUI thread, export, print."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from ketref.domain.enums import ItemKind, Product
from ketref.domain.print_language import Language
from ketref.domain.printing import PaperSize
from ketref.gui import dialogs
from ketref.gui.history import Place
from ketref.gui.pdf_printing import new_printer, print_pdf
from ketref.gui.ui_state import LAST_FOLDER

pytestmark = [pytest.mark.gui, pytest.mark.pdf]

HOSTILE = "Nguyễn Thị Ánh <img src=x> & O'Brien"


@pytest.fixture
def page(window, qtbot):
    window.show_page(ItemKind.HANDOUT.value)
    assert window.pages.currentWidget() is window.handouts_page
    return window.handouts_page


def wait_preview(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page.is_updating() and page.pdf.pageCount() > 0, timeout=15000)


def test_lists_every_handout_and_starts_empty(page, shipped_services) -> None:
    assert page.handouts.count() == len(shipped_services.handouts.source_handouts()) >= 10
    assert page.chosen_slugs() == ()
    assert not page.export_button.isEnabled()


def test_preview_follows_choice_and_typing(page, qtbot) -> None:
    page.select(["after-your-session"])
    wait_preview(qtbot, page)
    single = page.pdf.pageCount()
    assert "handout" in page.status.text()
    qtbot.keyClicks(page.patient_name, "O'Brien & <Sons>")  # typing never waits for a render
    page.select(["after-your-session", "preparing-for-your-session"])
    wait_preview(qtbot, page)
    assert page.pdf.pageCount() > single
    assert "packet" in page.status.text()
    assert page.chosen_slugs() == ("after-your-session", "preparing-for-your-session")


def test_a_handout_link_opens_it_here(window, qtbot) -> None:
    window.open_place(Place(ItemKind.HANDOUT, "after-your-session"))
    assert window.pages.currentWidget() is window.handouts_page
    assert window.handouts_page.chosen_slugs() == ("after-your-session",)


def test_export_writes_the_personalised_pdf_and_remembers_the_folder(
    page, qtbot, tmp_path, monkeypatch
) -> None:
    page.select(["after-your-session"])
    page.patient_name.setText(HOSTILE)
    page.schedule_box.setChecked(True)
    wait_preview(qtbot, page)
    target = tmp_path / "out.pdf"
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: target)
    page.export()
    text = " ".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Nguyễn Thị Ánh" in text and "<img src=x> & O'Brien" in text
    assert HOSTILE not in str(PdfReader(target).metadata)
    assert page.ui_state.get(LAST_FOLDER) == tmp_path
    assert page.open_button.isEnabled()


def test_export_to_a_missing_folder_is_one_message(page, qtbot, tmp_path, monkeypatch) -> None:
    page.select(["after-your-session"])
    wait_preview(qtbot, page)
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: tmp_path / "nope" / "x.pdf")
    page.export()
    assert "the folder does not exist" in page.status.text()
    assert not (tmp_path / "nope").exists()


def test_print_to_pdf_file_sends_the_vector_pdf_owner_only(page, qtbot, tmp_path) -> None:
    page.select(["about-iv-ketamine"])
    wait_preview(qtbot, page)
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printed = print_pdf(page.last_pdf, printer)
    assert printed.pages == tuple(range(page.pdf.pageCount()))
    written = tmp_path / "printed.pdf"
    assert written.read_bytes() == page.last_pdf  # the vector PDF itself, text selectable
    assert "ketamine" in PdfReader(written).pages[0].extract_text().lower()
    assert written.stat().st_mode & 0o777 == 0o600


def test_printing_honours_the_page_range(page, qtbot, tmp_path) -> None:
    page.select(["about-iv-ketamine", "about-esketamine-nasal-spray", "questions-people-ask"])
    wait_preview(qtbot, page)
    assert page.pdf.pageCount() >= 3
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    printed = print_pdf(page.last_pdf, printer)
    assert printed.pages == (1, 2)
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2
    assert (tmp_path / "range.pdf").stat().st_mode & 0o777 == 0o600


def test_weekdays_follow_the_template(page) -> None:
    page.schedule_box.setChecked(True)
    page.template.setCurrentIndex(0)
    assert any(check.isChecked() for check in page.weekdays)


def test_screening_summary_is_saved_without_the_name_in_metadata(
    window, qtbot, tmp_path, monkeypatch
) -> None:
    window.show_page("screening")
    screening = window.screening_page
    screening.set_number("systolic_bp", "150")
    screening.set_number("diastolic_bp", "85")
    qtbot.waitUntil(lambda: screening.patient is not None and screening.patient.systolic_bp == 150)
    target = tmp_path / "summary.pdf"
    monkeypatch.setattr(dialogs, "ask_text", lambda *_a: HOSTILE)
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: target)
    monkeypatch.setattr("ketref.gui.screening_page.QDesktopServices.openUrl", lambda _u: True)
    assert screening.save_summary_pdf() == target
    reader = PdfReader(target)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Eligibility screening summary" in text and "Nguyễn Thị Ánh" in text
    assert "does not replace" in text and "2026-11-21" in text
    assert "Nguyễn" not in str(reader.metadata)


def test_clinic_profile_dialog_saves_and_refuses_a_bad_logo(window, tmp_path, monkeypatch) -> None:
    dialog = window.edit_clinic()
    dialog.name.setText("Clinique Nguyễn & <Fils>")
    dialog.phone.setText("555-0100")
    bad = tmp_path / "logo.png"
    bad.write_bytes(b"not an image at all")
    monkeypatch.setattr(dialog, "ask_logo_path", lambda: bad)
    dialog.choose_logo()
    assert dialog.message.text()
    assert dialog.logo is None
    dialog.save()
    profile = window.services.clinic.get()
    assert profile.name == "Clinique Nguyễn & <Fils>"
    assert profile.phone == "555-0100"
    assert profile.logo is None


def test_spanish_printout_and_missing_translations(page, qtbot, monkeypatch) -> None:
    page.select(["after-your-session"])
    page.language.setCurrentIndex(1)  # Español
    wait_preview(qtbot, page)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(page.last_pdf)).pages)
    assert "Después de su sesión" in text and "Página 1 de" in text
    assert page.fallback.isEnabled()
    assert not page.notice.isVisible()

    page._translations[Language.ES].pop("after-your-session")  # as if it had none
    page._changed()
    qtbot.waitUntil(lambda: "No Spanish translation of: After your session" in page.status.text())
    assert not page.export_button.isEnabled()
    page.fallback.setChecked(True)
    qtbot.waitUntil(page.export_button.isEnabled, timeout=15000)


def test_a_spanish_item_opens_with_spanish_chosen(window) -> None:
    window.open_place(Place(ItemKind.HANDOUT, "during-your-session-es"))
    page = window.handouts_page
    assert page.chosen_slugs() == ("during-your-session",)
    assert page.language_choice() == (Language.ES, False)


def test_a_changed_english_source_is_named_above_the_preview(page, qtbot, shipped_services) -> None:
    shipped_services.catalogue.edit_item(
        ItemKind.HANDOUT, "after-your-session", {"main_message": "Rest today. Do not drive."}
    )
    page.select(["after-your-session-es"])
    wait_preview(qtbot, page)
    qtbot.waitUntil(lambda: "review this translation" in page.notice.text())
    assert page.notice.text().startswith("Después de su sesión: The English version changed on")


def test_monitoring_sheet_button_saves_one_page_on_the_chosen_paper(
    page, tmp_path, monkeypatch
) -> None:
    assert page.sheet_button.isEnabled()
    products = [a.text() for a in page.sheet_button.menu().actions()]
    assert products == [p.label for p in Product]
    page.paper.setCurrentIndex(page.paper.findData(PaperSize.A4))
    target = tmp_path / "sheet.pdf"
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: target)
    page.sheet_button.menu().actions()[1].trigger()
    reader = PdfReader(target)
    assert len(reader.pages) == 1
    assert round(float(reader.pages[0].mediabox.width)) == 595
    assert "Session monitoring" in reader.pages[0].extract_text()
    assert "monitoring sheet" in page.status.text()


def test_cancel_stops_printing_between_pages(page, qtbot, tmp_path) -> None:
    page.select(["about-iv-ketamine", "about-esketamine-nasal-spray"])
    wait_preview(qtbot, page)
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cancelled.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(1, 3)
    seen: list[int] = []
    printed = print_pdf(page.last_pdf, printer, lambda done, _t: not seen.append(done) and done < 1)
    assert printed.cancelled and seen == [0, 1]
    assert "cancelled" in printed.message()
