"""The editor's composite inputs: a model's fields as a form, lists that can be added to,
removed from and reordered, blocks of several types, a group per product, and sources.

``build_field`` turns a ``Spec`` into its input, so forms follow the content models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.enums import Product
from ketref.gui.editor.fields import (
    BoolField,
    ChoiceField,
    DateField,
    FieldWidget,
    FormContext,
    Loc,
    NumberField,
    ProductsField,
    TextField,
)
from ketref.gui.editor.labels import BLOCK_LABELS
from ketref.gui.editor.schema import Spec, model_fields

FIRST = ("id", "slug", "title", "summary")
LAST = ("related", "references", "reviewed", "review_due", "verified", "unverified_note")
"""The head of every item first and its sources and review dates last, as the page shows."""


def build_field(spec: Spec, context: FormContext) -> FieldWidget:
    """The input for ``spec``."""
    simple: dict[str, Callable[[Spec, FormContext], FieldWidget]] = {
        "text": TextField,
        "date": DateField,
        "bool": BoolField,
        "int": NumberField,
        "float": NumberField,
        "choice": ChoiceField,
        "products": ProductsField,
        "references": ReferencesField,
        "list": ListField,
        "union": BlockField,
        "by_product": ByProductField,
    }
    if spec.kind == "model":
        return OptionalModelField(spec, context) if spec.optional else ModelForm(spec, context)
    return simple[spec.kind](spec, context)


class ModelForm(FieldWidget):
    """A model's fields, labelled, each with its problem under it; the model's own problems
    (rules across fields) show at the top."""

    def __init__(
        self,
        spec: Spec,
        context: FormContext,
        *,
        skip: frozenset[str] = frozenset(),
        read_only: frozenset[str] = frozenset(),
        framed: bool = False,
    ) -> None:
        super().__init__(spec, context)
        assert spec.model is not None
        specs = model_fields(spec.model, skip)
        order = {key: i for i, key in enumerate(FIRST)} | {
            key: 1000 + i for i, key in enumerate(LAST)
        }
        specs.sort(key=lambda f: order.get(f.key, 100))
        self.fields: dict[str, FieldWidget] = {}
        holder = QFrame() if framed else QWidget()
        if isinstance(holder, QFrame):
            holder.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QFormLayout(holder)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        if not framed:
            layout.setContentsMargins(0, 0, 0, 0)
        for field in specs:
            if field.key in read_only:
                widget: FieldWidget = TextField(field.spec, context, read_only=True)
            else:
                widget = build_field(field.spec, context)
            self.fields[field.key] = widget
            layout.addRow("" if field.spec.kind == "bool" else field.spec.label, widget)
        self.box.addWidget(self.problem)
        self.box.addWidget(holder)

    def value(self) -> Any:
        return {key: widget.value() for key, widget in self.fields.items()}

    def set_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for key, widget in self.fields.items():
            widget.set_value(data.get(key))

    def locate(self, loc: Loc) -> FieldWidget:
        if not loc:
            return self
        child = self.fields.get(str(loc[0]))
        return child.locate(loc[1:]) if child is not None else self

    def children_fields(self) -> list[FieldWidget]:
        return list(self.fields.values())


class OptionalModelField(FieldWidget):
    """A group that may be left out (e.g. "translated from"): a box to include it."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.include = QCheckBox("Include")
        self.form = ModelForm(spec, context, framed=True)
        self.form.hide()
        self.include.toggled.connect(self._toggled)
        self.box.addWidget(self.include)
        self.box.addWidget(self.form)
        self.box.addWidget(self.problem)

    def _toggled(self, on: bool) -> None:
        self.form.setVisible(on)
        self.context.changed()

    def value(self) -> Any:
        return self.form.value() if self.include.isChecked() else None

    def set_value(self, value: Any) -> None:
        self.include.setChecked(value is not None)
        self.form.setVisible(value is not None)
        if value is not None:
            self.form.set_value(value)

    def locate(self, loc: Loc) -> FieldWidget:
        return self.form.locate(loc) if loc else self

    def children_fields(self) -> list[FieldWidget]:
        return [self.form]


