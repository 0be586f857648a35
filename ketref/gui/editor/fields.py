"""The editor's single-value inputs: text, dates, numbers, yes/no, choices and products.

Every input is a ``FieldWidget``: it reads and writes its part of the document as JSON-like
data (text, ISO dates, enum values), shows a problem under itself, and reports edits through
the form's ``FormContext`` (for undo and live checking).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.content import Reference
from ketref.domain.enums import Product
from ketref.gui.editor.schema import Spec

Loc = tuple[str | int, ...]
PROBLEM_STYLE = "color: #b3261e;"
LINE_LIMIT = 1_000_000
"""QLineEdit cuts pasted text at 32,767 characters by default; keep it all so the limit
message can say how long the text really is."""


def left_aligned(*widgets: QWidget) -> QWidget:
    """``widgets`` in a row at the left of their field, at their natural width."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    holder = QWidget()
    holder.setLayout(row)
    return holder


class FormContext(QObject):
    """What every input of one form shares: the edit signal, the library's sources, and the
    list of prose boxes (for readability)."""

    edited = Signal(str)
    """An input changed; the text is a key for merging typing into one undo step ("" for
    structural changes: a row added, removed or moved)."""

    def __init__(
        self,
        references: dict[str, Reference],
        pick_reference: Callable[[QWidget], str | None],
    ) -> None:
        super().__init__()
        self.references = references
        self.pick_reference = pick_reference
        self.applying = False
        self.prose: list[QPlainTextEdit] = []

    def changed(self, key: str = "") -> None:
        if not self.applying:
            self.edited.emit(key)


class FieldWidget(QWidget):
    """One part of the document with its input and the problem shown under it."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__()
        self.spec = spec
        self.context = context
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(2)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()

    def finish(self, widget: QWidget) -> None:
        """Lay out the input and, under it, the place for its problem."""
        self.box.addWidget(widget)
        self.box.addWidget(self.problem)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def locate(self, loc: Loc) -> FieldWidget:
        """The input a problem at ``loc`` (relative to this one) belongs to."""
        return self

    def children_fields(self) -> list[FieldWidget]:
        return []

    def set_problem(self, text: str) -> None:
        shown = self.problem.text()
        joined = text if not shown or not text else f"{shown}\n{text}"
        self.problem.setText(joined)
        self.problem.setVisible(bool(joined))

    def clear_problems(self) -> None:
        self.problem.clear()
        self.problem.hide()
        for child in self.children_fields():
            child.clear_problems()

    def _key(self) -> str:
        return f"{id(self)}"


class TextField(FieldWidget):
    """One line for short text, a multi-line box for prose (readability attaches to those)."""

    def __init__(self, spec: Spec, context: FormContext, *, read_only: bool = False) -> None:
        super().__init__(spec, context)
        self.editor: QLineEdit | QPlainTextEdit
        if spec.multiline:
            prose = QPlainTextEdit()
            prose.setTabChangesFocus(True)
            prose.setMinimumHeight(64)
            prose.setMaximumHeight(140)
            prose.textChanged.connect(lambda: context.changed(self._key()))
            context.prose.append(prose)
            self.editor = prose
        else:
            line = QLineEdit()
            line.setMaxLength(LINE_LIMIT)
            line.textEdited.connect(lambda _text: context.changed(self._key()))
            self.editor = line
        self.editor.setReadOnly(read_only)
        self.editor.setAccessibleName(spec.label)
        if spec.max_length:
            self.editor.setToolTip(f"Up to {spec.max_length:,} characters.")
        self.finish(self.editor)

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def value(self) -> Any:
        text = self.text()
        return None if self.spec.optional and not text.strip() else text

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text == self.text():
            return
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        else:
            self.editor.setText(text)


class DateField(FieldWidget):
    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.editor = QDateEdit()
        self.editor.setCalendarPopup(True)
        self.editor.setDisplayFormat("d MMM yyyy")
        self.editor.setMinimumDate(QDate(1900, 1, 1))
        self.editor.dateChanged.connect(lambda _d: context.changed(self._key()))
        self.editor.setAccessibleName(spec.label)
        self.finish(left_aligned(self.editor))

    def value(self) -> Any:
        return self.editor.date().toString(Qt.DateFormat.ISODate)

    def set_value(self, value: Any) -> None:
        if value:
            self.editor.setDate(QDate.fromString(str(value), Qt.DateFormat.ISODate))


class BoolField(FieldWidget):
    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.editor = QCheckBox(spec.label)
        self.editor.toggled.connect(lambda _on: context.changed())
        self.finish(self.editor)

    def value(self) -> Any:
        return self.editor.isChecked()

    def set_value(self, value: Any) -> None:
        self.editor.setChecked(bool(value))


class NumberField(FieldWidget):
    """A whole number or a measured value; an optional one has "—" below its range."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.editor: QSpinBox | QDoubleSpinBox
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else 1_000_000
        if spec.kind == "int":
            self.editor = QSpinBox()
            self.editor.setRange(int(low) - (1 if spec.optional else 0), int(high))
        else:
            self.editor = QDoubleSpinBox()
            self.editor.setDecimals(2)
            self.editor.setRange(float(low), float(high))
        if spec.optional:
            self.editor.setSpecialValueText("—")
        self.editor.valueChanged.connect(lambda _v: context.changed(self._key()))
        self.editor.setAccessibleName(spec.label)
        self.editor.setMinimumWidth(110)
        self.finish(left_aligned(self.editor))

    def value(self) -> Any:
        number = self.editor.value()
        if self.spec.optional and number == self.editor.minimum():
            return None
        return int(number) if self.spec.kind == "int" else float(number)

    def set_value(self, value: Any) -> None:
        self.editor.setValue(self.editor.minimum() if value is None else value)  # type: ignore[arg-type]


class ChoiceField(FieldWidget):
    """One of an enum's values (or a literal's), shown in words; optional ones offer "—"."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.editor = QComboBox()
        if spec.optional:
            self.editor.addItem("— none —", None)
        for value, label in spec.choices:
            self.editor.addItem(label, value)
        self.editor.currentIndexChanged.connect(lambda _i: context.changed())
        self.editor.setAccessibleName(spec.label)
        self.finish(left_aligned(self.editor))

    def value(self) -> Any:
        return self.editor.currentData()

    def set_value(self, value: Any) -> None:
        self.editor.setCurrentIndex(max(0, self.editor.findData(value)))


class ProductsField(FieldWidget):
    """Which products something applies to: one box per product, in a fixed order."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.boxes = {product: QCheckBox(product.label) for product in Product}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for box in self.boxes.values():
            box.toggled.connect(lambda _on: context.changed())
            row.addWidget(box)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        self.finish(holder)

    def value(self) -> Any:
        return [p.value for p, box in self.boxes.items() if box.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for product, box in self.boxes.items():
            box.setChecked(product.value in chosen)
