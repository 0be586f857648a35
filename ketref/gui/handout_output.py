"""What the Handouts page's Export, Print and Monitoring-sheet buttons do.

An export or a print that succeeded is recorded in the print log (after the PDF is written or
sent); a failed one records nothing, and a failed log write keeps the PDF and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ketref.domain.enums import Product
from ketref.domain.errors import KetrefError
from ketref.domain.print_log import PrintOutput
from ketref.domain.printing import PrintOptions
from ketref.gui import dialogs
from ketref.gui.pdf_printing import ask_and_print
from ketref.gui.ui_state import LAST_FOLDER

if TYPE_CHECKING:
    from ketref.gui.handouts_page import HandoutsPage


def export_handouts(page: HandoutsPage) -> None:
    service = page.service
    if service is None or not page.chosen_slugs():
        return
    suggested = page.ui_state.folder(LAST_FOLDER) / service.default_filename(page.chosen_slugs())
    path = dialogs.ask_save_pdf(page, "Export PDF", suggested)
    if path is None:
        return
    try:
        exported = service.export(page.request(), path)
    except KetrefError as exc:  # unwritable folder or bad input: one message, nothing written
        page.status.setText(str(exc))
        return
    written = exported.path
    page.last_export = written
    page.ui_state.remember_folder(LAST_FOLDER, written.parent)
    page.open_button.setEnabled(True)
    page.status.setText(f"Saved {written.name} in {written.parent}." + exported.recorded.note())


def print_handouts(page: HandoutsPage) -> None:
    """Print the previewed PDF (exactly what the preview shows) and log it once sent.

    The job runs on a worker thread (``PrintJob``); its report and the log entry come when it
    ends, so the window keeps working meanwhile.
    """
    rendered = page.last_rendered
    service = page.service
    if page.pdf.pageCount() == 0 or rendered is None or service is None:
        return
    job = ask_and_print(page, rendered.data, page.pdf.pageCount())
    if job is None:
        return
    page.print_job = job

    def report(message: str) -> None:  # sent, cancelled, or why not (an unwritable file)
        printed = job.result
        note = ""
        if printed is not None and printed.pages and not printed.cancelled:
            note = service.record(rendered, PrintOutput.PRINT).note()
        page.status.setText(message + note)

    job.reported.connect(report)


def export_sheet(page: HandoutsPage, product: Product) -> None:
    """Save the session monitoring sheet for ``product`` on the chosen paper (not logged: it
    carries no patient details and no handout versions)."""
    if page.sheets is None:
        return
    suggested = page.ui_state.folder(LAST_FOLDER) / page.sheets.default_filename(product)
    path = dialogs.ask_save_pdf(page, "Save monitoring sheet", suggested)
    if path is None:
        return
    options = PrintOptions(paper=page.paper.currentData())
    try:
        written = page.sheets.export(product, path, options)
    except KetrefError as exc:  # unwritable folder, bad name: one message, nothing written
        page.status.setText(str(exc))
        return
    page.last_export = written
    page.ui_state.remember_folder(LAST_FOLDER, written.parent)
    page.open_button.setEnabled(True)
    page.status.setText(f"Saved the {product.label} monitoring sheet as {written.name}.")
