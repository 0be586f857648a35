"""The languages handouts print in: one message catalogue per language, dates from CLDR.

Everything printed around a handout's own words (labels, cover, contents, footer, calendar,
disclaimer) comes from the catalogue of the language it prints in, so a Spanish handout carries
no English on its page. Month and weekday names and date patterns come from Babel's CLDR data,
never from hand-written tables. A new language is a new ``Language`` member and one more
``PrintMessages`` entry; ``tests/unit/test_print_language.py`` checks every catalogue has the
same placeholders as English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cache

from babel import Locale
from babel.dates import format_date as babel_format_date


class Language(StrEnum):
    """A printing language; the value is the content's ``language`` code and the CLI name."""

    EN = "en"
    ES = "es"

    @property
    def label(self) -> str:
        """The language's name in itself (what a patient recognises)."""
        return str(Locale.parse(self.value).get_display_name(self.value)).capitalize()

    @property
    def english_name(self) -> str:
        """The language's name in English, for staff-facing messages (``Spanish``)."""
        return str(Locale.parse(self.value).get_display_name("en"))


@dataclass(frozen=True)
class PrintMessages:
    """Every fixed string on a printed handout, in one language.

    Fields ending in ``_pattern`` are CLDR date patterns (Babel fills in the names); the others
    may hold ``{placeholders}`` filled with ``str.format``.
    """

    date_pattern: str
    short_date_pattern: str
    day_month_pattern: str
    weekday_date_pattern: str
    month_year_pattern: str
    month_pattern: str
    patient_label: str
    packet_label: str
    packet_title: str
    contents_heading: str
    prepared_for: str
    date: str
    escort: str
    notes_heading: str
    clinic_write_in: str
    phone_write_in: str
    after_hours_write_in: str
    page_x_of_y: str
    version: str
    version_with_content: str
    content_only: str
    reviewed: str
    review_due: str
    review_passed: str
    due_mark: str
    due_banner: str
    disclaimer: str
    source_changed: str
    translation_unreviewed: str
    schedule_heading: str
    schedule_facts: str
    schedule_phase: str
    schedule_months_one: str
    schedule_months_range: str
    schedule_session: str
    schedule_missed: str
    schedule_due: str
    schedule_unverified: str
    """Printed under an unverified template's dates, as the window's dropdown marks it."""


ENGLISH = PrintMessages(
    date_pattern="d MMM y",
    short_date_pattern="d MMM y",
    day_month_pattern="d MMM",
    weekday_date_pattern="EEE d MMM y",
    month_year_pattern="MMM y",
    month_pattern="MMM",
    patient_label="Patient information",
    packet_label="Patient information pack",
    packet_title="Information for your treatment",
    contents_heading="In this pack",
    prepared_for="Prepared for",
    date="Date",
    escort="Driver or escort",
    notes_heading="Notes from your care team",
    clinic_write_in="Clinic: {blank}",
    phone_write_in="Phone: {value}",
    after_hours_write_in="After hours or urgent: {value}",
    page_x_of_y="Page {page} of {total}",
    version="Version {version}",
    version_with_content="Version {version} (content {content})",
    content_only="Content {content}",
    reviewed="Reviewed {date}",
    review_due="Review due {date}",
    review_passed="{text} (PASSED)",
    due_mark="DUE FOR REVIEW",
    due_banner=(
        "DUE FOR REVIEW: the review date of this sheet ({date}) has passed. Staff: check it is "
        "still current before giving it out."
    ),
    disclaimer=(
        "General information to go with advice from your care team, who know your health. "
        "It does not replace their advice."
    ),
    source_changed="The English version changed on {date}; review this translation.",
    translation_unreviewed="Translation not yet reviewed by a qualified medical translator.",
    schedule_heading="Your treatment dates",
    schedule_facts="First session: {first}. Session days: {days}. Sessions shown: {count}.",
    schedule_phase="{label} ({months})",
    schedule_months_one="{month}",
    schedule_months_range="{first} to {last}",
    schedule_session="Session {number}",
    schedule_missed=(
        "If you cannot come on a date, call your clinic to book a new time. Plan: {plan}."
    ),
    schedule_due="DUE FOR REVIEW: this schedule plan was due for review on {date}.",
    schedule_unverified=(
        "Unverified plan: the exact pattern of this plan is your clinic's choice. It is not set "
        "by a published guideline."
    ),
)

