"""Document blocks (plain data) -> reportlab flowables, every string through ``escape_text``.

Callouts must stand out on a black-and-white printer, so they differ by line weight, fill and
icon, never by colour alone: a key point has a 1.5 pt frame on light grey; a warning a 2.5 pt
frame and a warning sign; an emergency a black title band with white text, a telephone sign and
a 3 pt frame. Boxes are tables of one row per item, so a long box can break across pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from ketref.domain.document import (
    DocBlock,
    DocCallout,
    DocFields,
    DocForm,
    DocHeading,
    DocList,
    DocParagraph,
    DocSchedule,
    DocTable,
)
from ketref.domain.enums import CalloutStyle
from ketref.pdf.flowables import KeepGroup, Para
from ketref.pdf.fonts import REGULAR
from ketref.pdf.markup import escape_text
from ketref.pdf.schedule_table import schedule_flowables
from ketref.pdf.styles import LIGHT_FILL, RULE, Layout, Styles

CHECKBOX = "\u2610"  # ☐
WARNING_SIGN = "\u26a0"  # ⚠
TELEPHONE = "\u260e"  # ☎
BULLET = "\u2022"  # •
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SHORT_LIST = 6


_CALLOUT_LOOK: dict[CalloutStyle, tuple[float, colors.Color | None, str]] = {
    CalloutStyle.KEY: (1.5, LIGHT_FILL, ""),
    CalloutStyle.WARNING: (2.5, None, WARNING_SIGN + "\u00a0 "),
    CalloutStyle.EMERGENCY: (3.0, None, TELEPHONE + "\u00a0 "),
}


def paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """One Paragraph per blank-line-separated chunk, so long notes split between pages freely."""
    return [
        Para(escape_text(chunk), style) for chunk in _PARAGRAPH_BREAK.split(text) if chunk.strip()
    ]


def block_flowables(block: DocBlock, styles: Styles, layout: Layout) -> list[Flowable]:
    """The flowables for one block."""
    if isinstance(block, DocHeading):
        return [Para(escape_text(block.text, multiline=False), styles.heading)]
    if isinstance(block, DocParagraph):
        return list(paragraphs(block.text, styles.small if block.small else styles.body))
    if isinstance(block, DocList):
        items: list[Flowable] = list(_list_items(block, styles))
        # A short list stays on one page; a long one may break, but never after one item.
        kept = (
            [KeepGroup(items)] if len(items) <= SHORT_LIST else [KeepGroup(items[:2]), *items[2:]]
        )
        return [*kept, Spacer(1, layout.body_size * 0.35)]
    if isinstance(block, DocCallout):
        return [_callout(block, styles, layout), Spacer(1, layout.body_size * 0.8)]
    if isinstance(block, DocFields):
        table = fields_table(block, styles, layout)
        return [table, Spacer(1, layout.body_size * 0.8)] if table else []
    if isinstance(block, DocTable | DocForm):
        return [_table(block, styles, layout), Spacer(1, layout.body_size * 0.8)]
    if isinstance(block, DocSchedule):
        return schedule_flowables(block.schedule, styles, layout, block.language)
    raise TypeError(f"unknown block {type(block).__name__}")


def _list_items(block: DocList, styles: Styles) -> Iterator[Flowable]:
    for number, item in enumerate(block.items, start=1):
        if block.style == "steps":
            yield Para(escape_text(item), styles.step, bulletText=f"{number}.")
        elif block.style == "checklist":
            yield Para(escape_text(item), styles.check, bulletText=CHECKBOX)
        else:
            yield Para(escape_text(item), styles.bullet, bulletText=BULLET)


def _callout(block: DocCallout, styles: Styles, layout: Layout) -> Flowable:
    weight, fill, icon = _CALLOUT_LOOK[block.style]
    inverse = block.style is CalloutStyle.EMERGENCY
    title_style = styles.callout_title_inverse if inverse else styles.callout_title
    # The icon is ketref's own markup (a bigger glyph); the title is escaped text as always.
    sign = f'<font size="{title_style.fontSize * 1.3:.1f}">{icon}</font>' if icon else ""
    rows: list[list[Flowable]] = [[Para(sign + escape_text(block.title), title_style)]]
    if block.text:
        rows += [[p] for p in paragraphs(block.text, styles.callout_body)]
    for item in block.items:
        rows.append([Para(escape_text(item), styles.bullet, bulletText=BULLET)])
    pad = layout.body_size * 0.7
    commands: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), weight, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.25),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.25),
        ("TOPPADDING", (0, 0), (-1, 0), pad * 0.7),
        ("BOTTOMPADDING", (0, 0), (-1, 0), pad * 0.5),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.8),
        ("FONT", (0, 0), (-1, -1), REGULAR),
    ]
    if fill is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), fill))
    if inverse:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.black),
            ("TOPPADDING", (0, 1), (-1, 1), pad * 0.7),
        ]
    table = Table(rows, colWidths=[layout.frame_width], style=TableStyle(commands))
    # Keep a short box whole on one page; a long one may split between its rows.
    return KeepGroup([table]) if len(rows) <= 8 else table


def fields_table(block: DocFields, styles: Styles, layout: Layout) -> Table | None:
    """Label/value rows in a light box; rows without a value are left out (no dangling labels)."""
    rows = [
        [
            Para(escape_text(label, multiline=False), styles.field_label),
            Para(escape_text(value), styles.field_value),
        ]
        for label, value in block.rows
        if value and value.strip()
    ]
    if not rows:
        return None
    label_width = layout.frame_width * 0.3
    pad = layout.body_size * 0.5
    return Table(
        rows,
        colWidths=[label_width, layout.frame_width - label_width],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.3),
                ("FONT", (0, 0), (-1, -1), REGULAR),
            ]
        ),
        splitInRow=1,
    )


def _table(block: DocTable | DocForm, styles: Styles, layout: Layout) -> Table:
    """A ruled table; a form's body rows get room to write in (``DocForm.lines``)."""
    columns = max([len(block.header), *(len(r) for r in block.rows)])
    weights = list(block.widths or ()) or [1.0] * columns
    weights += [1.0] * (columns - len(weights))
    total = sum(weights[:columns])
    widths = [layout.frame_width * w / total for w in weights[:columns]]
    data: list[list[Flowable]] = []
    if block.header:
        data.append([Para(escape_text(h), styles.cell_bold) for h in block.header])
    for row in block.rows:
        cells = list(row) + [""] * (columns - len(row))
        data.append([Para(escape_text(cell), styles.cell) for cell in cells])
    pad = layout.body_size * 0.4
    heights: list[float | None] | None = None
    if isinstance(block, DocForm):
        row_height = block.lines * styles.cell.leading + 2 * pad
        heights = [None] * (1 if block.header else 0) + [row_height] * len(block.rows)
    return Table(
        data,
        colWidths=widths,
        rowHeights=heights,
        repeatRows=1 if block.header else 0,
        splitInRow=1,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                ("FONT", (0, 0), (-1, -1), REGULAR),
            ]
        ),
    )
