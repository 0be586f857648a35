"""Paints a model's RUNS_ROLE text (matched words in bold), with DETAIL_RUNS_ROLE on a second line.

A search result shows its title on the first line across the whole width and where it matched
below it. A line that does not fit is cut at a word and ends in "…" (the model's tooltip holds
the whole title). Every line is laid out once per text and width into one QTextLayout (its bold
runs as formats) and kept, so a frame only draws shaped glyphs: no QTextDocument and no
measuring while painting. The results change at every key, so most lines on screen are new:
one layout per line costs half of what a prepared QStaticText per run did (22 against 53 µs
for a snippet of five runs) and draws in one call instead of one per run.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QSize
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ketref.gui.models import DETAIL_RUNS_ROLE, RUNS_ROLE, Runs

PADDING = 4.0
"""Pixels between the cell's edge and its text."""
ELLIPSIS = "\u2026"
CACHE_LIMIT = 4000
"""Laid-out lines kept (a few screenfuls of results at a few widths)."""
DETAIL_ALPHA = 190
"""The second line is the text colour at this opacity: quieter than the title, still dark."""
FOCUS_ALPHA = 70
"""The keyboard's place on a row that cannot be selected (a heading): a tint of the highlight."""

# A row's state tested as plain ints: each ``&`` of Qt's enum flags builds a new enum object.
_SELECTED = QStyle.StateFlag.State_Selected.value
_MOUSE_OVER = QStyle.StateFlag.State_MouseOver.value
_HAS_FOCUS = QStyle.StateFlag.State_HasFocus.value

LINE_WIDTH = 1e6
"""A laid-out line's width: wide enough never to wrap (lines are cut to fit beforehand)."""


def cut_at_word(text: str, fits: int) -> int:
    """Where to cut ``text`` when only its first ``fits`` characters fit: at a word's end."""
    if fits >= len(text):
        return len(text)
    if text[fits].isspace():
        return len(text[:fits].rstrip())
    space = text.rfind(" ", 0, fits)
    if space <= 0:
        return fits  # one word longer than the line: cut inside it
    return len(text[:space].rstrip(" ,;:-\u2013\u2014"))


def elide_runs(runs: Runs, width: float, advance: _Advance) -> Runs:
    """``runs`` cut at a word so they and a trailing "…" fit in ``width``; as is when they fit."""
    if sum(advance(text, bold) for text, bold in runs) <= width:
        return runs
    budget = width - advance(ELLIPSIS, False)
    text = "".join(part for part, _ in runs)
    fits, x = 0, 0.0
    for part, bold in runs:
        for char in part:  # a line holds ~100 characters: measured once per text and width
            x += advance(char, bold)
            if x > budget:
                break
            fits += 1
        else:
            continue
        break
    keep = cut_at_word(text, fits)
    out: list[tuple[str, bool]] = []
    for part, bold in runs:
        if keep <= 0:
            break
        out.append((part[:keep], bold))
        keep -= len(part)
    out.append((ELLIPSIS, False))
    return tuple(out)


class _Advance:
    """Widths of text in the normal and bold font, per (text, bold), remembered."""

    def __init__(self, normal: QFontMetricsF, bold: QFontMetricsF) -> None:
        self._metrics = (normal, bold)
        self._known: dict[tuple[str, bool], float] = {}

    def __call__(self, text: str, bold: bool) -> float:
        key = (text, bold)
        width = self._known.get(key)
        if width is None:
            if len(self._known) > CACHE_LIMIT * 4:
                self._known.clear()
            width = self._known[key] = self._metrics[bold].horizontalAdvance(text)
        return width


class HighlightDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._font: QFont | None = None
        self._fonts = (QFont(), QFont())
        self._line_height = 0.0
        self._ascent = 0.0
        self._advance = _Advance(QFontMetricsF(QFont()), QFontMetricsF(QFont()))
        self._lines: dict[tuple[Runs, int], QTextLayout] = {}
        self._bold = QTextCharFormat()
        self._bold.setFontWeight(QFont.Weight.Bold)
        self._no_wrap = QTextOption()
        self._no_wrap.setWrapMode(QTextOption.WrapMode.NoWrap)

    def _use_font(self, font: QFont) -> None:
        """Fonts and metrics for ``font``; a new font (zoom) lays every line out again."""
        if font == self._font:  # compared, not by key(): that builds a string on every row
            return
        bold = QFont(font)
        bold.setBold(True)
        normal_metrics, bold_metrics = QFontMetricsF(font), QFontMetricsF(bold)
        self._font = QFont(font)
        self._fonts = (QFont(font), bold)
        self._line_height = max(normal_metrics.height(), bold_metrics.height())
        self._advance = _Advance(normal_metrics, bold_metrics)
        self._lines = {}

    def _line(self, runs: Runs, width: int) -> QTextLayout:
        key = (runs, width)
        layout = self._lines.get(key)
        if layout is None:
            if len(self._lines) >= CACHE_LIMIT:
                # The oldest line goes, one per new line: dropping all 4,000 at once freed
                # them in one go, 20-30 ms of one keystroke every few hundred at 100x.
                del self._lines[next(iter(self._lines))]
            shown = elide_runs(runs, width, self._advance)
            layout = QTextLayout("".join(text for text, _bold in shown), self._fonts[0])
            layout.setTextOption(self._no_wrap)
            formats, start = [], 0
            for text, bold in shown:
                if bold:
                    bold_range = QTextLayout.FormatRange()
                    bold_range.start, bold_range.length = start, len(text)
                    bold_range.format = self._bold
                    formats.append(bold_range)
                start += len(text)
            layout.setFormats(formats)
            layout.setCacheEnabled(True)
            layout.beginLayout()
            layout.createLine().setLineWidth(LINE_WIDTH)
            layout.endLayout()
            self._lines[key] = layout
        return layout

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        self._use_font(option.font)
        lines = 2 if index.data(DETAIL_RUNS_ROLE) else 1
        return QSize(0, int(lines * self._line_height + 2 * PADDING))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        runs: Runs | None = index.data(RUNS_ROLE)
        if not runs:
            super().paint(painter, option, index)
            return
        state = option.state.value
        selected = bool(state & _SELECTED)
        widget = option.widget
        if widget is not None and state & (_SELECTED | _MOUSE_OVER):
            # selection and hover background, as the style draws them
            widget.style().drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        rect = option.rect
        if state & _HAS_FOCUS and not selected:  # e.g. a group heading
            focus = QColor(option.palette.color(QPalette.ColorRole.Highlight))
            focus.setAlpha(FOCUS_ALPHA)
            painter.fillRect(rect, focus)
        self._use_font(option.font)
        width = int(rect.width() - 2 * PADDING)
        color = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        detail: Runs | None = index.data(DETAIL_RUNS_ROLE)
        top = rect.top() + PADDING
        if not detail:  # one line, centred
            top = rect.top() + (rect.height() - self._line_height) / 2
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(color)
        left = rect.left() + PADDING
        self._line(runs, width).draw(painter, QPointF(left, top))
        if detail:
            quiet = QColor(color)
            quiet.setAlpha(DETAIL_ALPHA)
            painter.setPen(quiet)
            self._line(detail, width).draw(painter, QPointF(left, top + self._line_height))
        painter.restore()
