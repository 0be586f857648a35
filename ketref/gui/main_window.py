"""The main window: search always at hand, sections on the left, a list, and the item.

The window is built before the library is open (``attach`` hands it the services), so it
paints at once; everything it shows comes from the services, never from the database directly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTextBrowser,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.catalogue import ItemSummary, ReviewSummary
from ketref.domain.enums import ItemKind
from ketref.domain.errors import KetrefError, StoredItemInvalidError
from ketref.domain.search import SearchResult
from ketref.gui import dialogs
from ketref.gui.background import LatestOnly
from ketref.gui.clinic_dialog import ClinicDialog
from ketref.gui.detail_html import item_html, message_html, reference_html
from ketref.gui.dialogs import AboutDialog, about_html
from ketref.gui.handouts_page import HandoutsPage
from ketref.gui.history import History, Place
from ketref.gui.html_delegate import HtmlDelegate
from ketref.gui.models import KEY_ROLE, ItemFilterProxy, ItemTableModel, SearchResultsModel
from ketref.gui.screening_page import ScreeningPage
from ketref.gui.ui_state import UiState
from ketref.gui.widgets import row_table
from ketref.services.screening_print import save_summary
from ketref.services.workspace import Services

log = logging.getLogger(__name__)

FAVOURITES, RECENT, SCREENING = "favourites", "recent", "screening"
PAGES: tuple[str, ...] = (
    FAVOURITES,
    RECENT,
    ItemKind.INDICATION.value,
    ItemKind.CONTRAINDICATION.value,
    ItemKind.SIDE_EFFECT.value,
    ItemKind.INTERACTION.value,
    ItemKind.MONITORING.value,
    ItemKind.HANDOUT.value,
    SCREENING,
    ItemKind.REFERENCE.value,
)
PAGE_LABELS = {FAVOURITES: "★ Favourites", RECENT: "Recently viewed", SCREENING: "Screening"} | {
    k.value: k.label for k in ItemKind
}
VISIT_DELAY_MS = 800
"""An item shown this long while arrowing through a list counts as viewed (history, recents)."""


class MainWindow(QMainWindow):
    results_shown = Signal()
    """Emitted after search results (or a miss) are on screen; benchmarks time keystrokes by it."""

    def __init__(self, ui_state: UiState, *, data_dir: str = "") -> None:
        super().__init__()
        self.services: Services | None = None
        self.ui_state = ui_state
        self._data_dir = data_dir
        self._history = History()
        self._review: ReviewSummary | None = None
        self._shown: Place | None = None
        self._runner: LatestOnly | None = None
        self.keystroke_at = 0.0
        self._visit_timer = QTimer(self, singleShot=True, interval=VISIT_DELAY_MS)
        self._visit_timer.timeout.connect(self._commit_visit)
        self.setWindowTitle("ketref — ketamine therapy reference")
        self.resize(1280, 800)
        self._build_widgets()
        self._build_actions()
        self._restore_layout()
        self._set_enabled(False)
        self.statusBar().showMessage("Opening the library…")

    # --- construction ---------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.search = QLineEdit(placeholderText="Search everything — Ctrl+K")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(420)
        self.search.installEventFilter(self)
        self.search.textChanged.connect(self._on_search_text)

        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        for page in PAGES:
            entry = QListWidgetItem(PAGE_LABELS[page])
            entry.setData(Qt.ItemDataRole.UserRole, page)
            self.nav.addItem(entry)
        self.nav.setMinimumWidth(150)
        self.nav.setStyleSheet("QListWidget#nav::item { padding: 5px 8px; }")
        self.nav.currentRowChanged.connect(self._on_page)
        list_panel = self._build_list_panel()
        self.detail = QTextBrowser()
        self.detail.setObjectName("detail")
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(self._on_link)
        self.detail.setHtml(message_html("ketref", "Opening the library…"))
        self._build_pages(list_panel)

    def _build_list_panel(self) -> QWidget:
        """Title, filter, message line, and either the item table or the search results."""
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
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ItemTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ItemTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ItemTableModel.KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ItemTableModel.STATUS, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row)
        self.table.activated.connect(lambda _index: self._commit_visit())

        self._build_results_view()
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.results)
        list_panel = QWidget()
        list_layout = QVBoxLayout(list_panel)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.list_title)
        list_layout.addWidget(self.filter)
        list_layout.addWidget(self.message)
        list_layout.addWidget(self.list_stack)
        return list_panel

    def _build_results_view(self) -> None:
        self.results_model = SearchResultsModel(self)
        self.results = QTreeView()
        self.results.setModel(self.results_model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setUniformRowHeights(True)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.results.header().setStretchLastSection(True)
        self.results.setColumnWidth(0, 230)
        self.results.selectionModel().currentChanged.connect(self._on_result_row)
        self.results.activated.connect(self._on_result_activated)
        self.results.installEventFilter(self)

    def _build_pages(self, list_panel: QWidget) -> None:
        self.browser_split = QSplitter()
        self.browser_split.addWidget(list_panel)
        self.browser_split.addWidget(self.detail)
        self.browser_split.setStretchFactor(1, 2)
        self.browser_split.setSizes([400, 700])

        self.screening_page = ScreeningPage()
        self.screening_page.link_activated.connect(self._on_link)
        self.screening_page.print_requested.connect(self.print_screening_summary)
        self.handouts_page = HandoutsPage(self.ui_state)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser_split)
        self.pages.addWidget(self.screening_page)
        self.pages.addWidget(self.handouts_page)

        self.main_split = QSplitter()
        self.main_split.addWidget(self.nav)
        self.main_split.addWidget(self.pages)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([190, 1090])
        self.setCentralWidget(self.main_split)

    def _action(
        self, text: str, keys: list[str] | QKeySequence.StandardKey, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(keys, QKeySequence.StandardKey):
            action.setShortcuts(keys)
        else:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        style = self.style()
        self.back_action = self._action("Back", ["Alt+Left"], self.go_back)
        self.back_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.forward_action = self._action("Forward", ["Alt+Right"], self.go_forward)
        self.forward_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        self.favourite_action = self._action("☆ Favourite", ["Ctrl+D"], self.toggle_favourite)
        self.favourite_action.setCheckable(True)
        self.copy_action = self._action("Copy as text", ["Ctrl+Shift+C"], self.copy_item)
        self.zoom_in_action = self._action("Larger text", ["Ctrl+=", "Ctrl++"], self.zoom_in)
        self.zoom_out_action = self._action("Smaller text", ["Ctrl+-"], self.zoom_out)
        self.zoom_reset_action = self._action("Normal size", ["Ctrl+0"], self.zoom_reset)
        self.find_action = self._action("Search", ["Ctrl+K", "Ctrl+F"], self.focus_search)
        self.about_action = self._action("About ketref", ["F1"], self.show_about)
        quit_action = self._action("Quit", QKeySequence.StandardKey.Quit, self.close)
        self._action("Clear search", ["Escape"], self.clear_search)

        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("toolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.back_action)
        toolbar.addAction(self.forward_action)
        toolbar.addWidget(self.search)
        toolbar.addSeparator()
        toolbar.addAction(self.favourite_action)
        toolbar.addAction(self.copy_action)
        self.addToolBar(toolbar)

        menus = self.menuBar()
        self.file_menu = menus.addMenu("&File")
        self.file_menu.addSeparator()
        self.file_menu.addAction(quit_action)
        edit_menu = menus.addMenu("&Edit")
        edit_menu.addActions([self.find_action, self.copy_action, self.favourite_action])
        view_menu = menus.addMenu("&View")
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        go_menu = menus.addMenu("&Go")
        go_menu.addActions([self.back_action, self.forward_action])
        go_menu.addSeparator()
        for page in (FAVOURITES, RECENT):
            go_menu.addAction(self._action(PAGE_LABELS[page], [], partial(self.show_page, page)))
        for number, page in enumerate(PAGES[2:], start=1):  # Ctrl+1..8 in the sidebar's order
            keys = [f"Ctrl+{number}"]
            go_menu.addAction(self._action(PAGE_LABELS[page], keys, partial(self.show_page, page)))
        self.tools_menu = menus.addMenu("&Tools")
        self.tools_menu.addAction(self._action("Clinic profile…", [], self.edit_clinic))
        self.tools_menu.addAction(
            self._action("Forget recent folders", [], self.forget_recent_folders)
        )
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.about_action)
        self._update_actions()

    # --- services arrive ------------------------------------------------------------------

    @Slot(object)
    def attach(self, services: Services) -> None:
        """Show the library; called once the database is open (after the first paint)."""
        self.services = services
        if self._runner is not None:  # re-attached (after a restore or import): one search thread
            self._runner.shutdown()
            self._runner.deleteLater()
        self._runner = LatestOnly(
            lambda text: services.catalogue.search(text, limit=60), "search", self
        )
        self._runner.finished.connect(self._show_results)
        self._runner.failed.connect(self._show_search_failure)
        try:  # now, not on the first keystroke or the first typo
            services.catalogue.prepare_search()
        except Exception:  # search still works, it loads these on first use instead
            log.exception("could not prepare search")
        self._set_enabled(True)
        self.screening_page.attach(services.screening)
        self.handouts_page.attach(services.handouts, services.clinic.get().paper, services.sheets)
        self._review = services.catalogue.review_summary()
        version = services.content.status().content_version or "none"
        review = self._review
        self.statusBar().showMessage(
            f"Content {version} · {review.items} items · {review.due_for_review} due for review"
            f" · {review.unverified} unverified"
        )
        self.show_page(ItemKind.INDICATION.value)
        self.search.setFocus()
        if self.search.text().strip():
            self._on_search_text(self.search.text())

    @Slot(str)
    def refuse(self, text: str) -> None:
        """The library could not be opened: say so in the window and in a dialog."""
        self.statusBar().showMessage("The library is not open.")
        self.detail.setHtml(message_html("The library could not be opened", text))
        dialogs.show_error(self, "ketref cannot open its library", text)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.search, self.nav, self.filter, self.table, self.results):
            widget.setEnabled(enabled)

    # --- pages and lists ------------------------------------------------------------------

    def current_page(self) -> str:
        entry = self.nav.currentItem()
        return str(entry.data(Qt.ItemDataRole.UserRole)) if entry else ""

    def show_page(self, page: str) -> None:
        self.nav.setCurrentRow(PAGES.index(page))
        if self.search.text():
            self.clear_search()

    def _on_page(self, row: int) -> None:
        if row < 0 or self.services is None:
            return
        page = PAGES[row]
        if page == SCREENING:
            self.pages.setCurrentWidget(self.screening_page)
            return
        if page == ItemKind.HANDOUT.value:
            self.pages.setCurrentWidget(self.handouts_page)
            return
        self.pages.setCurrentWidget(self.browser_split)
        self._fill_list(page)

    def _page_items(self, page: str) -> list[ItemSummary]:
        assert self.services is not None
        catalogue = self.services.catalogue
        if page == FAVOURITES:
            return catalogue.summaries([(p.kind, p.slug) for p in self.ui_state.favourites()])
        if page == RECENT:
            return catalogue.summaries([(p.kind, p.slug) for p in self.ui_state.recents()])
        return catalogue.list_items(ItemKind(page))

    def _fill_list(self, page: str) -> None:
        items = self._page_items(page)
        mixed = page in (FAVOURITES, RECENT)
        self.table.setColumnHidden(ItemTableModel.KIND, not mixed)
        self.table.setSortingEnabled(not mixed)  # favourites keep their order, recents theirs
        if mixed:
            self.proxy.sort(-1)
        else:
            self.table.sortByColumn(ItemTableModel.TITLE, Qt.SortOrder.AscendingOrder)
        self.items_model.set_items(items)
        self.list_title.setText(f"<b>{PAGE_LABELS[page]}</b> ({len(items)})")
        self.list_stack.setCurrentWidget(self.table)
        self.filter.show()
        self.message.setText(self._empty_text(page) if not items else "")
        self.message.setVisible(not items)
        if items:
            self.table.selectRow(0)
        else:
            self.detail.setHtml(message_html(PAGE_LABELS[page], self._empty_text(page)))

    @staticmethod
    def _empty_text(page: str) -> str:
        if page == FAVOURITES:
            return "No favourites yet. Press Ctrl+D on an item to keep it here."
        if page == RECENT:
            return "Items you open will be listed here."
        return "Nothing is loaded in this section."

    def _on_table_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = current.data(KEY_ROLE) if current.isValid() else None
        if key is not None:
            self._show(Place(*key), visit=False)

    # --- search ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear_search(self) -> None:
        if self.search.text():
            self.search.clear()
        self.search.setFocus()

    def _on_search_text(self, text: str) -> None:
        if self.services is None or self._runner is None:
            return
        self.keystroke_at = time.perf_counter()
        if not text.strip():
            self._leave_search()
            return
        self._runner.submit(text)

    def _leave_search(self) -> None:
        self.results_model.set_result(None)
        self.list_stack.setCurrentWidget(self.table)
        self.filter.show()
        page = self.current_page()
        self.list_title.setText(f"<b>{PAGE_LABELS.get(page, '')}</b> ({self.proxy.rowCount()})")
        self.message.hide()
        self.results_shown.emit()

    def _show_results(self, result: SearchResult) -> None:
        if not self.search.text().strip():
            return  # cleared while the search ran
        if self.pages.currentWidget() is not self.browser_split:
            self.pages.setCurrentWidget(self.browser_split)
        self.results.setUpdatesEnabled(False)
        self.results_model.set_result(result)
        self.results.expandAll()
        self.results.setUpdatesEnabled(True)
        self.list_stack.setCurrentWidget(self.results)
        self.filter.hide()
        self.list_title.setText("<b>Search</b>")
        self.message.setText(result.message())
        self.message.show()
        self.results_shown.emit()

    def _show_search_failure(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _on_result_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.results_model.hit(current)
        if hit is not None:
            self._show(Place(hit.kind, hit.slug), visit=False)

    def _on_result_activated(self, index: QModelIndex) -> None:
        hit = self.results_model.hit(index)
        if hit is not None:
            self._show(Place(hit.kind, hit.slug), visit=True)
            self.detail.setFocus()

    def _select_first_result(self) -> bool:
        first = self.results_model.first_hit_index()
        if not first.isValid():
            return False
        self.results.setCurrentIndex(first)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search and self.list_stack.currentWidget() is self.results:
                if key == Qt.Key.Key_Down and self._select_first_result():
                    self.results.setFocus()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    current = self.results.currentIndex()
                    if self.results_model.hit(current) is None and self._select_first_result():
                        current = self.results.currentIndex()
                    self._on_result_activated(current)
                    return True
            if watched is self.results and key == Qt.Key.Key_Up:
                first = self.results_model.first_hit_index()
                if self.results.currentIndex() == first:
                    self.search.setFocus()
                    return True
        return super().eventFilter(watched, event)

    # --- showing an item ------------------------------------------------------------------

    def _show(self, place: Place, *, visit: bool) -> None:
        """Render ``place`` in the detail pane; ``visit`` records it in history and recents."""
        if self.services is None:
            return
        catalogue = self.services.catalogue
        try:
            if place.kind is ItemKind.REFERENCE:
                html = reference_html(catalogue.get_reference(place.slug))
            else:
                html = item_html(catalogue.get_item(place.kind, place.slug))
        except StoredItemInvalidError as exc:  # a hand-edited or newer document: say so
            self.detail.setHtml(message_html("Cannot be displayed", str(exc)))
            return
        except KetrefError as exc:
            self.detail.setHtml(message_html("Not found", str(exc)))
            return
        self._shown = place
        self.detail.setHtml(html)
        self._update_actions()
        if visit:
            self._commit_visit()
        else:
            self._visit_timer.start()  # restarted by each move, so only a pause counts

    def _commit_visit(self) -> None:
        self._visit_timer.stop()
        shown = self._shown
        if shown is None:
            return
        self._history.visit(shown)
        self.ui_state.add_recent(shown)
        self._update_actions()

    def open_place(self, place: Place) -> None:
        """Go to an item from a link, history or a favourite: its list, selected, and shown."""
        if self.list_stack.currentWidget() is self.results:
            self.clear_search()
        if place.kind is ItemKind.HANDOUT:  # handouts open where they are printed
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(PAGES.index(place.kind.value))
            self.nav.blockSignals(False)
            self.pages.setCurrentWidget(self.handouts_page)
            self.handouts_page.select([place.slug])
            return
        page = place.kind.value
        if self.current_page() != page:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(PAGES.index(page))
            self.nav.blockSignals(False)
            self.pages.setCurrentWidget(self.browser_split)
            self.filter.clear()
            self._fill_list(page)
        row = self.items_model.row_of(place.kind, place.slug)
        if row >= 0:
            proxy_index = self.proxy.mapFromSource(self.items_model.index(row, 0))
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(proxy_index)
            self.table.selectionModel().blockSignals(False)
            self.table.scrollTo(proxy_index)
        self._show(place, visit=False)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "ketref":
            parts = url.path().split("/")
            target: Place | None = None
            if len(parts) == 3 and parts[0] == "item":
                target = Place.from_key(f"{parts[1]}/{parts[2]}")
            elif len(parts) == 2 and parts[0] == "reference":
                target = Place(ItemKind.REFERENCE, parts[1])
            if target is not None:
                self._commit_visit()
                self.open_place(target)
                self._commit_visit()
            return
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # --- history, favourites, copy, zoom --------------------------------------------------

    def go_back(self) -> None:
        place = self._history.back()
        if place is not None:
            self.open_place(place)
        self._update_actions()

    def go_forward(self) -> None:
        place = self._history.forward()
        if place is not None:
            self.open_place(place)
        self._update_actions()

    def toggle_favourite(self) -> None:
        if self._shown is None:
            return
        self.ui_state.toggle_favourite(self._shown)
        self._update_actions()
        if self.current_page() == FAVOURITES and self.list_stack.currentWidget() is self.table:
            self._fill_list(FAVOURITES)

    def copy_item(self) -> None:
        if self._shown is not None:
            QGuiApplication.clipboard().setText(self.detail.toPlainText())
            self.statusBar().showMessage("Copied as plain text.", 3000)

    def _zoom_to(self, steps: int) -> None:
        steps = max(-5, min(10, steps))
        current = self.ui_state.zoom
        if steps > current:
            self.detail.zoomIn(steps - current)
        elif steps < current:
            self.detail.zoomOut(current - steps)
        self.ui_state.zoom = steps

    def zoom_in(self) -> None:
        self._zoom_to(self.ui_state.zoom + 1)

    def zoom_out(self) -> None:
        self._zoom_to(self.ui_state.zoom - 1)

    def zoom_reset(self) -> None:
        self._zoom_to(0)

    def _update_actions(self) -> None:
        self.back_action.setEnabled(self._history.can_go_back())
        self.forward_action.setEnabled(self._history.can_go_forward())
        favourite = self._shown is not None and self.ui_state.is_favourite(self._shown)
        self.favourite_action.setEnabled(self._shown is not None)
        self.favourite_action.setChecked(favourite)
        self.favourite_action.setText("★ Favourite" if favourite else "☆ Favourite")
        self.copy_action.setEnabled(self._shown is not None)

    def print_screening_summary(self) -> Path | None:
        """Save the current screening as a PDF (optionally labelled with a name, not saved)."""
        page = self.screening_page
        if self.services is None or page.patient is None or page.result is None:
            return None
        label = dialogs.ask_text(
            self, "Screening summary", "Name or initials to print on it (optional, not saved):"
        )
        if label is None:
            return None
        folder = self.ui_state.last_folder()
        suggested = folder / f"screening-summary-{date.today().isoformat()}.pdf"
        path = dialogs.ask_save_pdf(self, "Save screening summary", suggested)
        if path is None:
            return None
        services = self.services
        try:
            written = save_summary(
                services.screening,
                services.clinic,
                page.patient,
                page.result,
                path,
                patient_label=label,
            )
        except KetrefError as exc:
            dialogs.show_error(self, "The summary was not saved", str(exc))
            return None
        self.ui_state.remember_folder(written.parent)
        self.statusBar().showMessage(f"Screening summary saved: {written}", 8000)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        return written

    def forget_recent_folders(self) -> None:
        """Privacy: the next save dialog starts in the home folder and no folder is listed."""
        self.ui_state.forget_folders()
        self.statusBar().showMessage("Recent folders forgotten.", 8000)

    def edit_clinic(self) -> ClinicDialog | None:
        if self.services is None:
            return None
        dialog = ClinicDialog(self.services.clinic, self)
        dialog.accepted.connect(self.handouts_page.refresh_preview)
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        status = self.services.content.status().content_version if self.services else None
        dialog = AboutDialog(about_html(status, self._review, self._data_dir), self)
        dialog.open()
        return dialog

    # --- palette and layout persistence ---------------------------------------------------

    def _apply_palette(self) -> None:
        """Links and muted text that stay readable in dark mode too."""
        palette = self.palette()
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        link = "#8ab4f8" if dark else palette.color(QPalette.ColorRole.Link).name()
        muted = "#a8a8a8" if dark else "#5f6368"
        self.detail.document().setDefaultStyleSheet(
            f"a {{ color: {link}; }} .muted {{ color: {muted}; }}"
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
            if self._shown is not None:
                self._show(self._shown, visit=False)
        super().changeEvent(event)

    def _restore_layout(self) -> None:
        self._apply_palette()
        if (geometry := self.ui_state.bytes_value("window/geometry")) is not None:
            self.restoreGeometry(geometry)
        if (state := self.ui_state.bytes_value("window/state")) is not None:
            self.restoreState(state)
        for key, splitter in (
            ("split/main", self.main_split),
            ("split/browser", self.browser_split),
        ):
            if (sizes := self.ui_state.bytes_value(key)) is not None:
                splitter.restoreState(sizes)
        if self.ui_state.zoom:
            self.detail.zoomIn(self.ui_state.zoom)

    def save_layout(self) -> None:
        self.ui_state.set_bytes("window/geometry", self.saveGeometry())
        self.ui_state.set_bytes("window/state", self.saveState())
        self.ui_state.set_bytes("split/main", self.main_split.saveState())
        self.ui_state.set_bytes("split/browser", self.browser_split.saveState())
        self.ui_state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self._runner is not None:
            self._runner.shutdown()
        self.handouts_page.shutdown()
        super().closeEvent(event)
