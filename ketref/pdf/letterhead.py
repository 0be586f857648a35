"""The clinic's letterhead at the top of the first page: logo, name, address, phone numbers.

A missing field becomes a write-in line ("Phone: ______") rather than disappearing, so a handout
printed before the clinic profile is set up still has room for the numbers a patient needs.
A logo that cannot be read is left out; it never stops a handout from printing.
"""

from __future__ import annotations

import logging
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Image, Table, TableStyle

from ketref.domain.print_language import ENGLISH, PrintMessages
from ketref.domain.printing import ClinicProfile
from ketref.pdf.flowables import Para
from ketref.pdf.fonts import REGULAR
from ketref.pdf.markup import escape_text
from ketref.pdf.styles import Layout, Styles

log = logging.getLogger(__name__)

WRITE_IN = "_" * 24


def logo_flowable(data: bytes, max_width: float, max_height: float) -> Image | None:
    """The logo scaled to fit the box with its proportions kept, or ``None`` if unreadable."""
    try:
        image = Image(BytesIO(data))
        width, height = float(image.imageWidth), float(image.imageHeight)
        if width <= 0 or height <= 0:
            return None
        scale = min(max_width / width, max_height / height)
        image.drawWidth, image.drawHeight = width * scale, height * scale
        image.hAlign = "LEFT"
        return image
    except Exception:  # any decoder error: print without the logo
        log.warning("the clinic logo could not be read; printing without it")
        return None


def letterhead(
    clinic: ClinicProfile,
    emergency_phone: str | None,
    styles: Styles,
    layout: Layout,
    text: PrintMessages = ENGLISH,
) -> Table:
    """The letterhead block, ruled off from the page below, labelled in ``text``'s language."""
    name = clinic.name or text.clinic_write_in.format(blank=WRITE_IN)
    lines: list[Flowable] = [Para(escape_text(name, multiline=False), styles.clinic_name)]
    if clinic.address:
        lines.append(Para(escape_text(clinic.address), styles.clinic_line))
    lines.append(
        Para(
            escape_text(
                text.phone_write_in.format(value=clinic.phone or WRITE_IN), multiline=False
            ),
            styles.clinic_line,
        )
    )
    after_hours = emergency_phone or clinic.emergency_phone
    lines.append(
        Para(
            escape_text(
                text.after_hours_write_in.format(value=after_hours or WRITE_IN), multiline=False
            ),
            styles.clinic_line,
        )
    )
    logo_box = (1.0 if layout.large_print else 0.85) * inch
    logo = (
        logo_flowable(clinic.logo, max_width=2.0 * logo_box, max_height=logo_box)
        if clinic.logo
        else None
    )
    if logo is not None:
        gap = 0.2 * inch
        logo_column = logo.drawWidth + gap
        data = [[logo, lines]]
        widths = [logo_column, layout.frame_width - logo_column]
    else:
        data = [[lines]]
        widths = [layout.frame_width]
    table = Table(
        data,
        colWidths=widths,
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), layout.body_size * 0.7),
                ("LINEBELOW", (0, -1), (-1, -1), 1.5, colors.black),
            ]
        ),
    )
    table.spaceAfter = layout.body_size * 1.0
    return table


def compact_letterhead(
    clinic: ClinicProfile, styles: Styles, layout: Layout, text: PrintMessages = ENGLISH
) -> Table:
    """The clinic's name and phone on one ruled line (no address, no logo), for staff forms."""
    name = clinic.name or text.clinic_write_in.format(blank=WRITE_IN)
    phone = text.phone_write_in.format(value=clinic.phone or WRITE_IN)
    table = Table(
        [[Para(escape_text(f"{name} · {phone}", multiline=False), styles.clinic_line)]],
        colWidths=[layout.frame_width],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), layout.body_size * 0.4),
                ("LINEBELOW", (0, -1), (-1, -1), 1.0, colors.black),
            ]
        ),
    )
    table.spaceAfter = layout.body_size * 0.6
    return table
