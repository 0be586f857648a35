"""Printing handouts: choose, personalise, render for preview, export to a file or a folder.

Personal details live only in the request for one render; they are never stored, never logged
and never put into a file name or the PDF's metadata.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ketref.content.schedules import read_schedule_templates
from ketref.db import items as items_db
from ketref.db import repositories as repo
from ketref.db.clinic import load_clinic_profile
from ketref.db.engine import Database
from ketref.db.mapping import item_from_document
from ketref.domain.catalogue import ItemSummary, is_due
from ketref.domain.clock import Clock, system_clock
from ketref.domain.content import Handout
from ketref.domain.document import HandoutPrint
from ketref.domain.enums import ItemKind, Product
from ketref.domain.errors import BadInputError, NotFoundError
from ketref.domain.printing import ClinicProfile, Personalisation, PrintOptions
from ketref.domain.schedules import (
    DatedSchedule,
    ScheduleTemplate,
    check_start_date,
    plan_schedule,
)
from ketref.pdf.handout import render_handout, render_packet
from ketref.services.catalogue import CatalogueService
from ketref.services.files import ExportError, write_atomic

MAX_HANDOUTS = 50


@dataclass(frozen=True)
class ScheduleRequest:
    """Which template (its id, or a product name for that product's default), from when, on
    which weekdays (``None`` = the template's usual days)."""

    template: str
    start: date
    weekdays: tuple[int, ...] | None = None


@dataclass(frozen=True)
class HandoutRequest:
    """One printout: handouts in order (more than one makes a packet) and its personalisation."""

    slugs: tuple[str, ...]
    personal: Personalisation = field(default_factory=Personalisation)
    schedule: ScheduleRequest | None = None
    options: PrintOptions = field(default_factory=PrintOptions)


class HandoutService:
    def __init__(
        self,
        db: Database,
        content_dir: Path,
        catalogue: CatalogueService,
        clock: Clock = system_clock,
    ) -> None:
        self._db = db
        self._content_dir = content_dir
        self._catalogue = catalogue
        self._clock = clock
        self._templates: list[ScheduleTemplate] | None = None

    # --- choosing --------------------------------------------------------------------------

    def list_handouts(self) -> list[ItemSummary]:
        return self._catalogue.list_items(ItemKind.HANDOUT)

    def list_schedules(self) -> list[ScheduleTemplate]:
        """Every schedule template, each product's default first.

        Raises:
            ContentError: the schedule files are invalid or cite unknown references.
        """
        if self._templates is None:
            with self._db.read() as session:
                known = {r.key for r in repo.reference_rows(session)}
            self._templates = read_schedule_templates(self._content_dir, known)
        return list(self._templates)

    def schedule_template(self, name: str) -> ScheduleTemplate:
        """A template by id, or by product name (``iv-ketamine``) for that product's default.

        Raises:
            NotFoundError: no such template.
        """
        templates = self.list_schedules()
        if name in Product._value2member_map_:
            for template in templates:
                if template.product.value == name and template.default:
                    return template
        for template in templates:
            if template.id == name:
                return template
        names = ", ".join([p.value for p in Product] + [t.id for t in templates])
        raise NotFoundError(f"No schedule called {name!r}; choose one of: {names}.")

    def plan(self, request: ScheduleRequest) -> DatedSchedule:
        """The dated sessions for ``request``.

        Raises:
            NotFoundError: unknown template.
            BadInputError: start date out of range, or too few weekdays for the plan.
        """
        template = self.schedule_template(request.template)
        today = self._clock().date()
        check_start_date(request.start, today)
        schedule = plan_schedule(template, request.start, request.weekdays)
        return dataclasses.replace(schedule, due_for_review=is_due(template.review_due, today))

    # --- rendering ---------------------------------------------------------------------------

    def _handouts(self, slugs: tuple[str, ...]) -> tuple[list[HandoutPrint], ClinicProfile]:
        if not slugs:
            raise BadInputError("choose at least one handout")
        if len(slugs) > MAX_HANDOUTS:
            raise BadInputError(f"at most {MAX_HANDOUTS} handouts fit in one PDF")
        repeated = sorted({s for s in slugs if slugs.count(s) > 1})
        if repeated:
            raise BadInputError(f"handout named more than once: {', '.join(repeated)}")
        today = self._clock().date()
        items: list[HandoutPrint] = []
        with self._db.read() as session:
            for slug in slugs:
                found = items_db.document_of_item(session, ItemKind.HANDOUT, slug)
                if found is None:
                    raise NotFoundError(
                        f"No handout called {slug!r} was found (see 'ketref list handouts')."
                    )
                row, document = found
                handout = item_from_document(ItemKind.HANDOUT, slug, document)
                assert isinstance(handout, Handout)
                items.append(
                    HandoutPrint(handout, row.content_version, is_due(row.review_due, today))
                )
            clinic = load_clinic_profile(session)
        return items, clinic

    def render(self, request: HandoutRequest) -> bytes:
        """The PDF for ``request`` as bytes (the preview and the export are the same bytes).

        Raises:
            NotFoundError: an unknown handout or schedule.
            BadInputError: a repeated handout, bad dates or weekdays.
        """
        items, clinic = self._handouts(request.slugs)
        schedule = self.plan(request.schedule) if request.schedule else None
        personal = None if request.personal.is_empty else request.personal
        if len(items) == 1:
            return render_handout(
                items[0], clinic, request.options, personal=personal, schedule=schedule
            )
        return render_packet(items, clinic, request.options, personal=personal, schedule=schedule)

    def export(self, request: HandoutRequest, path: Path) -> Path:
        """Render and write atomically to ``path`` (an existing file survives any failure).

        Raises:
            ExportError: the file cannot be written (one plain reason).
            BadInputError: as for ``render``, or the name does not end in ``.pdf``.
        """
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise BadInputError(f"The file name must end in .pdf: {path.name}")
        data = self.render(request)
        return write_atomic(path, data)

    def export_all(
        self,
        folder: Path,
        options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
        personal: Personalisation = Personalisation(),  # noqa: B008 - frozen dataclass
    ) -> list[Path]:
        """One PDF per handout, named ``<slug>.pdf``, into an existing ``folder``.

        Raises:
            ExportError: the folder is missing or a file cannot be written.
        """
        folder = Path(folder)
        if not folder.is_dir():
            reason = "it is not a folder" if folder.exists() else "the folder does not exist"
            raise ExportError(f"Cannot write to {folder}: {reason}.")
        written: list[Path] = []
        for summary in self.list_handouts():
            request = HandoutRequest(slugs=(summary.slug,), personal=personal, options=options)
            written.append(self.export(request, folder / f"{summary.slug}.pdf"))
        return written

    def default_filename(self, slugs: tuple[str, ...]) -> str:
        """A file name with no personal details: the handout's slug, or a dated packet name."""
        if len(slugs) == 1:
            return f"{slugs[0]}.pdf"
        return f"handout-packet-{self._clock().date().isoformat()}.pdf"
