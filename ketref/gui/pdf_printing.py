"""Sending a rendered handout PDF to what the print dialog chose, off the GUI thread.

"Print to File" as PDF gets the rendered PDF itself (vector, selectable text, owner-only file)
rather than page images. A real printer gets the pages the dialog asked for, painted at the
printer's own resolution; copies are left to the print system when it supports them.

``PrintJob`` runs the whole job on a worker thread: Qt supports a QPainter on a QPrinter in a
thread other than the GUI thread as long as only that thread paints on it ("Painting in
Threads", Qt 6 Thread-Support in Qt Modules), so each page is rendered from the job's own
QPdfDocument and painted there, and the window only shows progress and Cancel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QObject, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QProgressDialog, QWidget

from ketref.gui.background import BackgroundRunner, Progress, user_message
from ketref.services.files import write_atomic

BANDS = 16
"""Strips a page is rendered and painted in (Cancel waits for one strip at most)."""


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
    data: bytes,
    printer: QPrinter,
    progress: Callable[[int, int], bool] = lambda _done, _total: True,
    cancelled: Callable[[], bool] = lambda: False,
) -> Printed:
    """Send the PDF ``data`` to ``printer`` as the print dialog set it up (on any one thread).

    ``progress(done, total)`` is called before each page; returning False cancels the job, as
    ``cancelled()`` returning True does between the bands of a page.

    Raises:
        ExportError: the PDF file cannot be written (one sentence naming it and why).
    """
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QBuffer.OpenModeFlag.ReadOnly)
    document = QPdfDocument()  # this thread's own: the preview's belongs to the GUI thread
    document.load(buffer)
    try:
        return _print_document(document, data, printer, progress, cancelled)
    finally:
        document.close()


def _print_document(
    document: QPdfDocument,
    data: bytes,
    printer: QPrinter,
    progress: Callable[[int, int], bool],
    cancelled: Callable[[], bool],
) -> Printed:
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
                if repeat or position:
                    printer.newPage()
                size = document.pagePointSize(page)
                scale = min(area.width() / size.width(), area.height() / size.height())
                if not progress(repeat * len(pages) + position, total) or not _paint_page(
                    painter, document, page, (size * scale).toSize(), cancelled
                ):
                    printer.abort()
                    return Printed(pages, copies, cancelled=True)
    finally:
        painter.end()
    if target and Path(target).is_file():
        Path(target).chmod(0o600)  # a printed-to file is a patient's document too
    return Printed(pages, copies)


def _paint_page(
    painter: QPainter, document: QPdfDocument, page: int, size: QSize, cancelled: Callable[[], bool]
) -> bool:
    """Paint ``page`` at ``size`` pixels in horizontal bands; False if cancelled on the way.

    A whole page at 600 dpi is a 100 MB image that took seconds to render and hand over; bands
    keep memory low and let Cancel (or quitting) take effect within a fraction of a page.
    """
    band = max(1, -(-size.height() // BANDS))
    for top in range(0, size.height(), band):
        if cancelled():
            return False
        clip = QRect(0, top, size.width(), min(band, size.height() - top))
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(size)
        options.setScaledClipRect(clip)
        painter.drawImage(QPointF(0, top), document.render(page, clip.size(), options))
    return True


class PrintJob(QObject):
    """One print on a worker thread, with a progress dialog whose Cancel stops it between pages.

    ``reported`` brings one sentence for the user on the GUI thread (what was sent, or why
    not), with ``result`` set when it was sent. The printer is kept until the job ends; nothing
    on the GUI thread touches it meanwhile.
    """

    reported = Signal(str)

    def __init__(self, parent: QWidget, data: bytes, printer: QPrinter, pages: int) -> None:
        super().__init__(parent)
        self.printer = printer
        self.result: Printed | None = None
        self.stop = threading.Event()
        """Set by Cancel (or a closing window); the worker checks it before each page."""
        self.waiting = QProgressDialog("Printing…", "Cancel", 0, pages, parent)
        self.waiting.setWindowModality(Qt.WindowModality.WindowModal)
        self.waiting.setMinimumDuration(300)
        self.waiting.setAutoClose(False)
        self.waiting.canceled.connect(self.stop.set)
        self._runner = BackgroundRunner(
            lambda _request, progress: self._run(data, progress), "print", self, latest_only=False
        )
        self._runner.progressed.connect(self._progressed)
        self._runner.succeeded.connect(self._succeeded)
        self._runner.failed.connect(lambda exc: self._end(user_message(exc)))
        self._runner.submit()

    def _run(self, data: bytes, progress: Progress) -> Printed:
        def step(done: int, total: int) -> bool:
            progress(total - done, total)
            return not self.stop.is_set()

        return print_pdf(data, self.printer, step, self.stop.is_set)

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def _progressed(self, remaining: int, total: int) -> None:
        self.waiting.setMaximum(total)
        self.waiting.setValue(total - remaining)

    def _succeeded(self, printed: Printed) -> None:
        self.result = printed
        self._end(printed.message())

    def _end(self, message: str) -> None:
        self.waiting.close()
        self._runner.shutdown()
        self.reported.emit(message)

    def cancel(self, msecs: int = 5000) -> bool:
        """Stop after the page being painted and end the thread; True when it has ended."""
        self.stop.set()
        return self._runner.shutdown(msecs)


def ask_and_print(parent: QWidget, data: bytes, pages: int) -> PrintJob | None:
    """The print dialog for a ``pages``-page PDF, then the job it set up (None if declined)."""
    printer = new_printer()
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, pages)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    return PrintJob(parent, data, printer, pages)
