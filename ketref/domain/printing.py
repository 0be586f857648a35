"""What a printout needs besides content: the clinic, the paper and one patient's details.

The clinic profile is stored; a ``Personalisation`` lives for one export only and is never
stored or logged. Both are cleaned and length-checked here (see ``plaintext``), so every caller
(GUI, CLI, tests) applies the same rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from ketref.domain.plaintext import optional_field
from ketref.domain.print_language import Language, weekday_names

NAME_MAX = 120
ADDRESS_MAX = 300
ADDRESS_LINES = 4
PHONE_MAX = 40
NOTES_MAX = 10_000
NOTES_LINES = 300
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MIME_TYPES = ("image/png", "image/jpeg")


class PaperSize(StrEnum):
    """Paper sizes ketref prints on; the values are the CLI names."""

    LETTER = "letter"
    A4 = "a4"

    @property
    def label(self) -> str:
        return "US Letter" if self is PaperSize.LETTER else "A4"


@dataclass(frozen=True)
class ClinicProfile:
    """The clinic's letterhead: stored once, printed on every handout."""

    name: str | None = None
    address: str | None = None
    phone: str | None = None
    emergency_phone: str | None = None
    logo: bytes | None = None
    logo_mime: str | None = None
    paper: PaperSize = PaperSize.LETTER

    @classmethod
    def build(
        cls,
        *,
        name: str | None = None,
        address: str | None = None,
        phone: str | None = None,
        emergency_phone: str | None = None,
        logo: bytes | None = None,
        logo_mime: str | None = None,
        paper: PaperSize = PaperSize.LETTER,
    ) -> ClinicProfile:
        """Clean and check the text fields (the logo is checked by the service that stores it).

        Raises:
            BadInputError: a field is too long.
        """
        return cls(
            name=optional_field(name, "The clinic name", max_chars=NAME_MAX),
            address=optional_field(
                address,
                "The address",
                max_chars=ADDRESS_MAX,
                multiline=True,
                max_lines=ADDRESS_LINES,
            ),
            phone=optional_field(phone, "The phone number", max_chars=PHONE_MAX),
            emergency_phone=optional_field(
                emergency_phone, "The after-hours number", max_chars=PHONE_MAX
            ),
            logo=logo or None,
            logo_mime=logo_mime if logo else None,
            paper=PaperSize(paper),
        )


@dataclass(frozen=True)
class Personalisation:
    """One patient's details for one export; never stored, logged or put in PDF metadata."""

    patient_name: str | None = None
    date: dt.date | None = None
    escort: str | None = None
    notes: str | None = None
    emergency_phone: str | None = None

    @classmethod
    def build(
        cls,
        *,
        patient_name: str | None = None,
        date: dt.date | None = None,
        escort: str | None = None,
        notes: str | None = None,
        emergency_phone: str | None = None,
    ) -> Personalisation:
        """Clean every field; empty ones become ``None`` so no dangling label is printed.

        Raises:
            BadInputError: a field is too long.
        """
        return cls(
            patient_name=optional_field(patient_name, "The patient name", max_chars=NAME_MAX),
            date=date,
            escort=optional_field(escort, "The escort or driver name", max_chars=NAME_MAX),
            notes=optional_field(
                notes, "The notes", max_chars=NOTES_MAX, multiline=True, max_lines=NOTES_LINES
            ),
            emergency_phone=optional_field(
                emergency_phone, "The emergency number", max_chars=PHONE_MAX
            ),
        )

    @property
    def is_empty(self) -> bool:
        return not any(
            [self.patient_name, self.date, self.escort, self.notes, self.emergency_phone]
        )


@dataclass(frozen=True)
class PrintOptions:
    """How to print: paper (``None`` = the clinic's default) and the large-print variant."""

    paper: PaperSize | None = None
    large_print: bool = False


WEEKDAYS = weekday_names(Language.EN)
"""English weekday abbreviations (Mon first) for labels on screen and in messages."""
