"""Paints a model's RUNS_ROLE text (matched words in bold) in one line per cell.

Drawn straight with QPainter, a run at a time: no QTextDocument is parsed or laid out, and no
per-cell style option is filled from a dozen model roles, so a screenful of fresh results
repaints in a millisecond or two rather than tens (the search results change at every key).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPointF
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ketref.gui.models import RUNS_ROLE, Runs

PADDING = 4.0
"""Pixels between the cell's edge and its text."""


class HighlightDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fonts: tuple[str, QFont, QFont, QFontMetricsF, QFontMetricsF] | None = None

    def _fonts_for(self, font: QFont) -> tuple[QFont, QFont, QFontMetricsF, QFontMetricsF]:
        """Normal and bold fonts with their metrics, made once per font (not once per cell)."""
        key = font.key()
        if self._fonts is None or self._fonts[0] != key:
            bold = QFont(font)
            bold.setBold(True)
            self._fonts = (key, QFont(font), bold, QFontMetricsF(font), QFontMetricsF(bold))
        return self._fonts[1:]

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
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # selection and hover background, as the style draws them
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget
            )
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        normal, bold, normal_metrics, bold_metrics = self._fonts_for(option.font)
        painter.save()
        painter.setClipRect(rect)
        painter.setPen(option.palette.color(role))
        x = rect.left() + PADDING
        y = rect.top() + (rect.height() + normal_metrics.ascent() - normal_metrics.descent()) / 2
        right = rect.right()
        for text, strong in runs:
            painter.setFont(bold if strong else normal)
            painter.drawText(QPointF(x, y), text)
            x += (bold_metrics if strong else normal_metrics).horizontalAdvance(text)
            if x > right:
                break
        painter.restore()