SPANISH = PrintMessages(
    date_pattern="d 'de' MMMM 'de' y",
    short_date_pattern="d MMM y",
    day_month_pattern="d MMM",
    weekday_date_pattern="EEEE d 'de' MMMM 'de' y",
    month_year_pattern="MMMM 'de' y",
    month_pattern="MMMM",
    patient_label="Información para el paciente",
    packet_label="Paquete de información para el paciente",
    packet_title="Información para su tratamiento",
    contents_heading="En este paquete",
    prepared_for="Preparado para",
    date="Fecha",
    escort="Conductor o acompañante",
    notes_heading="Notas de su equipo de atención",
    clinic_write_in="Clínica: {blank}",
    phone_write_in="Teléfono: {value}",
    after_hours_write_in="Fuera de horario o urgente: {value}",
    page_x_of_y="Página {page} de {total}",
    version="Versión {version}",
    version_with_content="Versión {version} (contenido {content})",
    content_only="Contenido {content}",
    reviewed="Revisado el {date}",
    review_due="Próxima revisión: {date}",
    review_passed="{text} (VENCIDA)",
    due_mark="REVISIÓN VENCIDA",
    due_banner=(
        "REVISIÓN VENCIDA: la fecha de revisión de esta hoja ({date}) ya pasó. Personal: "
        "confirme que sigue vigente antes de entregarla."
    ),
    disclaimer=(
        "Información general que acompaña los consejos de su equipo de atención, que conoce "
        "su salud. No reemplaza sus consejos."
    ),
    source_changed="La versión en inglés cambió el {date}; revise esta traducción.",
    translation_unreviewed=("Traducción aún no revisada por un traductor médico calificado."),
    schedule_heading="Sus fechas de tratamiento",
    schedule_facts=(
        "Primera sesión: {first}. Días de sesión: {days}. Sesiones en el calendario: {count}."
    ),
    schedule_phase="{label} ({months})",
    schedule_months_one="{month}",
    schedule_months_range="{first} a {last}",
    schedule_session="Sesión {number}",
    schedule_missed=(
        "Si no puede venir en una fecha, llame a su clínica para pedir una nueva cita. "
        "Plan: {plan}."
    ),
    schedule_due="REVISIÓN VENCIDA: este plan de sesiones debía revisarse el {date}.",
    schedule_unverified=(
        "Plan no verificado: el patrón exacto de este plan lo elige su clínica. No lo fija una "
        "guía publicada."
    ),
)

CATALOGUES: dict[Language, PrintMessages] = {Language.EN: ENGLISH, Language.ES: SPANISH}


def messages(language: Language | str) -> PrintMessages:
    """The catalogue for ``language`` (a ``Language`` or its code).

    Raises:
        ValueError: a language ketref does not print in.
    """
    return CATALOGUES[Language(language)]


def message_fields() -> tuple[str, ...]:
    return tuple(f.name for f in fields(PrintMessages))


def format_date(
    value: dt.date,
    language: Language | str = Language.EN,
    *,
    weekday: bool = False,
    year: bool = True,
    short: bool = False,
) -> str:
    """A date in ``language``: ``2 Jan 2027`` / ``2 de enero de 2027``; ``year=False`` gives
    ``2 Jan`` / ``2 ene`` (calendar cells), ``weekday=True`` adds the day's name, ``short``
    gives ``2 ene 2027`` (footers)."""
    lang = Language(language)
    catalogue = CATALOGUES[lang]
    if short:
        pattern = catalogue.short_date_pattern
    elif weekday:
        pattern = catalogue.weekday_date_pattern
    elif year:
        pattern = catalogue.date_pattern
    else:
        pattern = catalogue.day_month_pattern
    return babel_format_date(value, pattern, locale=lang.value)


def format_month(
    value: dt.date, language: Language | str = Language.EN, *, year: bool = True
) -> str:
    """``Jan 2027`` / ``enero de 2027`` (``year=False``: ``Jan`` / ``enero``)."""
    lang = Language(language)
    catalogue = CATALOGUES[lang]
    pattern = catalogue.month_year_pattern if year else catalogue.month_pattern
    return babel_format_date(value, pattern, locale=lang.value)


@cache
def weekday_names(language: Language | str = Language.EN) -> tuple[str, ...]:
    """Abbreviated weekday names from CLDR, Monday first (``Mon`` / ``lun``)."""
    lang = Language(language)
    names = Locale.parse(lang.value).days["format"]["abbreviated"]
    return tuple(str(names[i]).rstrip(".") for i in range(7))
