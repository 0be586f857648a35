"""Printing runs on a worker thread: the window keeps painting, progress moves, Cancel stops it."""

from __future__ import annotations

import threading

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton

from ketref.domain.enums import ItemKind
from ketref.gui import pdf_printing
from ketref.gui.pdf_printing import PrintJob, new_printer
from tests.gui.test_handouts_page import wait_preview

pytestmark = pytest.mark.gui


@pytest.fixture
def page(window):
    window.show_page(ItemKind.HANDOUT.value)
    return window.handouts_page


HANDOUTS = ["about-iv-ketamine", "about-esketamine-nasal-spray", "questions-people-ask"]


def raster_printer(path) -> QPrinter:
    """A printer that takes page images (a page range, so not the vector shortcut)."""
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    return printer


def test_pages_are_painted_off_the_gui_thread(page, qtbot, tmp_path, monkeypatch) -> None:
    page.select(HANDOUTS)
    wait_preview(qtbot, page)
    threads: list[int] = []
    real = pdf_printing.print_pdf

    def recording(data, printer, progress, cancelled):
        threads.append(threading.get_ident())
        return real(data, printer, progress, cancelled)

    monkeypatch.setattr(pdf_printing, "print_pdf", recording)
    job = PrintJob(page, page.last_pdf, raster_printer(tmp_path / "p.pdf"), page.pdf.pageCount())
    job.reported.connect(page.status.setText)
    with qtbot.waitSignal(job.reported, timeout=20000):
        pass
    assert threads and threads[0] != threading.get_ident()
    assert job.result is not None and job.result.pages == (1, 2)
    assert "Sent 2 page(s)" in page.status.text()
    assert len(PdfReader(tmp_path / "p.pdf").pages) == 2
    assert job.waiting.maximum() == 2  # the progress dialog followed the job's pages
    assert not job.busy


def test_cancel_in_the_progress_dialog_stops_the_job(page, qtbot, tmp_path, monkeypatch) -> None:
    page.select(HANDOUTS)
    wait_preview(qtbot, page)
    real = pdf_printing.print_pdf
    first_page = threading.Event()

    def held(data, printer, progress, cancelled):
        def step(done: int, total: int) -> bool:
            if done == 1:  # after the first page: wait until the user has pressed Cancel
                first_page.set()
                job.stop.wait(10)
            return progress(done, total)

        return real(data, printer, step, cancelled)

    monkeypatch.setattr(pdf_printing, "print_pdf", held)
    job = PrintJob(page, page.last_pdf, raster_printer(tmp_path / "c.pdf"), page.pdf.pageCount())
    qtbot.waitUntil(first_page.is_set, timeout=20000)
    with qtbot.waitSignal(job.reported, timeout=10000) as reported:
        job.waiting.findChild(QPushButton).click()  # the dialog's Cancel button
    assert "cancelled" in reported.args[0]
    assert job.result is not None and job.result.cancelled


def test_an_unwritable_print_to_file_target_gets_one_sentence(page, qtbot, tmp_path) -> None:
    page.select(HANDOUTS[:1])
    wait_preview(qtbot, page)
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "missing" / "x.pdf"))
    job = PrintJob(page, page.last_pdf, printer, page.pdf.pageCount())
    with qtbot.waitSignal(job.reported, timeout=10000) as reported:
        pass
    assert "does not exist" in reported.args[0]
    assert job.result is None
    assert not (tmp_path / "missing").exists()
