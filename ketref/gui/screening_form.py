"""The screening form's widgets: Unknown/Yes/No answers, sections, and "Mark the rest No".

Every answer starts Unknown, and Unknown is never read as No. "Mark the rest No" only sets the
questions of one section that are still Unknown, after asking, and each answer set that way
carries a visible mark until the clinician changes it by hand, so a bulk answer is never
mistaken for one asked of the patient.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from ketref.domain.patient import FieldSpec
from ketref.gui.detail_html import AMBER

UNKNOWN, YES, NO = 0, 1, 2
BULK_MARK = "set by “Mark the rest No”"
"""Shown beside an answer set in bulk; the results and the summary name these answers too."""


class TriState(QWidget):
    """Unknown / Yes / No as three radio buttons; Unknown is the default and always visible.

    One Tab stop per question (the checked button); the arrow keys move between the three
    answers, as in any radio group.
    """

    changed = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.group = QButtonGroup(self)
        self.bulk = False
        """True while the answer is the one "Mark the rest No" set (cleared by any hand change)."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for value, text in ((UNKNOWN, "Unknown"), (YES, "Yes"), (NO, "No")):
            button = QRadioButton(text)
            button.setAccessibleName(f"{label}: {text}")
            self.group.addButton(button, value)
            layout.addWidget(button)
        self.mark = QLabel(BULK_MARK)
        self.mark.setStyleSheet(f"color: {AMBER}; font-style: italic;")
        self.mark.setAccessibleName(f"{label}: {BULK_MARK}")
        self.mark.hide()
        layout.addWidget(self.mark)
        layout.addStretch(1)
        self.group.button(UNKNOWN).setChecked(True)
        self._tab_stop_on_checked()
        self.group.idToggled.connect(self._toggled)
        self.group.idClicked.connect(lambda _id: self._set_bulk(False))  # mouse or keyboard

    def _toggled(self, _id: int, on: bool) -> None:
        if on:
            self._tab_stop_on_checked()
            self.changed.emit()

    def _tab_stop_on_checked(self) -> None:
        """Tab lands on the chosen answer only; the arrow keys reach the other two."""
        for button in self.group.buttons():
            policy = Qt.FocusPolicy.StrongFocus if button.isChecked() else Qt.FocusPolicy.ClickFocus
            button.setFocusPolicy(policy)

    def _set_bulk(self, bulk: bool) -> None:
        if bulk != self.bulk:
            self.bulk = bulk
            self.mark.setVisible(bulk)
            self.changed.emit()

    def value(self) -> bool | None:
        return {UNKNOWN: None, YES: True, NO: False}[self.group.checkedId()]

    def set_value(self, value: bool | None, *, bulk: bool = False) -> None:
        self.group.button({None: UNKNOWN, True: YES, False: NO}[value]).setChecked(True)
        self._set_bulk(bulk)


class MedicationCompleter(QCompleter):
    """Completes the name being typed after the last comma.

    Escape closes the list and leaves the cursor in the field (it never clears what was typed
    nor moves focus away).
    """

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", maxsplit=1)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:
        widget = self.widget()
        done = widget.text().split(",")[:-1] if isinstance(widget, QLineEdit) else []
        chosen = str(super().pathFromIndex(index))  # type: ignore[arg-type]
        return ", ".join([*(p.strip() for p in done if p.strip()), chosen])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        popup = self.popup()
        escape = (
            isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and popup is not None
            and popup.isVisible()
        )
        if escape and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # the window's Escape (clear search) must not take it from the list
            return True
        if escape and event.type() == QEvent.Type.KeyPress and popup is not None:
            popup.hide()
            widget = self.widget()
            if widget is not None:
                widget.setFocus(Qt.FocusReason.PopupFocusReason)
            return True
        return super().eventFilter(watched, event)


class FormSection:
    """One titled group of questions, with its "Mark the rest No…" button when it has flags."""

    def __init__(self, title: str, ask: Callable[[str, str], bool]) -> None:
        self.title = title
        self.box = QGroupBox(title)
        self.layout = QFormLayout(self.box)
        self.layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.flags: list[tuple[FieldSpec, TriState]] = []
        self._ask = ask
        self.rest_no = QPushButton("Mark the rest No…")
        self.rest_no.setToolTip(
            f"Set every question of “{title}” that is still Unknown to No (asks first)"
        )
        self.rest_no.setAutoDefault(False)
        self.rest_no.clicked.connect(self.mark_rest_no)

    def add(self, spec: FieldSpec, label: str, widget: QWidget, hint: str | None = None) -> None:
        # The label spans the whole row, so it wraps only where the form is too narrow for it
        # (a form layout would squeeze it into a narrow label column first).
        text = QLabel(label)
        text.setWordWrap(True)
        text.setBuddy(widget)
        self.layout.addRow(text)
        self.layout.addRow(widget)
        if hint:
            note = QLabel(f"<small>{escape(hint)}</small>")
            note.setWordWrap(True)
            self.layout.addRow(note)
        if isinstance(widget, TriState):
            self.flags.append((spec, widget))
            widget.changed.connect(self.refresh)

    def refresh(self) -> None:
        """The button works only while the section has an Unknown question left."""
        self.rest_no.setEnabled(bool(self.unknown_flags()))

    def finish(self) -> None:
        if self.flags:
            self.layout.addRow(self.rest_no)
            self.refresh()

    def unknown_flags(self) -> list[tuple[FieldSpec, TriState]]:
        return [(spec, tri) for spec, tri in self.flags if tri.value() is None]

    def mark_rest_no(self) -> list[str]:
        """Ask, then set this section's Unknown questions to No; returns their field names."""
        rest = self.unknown_flags()
        if not rest:
            return []
        listed = "\n".join(f"• {spec.label}" for spec, _ in rest)
        if not self._ask(
            f"Set {len(rest)} unanswered question{'s' if len(rest) > 1 else ''} to No?",
            f"These questions in “{self.title}” are still Unknown:\n\n{listed}\n\n"
            "Set them to No only if you have checked each one with the patient or the record. "
            "They stay marked “set by Mark the rest No” here, in the results and on the "
            "printed summary until you change them.",
        ):
            return []
        # Focus stays in this section: the button is disabled once nothing is Unknown, and Qt
        # would otherwise move focus (and scroll the form) to a question further down.
        last = rest[-1][1]
        last.group.button(NO).setFocus(Qt.FocusReason.OtherFocusReason)
        for _spec, tri in rest:
            tri.set_value(False, bulk=True)
        return [spec.name for spec, _ in rest]
