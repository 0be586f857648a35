"""Content → Retired items…: what was retired (by whom, when, why), and Restore.

Restoring brings an item back with the text it had when it was retired, as a new version
(audited); a new item retired before it was approved comes back as a draft. The dialog asks
first, then closes and tells the window, which lists the item again, shows it and says so in
its status bar (a dialog left open would cover the item just restored).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.catalogue import RetiredItem
from ketref.domain.errors import KetrefError
from ketref.domain.field_words import local_and_utc
from ketref.gui.models import RowsTableModel
from ketref.gui.prompts import Prompts
from ketref.gui.widgets import row_table
from ketref.services.editing import EditingService, Restored

Index = QModelIndex | QPersistentModelIndex
INTRO = (
    "Items retired in this library: they are left out of the lists, search, screening and "
    "printing, and their history is kept. Restore brings one back with the text it had."
)
EMPTY = "No item is retired."


class RetiredTableModel(RowsTableModel):
    """One row per retired item, the most recently retired first."""

    TITLE, KIND, WHEN, WHO, REASON = range(5)
    HEADERS = ("Title", "Kind", "Retired (local, UTC)", "By", "Reason")

    def set_items(self, items: list[RetiredItem]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()

    def item(self, row: int) -> RetiredItem | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                item.title + (" (never approved)" if item.was_draft else ""),
                item.kind.singular,
                local_and_utc(item.retired_at),
                item.retired_by,
                item.reason or "—",
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.kind.value}/{item.slug}" + (f"\n{item.reason}" if item.reason else "")
        return None


def confirm_text(item: RetiredItem) -> str:
    comes_back = (
        "It comes back as a draft: it was never approved, so it lists, screens and prints "
        "only after approval."
        if item.was_draft
        else "It comes back in the lists, search, screening and printing."
    )
    return (
        f"Restore “{item.title}” ({item.kind.singular.lower()}) with the text it had when "
        f"{item.retired_by} retired it? {comes_back} The history keeps every version, and the "
        "audit trail records who restored it."
    )


class RetiredItemsDialog(QDialog):
    restored = Signal(object, str, str)
    """(kind, slug, message) after an item was restored."""

    def __init__(self, editing: EditingService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = editing
        self.prompts = Prompts(self)
        self.setWindowTitle("Retired items")
        self.resize(820, 420)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.model = RetiredTableModel(self)
        self.table = self._build_table()
        self.empty = QLabel(EMPTY)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Why restore it (optional; kept in the history)")
        self.reason.setMaxLength(500)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.reason)
        layout.addWidget(self.status)
        layout.addLayout(self._build_buttons())
        self.refresh()

    def _build_table(self) -> QTableView:
        table = row_table(self.model)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RetiredTableModel.REASON, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        return table

    def _build_buttons(self) -> QHBoxLayout:
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setAutoDefault(False)  # Enter closes; it never restores by accident
        self.restore_button.clicked.connect(lambda _checked=False: self.restore_selected())
        self.close_button = QPushButton("Close")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        return buttons

    def refresh(self) -> None:
        self.status.clear()
        try:
            items = self.editing.retired()
        except KetrefError as exc:
            items = []
            self.status.setText(str(exc))
        self.status.setVisible(bool(self.status.text()))
        self.model.set_items(items)
        self.table.setVisible(bool(items))
        self.empty.setVisible(not items)
        if items:
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> RetiredItem | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def restore_selected(self, *, confirmed: bool = False) -> Restored | None:
        """Ask, then restore the selected item; None when cancelled or refused."""
        item = self.selected()
        if item is None:
            return None
        if not confirmed and not self.prompts.confirm(
            "Restore this item?", confirm_text(item), "Restore"
        ):
            return None
        try:
            restored = self.editing.restore_retired(item.kind, item.slug, self.reason.text())
        except KetrefError as exc:
            self.prompts.show_error("Cannot restore", str(exc))
            self.refresh()
            return None
        self.reason.clear()
        self.accept()
        self.restored.emit(item.kind, item.slug, restored.message())
        return restored
