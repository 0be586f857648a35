"""A printable document as plain data: blocks of text, never reportlab objects or markup.

Services build these (from a handout, a screening result, ...) and ``ketref.pdf`` lays them out
with the clinic's letterhead, the bundled fonts and one escaping rule. All strings are plain
text: ``<b>`` prints as the four characters ``<b>``. Metadata (PDF title, subject, keywords) is
taken only from ``title``, ``label`` and ``keywords``, so never put a patient's name there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from ketref.domain.content import Handout
from ketref.domain.enums import CalloutStyle
from ketref.domain.print_language import ENGLISH, Language
from ketref.domain.schedules import DatedSchedule

PATIENT_DISCLAIMER = ENGLISH.disclaimer
CLINICIAN_DISCLAIMER = (
    "Supports, never replaces, clinical judgement. Check the sources and review dates."
)


@dataclass(frozen=True)
class DocHeading:
    text: str


@dataclass(frozen=True)
class DocParagraph:
    """Text; a blank line starts a new paragraph, a single line break stays a line break.
    ``small`` sets it in the small print used for sources and notes."""

    text: str
    small: bool = False


@dataclass(frozen=True)
class DocList:
    style: Literal["bullets", "steps", "checklist"]
    items: tuple[str, ...]


@dataclass(frozen=True)
class DocCallout:
    """A box that stands out in black and white: key point, warning or emergency."""

    style: CalloutStyle
    title: str
    text: str | None = None
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocFields:
    """Label/value pairs in a light box (e.g. "Prepared for"); empty values are left out."""

    rows: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class DocTable:
    """A simple table; ``widths`` are relative column widths (default equal)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None


@dataclass(frozen=True)
class DocForm:
    """A table to fill in by hand: a bold header, then rows whose cells are at least ``lines``
    text lines tall (printed text, such as a time label, may fill some cells)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    lines: float = 2.0


@dataclass(frozen=True)
class DocSchedule:
    """Treatment dates laid out as a calendar, with the template's plain-language summary."""

    schedule: DatedSchedule
    language: Language = Language.EN


DocBlock = (
    DocHeading | DocParagraph | DocList | DocCallout | DocFields | DocTable | DocForm | DocSchedule
)


@dataclass(frozen=True)
class PrintDocument:
    """One document (or one part of a packet), with what its footer must say."""

    title: str
    blocks: tuple[DocBlock, ...]
    main_message: str | None = None
    label: str = "Patient information"
    version: str | None = None
    content_version: str | None = None
    reviewed: date | None = None
    review_due: date | None = None
    due_for_review: bool = False
    disclaimer: str = PATIENT_DISCLAIMER
    keywords: tuple[str, ...] = ()
    language: Language = Language.EN
    compact_letterhead: bool = False
    """One line (clinic name and phone) instead of the full letterhead: for staff forms."""
    notices: tuple[str, ...] = ()
    """Lines printed in the footer of every page, e.g. that a translation needs review."""


@dataclass(frozen=True)
class PrintPacket:
    """Several documents in one PDF: a cover (letterhead, ``front`` blocks, contents list),
    then each part on its own pages, with page numbers running across the whole packet."""

    title: str
    parts: tuple[PrintDocument, ...]
    front: tuple[DocBlock, ...] = ()
    label: str = ENGLISH.packet_label
    disclaimer: str = PATIENT_DISCLAIMER
    language: Language = Language.EN


@dataclass(frozen=True)
class HandoutPrint:
    """A handout as the services hand it to the PDF layer, with its review state."""

    handout: Handout
    content_version: str
    due_for_review: bool
    source_changed_on: date | None = None
    """For a translation: when its English source changed after it was written."""
