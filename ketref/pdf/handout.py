"""Patient handouts on paper: one handout, or a packet of several, with one patient's details.

Where things go: personal details (name, date, escort) and the clinician's notes come right after
the title and main message of the first page; the dated schedule goes into the "Your treatment
schedule" handout when it is part of the printout, otherwise beside the personal details.
"""

from __future__ import annotations

from collections.abc import Sequence

from ketref.domain import content as c
from ketref.domain.document import (
    DocBlock,
    DocCallout,
    DocFields,
    DocHeading,
    DocList,
    DocParagraph,
    DocSchedule,
    HandoutPrint,
    PrintDocument,
    PrintPacket,
)
from ketref.domain.printing import ClinicProfile, Personalisation, PrintOptions, format_date
from ketref.domain.schedules import DatedSchedule
from ketref.pdf.document import render_packet_document, render_pdf

SCHEDULE_HANDOUT = "your-treatment-schedule"
PACKET_TITLE = "Information for your treatment"
NOTES_HEADING = "Notes from your care team"


def _content_block(block: c.Block) -> DocBlock:
    if isinstance(block, c.ParagraphBlock):
        return DocParagraph(block.text)
    if isinstance(block, c.BulletsBlock):
        return DocList("bullets", tuple(block.items))
    if isinstance(block, c.StepsBlock):
        return DocList("steps", tuple(block.items))
    if isinstance(block, c.ChecklistBlock):
        return DocList("checklist", tuple(block.items))
    return DocCallout(block.style, block.title, block.text, tuple(block.items))


def personal_blocks(personal: Personalisation | None) -> list[DocBlock]:
    """The "Prepared for" box and the clinician's notes; nothing at all when empty."""
    if personal is None:
        return []
    blocks: list[DocBlock] = []
    rows = (
        ("Prepared for", personal.patient_name),
        ("Date", format_date(personal.date) if personal.date else None),
        ("Driver or escort", personal.escort),
    )
    if any(value for _, value in rows):
        blocks.append(DocFields(rows))
    if personal.notes:
        blocks += [DocHeading(NOTES_HEADING), DocParagraph(personal.notes)]
    return blocks


def handout_document(item: HandoutPrint, front: Sequence[DocBlock] = ()) -> PrintDocument:
    """A handout as a printable document; ``front`` blocks come before its sections."""
    handout = item.handout
    blocks: list[DocBlock] = list(front)
    for section in handout.sections:
        blocks.append(DocHeading(section.heading))
        blocks += [_content_block(b) for b in section.blocks]
    return PrintDocument(
        title=handout.title,
        main_message=handout.main_message,
        blocks=tuple(blocks),
        version=handout.version,
        content_version=item.content_version,
        reviewed=handout.reviewed,
        review_due=handout.review_due,
        due_for_review=item.due_for_review,
        keywords=(handout.slug,),
    )


def _schedule_home(items: Sequence[HandoutPrint]) -> int | None:
    """Index of the schedule handout among ``items``, if it is there."""
    slugs = [i.handout.slug for i in items]
    return slugs.index(SCHEDULE_HANDOUT) if SCHEDULE_HANDOUT in slugs else None


def render_handout(
    item: HandoutPrint,
    clinic: ClinicProfile,
    options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
    *,
    personal: Personalisation | None = None,
    schedule: DatedSchedule | None = None,
) -> bytes:
    """One handout as PDF bytes, on the clinic's letterhead, optionally personalised."""
    front = personal_blocks(personal)
    if schedule is not None:
        front.append(DocSchedule(schedule))
    emergency = personal.emergency_phone if personal else None
    return render_pdf(handout_document(item, front), [], clinic, options, emergency_phone=emergency)


def render_packet(
    items: Sequence[HandoutPrint],
    clinic: ClinicProfile,
    options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
    *,
    personal: Personalisation | None = None,
    schedule: DatedSchedule | None = None,
    title: str = PACKET_TITLE,
) -> bytes:
    """Several handouts in one PDF in the given order: a cover with the personal details and a
    contents list, then each handout from a new page; page numbers run across the packet."""
    front = personal_blocks(personal)
    home = _schedule_home(items)
    if schedule is not None and home is None:
        front.append(DocSchedule(schedule))
    parts = tuple(
        handout_document(
            item, [DocSchedule(schedule)] if schedule is not None and index == home else []
        )
        for index, item in enumerate(items)
    )
    packet = PrintPacket(title=title, parts=parts, front=tuple(front))
    emergency = personal.emergency_phone if personal else None
    return render_packet_document(packet, clinic, options, emergency_phone=emergency)
