"""Choosing a source from the library by typing words of its title, citation or short name;
a source that is not there yet can be added from here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.content import Reference
from ketref.domain.search import fold


def matches(reference: Reference, words: list[str]) -> bool:
    """Every typed word appears in the source's short name, title or citation (accents and
    case ignored)."""
    text = fold(" ".join([reference.id, reference.title, reference.citation]))
    return all(word in text for word in words)


class ReferencePicker(QDialog):
    """A searchable list of the library's sources; ``chosen`` is the picked one's id."""

    def __init__(
        self,
        references: list[Reference],
        parent: QWidget | None = None,
        *,
        create: Callable[[QWidget], Reference | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a source")
        self.resize(640, 480)
        self.references = sorted(references, key=lambda r: r.title.lower())
        self.chosen: str | None = None
        self._create = create
        self.search = QLineEdit(placeholderText="Type words of the title, citation or short name")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill)
        self.list = QListWidget()
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.count = QLabel()
        self.new_button = QPushButton("New reference…")
        self.new_button.setEnabled(create is not None)
        self.new_button.clicked.connect(lambda _checked=False: self._new())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(self.new_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.search, self.count, self.list, buttons):
            layout.addWidget(widget)
        self._fill("")
        self.search.setFocus()

    def _fill(self, text: str) -> None:
        words = fold(text).split()
        self.list.clear()
        for ref in self.references:
            if matches(ref, words):
                entry = QListWidgetItem(f"{ref.title}\n{ref.id} · {ref.citation[:120]}")
                entry.setData(Qt.ItemDataRole.UserRole, ref.id)
                entry.setToolTip(ref.citation)
                self.list.addItem(entry)
        shown = self.list.count()
        self.count.setText(
            f"{shown} source{'s' if shown != 1 else ''}"
            if shown
            else "Not found in the library. Use “New reference…” to add it."
        )
        if shown:
            self.list.setCurrentRow(0)

    def _new(self) -> None:
        if self._create is None:
            return
        made = self._create(self)
        if made is not None:
            self.references.append(made)
            self.chosen = made.id
            super().accept()

    def accept(self) -> None:
        entry = self.list.currentItem()
        if entry is None:
            return
        self.chosen = str(entry.data(Qt.ItemDataRole.UserRole))
        super().accept()
