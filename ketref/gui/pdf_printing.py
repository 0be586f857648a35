"""Sending a rendered handout PDF to what the print dialog chose.

"Print to File" as PDF gets the rendered PDF itself (vector, selectable text, owner-only file)
rather than page images. A real printer gets the pages the dialog asked for, painted at the
printer's own resolution; copies are left to the print system when it supports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QProgressDialog, QWidget

from ketref.services.files import write_atomic


@dataclass(frozen=True)
class Printed:
    """What was sent: pages (of the document), copies, and whether the PDF went as is."""

    pages: tuple[int, ...]
    copies: int
    vector_file: Path | None = None
    cancelled: bool = False

    def message(self) -> str:
        if self.cancelled:
            return "Printing cancelled; the pages already sent may still print."
        if self.vector_file is not None:
            return f"Saved {len(self.pages)} page(s) as a PDF: {self.vector_file}."
        copies = f", {self.copies} copies" if self.copies > 1 else ""
        return f"Sent {len(self.pages)} page(s){copies} to the printer."


def new_printer() -> QPrinter:
    """A printer at the device's own resolution (not Qt's fixed 1200 dpi "high resolution")."""
    return QPrinter(QPrinter.PrinterMode.PrinterResolution)


def chosen_pages(printer: QPrinter, count: int) -> tuple[int, ...]:
    """The 0-based pages the dialog asked for: a "from–to" range, clipped to the document."""
    if printer.printRange() is QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(printer.toPage() or count, count) - 1
        return tuple(range(first, last + 1))
    return tuple(range(count))


def print_pdf(
    document: QPdfDocument,
    data: bytes,
    printer: QPrinter,
    progress: Callable[[int, int], bool] = lambda _done, _total: True,
) -> Printed:
    """Send ``data`` (loaded in ``document``) to ``printer`` as the print dialog set it up.

    ``progress(done, total)`` is called before each page; returning False cancels the job.

    Raises:
        ExportError: the PDF file cannot be written (one sentence naming it and why).
    """
    pages = chosen_pages(printer, document.pageCount())
    target = printer.outputFileName()
    is_pdf_file = printer.outputFormat() is QPrinter.OutputFormat.PdfFormat and target
    if is_pdf_file and pages == tuple(range(document.pageCount())):
        return Printed(pages, 1, write_atomic(Path(target), data))
    copies = printer.copyCount()
    repeats = 1 if printer.supportsMultipleCopies() else max(1, copies)
    painter = QPainter()
    if not pages or not painter.begin(printer):
        return Printed((), copies)
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        total = repeats * len(pages)
        for repeat in range(repeats):
            for position, page in enumerate(pages):
                if not progress(repeat * len(pages) + position, total):
                    printer.abort()
                    return Printed(pages, copies, cancelled=True)
                if repeat or position:
                    printer.newPage()
                size = document.pagePointSize(page)
                scale = min(area.width() / size.width(), area.height() / size.height())
                painter.drawImage(QPointF(0, 0), document.render(page, (size * scale).toSize()))
    finally:
        painter.end()
    if target and Path(target).is_file():
        Path(target).chmod(0o600)  # a printed-to file is a patient's document too
    return Printed(pages, copies)


def print_with_progress(
    parent: QWidget, document: QPdfDocument, data: bytes, printer: QPrinter
) -> Printed:
    """``print_pdf`` with a progress dialog whose Cancel stops the job between pages."""
    waiting = QProgressDialog("Printing…", "Cancel", 0, document.pageCount(), parent)
    waiting.setWindowModality(Qt.WindowModality.WindowModal)
    waiting.setMinimumDuration(300)

    def step(done: int, total: int) -> bool:
        waiting.setMaximum(total)
        waiting.setValue(done)  # a modal dialog's setValue also keeps the window painting
        return not waiting.wasCanceled()

    try:
        return print_pdf(document, data, printer, step)
    finally:
        waiting.close()
