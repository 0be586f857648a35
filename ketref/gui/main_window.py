"""The main window: search, kinds on the left, items in the middle, the item on the right.

A first, working browser over the real database; the full browser (models, history, favourites,
badges) grows from here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.enums import ItemKind
from ketref.domain.errors import KetrefError
from ketref.gui.detail_html import item_html, reference_html
from ketref.services.catalogue import CatalogueService

ROLE_KEY = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    def __init__(self, catalogue: CatalogueService) -> None:
        super().__init__()
        self._catalogue = catalogue
        self.setWindowTitle("ketref — ketamine therapy reference")
        self.resize(1200, 760)

        self.search = QLineEdit(placeholderText="Search everything (Ctrl+K)…")
        self.search.setClearButtonEnabled(True)
        self.nav = QListWidget()
        for kind in ItemKind:
            entry = QListWidgetItem(kind.label)
            entry.setData(ROLE_KEY, kind.value)
            self.nav.addItem(entry)
        self.nav.setMaximumWidth(200)
        self.items = QListWidget()
        self.status = QLabel()
        self.detail = QTextBrowser()
        self.detail.setOpenExternalLinks(True)

        middle = QWidget()
        layout = QVBoxLayout(middle)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.items)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(middle)
        splitter.addWidget(self.detail)
        splitter.setSizes([180, 360, 660])
        root = QWidget()
        outer = QVBoxLayout(root)
        outer.addWidget(self.search)
        outer.addWidget(splitter)
        self.setCentralWidget(root)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.nav.currentRowChanged.connect(self._show_kind)
        self.items.currentItemChanged.connect(self._show_item)
        for keys in ("Ctrl+K", "Ctrl+F"):
            QShortcut(QKeySequence(keys), self, self._focus_search)
        self.nav.setCurrentRow(0)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _fill(self, rows: list[tuple[str, str, str]]) -> None:
        self.items.clear()
        for kind, slug, label in rows:
            entry = QListWidgetItem(label)
            entry.setData(ROLE_KEY, (kind, slug))
            self.items.addItem(entry)

    def _show_kind(self, row: int) -> None:
        if row < 0:
            return
        kind = ItemKind(self.nav.item(row).data(ROLE_KEY))
        summaries = self._catalogue.list_items(kind)
        self.status.setText(f"{len(summaries)} {kind.label.lower()}")
        self._fill([(kind.value, s.slug, s.title) for s in summaries])
        if summaries:
            self.items.setCurrentRow(0)

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self._show_kind(max(self.nav.currentRow(), 0))
            return
        result = self._catalogue.search(text, limit=50)
        self.status.setText(result.message())
        self._fill([(h.kind.value, h.slug, f"{h.kind.singular}: {h.title}") for h in result.hits])
        if result.found:
            self.items.setCurrentRow(0)
        else:
            self.detail.setPlainText(result.message())

    def _show_item(self, current: QListWidgetItem | None, _previous: object = None) -> None:
        if current is None:
            return
        kind_value, slug = current.data(ROLE_KEY)
        kind = ItemKind(kind_value)
        try:
            if kind is ItemKind.REFERENCE:
                html = reference_html(self._catalogue.get_reference(slug))
            else:
                html = item_html(self._catalogue.get_item(kind, slug))
        except KetrefError as exc:
            html = f"<p>{exc}</p>"
        self.detail.setHtml(html)
