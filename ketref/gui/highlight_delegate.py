"""Paints a model's RUNS_ROLE text (matched words in bold), with DETAIL_RUNS_ROLE on a second line.

A search result shows its title on the first line across the whole width and where it matched
below it. A line that does not fit is cut at a word and ends in "…" (the model's tooltip holds
the whole title). Every line is laid out once per text and width into QStaticText pieces and
kept, so a frame of fresh results only draws prepared glyphs: no QTextDocument, no text shaping
and no measuring while painting (the results change at every key).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QStaticText
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

Piece = tuple[QStaticText, float, bool]
"""Prepared text, its x offset from the line's start, bold or not."""


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
        self._lines: dict[tuple[Runs, int], tuple[Piece, ...]] = {}

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

    def _line(self, runs: Runs, width: int) -> tuple[Piece, ...]:
        key = (runs, width)
        pieces = self._lines.get(key)
        if pieces is None:
            if len(self._lines) > CACHE_LIMIT:
                self._lines = {}
            laid: list[Piece] = []
            x = 0.0
            for text, bold in elide_runs(runs, width, self._advance):
                static = QStaticText(text)
                static.setTextFormat(Qt.TextFormat.PlainText)  # content is never markup
                static.prepare(font=self._fonts[bold])
                laid.append((static, x, bold))
                x += self._advance(text, bold)
            pieces = self._lines[key] = tuple(laid)
        return pieces

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
        self._draw(painter, self._line(runs, width), rect.left() + PADDING, top)
        if detail:
            quiet = QColor(color)
            quiet.setAlpha(DETAIL_ALPHA)
            painter.setPen(quiet)
            line = self._line(detail, width)
            self._draw(painter, line, rect.left() + PADDING, top + self._line_height)
        painter.restore()

    def _draw(self, painter: QPainter, pieces: tuple[Piece, ...], left: float, top: float) -> None:
        for static, x, bold in pieces:
            painter.setFont(self._fonts[bold])
            painter.drawStaticText(QPointF(left + x, top), static)
