"""The reference browser: a section's list (or the search results), its filter, and the item.

It lists a section, shows the chosen item, and keeps Back/Forward history and recently viewed
items. Moves that may leave it (a link to a handout, Back to another section) go to the window
through ``place_requested``; the window decides where a place is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.catalogue import ItemSummary
from ketref.domain.enums import ItemKind
from ketref.domain.errors import KetrefError, StoredItemInvalidError
from ketref.gui.history import History, Place
from ketref.gui.models import KEY_ROLE, ItemFilterProxy, ItemTableModel
from ketref.gui.notice_html import message_html
from ketref.gui.ui_state import UiState
from ketref.gui.widgets import row_table

if TYPE_CHECKING:
    from ketref.services.catalogue import CatalogueService

FAVOURITES, RECENT = "favourites", "recent"
SECTIONS: tuple[str, ...] = (
    FAVOURITES,
    RECENT,
    *(k.value for k in ItemKind if k is not ItemKind.HANDOUT),
)
"""What the browser lists: favourites, recently viewed and every kind but handouts."""
SECTION_LABELS = {FAVOURITES: "★ Favourites", RECENT: "Recently viewed"} | {
    k.value: k.label for k in ItemKind
}
SIZED_ROWS = 200
"""Rows measured to fit the Kind and Status columns (Qt measures 1,000 by default)."""
VISIT_DELAY_MS = 800
"""An item shown this long while arrowing through a list counts as viewed (history, recents)."""


class BrowserPane(QSplitter):
    place_requested = Signal(object)
    """A link or Back/Forward asks for a Place, which may live on another page."""
    shown_changed = Signal()
    """The item shown, the history or the favourites changed (for the window's actions)."""
    include_drafts = False
    """Editors see drafts in lists and pages, with a Draft badge (set per window)."""

    def __init__(self, ui_state: UiState, results_view: QWidget) -> None:
        super().__init__()
        self.ui_state = ui_state
        self.catalogue: CatalogueService | None = None
        self.history = History()
        self.shown: Place | None = None
        self.section = ""
        self._visit_timer = QTimer(self, singleShot=True, interval=VISIT_DELAY_MS)
        self._visit_timer.timeout.connect(self.commit_visit)

        self.list_title = QLabel()
        self.list_title.setObjectName("listTitle")
        self.filter = QLineEdit(placeholderText="Filter this list")
        self.filter.setClearButtonEnabled(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it may quote the user's query
        self.message.setObjectName("message")
        self.items_model = ItemTableModel(self)
        self.proxy = ItemFilterProxy(self)
        self.proxy.setSourceModel(self.items_model)
        self.filter.textChanged.connect(self.proxy.set_filter_words)
        self.table = row_table(self.proxy)
        self.filter.textChanged.connect(self._keep_chosen_row_in_view)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ItemTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ItemTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ItemTableModel.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ItemTableModel.STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(SIZED_ROWS)  # not every row of a 1,000-row list
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row)
        self.table.activated.connect(lambda _index: self.commit_visit())
        self._row_padding = (
            self.table.verticalHeader().defaultSectionSize() - self.table.fontMetrics().height()
        )
        self.results = results_view
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.results)

        list_panel = QWidget()
        list_layout = QVBoxLayout(list_panel)
        list_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.list_title, self.filter, self.message, self.list_stack):
            list_layout.addWidget(widget)
        self.detail = QTextBrowser()
        self.detail.setObjectName("detail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self.follow_link)
        self.show_message("ketref", "Opening the library…")
        self.addWidget(list_panel)
        self.addWidget(self.detail)
        self.setStretchFactor(1, 2)
        self.setSizes([400, 700])
        self.apply_palette()

    def attach(self, catalogue: CatalogueService | None) -> None:
        self.catalogue = catalogue

    def show_message(self, title: str, text: str) -> None:
        self.detail.setHtml(message_html(title, text))

    # --- the list --------------------------------------------------------------------------

    def list_section(self, section: str) -> None:
        """Fill the list with ``section`` from the library (sorted by title unless mixed)."""
        assert self.catalogue is not None
        if section == FAVOURITES:
            items = self.catalogue.summaries([(p.kind, p.slug) for p in self.ui_state.favourites()])
        elif section == RECENT:
            items = self.catalogue.summaries([(p.kind, p.slug) for p in self.ui_state.recents()])
        else:
            items = self.catalogue.list_items(ItemKind(section), include_drafts=self.include_drafts)
        self.fill(section, items)

    def fill(self, section: str, items: list[ItemSummary]) -> None:
        """Show ``items`` as the list of ``section`` and the first of them in the detail pane."""
        self.section = section
        mixed = section in (FAVOURITES, RECENT)
        self.table.setColumnHidden(ItemTableModel.KIND, not mixed)
        self.table.setSortingEnabled(not mixed)  # favourites keep their order, recents theirs
        if mixed:
            self.proxy.sort(-1)
        else:
            self.table.sortByColumn(ItemTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        self.items_model.set_items(items)
        self.show_list()
        empty = _empty_text(section) if not items else ""
        self.message.setText(empty)
        self.message.setVisible(bool(empty))
        if items:
            self.table.selectRow(0)
            self._visit_timer.stop()  # auto-selected, not opened: no history, no recents
        else:
            self.show_nothing(SECTION_LABELS[section], empty)

    def show_nothing(self, title: str, text: str) -> None:
        """A message instead of an item: nothing is shown, so nothing can be copied or starred."""
        self._visit_timer.stop()
        self.shown = None
        self.show_message(title, text)
        self.shown_changed.emit()

    def clear(self) -> None:
        """No list at all (the library is closed)."""
        self.section = ""
        self._visit_timer.stop()
        self.shown = None
        self.items_model.set_items([])
        self.list_title.clear()
        self.message.hide()

    def show_list(self) -> None:
        """The section's list (again), e.g. after the search field was emptied."""
        self.list_stack.setCurrentWidget(self.table)
        self.filter.show()
        label = SECTION_LABELS.get(self.section, "")
        self.list_title.setText(f"<b>{label}</b> ({self.proxy.rowCount()})")
        self.message.hide()

    def show_results(self, message: str) -> None:
        self.list_stack.setCurrentWidget(self.results)
        self.filter.hide()
        self.list_title.setText("<b>Search</b>")
        self.set_message(message)

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def lists(self, place: Place) -> bool:
        """``place`` is a row of the section's list."""
        return self.items_model.row_of(place.kind, place.slug) >= 0

    @property
    def showing_results(self) -> bool:
        return self.list_stack.currentWidget() is self.results

    def select(self, place: Place) -> None:
        """Make ``place`` the current row (quietly, if listed) and show it."""
        row = self.items_model.row_of(place.kind, place.slug)
        if row >= 0:
            proxy_index = self.proxy.mapFromSource(self.items_model.index(row, 0))
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(proxy_index)
            self.table.selectionModel().blockSignals(False)
            self.table.scrollTo(proxy_index)
        self.show_place(place, visit=False)

    def _keep_chosen_row_in_view(self) -> None:
        """Clearing a filter brings every row back; the chosen one must not scroll out of sight."""
        self.table.updateGeometries()  # the scroll range still fits the filtered rows
        self.table.scrollTo(self.table.currentIndex())

    def _on_table_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(KEY_ROLE) if current.isValid() else None
        if key is not None:
            self.show_place(Place(*key), visit=False)

    # --- the item --------------------------------------------------------------------------

    def show_place(self, place: Place, *, visit: bool) -> None:
        """Render ``place`` in the detail pane; ``visit`` records it in history and recents."""
        if self.catalogue is None:
            return
        # Item layouts need the content models, which load after the first paint.
        from ketref.gui.detail_html import item_html, reference_html

        try:
            if place.kind is ItemKind.REFERENCE:
                html = reference_html(self.catalogue.get_reference(place.slug))
            else:
                html = item_html(
                    self.catalogue.get_item(
                        place.kind, place.slug, include_drafts=self.include_drafts
                    )
                )
        except StoredItemInvalidError as exc:  # a hand-edited or newer document: say so
            self.show_nothing("Cannot be displayed", str(exc))
            return
        except KetrefError as exc:
            self.show_nothing("Not found", str(exc))
            return
        self.shown = place
        self.detail.setHtml(html)
        self.shown_changed.emit()
        if visit:
            self.commit_visit()
        else:
            self._visit_timer.start()  # restarted by each move, so only a pause counts

    def commit_visit(self) -> None:
        self._visit_timer.stop()
        if self.shown is None:
            return
        self.history.visit(self.shown)
        self.ui_state.add_recent(self.shown)
        self.shown_changed.emit()

    def follow_link(self, url: QUrl) -> None:
        if url.scheme() == "ketref":
            parts = url.path().split("/")
            target: Place | None = None
            if len(parts) == 3 and parts[0] == "item":
                target = Place.from_key(f"{parts[1]}/{parts[2]}")
            elif len(parts) == 2 and parts[0] == "reference":
                target = Place(ItemKind.REFERENCE, parts[1])
            if target is not None:
                self.commit_visit()
                self.place_requested.emit(target)
                self.commit_visit()
            return
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    def go_back(self) -> None:
        if (place := self.history.back()) is not None:
            self.place_requested.emit(place)
        self.shown_changed.emit()

    def go_forward(self) -> None:
        if (place := self.history.forward()) is not None:
            self.place_requested.emit(place)
        self.shown_changed.emit()

    # --- favourites, copy, palette ---------------------------------------------------

    def toggle_favourite(self) -> None:
        if self.shown is None:
            return
        self.ui_state.toggle_favourite(self.shown)
        self.shown_changed.emit()
        if self.section == FAVOURITES and not self.showing_results:
            self.list_section(FAVOURITES)

    def copy_item(self) -> bool:
        if self.shown is None:
            return False
        QGuiApplication.clipboard().setText(self.detail.toPlainText())
        return True

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_palette()
        elif event.type() == QEvent.Type.FontChange:  # text size: rows follow the text
            rows = self.table.verticalHeader()
            rows.setDefaultSectionSize(self._row_padding + self.table.fontMetrics().height())
        super().changeEvent(event)

    def apply_palette(self) -> None:
        """Links and muted text that stay readable in dark mode too; the item redrawn."""
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        link = "#8ab4f8" if dark else palette.color(QPalette.ColorRole.Link).name()
        muted = "#a8a8a8" if dark else "#5f6368"
        self.detail.document().setDefaultStyleSheet(
            f"a {{ color: {link}; }} .muted {{ color: {muted}; }}"
        )
        if self.shown is not None:
            self.show_place(self.shown, visit=False)


def _empty_text(section: str) -> str:
    if section == FAVOURITES:
        return "No favourites yet. Press Ctrl+D on an item to keep it here."
    if section == RECENT:
        return "Items you open will be listed here."
    return "Nothing is loaded in this section."
