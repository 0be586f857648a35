"""Text size for the whole window: the application font, scaled in steps the user chooses.

Scaling the application font (rather than zooming one widget) reaches every list, form, the
item pane and dialogs opened later, since none of them fixes its own point size; layouts then
size themselves to the text. The base is the font Qt chose from the desktop at start.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from ketref.gui.ui_state import TEXT_SIZE, UiState

FACTOR = 1.12
"""Each step is 12 % larger than the one before (about one point at a 9 pt desktop font)."""


class TextSize:
    """Applies and keeps the chosen step; ``restore`` puts the desktop's font back."""

    def __init__(self, ui_state: UiState) -> None:
        self.ui_state = ui_state
        self.base = QFont(QApplication.font())
        self.apply(ui_state.get(TEXT_SIZE))

    @property
    def step(self) -> int:
        return self.ui_state.get(TEXT_SIZE)

    def apply(self, step: int) -> int:
        """Show the window at ``step`` (clamped to the setting's range); returns the step used."""
        step = max(TEXT_SIZE.minimum, min(TEXT_SIZE.maximum, step))
        font = QFont(self.base)
        if self.base.pointSizeF() > 0:
            font.setPointSizeF(round(self.base.pointSizeF() * FACTOR**step, 1))
        else:  # a pixel-sized desktop font
            font.setPixelSize(round(self.base.pixelSize() * FACTOR**step))
        QApplication.setFont(font)
        self.ui_state.set(TEXT_SIZE, step)
        return step

    def larger(self) -> int:
        return self.apply(self.step + 1)

    def smaller(self) -> int:
        return self.apply(self.step - 1)

    def reset(self) -> int:
        return self.apply(0)

    def restore(self) -> None:
        """The desktop's own font again (the window is closing; the step stays saved)."""
        QApplication.setFont(self.base)
