"""Page geometry and paragraph styles for normal and large print, on Letter or A4.

Large print follows the usual guidance for low-vision readers: body text at 14 pt or more, the
same clean single-column layout, more leading, nothing squeezed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch

from ketref.domain.printing import PaperSize
from ketref.pdf.fonts import BOLD, ITALIC, REGULAR, register_fonts

PAGE_SIZES: dict[PaperSize, tuple[float, float]] = {PaperSize.LETTER: LETTER, PaperSize.A4: A4}
GREY = colors.Color(0.35, 0.35, 0.35)
LIGHT_FILL = colors.Color(0.93, 0.93, 0.93)
RULE = colors.Color(0.55, 0.55, 0.55)


@dataclass(frozen=True)
class Layout:
    """Where things go on the page; all lengths in points."""

    page_width: float
    page_height: float
    margin_x: float
    margin_top: float
    margin_bottom: float
    header_height: float
    footer_height: float
    body_size: float
    footer_size: float
    large_print: bool

    @property
    def frame_width(self) -> float:
        return self.page_width - 2 * self.margin_x


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    lead: ParagraphStyle
    label: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    bullet: ParagraphStyle
    step: ParagraphStyle
    check: ParagraphStyle
    callout_title: ParagraphStyle
    callout_title_inverse: ParagraphStyle
    callout_body: ParagraphStyle
    field_label: ParagraphStyle
    field_value: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_muted: ParagraphStyle
    small: ParagraphStyle
    clinic_name: ParagraphStyle
    clinic_line: ParagraphStyle
    contents_entry: ParagraphStyle
    contents_page: ParagraphStyle


def layout_for(paper: PaperSize, large_print: bool) -> Layout:
    width, height = PAGE_SIZES[paper]
    return Layout(
        page_width=width,
        page_height=height,
        margin_x=0.75 * inch if not large_print else 0.7 * inch,
        margin_top=0.6 * inch,
        margin_bottom=0.55 * inch,
        header_height=0.45 * inch if not large_print else 0.55 * inch,
        footer_height=0.5 * inch if not large_print else 0.8 * inch,
        body_size=10.5 if not large_print else 14.0,
        footer_size=7.5 if not large_print else 10.0,
        large_print=large_print,
    )


@cache
def styles_for(large_print: bool) -> Styles:
    """Every style, built once per variant (styles are immutable in use)."""
    register_fonts()
    size = 14.0 if large_print else 10.5
    leading = size * (1.4 if large_print else 1.32)

    def style(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": REGULAR,
            "fontSize": size,
            "leading": leading,
            "bulletFontName": REGULAR,
            "bulletFontSize": size,
            "splitLongWords": 1,
            "alignment": TA_LEFT,
            "allowOrphans": 0,
            "allowWidows": 0,
        }
        base.update(kw)
        return ParagraphStyle(f"{name}{'-large' if large_print else ''}", **base)  # type: ignore[arg-type]

    indent = size * 1.7
    # Secondary text (labels, captions, calendar cells): smaller than the body in normal print,
    # but never below 12 pt in large print, and calendar cells keep the full 14 pt there.
    cell = size if large_print else size * 0.9
    minor = 12.0 if large_print else size * 0.8
    caption = 12.0 if large_print else size * 0.85
    return Styles(
        body=style("body", spaceAfter=size * 0.55),
        lead=style(
            "lead",
            fontName=BOLD,
            fontSize=size * 1.15,
            leading=size * 1.15 * 1.3,
            spaceAfter=size * 0.8,
        ),
        label=style("label", fontName=BOLD, fontSize=minor, leading=minor * 1.25, textColor=GREY),
        title=style(
            "title",
            fontName=BOLD,
            fontSize=size * 1.9,
            leading=size * 1.9 * 1.15,
            spaceBefore=size * 0.2,
            spaceAfter=size * 0.5,
        ),
        heading=style(
            "heading",
            fontName=BOLD,
            fontSize=size * 1.25,
            leading=size * 1.25 * 1.25,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.35,
            keepWithNext=1,
        ),
        bullet=style("bullet", leftIndent=indent, bulletIndent=size * 0.45, spaceAfter=size * 0.3),
        step=style("step", leftIndent=indent, bulletIndent=size * 0.1, spaceAfter=size * 0.3),
        check=style(
            "check",
            leftIndent=indent,
            bulletIndent=0,
            bulletFontSize=size * 1.3,
            spaceAfter=size * 0.4,
        ),
        # autoLeading: the line grows to fit the larger warning or telephone sign in the title.
        callout_title=style(
            "callout-title", fontName=BOLD, fontSize=size * 1.05, autoLeading="max"
        ),
        callout_title_inverse=style(
            "callout-title-inverse",
            fontName=BOLD,
            fontSize=size * 1.05,
            textColor=colors.white,
            autoLeading="max",
        ),
        callout_body=style("callout-body", leftIndent=0, bulletIndent=0),
        field_label=style("field-label", fontName=BOLD),
        field_value=style("field-value"),
        cell=style("cell", fontSize=cell, leading=cell * 1.25),
        cell_bold=style("cell-bold", fontName=BOLD, fontSize=cell, leading=cell * 1.25),
        cell_muted=style("cell-muted", fontSize=minor, leading=minor * 1.25, textColor=GREY),
        small=style(
            "small", fontName=ITALIC, fontSize=caption, leading=caption * 1.3, textColor=GREY
        ),
        clinic_name=style(
            "clinic-name", fontName=BOLD, fontSize=size * 1.45, leading=size * 1.45 * 1.2
        ),
        clinic_line=style("clinic-line", fontSize=cell, leading=cell * 1.3),
        contents_entry=style("contents-entry"),
        contents_page=style("contents-page", alignment=TA_RIGHT),
    )
