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
from ketref.domain.print_language import Language, format_date, messages
from ketref.domain.printing import ClinicProfile, Personalisation, PrintOptions
from ketref.domain.schedules import DatedSchedule
from ketref.pdf.document import render_packet_document, render_pdf

SCHEDULE_HANDOUT = "your-treatment-schedule"


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


def personal_blocks(
    personal: Personalisation | None, language: Language = Language.EN
) -> list[DocBlock]:
    """The "Prepared for" box and the clinician's notes; nothing at all when empty."""
    if personal is None:
        return []
    text = messages(language)
    blocks: list[DocBlock] = []
    rows = (
        (text.prepared_for, personal.patient_name),
        (text.date, format_date(personal.date, language) if personal.date else None),
        (text.escort, personal.escort),
    )
    if any(value for _, value in rows):
        blocks.append(DocFields(rows))
    if personal.notes:
        blocks += [DocHeading(text.notes_heading), DocParagraph(personal.notes)]
    return blocks


def handout_language(handout: c.Handout) -> Language:
    """The printing language of a handout (its base language, e.g. ``es`` for ``es-MX``)."""
    return Language(handout.language.split("-")[0])


def _notices(item: HandoutPrint, language: Language) -> tuple[str, ...]:
    """Footer lines for a translation whose English source changed since it was made."""
    handout = item.handout
    if handout.translation_of is None:
        return ()
    text = messages(language)
    notices: list[str] = []
    if item.source_changed_on is not None:
        when = format_date(item.source_changed_on, language, short=True)
        notices.append(text.source_changed.format(date=when))
    return tuple(notices)


def handout_document(item: HandoutPrint, front: Sequence[DocBlock] = ()) -> PrintDocument:
    """A handout as a printable document; ``front`` blocks come before its sections."""
    handout = item.handout
    language = handout_language(handout)
    text = messages(language)
    blocks: list[DocBlock] = []
    if handout.translation_of is not None and not handout.verified:
        blocks.append(DocParagraph(text.translation_unreviewed, small=True))
    blocks += front
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
        label=text.patient_label,
        disclaimer=text.disclaimer,
        language=language,
        notices=_notices(item, language),
    )


def _is_schedule(item: HandoutPrint) -> bool:
    """Whether ``item`` is the schedule handout or a translation of it."""
    handout = item.handout
    source = handout.translation_of.slug if handout.translation_of else handout.slug
    return source == SCHEDULE_HANDOUT


def _schedule_home(items: Sequence[HandoutPrint]) -> int | None:
    """Index of the first schedule handout among ``items``, if one is there."""
    return next((i for i, item in enumerate(items) if _is_schedule(item)), None)


def render_handout(
    item: HandoutPrint,
    clinic: ClinicProfile,
    options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
    *,
    personal: Personalisation | None = None,
    schedule: DatedSchedule | None = None,
) -> bytes:
    """One handout as PDF bytes, on the clinic's letterhead, optionally personalised."""
    language = handout_language(item.handout)
    front = personal_blocks(personal, language)
    if schedule is not None:
        front.append(DocSchedule(schedule, language))
    emergency = personal.emergency_phone if personal else None
    return render_pdf(handout_document(item, front), [], clinic, options, emergency_phone=emergency)


def render_packet(
    items: Sequence[HandoutPrint],
    clinic: ClinicProfile,
    options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
    *,
    personal: Personalisation | None = None,
    schedule: DatedSchedule | None = None,
    language: Language = Language.EN,
    schedules: dict[Language, DatedSchedule] | None = None,
) -> bytes:
    """Several handouts in one PDF in the given order: a cover (in ``language``) with the
    personal details and a contents list, then each handout from a new page in its own
    language; page numbers run across the packet.

    ``schedules`` holds the dated schedule worded in each language of the packet; ``schedule``
    is the one for the cover when no schedule handout is included.
    """
    text = messages(language)
    front = personal_blocks(personal, language)
    home = _schedule_home(items)
    if schedule is not None and home is None:
        front.append(DocSchedule(schedule, language))
    worded = schedules or {}
    parts: list[PrintDocument] = []
    for item in items:
        part_language = handout_language(item.handout)
        dated = worded.get(part_language, schedule)
        front_of_part: list[DocBlock] = []
        if dated is not None and home is not None and _is_schedule(item):
            front_of_part.append(DocSchedule(dated, part_language))
        parts.append(handout_document(item, front_of_part))
    packet = PrintPacket(
        title=text.packet_title,
        parts=tuple(parts),
        front=tuple(front),
        label=text.packet_label,
        disclaimer=text.disclaimer,
        language=language,
    )
    emergency = personal.emergency_phone if personal else None
    return render_packet_document(packet, clinic, options, emergency_phone=emergency)
