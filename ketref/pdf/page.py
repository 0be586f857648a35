"""Page furniture: slim header, footer, "Page x of y", contents page numbers, in one pass.

Totals and the page each packet part starts on are only known at the end, so the canvas keeps
every finished page aside (``DeferredCanvas``, reportlab's "numbered canvas" recipe) and writes
those numbers onto the kept pages when the document is saved. That avoids a second layout pass
(``multiBuild``), so a packet costs one build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import BaseDocTemplate

from ketref.domain.print_language import ENGLISH, PrintMessages
from ketref.pdf.fonts import BOLD, ITALIC, REGULAR
from ketref.pdf.markup import printable
from ketref.pdf.styles import GREY, RULE, Layout

ELLIPSIS = "…"
FIRST_TEMPLATE = "first"
"""The page a document or packet part starts on: letterhead, no slim header."""
LATER_TEMPLATE = "later"


@dataclass(frozen=True)
class PartFooter:
    """What the header and footer say on the pages of one part."""

    title: str
    footer_line: str
    disclaimer: str
    due_for_review: bool
    messages: PrintMessages = ENGLISH


@dataclass
class RenderState:
    """Shared by the flowables that record positions and the canvas that fills them in."""

    layout: Layout
    clinic_name: str | None
    parts: list[PartFooter]
    current_part: int = 0
    part_start_page: dict[int, int] = field(default_factory=dict)
    page_refs: list[tuple[int, float, float, int, float]] = field(default_factory=list)
    """(page, right x, baseline y, part index, font size) of each contents page number."""

    def part_of_page(self, page: int) -> int:
        """The part a page belongs to (the last one started on or before it)."""
        started = [part for part, first in self.part_start_page.items() if first <= page]
        return max(started, default=0)


@lru_cache(maxsize=512)
def fitted(
    text: str, font: str, size: float, max_width: float, min_size: float
) -> tuple[str, float]:
    """Shrink ``text`` to fit ``max_width`` (down to ``min_size``), then cut it with an ellipsis."""
    width = stringWidth(text, font, size)
    if width <= max_width:
        return text, size
    smaller = max(min_size, size * max_width / width)
    if stringWidth(text, font, smaller) <= max_width:
        return text, smaller
    while text and stringWidth(text + ELLIPSIS, font, smaller) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS, smaller


@lru_cache(maxsize=256)
def wrap_at_separators(
    text: str,
    font: str,
    size: float,
    max_width: float,
    *,
    separator: str = " · ",
    max_lines: int = 2,
) -> tuple[str, ...]:
    """Break a "a · b · c" footer line between items so each line fits (at most ``max_lines``;
    the last line takes the rest and is shrunk or cut when drawn)."""
    lines: list[str] = []
    for item in printable(text, multiline=False).split(separator):
        if lines and stringWidth(lines[-1] + separator + item, font, size) <= max_width:
            lines[-1] += separator + item
        else:
            lines.append(item)
    if len(lines) <= max_lines:
        return tuple(lines)
    return (*lines[: max_lines - 1], separator.join(lines[max_lines - 1 :]))


@lru_cache(maxsize=512)
def _fitted_line(text: str, font: str, size: float, max_width: float) -> tuple[str, float, float]:
    """The same header and footer lines recur on every page: fit each once."""
    line, used = fitted(printable(text, multiline=False), font, size, max_width, size * 0.8)
    return line, used, stringWidth(line, font, used)


def _draw(
    canv: Canvas,
    text: str,
    x: float,
    y: float,
    *,
    font: str,
    size: float,
    max_width: float,
    align: str = "left",
) -> float:
    """Draw one line of user or content text (cleaned, fitted); returns the width used."""
    line, used, width = _fitted_line(text, font, size, max_width)
    canv.setFont(font, used)
    if align == "right":
        canv.drawRightString(x, y, line)
    else:
        canv.drawString(x, y, line)
    return width


def draw_page_furniture(canv: Canvas, doc: BaseDocTemplate, state: RenderState) -> None:
    """Header (not on letterhead pages), footer and the due-for-review mark of one page."""
    lay = state.layout
    part = state.parts[state.current_part]
    left, right = lay.margin_x, lay.page_width - lay.margin_x
    width = right - left
    canv.saveState()
    canv.setFillColor(colors.black)
    if doc.pageTemplate.id == LATER_TEMPLATE:
        base = lay.page_height - lay.margin_top - lay.header_height * 0.45
        used = 0.0
        if state.clinic_name:
            used = _draw(
                canv,
                state.clinic_name,
                left,
                base,
                font=BOLD,
                size=lay.footer_size * 1.2,
                max_width=width * 0.45,
            )
        canv.setFillColor(GREY)
        _draw(
            canv,
            part.title,
            right,
            base,
            font=REGULAR,
            size=lay.footer_size * 1.2,
            max_width=width - used - 12,
            align="right",
        )
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        rule_y = base - lay.footer_size * 0.9
        canv.line(left, rule_y, right, rule_y)
    if part.due_for_review:
        _draw_due_mark(canv, lay, part.messages.due_mark)
    size = lay.footer_size
    top = lay.margin_bottom + lay.footer_height - size * 0.6
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.6)
    canv.line(left, top, right, top)
    canv.setFillColor(colors.black)
    page_label = part.messages.page_x_of_y.format(page=888, total=888)
    page_label_room = stringWidth(page_label, BOLD, size) + 14
    y = top - size * 1.6
    # Lines that fit above the disclaimer: two in normal print, three in large print.
    room = lay.footer_height - size * 1.6 - size * 1.3
    max_lines = max(1, int(room // (size * 1.3)) + 1)
    lines = wrap_at_separators(
        part.footer_line, REGULAR, size, width - page_label_room, max_lines=max_lines
    )
    for line in lines:
        _draw(canv, line, left, y, font=REGULAR, size=size, max_width=width - page_label_room)
        y -= size * 1.3
    canv.setFillColor(GREY)
    _draw(
        canv,
        part.disclaimer,
        left,
        y - size * 0.1,
        font=ITALIC,
        size=size,
        max_width=width,
    )
    canv.restoreState()


def _draw_due_mark(canv: Canvas, lay: Layout, text: str) -> None:
    """A bordered, bold "DUE FOR REVIEW" in the top margin: plain in black and white."""
    size = lay.footer_size * 1.25
    pad = size * 0.45
    text_width = stringWidth(text, BOLD, size)
    x = lay.page_width - lay.margin_x - text_width - 2 * pad
    y = lay.page_height - lay.margin_top * 0.85
    canv.setLineWidth(1.5)
    canv.setStrokeColor(colors.black)
    canv.setFillColor(colors.white)
    canv.rect(x, y - pad, text_width + 2 * pad, size + 2 * pad * 0.8, stroke=1, fill=1)
    canv.setFillColor(colors.black)
    canv.setFont(BOLD, size)
    canv.drawString(x + pad, y + pad * 0.2, text)


class PartStart(Flowable):
    """Invisible marker: from here on, pages belong to part ``index`` (for header and footer)."""

    def __init__(self, state: RenderState, index: int) -> None:
        super().__init__()
        self._state = state
        self._index = index
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self._state.current_part = self._index
        self._state.part_start_page[self._index] = self.canv.getPageNumber()


class PageRef(Flowable):
    """A blank cell that receives, when the PDF is saved, the page number where a part starts.

    It is as tall as one line of ``style`` and puts the number on the same baseline as a
    one-line Paragraph of that style beside it.
    """

    def __init__(self, state: RenderState, part: int, style: ParagraphStyle) -> None:
        super().__init__()
        self._state = state
        self._part = part
        self._size = float(style.fontSize)
        self._leading = float(style.leading)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return availWidth, self._leading

    def draw(self) -> None:
        # Where reportlab puts the baseline of a one-line Paragraph in a cell of this height.
        baseline = self._leading - getAscent(REGULAR, self._size) + getDescent(REGULAR, self._size)
        x, y = self.canv.absolutePosition(self.width, baseline)
        self._state.page_refs.append((self.canv.getPageNumber(), x, y, self._part, self._size))


class DeferredCanvas(Canvas):
    """Keeps finished pages until ``save`` so totals and forward page numbers can be drawn."""

    def __init__(self, *args: Any, render_state: RenderState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._render_state = render_state
        self._kept_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._kept_pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        state = self._render_state
        total = len(self._kept_pages)
        for page_state in self._kept_pages:
            self.__dict__.update(page_state)
            self._draw_late_numbers(state, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _draw_late_numbers(self, state: RenderState, total: int) -> None:
        lay = state.layout
        page = self.getPageNumber()
        size = lay.footer_size
        top = lay.margin_bottom + lay.footer_height - size * 0.6
        self.saveState()
        self.setFillColor(colors.black)
        self.setFont(BOLD, size)
        label = state.parts[state.part_of_page(page)].messages.page_x_of_y
        self.drawRightString(
            lay.page_width - lay.margin_x, top - size * 1.6, label.format(page=page, total=total)
        )
        for ref_page, x, y, part, font_size in state.page_refs:
            if ref_page == page and part in state.part_start_page:
                self.setFont(REGULAR, font_size)
                self.drawRightString(x, y, str(state.part_start_page[part]))
        self.restoreState()
