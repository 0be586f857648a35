"""Tools → Print log…: exports and prints are logged, filtered, reprinted; names kept only when
the clinic asks, and erased when it stops."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog

from ketref.domain.enums import ItemKind
from ketref.domain.print_log import PrintLogSettings, PrintOutput
from ketref.gui import dialogs, pdf_printing, print_log_dialog
from ketref.gui.print_log_dialog import PrintLogDialog, ReprintDialog
from tests.pdf.pdf_inspect import full_text

pytestmark = [pytest.mark.gui, pytest.mark.pdf]

NAME = "Nguyễn Thị Ánh <b> & O'Brien"


@pytest.fixture
def page(window, qtbot):
    window.show_page(ItemKind.HANDOUT.value)
    return window.handouts_page


def _preview(qtbot, page, slugs: list[str]) -> None:
    page.select(slugs)
    qtbot.waitUntil(lambda: not page.is_updating() and page.pdf.pageCount() > 0, timeout=15000)


def test_export_and_print_are_logged_and_a_reprint_survives_an_edit(
    window, page, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = window.services
    _preview(qtbot, page, ["after-your-session"])
    page.patient_name.setText(NAME)
    qtbot.waitUntil(lambda: not page.is_updating(), timeout=15000)
    original = tmp_path / "original.pdf"
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: original)
    page.export()
    assert "Saved original.pdf" in page.status.text()

    class AcceptingPrintDialog:  # the system dialog, accepted with "print to PDF file"
        DialogCode = QPrintDialog.DialogCode

        def __init__(self, printer: QPrinter, _parent: object) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(tmp_path / "printed.pdf"))

        def setMinMax(self, *_a: int) -> None:
            pass

        def exec(self) -> QPrintDialog.DialogCode:
            return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(pdf_printing, "QPrintDialog", AcceptingPrintDialog)
    page.print_()
    with qtbot.waitSignal(page.print_job.reported, timeout=15000):  # printed off the GUI thread
        pass
    outputs = [e.output for e in services.handouts.log.entries()]
    assert outputs == [PrintOutput.PRINT, PrintOutput.EXPORT]

    services.catalogue.edit_item(
        ItemKind.HANDOUT, "after-your-session", {"title": "A title changed afterwards"}
    )
    dialog = window.show_print_log()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    dialog.handout.setCurrentIndex(dialog.handout.findData("questions-people-ask"))
    assert dialog.table.rowCount() == 0
    dialog.handout.setCurrentIndex(dialog.handout.findData("after-your-session"))
    assert dialog.table.rowCount() == 2
    dialog.table.selectRow(1)  # the export
    assert "patient name" in dialog.detail.toPlainText()
    assert NAME not in dialog.detail.toPlainText()

    typed: list[ReprintDialog] = []

    def fill(form: ReprintDialog) -> QDialog.DialogCode:
        assert form.patient_name.text() == ""  # names are not kept: typed again
        form.patient_name.setText(NAME)
        typed.append(form)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReprintDialog, "exec", fill)
    again = tmp_path / "again.pdf"
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: again)
    dialog.reprint_selected()
    assert typed
    assert "Identical to the original" in dialog.status.text()
    assert full_text(again.read_bytes()) == full_text(original.read_bytes())
    assert "A title changed afterwards" not in full_text(again.read_bytes())
    assert dialog.table.rowCount() == 3  # the reprint is logged too


def test_keep_names_shows_them_and_switching_off_erases(
    window, page, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = window.services.handouts.log
    dialog = window.show_print_log()
    qtbot.addWidget(dialog)
    dialog.keep_names.setChecked(True)
    assert log.settings() == PrintLogSettings(enabled=True, keep_names=True)
    _preview(qtbot, page, ["after-your-session"])
    page.patient_name.setText(NAME)
    qtbot.waitUntil(lambda: not page.is_updating(), timeout=15000)
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: tmp_path / "a.pdf")
    page.export()
    dialog.refresh()
    dialog.table.selectRow(0)
    assert NAME in dialog.detail.toPlainText()

    monkeypatch.setattr(print_log_dialog, "ask_erase_names", lambda _parent: True)
    dialog.keep_names.setChecked(False)
    assert "Erased the personal details of 1 entries" in dialog.status.text()
    assert all(e.personal is None for e in log.entries())
    assert NAME not in dialog.detail.toPlainText()


def test_switching_the_log_off_records_nothing(
    window, page, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog: PrintLogDialog = window.show_print_log()
    qtbot.addWidget(dialog)
    dialog.enabled.setChecked(False)
    _preview(qtbot, page, ["after-your-session"])
    monkeypatch.setattr(dialogs, "ask_save_pdf", lambda *_a: tmp_path / "a.pdf")
    page.export()
    dialog.refresh()
    assert dialog.table.rowCount() == 0
