"""Laying out ``PrintDocument`` and ``PrintPacket`` data as PDF bytes (one reportlab build).

The first page of the document and of each packet part carries the letterhead; every other
page a slim header (clinic name, part title). Every page has the footer: the part's version and
review dates, "Page x of y" across the whole file and a one-line disclaimer. PDF metadata comes
only from titles, labels and keywords, never from personal details, and the fonts are the
bundled TTFs, all embedded. Rendering is deterministic (reportlab's invariant mode: the PDF's
creation date is its fixed 2000-01-01), so the same inputs give byte-identical files.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from datetime import date
from functools import partial
from io import BytesIO

from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate, LayoutError

from ketref import __version__
from ketref.domain.document import DocBlock, DocHeading, PrintDocument, PrintPacket
from ketref.domain.print_language import format_date, messages
from ketref.domain.printing import ClinicProfile, PrintOptions
from ketref.pdf.blocks import block_flowables
from ketref.pdf.flowables import KeepGroup, Para
from ketref.pdf.fonts import REGULAR, register_fonts
from ketref.pdf.letterhead import compact_letterhead, letterhead
from ketref.pdf.markup import escape_text, printable
from ketref.pdf.page import (
    FIRST_TEMPLATE,
    LATER_TEMPLATE,
    DeferredCanvas,
    PageRef,
    PartFooter,
    PartStart,
    RenderState,
    draw_page_furniture,
)
from ketref.pdf.styles import RULE, Layout, Styles, layout_for, styles_for

CREATOR = f"ketref {__version__}"


_PAGE_TREE = re.compile(rb"/Count (\d+) /Kids")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF this module rendered (the count of reportlab's one flat page tree)."""
    found = _PAGE_TREE.search(pdf)
    if found is None:
        raise ValueError("not a PDF rendered by ketref")
    return int(found.group(1))


class RenderError(RuntimeError):
    """The layout engine failed; the message never quotes the document's text."""


def footer_line(doc: PrintDocument) -> str:
    """The footer's first line, e.g. ``Version 1.0 (content 2026.11.1) · Reviewed ...``, in
    the document's language, followed by its notices."""
    text = messages(doc.language)
    parts: list[str] = []
    if doc.version and doc.content_version:
        parts.append(
            text.version_with_content.format(version=doc.version, content=doc.content_version)
        )
    elif doc.version:
        parts.append(text.version.format(version=doc.version))
    elif doc.content_version:
        parts.append(text.content_only.format(content=doc.content_version))
    if doc.reviewed:
        parts.append(text.reviewed.format(date=format_date(doc.reviewed, doc.language, short=True)))
    if doc.review_due:
        due = text.review_due.format(date=format_date(doc.review_due, doc.language, short=True))
        parts.append(text.review_passed.format(text=due) if doc.due_for_review else due)
    return " · ".join([*parts, *doc.notices])


def _title_block(doc: PrintDocument, styles: Styles, layout: Layout) -> list[Flowable]:
    story: list[Flowable] = [
        Para(escape_text(doc.label.upper(), multiline=False), styles.label),
        Para(escape_text(doc.title), styles.title),
    ]
    if doc.due_for_review and doc.review_due:
        story.append(_due_banner(doc, doc.review_due, styles, layout))
    if doc.main_message:
        story.append(Para(escape_text(doc.main_message), styles.lead))
    return story


def _due_banner(doc: PrintDocument, review_due: date, styles: Styles, layout: Layout) -> Table:
    text = messages(doc.language).due_banner.format(date=format_date(review_due, doc.language))
    pad = layout.body_size * 0.5
    table = Table(
        [[Para(escape_text(text), styles.field_label)]],
        colWidths=[layout.frame_width],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 2, colors.black),
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.6),
            ]
        ),
    )
    table.spaceAfter = layout.body_size * 0.8
    return table


def _unwrap(flowable: Flowable) -> list[Flowable]:
    return flowable.parts if isinstance(flowable, KeepGroup) else [flowable]


