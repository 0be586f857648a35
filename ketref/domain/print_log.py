"""The print log as plain data: what one export or print of handouts was, and how to redo it.

A ``PrintPlan`` is everything a render used besides the patient's details: the exact item
versions in print order, the review flags and translation notices as they were printed, the
language choice, paper, schedule and letterhead text. It is stored with the log entry, so a
reprint lays out the same words even after the handouts were edited. Patient details are kept
apart (``Personalisation``) and stored only when the clinic keeps names in the print log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ketref.domain.print_language import Language
from ketref.domain.printing import PaperSize, Personalisation, PrintOptions

PERSONAL_FIELDS = ("patient_name", "date", "escort", "notes", "emergency_phone")
"""The ``Personalisation`` fields, in the order forms show them."""

PERSONAL_LABELS = {
    "patient_name": "patient name",
    "date": "date",
    "escort": "escort",
    "notes": "notes",
    "emergency_phone": "emergency number",
}


class PrintOutput(StrEnum):
    """How a printout left ketref."""

    EXPORT = "export"
    """Saved as a PDF file."""
    PRINT = "print"
    """Sent to a printer (or the print dialog's print-to-file)."""


@dataclass(frozen=True)
class PrintedHandout:
    """One handout as it was printed: its saved version and what its page said about review."""

    slug: str
    version_id: int
    content_version: str
    due_for_review: bool
    source_changed_on: dt.date | None = None


@dataclass(frozen=True)
class PlannedSchedule:
    """The dated schedule of a printout: template id, first day, weekdays, review flag."""

    template: str
    start: dt.date
    weekdays: tuple[int, ...] | None
    due_for_review: bool


@dataclass(frozen=True)
class Letterhead:
    """The clinic's letterhead text as printed; the logo is kept as its hash only."""

    name: str | None = None
    address: str | None = None
    phone: str | None = None
    emergency_phone: str | None = None
    logo_sha256: str | None = None


@dataclass(frozen=True)
class PrintPlan:
    """What a handout render used, except the patient's details (see module docstring)."""

    handouts: tuple[PrintedHandout, ...]
    language: Language | None
    cover_language: Language
    bilingual: bool
    paper: PaperSize
    large_print: bool
    letterhead: Letterhead
    schedule: PlannedSchedule | None = None
    personal_fields: tuple[str, ...] = ()
    """Which personal fields the printout carried (names only, never values)."""
    reprint_of: int | None = None
    """The print-log entry this printout reprinted, if it is a reprint."""

    @property
    def options(self) -> PrintOptions:
        return PrintOptions(paper=self.paper, large_print=self.large_print)

    def settings_json(self) -> dict[str, Any]:
        """The plan as JSON for the log row (the handout list is stored in its own table)."""
        schedule = self.schedule
        return {
            "cover_language": self.cover_language.value,
            "bilingual": self.bilingual,
            "letterhead": {
                "name": self.letterhead.name,
                "address": self.letterhead.address,
                "phone": self.letterhead.phone,
                "emergency_phone": self.letterhead.emergency_phone,
                "logo_sha256": self.letterhead.logo_sha256,
            },
            "schedule": None
            if schedule is None
            else {
                "template": schedule.template,
                "start": schedule.start.isoformat(),
                "weekdays": None if schedule.weekdays is None else list(schedule.weekdays),
                "due_for_review": schedule.due_for_review,
            },
            "personal_fields": list(self.personal_fields),
            "reprint_of": self.reprint_of,
            "handouts": [
                {
                    "content_version": h.content_version,
                    "due_for_review": h.due_for_review,
                    "source_changed_on": h.source_changed_on.isoformat()
                    if h.source_changed_on
                    else None,
                }
                for h in self.handouts
            ],
        }


def plan_from_json(
    settings: dict[str, Any],
    versions: list[tuple[str, int]],
    *,
    language: str | None,
    paper: str,
    large_print: bool,
) -> PrintPlan:
    """The plan stored by ``settings_json``; ``versions`` are (slug, version id) in order."""
    flags = settings["handouts"]
    handouts = tuple(
        PrintedHandout(
            slug=slug,
            version_id=version_id,
            content_version=str(flag["content_version"]),
            due_for_review=bool(flag["due_for_review"]),
            source_changed_on=dt.date.fromisoformat(flag["source_changed_on"])
            if flag.get("source_changed_on")
            else None,
        )
        for (slug, version_id), flag in zip(versions, flags, strict=True)
    )
    raw = settings.get("schedule")
    schedule = (
        None
        if raw is None
        else PlannedSchedule(
            template=str(raw["template"]),
            start=dt.date.fromisoformat(raw["start"]),
            weekdays=None if raw["weekdays"] is None else tuple(int(d) for d in raw["weekdays"]),
            due_for_review=bool(raw["due_for_review"]),
        )
    )
    head = settings.get("letterhead") or {}
    return PrintPlan(
        handouts=handouts,
        language=Language(language) if language else None,
        cover_language=Language(settings["cover_language"]),
        bilingual=bool(settings.get("bilingual", False)),
        paper=PaperSize(paper),
        large_print=large_print,
        letterhead=Letterhead(**{k: head.get(k) for k in Letterhead.__dataclass_fields__}),
        schedule=schedule,
        personal_fields=tuple(settings.get("personal_fields", ())),
        reprint_of=settings.get("reprint_of"),
    )


def personal_fields_of(personal: Personalisation) -> tuple[str, ...]:
    """The names of the personal fields that are filled in."""
    return tuple(name for name in PERSONAL_FIELDS if getattr(personal, name))


@dataclass(frozen=True)
class PrintLogEntry:
    """One logged printout, as lists and the reprint show it."""

    id: int
    at: dt.datetime
    printed_by: str
    output: PrintOutput
    page_count: int
    pdf_sha256: str
    plan: PrintPlan
    titles: tuple[str, ...] = ()
    """The handouts' titles as printed (from their logged versions), in print order."""
    personal: Personalisation | None = None
    """Stored only while the clinic keeps names in the print log."""

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(h.slug for h in self.plan.handouts)

    @property
    def output_label(self) -> str:
        """``export``, ``print`` or ``export (reprint of 3)``."""
        again = self.plan.reprint_of
        return self.output.value + (f" (reprint of {again})" if again is not None else "")


@dataclass(frozen=True)
class PrintLogSettings:
    """The clinic's print-log choices: log on (default), names off (default)."""

    enabled: bool = True
    keep_names: bool = False


@dataclass(frozen=True)
class PrintLogFilter:
    """Which entries to list: from ``since`` (a day, inclusive) to ``until`` (inclusive), and
    only those that printed ``handout`` (a slug, English source or translation)."""

    since: dt.date | None = None
    until: dt.date | None = None
    handout: str | None = None
    limit: int = 1000
