"""The session monitoring sheet: one page a nurse fills in at one session, ready to print.

The sheet template (times, observation rule, discharge criteria, sources) is content; the
clinic's blood-pressure thresholds come from its settings and are printed beside the BP boxes.
Nothing about a patient goes in: the patient and date lines are left blank to write on.
"""

from __future__ import annotations

from pathlib import Path

from ketref.content.monitoring_sheets import read_monitoring_sheets
from ketref.db import repositories as repo
from ketref.db.engine import Database
from ketref.domain.catalogue import is_due
from ketref.domain.clock import Clock, system_clock
from ketref.domain.document import (
    CLINICIAN_DISCLAIMER,
    DocBlock,
    DocForm,
    DocHeading,
    DocParagraph,
    DocTable,
    PrintDocument,
)
from ketref.domain.enums import Product
from ketref.domain.errors import BadInputError, NotFoundError
from ketref.domain.monitoring_sheet import MonitoringSheet
from ketref.domain.printing import PrintOptions
from ketref.domain.thresholds import Thresholds
from ketref.pdf.blocks import CHECKBOX
from ketref.pdf.document import render_document
from ketref.services.clinic import ClinicService
from ketref.services.files import write_atomic
from ketref.services.screening import ScreeningService

VITALS_WIDTHS = (3.0, 0.8, 3.0, 0.6, 0.8, 1.8)


def sheet_document(
    sheet: MonitoringSheet, thresholds: Thresholds, *, due_for_review: bool = False
) -> PrintDocument:
    """Lay out ``sheet`` as one page to fill in, the thresholds printed beside the BP boxes."""
    delay, stop = thresholds.bp_delay, thresholds.bp_stop
    bp_header = f"BP (mmHg): delay above {delay}, do not give above {stop}"
    rows = tuple(
        (f"{tp.label} ({tp.note})" if tp.note else tp.label, "", "", "", "", "")
        for tp in sheet.timepoints
    )
    blocks: list[DocBlock] = [
        DocParagraph(sheet.observation),
        DocForm(
            ("Patient (name or ID)", "Date", "Dose", "Dose started (clock)", "Staff"),
            (("", "", "", "", ""),),
            widths=(3, 1.4, 1.4, 1.6, 1.8),
            lines=1.2,
        ),
        DocParagraph(
            f"BP thresholds ({thresholds.source.value}, at rest before dosing): consider delaying "
            f"above {delay}; do not give above {stop} mmHg.",
            small=True,
        ),
        DocForm(
            ("Time", "Clock", bp_header, "HR", "SpO2 %", "Dissociation / sedation"),
            rows,
            widths=VITALS_WIDTHS,
            lines=1.3,
        ),
        DocHeading(f"Discharge criteria: {sheet.discharge_note}"),
        DocTable(
            (),
            (
                *_two_columns([f"{CHECKBOX} {c}" for c in sheet.discharge_criteria]),
                ("Discharged at (clock):", "Total time from dose:"),
                ("Discharged by:", "Went home with:"),
            ),
        ),
        DocParagraph(
            f"Sources (ketref show references ID): {', '.join(sheet.references)}.", small=True
        ),
    ]
    return PrintDocument(
        title=sheet.title,
        blocks=tuple(blocks),
        label="Clinician record",
        compact_letterhead=True,
        version=sheet.version,
        reviewed=sheet.reviewed,
        review_due=sheet.review_due,
        due_for_review=due_for_review,
        disclaimer=CLINICIAN_DISCLAIMER,
        keywords=("ketamine", "monitoring", sheet.product.value),
    )


def _two_columns(cells: list[str]) -> tuple[tuple[str, ...], ...]:
    """``cells`` in two columns, filled down the left column first."""
    half = (len(cells) + 1) // 2
    right = [*cells[half:], ""]
    return tuple((left, right[i]) for i, left in enumerate(cells[:half]))


class MonitoringSheetService:
    def __init__(
        self,
        db: Database,
        content_dir: Path,
        clinic: ClinicService,
        screening: ScreeningService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._content_dir = content_dir
        self._clinic = clinic
        self._screening = screening
        self._clock = clock
        self._sheets: dict[Product, MonitoringSheet] | None = None

    def sheet(self, product: Product) -> MonitoringSheet:
        """The sheet template for ``product``.

        Raises:
            NotFoundError: no sheet for this product.
            ContentError: the sheet files are invalid or cite unknown references.
        """
        if self._sheets is None:
            with self._db.read() as session:
                known = {r.key for r in repo.reference_rows(session)}
            self._sheets = read_monitoring_sheets(self._content_dir, known)
        if product not in self._sheets:
            raise NotFoundError(f"No monitoring sheet for {product.label}.")
        return self._sheets[product]

    def render(self, product: Product, options: PrintOptions | None = None) -> bytes:
        """The sheet as PDF bytes on the clinic's letterhead, with the clinic's thresholds.

        Raises:
            NotFoundError: no sheet for this product.
            BadInputError: the stored thresholds are damaged.
        """
        sheet = self.sheet(product)
        due = is_due(sheet.review_due, self._clock().date())
        document = sheet_document(sheet, self._screening.clinic_thresholds(), due_for_review=due)
        return render_document(document, self._clinic.get(), options or PrintOptions())

    def export(self, product: Product, path: Path, options: PrintOptions | None = None) -> Path:
        """Render and write ``path`` atomically (an existing file survives any failure).

        Raises:
            BadInputError: the name does not end in ``.pdf``.
            ExportError: the file cannot be written.
        """
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise BadInputError(f"The file name must end in .pdf: {path.name}")
        return write_atomic(path, self.render(product, options))

    def default_filename(self, product: Product) -> str:
        return f"monitoring-sheet-{product.value}.pdf"