def _tool(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class ListField(FieldWidget):
    """Rows of one kind of input, each movable up and down and removable; "Add" appends."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        assert spec.item is not None
        self.rows: list[FieldWidget] = []
        self._row_holders: list[QFrame] = []
        self.rows_box = QVBoxLayout()
        self.rows_box.setContentsMargins(0, 0, 0, 0)
        self.add_button = QPushButton(f"Add to {spec.label.lower()}" if spec.label else "Add")
        self.add_button.clicked.connect(lambda _checked=False: self.add_row())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        self.box.addLayout(self.rows_box)
        self.box.addLayout(buttons)
        self.box.addWidget(self.problem)

    def _new_field(self) -> FieldWidget:
        assert self.spec.item is not None
        if self.spec.item.kind == "model":
            return ModelForm(self.spec.item, self.context, framed=True)
        return build_field(self.spec.item, self.context)

    def add_row(self, value: Any = None, *, announce: bool = True) -> FieldWidget:
        field = self._new_field()
        if value is not None:
            field.set_value(value)
        item_kind = self.spec.item.kind if self.spec.item else "text"
        holder = QFrame()
        if item_kind == "union":  # a block: framed like a model's group
            holder.setFrameShape(QFrame.Shape.StyledPanel)
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(field, 1)
        controls = QHBoxLayout() if item_kind == "text" else QVBoxLayout()
        controls.addWidget(_tool("↑", "Move up", lambda: self.move_row(field, -1)))
        controls.addWidget(_tool("↓", "Move down", lambda: self.move_row(field, 1)))
        controls.addWidget(_tool("✕", "Remove", lambda: self.remove(field)))
        if isinstance(controls, QVBoxLayout):
            controls.addStretch(1)
        line.addLayout(controls)
        self.rows.append(field)
        self._row_holders.append(holder)
        self.rows_box.addWidget(holder)
        if announce:
            self.context.changed()
        return field

    def _relayout(self) -> None:
        for holder in self._row_holders:
            self.rows_box.removeWidget(holder)
        for holder in self._row_holders:
            self.rows_box.addWidget(holder)

    def move_row(self, field: FieldWidget, delta: int) -> None:
        index = self.rows.index(field)
        target = index + delta
        if not 0 <= target < len(self.rows):
            return
        for items in (self.rows, self._row_holders):
            items.insert(target, items.pop(index))  # type: ignore[arg-type]
        self._relayout()
        self.context.changed()

    def remove(self, field: FieldWidget) -> None:
        index = self.rows.index(field)
        self.rows.pop(index)
        holder = self._row_holders.pop(index)
        holder.hide()
        holder.deleteLater()
        self.context.changed()

    def value(self) -> Any:
        return [row.value() for row in self.rows]

    def set_value(self, value: Any) -> None:
        values = list(value or [])
        if len(values) != len(self.rows):
            for holder in self._row_holders:
                holder.hide()
                holder.deleteLater()
            self.rows, self._row_holders = [], []
            for item in values:
                self.add_row(item, announce=False)
            return
        for row, item in zip(self.rows, values, strict=True):
            row.set_value(item)

    def locate(self, loc: Loc) -> FieldWidget:
        if loc and isinstance(loc[0], int) and loc[0] < len(self.rows):
            return self.rows[loc[0]].locate(loc[1:])
        return self

    def children_fields(self) -> list[FieldWidget]:
        return list(self.rows)


class BlockField(FieldWidget):
    """A handout block: its type (paragraph, bullets, steps, checklist, callout) and its form;
    changing the type keeps the words that fit the new one."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.type_box = QComboBox()
        for tag in spec.variants:
            self.type_box.addItem(BLOCK_LABELS.get(tag, tag.capitalize()), tag)
        self.type_box.setAccessibleName("Block type")
        self.type_box.currentIndexChanged.connect(self._type_chosen)
        head = QHBoxLayout()
        head.addWidget(QLabel("Block:"))
        head.addWidget(self.type_box)
        head.addStretch(1)
        self.box.addLayout(head)
        self.box.addWidget(self.problem)
        self.tag = str(self.type_box.currentData())
        self.form = self._form(self.tag)
        self.box.addWidget(self.form)

    def _form(self, tag: str) -> ModelForm:
        model = self.spec.variants[tag]
        return ModelForm(Spec("model", model=model), self.context, skip=frozenset({"type"}))

    def _switch(self, tag: str, carried: dict[str, Any]) -> None:
        self.box.removeWidget(self.form)
        self.form.hide()
        self.form.deleteLater()
        self.tag = tag
        self.form = self._form(tag)
        self.form.set_value(carried)
        self.box.addWidget(self.form)

    def _type_chosen(self, _index: int) -> None:
        tag = str(self.type_box.currentData())
        if tag == self.tag:
            return
        old = self.form.value()
        carried = dict(old)
        if not old.get("items") and old.get("text"):
            carried["items"] = [old["text"]]
        if not old.get("text") and old.get("items"):
            carried["text"] = "\n".join(old["items"])
        self._switch(tag, carried)
        self.context.changed()

    def value(self) -> Any:
        return {"type": self.tag, **self.form.value()}

    def set_value(self, value: Any) -> None:
        data = dict(value) if isinstance(value, dict) else {"type": self.tag}
        tag = str(data.pop("type", self.tag))
        if tag != self.tag:
            self.type_box.blockSignals(True)
            self.type_box.setCurrentIndex(max(0, self.type_box.findData(tag)))
            self.type_box.blockSignals(False)
            self._switch(tag, data)
        else:
            self.form.set_value(data)

    def locate(self, loc: Loc) -> FieldWidget:
        if loc and loc[0] == self.tag:
            loc = loc[1:]  # pydantic names the block's type in the path
        return self.form.locate(loc) if loc else self

    def children_fields(self) -> list[FieldWidget]:
        return [self.form]


class ByProductField(FieldWidget):
    """One group per product (every product must be covered)."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        assert spec.item is not None
        self.forms: dict[str, ModelForm] = {}
        self.box.addWidget(self.problem)
        for product in Product:
            group = QGroupBox(product.label)
            inner = QVBoxLayout(group)
            form = ModelForm(spec.item, context)
            inner.addWidget(form)
            self.forms[product.value] = form
            self.box.addWidget(group)

    def value(self) -> Any:
        return {key: form.value() for key, form in self.forms.items()}

    def set_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for key, form in self.forms.items():
            form.set_value(data.get(key))

    def locate(self, loc: Loc) -> FieldWidget:
        if loc and str(loc[0]) in self.forms:
            return self.forms[str(loc[0])].locate(loc[1:])
        return self

    def children_fields(self) -> list[FieldWidget]:
        return list(self.forms.values())


class ReferencesField(FieldWidget):
    """Sources picked from the library (searchable), in citation order."""

    def __init__(self, spec: Spec, context: FormContext) -> None:
        super().__init__(spec, context)
        self.list = QListWidget()
        self.list.setAccessibleName(spec.label or "Sources")
        self.list.setMaximumHeight(96)
        self.list.setAlternatingRowColors(True)
        buttons = QHBoxLayout()
        add = QPushButton("Add source…")
        add.clicked.connect(lambda _checked=False: self._add())
        buttons.addWidget(add)
        buttons.addWidget(_tool("↑", "Move source up", lambda: self._move(-1)))
        buttons.addWidget(_tool("↓", "Move source down", lambda: self._move(1)))
        buttons.addWidget(_tool("✕", "Remove source", self._remove))
        buttons.addStretch(1)
        self.box.addWidget(self.list)
        self.box.addLayout(buttons)
        self.box.addWidget(self.problem)

    def _entry(self, ref_id: str) -> QListWidgetItem:
        ref = self.context.references.get(ref_id)
        text = f"{ref_id} — {ref.title}" if ref else f"{ref_id} — not in the library"
        entry = QListWidgetItem(text)
        entry.setData(Qt.ItemDataRole.UserRole, ref_id)
        if ref is None:
            entry.setForeground(QColor("#b3261e"))
        return entry

    def _add(self) -> None:
        chosen = self.context.pick_reference(self)
        if chosen and chosen not in self.value():
            self.list.addItem(self._entry(chosen))
            self.context.changed()

    def _move(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        entry = self.list.takeItem(row)
        self.list.insertItem(target, entry)
        self.list.setCurrentRow(target)
        self.context.changed()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.context.changed()

    def value(self) -> Any:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def set_value(self, value: Any) -> None:
        if list(value or []) == self.value():
            return
        self.list.clear()
        for ref_id in value or []:
            self.list.addItem(self._entry(str(ref_id)))