def _blocks(blocks: Sequence[DocBlock], styles: Styles, layout: Layout) -> list[Flowable]:
    """All blocks' flowables; a heading is kept on one page with the start of what follows.

    reportlab's ``keepWithNext`` cannot join a heading to a box or list that is itself kept
    together, so the heading and that group are merged into one ``KeepTogether`` here.
    """
    story: list[Flowable] = []
    heading: list[Flowable] = []
    for block in blocks:
        flowables = block_flowables(block, styles, layout)
        if isinstance(block, DocHeading):
            heading += flowables
            continue
        if heading and flowables and isinstance(flowables[0], Table):
            flowables = [*_heading_on_table(heading, flowables[0], layout), *flowables[1:]]
            heading = []
        elif heading and flowables:
            flowables = [KeepGroup(heading + _unwrap(flowables[0])), *flowables[1:]]
            heading = []
        story += heading + flowables
        heading = []
    return story + heading


def _heading_on_table(heading: list[Flowable], table: Table, layout: Layout) -> list[Flowable]:
    """A heading with at least a table's first two rows; the rest of the table may break.

    Keeping a long table together with its heading moved it whole to the next page and left
    most of the page before it blank; the table repeats its header row on every page instead.
    """
    width = layout.frame_width
    table.wrap(width, 1e6)
    rows: list[float] = table._rowHeights  # type: ignore[attr-defined]  # set by wrap()
    needed = sum(h.wrap(width, 1e6)[1] for h in heading) + sum(rows[:2])
    for part in heading:
        part.keepWithNext = 0  # reportlab would otherwise keep the whole table with it
    return [CondPageBreak(needed), *heading, table]


