"""Printing handouts: choose, personalise, render for preview, export to a file or a folder.

Personal details live only in the request for one render; they are never put into a file name
or the PDF's metadata, and stored in the print log only when the clinic keeps names there.
Every render also yields its ``PrintPlan`` (the exact versions and settings), which the print
log stores so ``render_plan`` can reprint the same words later.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
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
from ketref.domain.handout_languages import (
    HandoutKey,
    choose_handouts,
    source_changed_on,
    translation_index,
)
from ketref.domain.print_language import ENGLISH, Language, format_date
from ketref.domain.print_log import (
    Letterhead,
    PlannedSchedule,
    PrintedHandout,
    PrintOutput,
    PrintPlan,
    personal_fields_of,
)
from ketref.domain.printing import ClinicProfile, PaperSize, Personalisation, PrintOptions
from ketref.domain.schedules import (
    DatedSchedule,
    ScheduleTemplate,
    check_start_date,
    plan_schedule,
)
from ketref.pdf.handout import handout_language, render_handout, render_packet
from ketref.services.catalogue import CatalogueService
from ketref.services.files import ExportError, write_atomic
from ketref.services.print_log import PrintLogService, Recorded

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
    language: Language | None = None
    """``None`` prints each handout as named; a language applies to every handout."""
    bilingual: bool = False
    """Each handout in English, then in ``language``."""
    fallback_english: bool = False
    """Print handouts that lack a translation in English instead of refusing."""


@dataclass(frozen=True)
class RenderedHandouts:
    """A rendered printout and what it was made from (for the print log)."""

    data: bytes
    plan: PrintPlan
    personal: Personalisation


@dataclass(frozen=True)
class Exported:
    """A written PDF and whether its print-log entry was written."""

    path: Path
    recorded: Recorded


@dataclass(frozen=True)
class _Stored:
    handout: Handout
    content_version: str
    due_for_review: bool
    updated: date
    version_id: int


def _print_item(loaded: dict[str, _Stored], slug: str) -> HandoutPrint:
    """The handout to print, with the date its English source changed if it is a stale
    translation (the source's last change in this library)."""
    stored = loaded[slug]
    handout = stored.handout
    changed: date | None = None
    if handout.translation_of is not None:
        source = loaded.get(handout.translation_of.slug)
        if source is not None:
            changed = source_changed_on(handout, source.handout, source.updated)
    return HandoutPrint(handout, stored.content_version, stored.due_for_review, changed)


class HandoutService:
    def __init__(
        self,
        db: Database,
        content_dir: Path,
        catalogue: CatalogueService,
        clock: Clock = system_clock,
        log: PrintLogService | None = None,
    ) -> None:
        self._db = db
        self._content_dir = content_dir
        self._catalogue = catalogue
        self._clock = clock
        self.log = log or PrintLogService(db, clock)
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

    def plan(self, request: ScheduleRequest, language: Language = Language.EN) -> DatedSchedule:
        """The dated sessions for ``request``, the template's words in ``language`` (English
        where the template has no translation).

        Raises:
            NotFoundError: unknown template.
            BadInputError: start date out of range, or too few weekdays for the plan.
        """
        template = self.schedule_template(request.template).in_language(language.value)
        today = self._clock().date()
        check_start_date(request.start, today)
        schedule = plan_schedule(template, request.start, request.weekdays)
        return dataclasses.replace(schedule, due_for_review=is_due(template.review_due, today))

    # --- rendering ---------------------------------------------------------------------------

    def _keys(self) -> dict[str, HandoutKey]:
        """Slug, language and English source of every handout (cheap: no words loaded)."""
        with self._db.read() as session:
            rows = repo.handout_languages(session)
        return {slug: HandoutKey.of(slug, lang, source) for slug, lang, source in rows}

    def _load(self, slugs: Sequence[str], keys: dict[str, HandoutKey]) -> dict[str, _Stored]:
        """The handouts ``slugs`` and the English sources of those that are translations (to
        tell whether the source changed), with what printing needs to know about each."""
        wanted = dict.fromkeys([*slugs, *(keys[s].source for s in slugs if s in keys)])
        today = self._clock().date()
        loaded: dict[str, _Stored] = {}
        with self._db.read() as session:
            for slug in wanted:
                found = items_db.document_of_item(session, ItemKind.HANDOUT, slug)
                if found is None:
                    continue
                row, document = found
                handout = item_from_document(ItemKind.HANDOUT, slug, document)
                assert isinstance(handout, Handout)
                loaded[slug] = _Stored(
                    handout,
                    row.content_version,
                    is_due(row.review_due, today),
                    row.updated_at.date(),
                    row.version_id,
                )
        return loaded

    def translations(self, language: Language) -> dict[str, str]:
        """``English slug -> slug of its translation`` in ``language`` (English: itself)."""
        index = translation_index(self._keys())
        return {source: slug for (source, lang), slug in index.items() if lang == language.value}

    def _handouts(
        self, request: HandoutRequest
    ) -> tuple[list[HandoutPrint], list[int], ClinicProfile]:
        slugs = request.slugs
        if not slugs:
            raise BadInputError("choose at least one handout")
        if len(slugs) > MAX_HANDOUTS:
            raise BadInputError(f"at most {MAX_HANDOUTS} handouts fit in one PDF")
        repeated = sorted({s for s in slugs if slugs.count(s) > 1})
        if repeated:
            raise BadInputError(f"handout named more than once: {', '.join(repeated)}")
        keys = self._keys()
        unknown = [s for s in slugs if s not in keys]
        if unknown:
            raise NotFoundError(
                f"No handout called {unknown[0]!r} was found (see 'ketref list handouts')."
            )
        chosen = choose_handouts(
            keys,
            slugs,
            request.language,
            bilingual=request.bilingual,
            fallback_english=request.fallback_english,
        )
        loaded = self._load(chosen, keys)
        with self._db.read() as session:
            clinic = load_clinic_profile(session)
        items = [_print_item(loaded, slug) for slug in chosen]
        return items, [loaded[slug].version_id for slug in chosen], clinic

    def source_handouts(self) -> list[ItemSummary]:
        """The handouts to choose from: every handout that is not a translation of another."""
        translated = {slug for slug, key in self._keys().items() if key.is_translation}
        return [s for s in self.list_handouts() if s.slug not in translated]

    def translation_notices(self, slugs: Sequence[str]) -> dict[str, str]:
        """For each of ``slugs`` that is a translation whose English source changed since it
        was made: "The English version changed on DATE; review this translation." (in English,
        for staff; the PDF footer says it in the handout's language)."""
        loaded = self._load(slugs, self._keys())
        notices: dict[str, str] = {}
        for slug in slugs:
            changed = _print_item(loaded, slug).source_changed_on if slug in loaded else None
            if changed is not None:
                notices[slug] = ENGLISH.source_changed.format(date=format_date(changed))
        return notices

    def render(self, request: HandoutRequest) -> bytes:
        """The PDF for ``request`` as bytes (the preview and the export are the same bytes)."""
        return self.render_planned(request).data

    def render_planned(self, request: HandoutRequest) -> RenderedHandouts:
        """The PDF for ``request`` and the plan it was made from.

        Raises:
            NotFoundError: an unknown handout or schedule.
            MissingTranslationError: a chosen handout has no translation in the language asked
                for (and English was not accepted instead).
            BadInputError: a repeated handout, bad dates or weekdays.
        """
        items, version_ids, clinic = self._handouts(request)
        languages = list(dict.fromkeys(handout_language(i.handout) for i in items))
        cover = request.language or languages[0]
        schedules = (
            {lang: self.plan(request.schedule, lang) for lang in {*languages, cover}}
            if request.schedule
            else {}
        )
        paper = PaperSize(request.options.paper or clinic.paper)  # the GUI hands a plain str
        options = PrintOptions(paper, request.options.large_print)
        plan = PrintPlan(
            handouts=tuple(
                PrintedHandout(
                    i.handout.slug, v, i.content_version, i.due_for_review, i.source_changed_on
                )
                for i, v in zip(items, version_ids, strict=True)
            ),
            language=request.language,
            cover_language=cover,
            bilingual=request.bilingual,
            paper=paper,
            large_print=options.large_print,
            letterhead=_letterhead(clinic),
            schedule=None
            if request.schedule is None
            else PlannedSchedule(
                request.schedule.template,
                request.schedule.start,
                request.schedule.weekdays,
                next(iter(schedules.values())).due_for_review,
            ),
            personal_fields=personal_fields_of(request.personal),
        )
        data = _render(items, clinic, options, request.personal, cover=cover, schedules=schedules)
        return RenderedHandouts(data, plan, request.personal)

    def render_plan(self, plan: PrintPlan, personal: Personalisation) -> tuple[bytes, list[str]]:
        """Render a logged ``plan`` again from its saved versions (the handouts may have been
        edited since), with ``personal`` typed again or stored; the PDF and what differs from
        the original's inputs (a changed logo, a schedule template no longer shipped).

        Raises:
            NotFoundError: a logged version is gone (cannot happen while the print log's
                foreign key holds) or the schedule template was removed.
        """
        items: list[HandoutPrint] = []
        for printed in plan.handouts:
            version = self._catalogue.get_version(printed.version_id)
            handout = version.item
            assert isinstance(handout, Handout)
            items.append(
                HandoutPrint(
                    handout,
                    printed.content_version,
                    printed.due_for_review,
                    printed.source_changed_on,
                )
            )
        with self._db.read() as session:
            current = load_clinic_profile(session)
        head = plan.letterhead
        differs: list[str] = []
        logo = current.logo
        if _sha256(logo) != head.logo_sha256:
            differs.append("the clinic logo changed since; the reprint carries the current one")
        clinic = ClinicProfile(
            head.name, head.address, head.phone, head.emergency_phone, logo, current.logo_mime
        )
        schedules: dict[Language, DatedSchedule] = {}
        if plan.schedule is not None:
            languages = {handout_language(i.handout) for i in items} | {plan.cover_language}
            for lang in languages:
                template = self.schedule_template(plan.schedule.template).in_language(lang.value)
                dated = plan_schedule(template, plan.schedule.start, plan.schedule.weekdays)
                schedules[lang] = dataclasses.replace(
                    dated, due_for_review=plan.schedule.due_for_review
                )
        data = _render(
            items, clinic, plan.options, personal, cover=plan.cover_language, schedules=schedules
        )
        return data, differs

    def export(self, request: HandoutRequest, path: Path) -> Exported:
        """Render, write atomically to ``path`` (an existing file survives any failure), then
        log it; a failed log write is reported in the result, the file is kept.

        Raises:
            ExportError: the file cannot be written (one plain reason); nothing is logged.
            BadInputError: as for ``render``, or the name does not end in ``.pdf``.
        """
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            raise BadInputError(f"The file name must end in .pdf: {path.name}")
        rendered = self.render_planned(request)
        written = write_atomic(path, rendered.data)
        return Exported(written, self.record(rendered, PrintOutput.EXPORT))

    def record(self, rendered: RenderedHandouts, output: PrintOutput) -> Recorded:
        """Log a printout already written or sent (the GUI's Print calls this)."""
        return self.log.record(rendered.plan, rendered.data, output, rendered.personal)

    def export_all(
        self,
        folder: Path,
        options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
        personal: Personalisation = Personalisation(),  # noqa: B008 - frozen dataclass
        language: Language | None = None,
        *,
        fallback_english: bool = False,
    ) -> list[Path]:
        """One PDF per handout, named ``<slug>.pdf``, into an existing ``folder``: every handout
        item, or with ``language`` every English handout in that language.

        Raises:
            ExportError: the folder is missing or a file cannot be written.
            MissingTranslationError: some handouts lack a translation (checked before any file
                is written).
        """
        folder = Path(folder)
        if not folder.is_dir():
            reason = "it is not a folder" if folder.exists() else "the folder does not exist"
            raise ExportError(f"Cannot write to {folder}: {reason}.")
        keys = self._keys()
        slugs = sorted(keys)
        if language is not None:
            sources = [s for s in slugs if not keys[s].is_translation]
            slugs = choose_handouts(keys, sources, language, fallback_english=fallback_english)
        written: list[Path] = []
        for slug in slugs:
            request = HandoutRequest(slugs=(slug,), personal=personal, options=options)
            written.append(self.export(request, folder / f"{slug}.pdf").path)
        return written

    def default_filename(self, slugs: tuple[str, ...]) -> str:
        """A file name with no personal details: the handout's slug, or a dated packet name."""
        if len(slugs) == 1:
            return f"{slugs[0]}.pdf"
        return f"handout-packet-{self._clock().date().isoformat()}.pdf"


def _sha256(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data else None


def _letterhead(clinic: ClinicProfile) -> Letterhead:
    return Letterhead(
        clinic.name, clinic.address, clinic.phone, clinic.emergency_phone, _sha256(clinic.logo)
    )


def _render(
    items: Sequence[HandoutPrint],
    clinic: ClinicProfile,
    options: PrintOptions,
    personal: Personalisation,
    *,
    cover: Language,
    schedules: dict[Language, DatedSchedule],
) -> bytes:
    """One handout, or a packet with its cover in ``cover``; the schedule in each language."""
    shown = None if personal.is_empty else personal
    if len(items) == 1:
        language = handout_language(items[0].handout)
        return render_handout(
            items[0], clinic, options, personal=shown, schedule=schedules.get(language)
        )
    return render_packet(
        items,
        clinic,
        options,
        personal=shown,
        schedule=schedules.get(cover),
        language=cover,
        schedules=schedules,
    )