def _contents(
    packet: PrintPacket, state: RenderState, styles: Styles, layout: Layout
) -> list[Flowable]:
    rows = [
        [
            Para(escape_text(part.title), styles.contents_entry),
            PageRef(state, index, styles.contents_page),
        ]
        for index, part in enumerate(packet.parts, start=1)
    ]
    number_width = layout.body_size * 4
    table = Table(
        rows,
        colWidths=[layout.frame_width - number_width, number_width],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    heading = messages(packet.language).contents_heading
    return [Para(escape_text(heading), styles.heading), table]


def _part_footer(doc: PrintDocument) -> PartFooter:
    return PartFooter(
        title=doc.title,
        footer_line=footer_line(doc),
        disclaimer=doc.disclaimer,
        due_for_review=doc.due_for_review,
        messages=messages(doc.language),
    )


def render_pdf(
    cover: PrintDocument,
    parts: Sequence[PrintDocument],
    clinic: ClinicProfile,
    options: PrintOptions,
    *,
    emergency_phone: str | None = None,
    packet: PrintPacket | None = None,
) -> bytes:
    """Lay out ``cover`` (page 1, with the letterhead) and then each of ``parts`` on new pages.

    For a packet, ``cover`` holds the packet's title and front blocks and a contents list is
    added; for a single document ``cover`` is the document and ``parts`` is empty.

    Raises:
        RenderError: the layout engine failed (a bug); the message carries no document text.
    """
    register_fonts()
    paper = options.paper or clinic.paper
    layout = layout_for(paper, options.large_print)
    styles = styles_for(options.large_print)
    footers = [_part_footer(cover)] + [_part_footer(p) for p in parts]
    state = RenderState(layout=layout, clinic_name=clinic.name, parts=footers)

    # Every part starts on a letterhead page, so a handout taken out of a packet still carries
    # the clinic's numbers, and lays out exactly as it does on its own.
    story: list[Flowable] = [
        NextPageTemplate(LATER_TEMPLATE),
        (
            compact_letterhead(clinic, styles, layout, messages(cover.language))
            if cover.compact_letterhead
            else letterhead(clinic, emergency_phone, styles, layout, messages(cover.language))
        ),
        PartStart(state, 0),
        *_title_block(cover, styles, layout),
        *_blocks(cover.blocks, styles, layout),
    ]
    if packet is not None:
        story += _contents(packet, state, styles, layout)
    for index, part in enumerate(parts, start=1):
        story += [
            NextPageTemplate(FIRST_TEMPLATE),
            PageBreak(),
            NextPageTemplate(LATER_TEMPLATE),
            letterhead(clinic, emergency_phone, styles, layout, messages(part.language)),
            PartStart(state, index),
            *_title_block(part, styles, layout),
            *_blocks(part.blocks, styles, layout),
        ]

    buffer = BytesIO()
    doc = _doc_template(buffer, layout, state, title=cover.title, clinic=clinic)
    doc.lang = cover.language.value
    doc.subject = cover.label
    doc.keywords = list(cover.keywords)
    try:
        doc.build(story, canvasmaker=partial(DeferredCanvas, render_state=state))
    except Exception as exc:  # reportlab's messages may quote the text being laid out
        raise _render_error(exc) from None
    return buffer.getvalue()


def _doc_template(
    buffer: BytesIO, layout: Layout, state: RenderState, *, title: str, clinic: ClinicProfile
) -> BaseDocTemplate:
    """The page geometry: a letterhead page template and a slim-header one, same footer."""
    doc = BaseDocTemplate(
        buffer,
        pagesize=(layout.page_width, layout.page_height),
        leftMargin=layout.margin_x,
        rightMargin=layout.margin_x,
        topMargin=layout.margin_top,
        bottomMargin=layout.margin_bottom,
        title=printable(title, multiline=False),
        author=printable(clinic.name, multiline=False) if clinic.name else "ketref",
        creator=CREATOR,
        producer=CREATOR,
        initialFontName=REGULAR,
        lang="en",
        invariant=1,  # same inputs, same bytes: a reprint's SHA-256 matches the print log's
    )
    body_bottom = layout.margin_bottom + layout.footer_height
    tops = {
        FIRST_TEMPLATE: layout.page_height - layout.margin_top,
        LATER_TEMPLATE: layout.page_height - layout.margin_top - layout.header_height,
    }

    def furniture(canv: Canvas, document: BaseDocTemplate) -> None:
        draw_page_furniture(canv, document, state)

    doc.addPageTemplates(
        [
            PageTemplate(
                name,
                [
                    Frame(
                        layout.margin_x,
                        body_bottom,
                        layout.frame_width,
                        top - body_bottom,
                        leftPadding=0,
                        rightPadding=0,
                        topPadding=0,
                        bottomPadding=0,
                        id=name,
                    )
                ],
                onPageEnd=furniture,
            )
            for name, top in tops.items()
        ]
    )
    return doc


def _render_error(exc: Exception) -> RenderError:
    """A RenderError naming the failure and where it happened, but quoting no text or values."""
    what = "a block is too large" if isinstance(exc, LayoutError) else type(exc).__name__
    error = RenderError(f"The PDF could not be laid out ({what}).")
    frames = traceback.extract_tb(exc.__traceback__)
    error.add_note("Raised at (code only):\n" + "".join(traceback.format_list(frames[-6:])))
    return error


def render_document(
    doc: PrintDocument,
    clinic: ClinicProfile,
    options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
) -> bytes:
    """One document (e.g. a screening summary) on the clinic's letterhead, as PDF bytes."""
    return render_pdf(doc, [], clinic, options)


def render_packet_document(
    packet: PrintPacket,
    clinic: ClinicProfile,
    options: PrintOptions = PrintOptions(),  # noqa: B008 - frozen dataclass
    *,
    emergency_phone: str | None = None,
) -> bytes:
    """Several documents in one PDF: cover with contents list, then each part from a new page."""
    content_versions = sorted({p.content_version for p in packet.parts if p.content_version})
    cover = PrintDocument(
        title=packet.title,
        blocks=packet.front,
        label=packet.label,
        content_version=", ".join(content_versions) or None,
        disclaimer=packet.disclaimer,
        keywords=tuple(k for p in packet.parts for k in p.keywords),
        language=packet.language,
    )
    return render_pdf(
        cover, packet.parts, clinic, options, emergency_phone=emergency_phone, packet=packet
    )
