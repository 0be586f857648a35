"""The main window: composes the search, the sections on the left, the browser and the pages.

The window is built before the library is open (``attach`` hands it the services), so it
paints at once, with the first list from the snapshot when there is one; everything it shows
afterwards comes from the services. The screening and handouts pages (and the PDF machinery
behind them) are built when the library arrives, after the first paint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolBar,
)

from ketref.domain.catalogue import ReviewSummary
from ketref.domain.enums import ItemKind
from ketref.domain.search import SearchResult
from ketref.gui import dialogs
from ketref.gui.browser_pane import FAVOURITES, RECENT, SECTION_LABELS, BrowserPane
from ketref.gui.editor.window_actions import EditorActions
from ketref.gui.first_list import FirstList
from ketref.gui.history import Place
from ketref.gui.search_controller import SearchController
from ketref.gui.text_size import TextSize
from ketref.gui.ui_state import UiState

if TYPE_CHECKING:
    from ketref.gui.change_watch import ChangeWatch
    from ketref.gui.clinic_dialog import ClinicDialog
    from ketref.gui.handouts_page import HandoutsPage
    from ketref.gui.item_compare import ItemCompare
    from ketref.gui.print_log_dialog import PrintLogDialog
    from ketref.gui.review_queue import ReviewQueueDialog
    from ketref.gui.screening_page import ScreeningPage
    from ketref.services.workspace import Services

log = logging.getLogger(__name__)

SCREENING = "screening"
PAGES: tuple[str, ...] = (
    FAVOURITES,
    RECENT,
    ItemKind.INDICATION.value,
    ItemKind.CONTRAINDICATION.value,
    ItemKind.SIDE_EFFECT.value,
    ItemKind.INTERACTION.value,
    ItemKind.MONITORING.value,
    ItemKind.HANDOUT.value,
    ItemKind.PRODUCT.value,
    SCREENING,
    ItemKind.REFERENCE.value,
)
PAGE_LABELS = SECTION_LABELS | {SCREENING: "Screening"}
FIRST_PAGE = ItemKind.INDICATION.value


class MainWindow(QMainWindow):
    """The toolbar and menus, the sections on the left, and the pages they switch between."""

    closing = Signal()
    """The window is about to close (before it saves its layout and stops its threads)."""

    def __init__(
        self, ui_state: UiState, *, data_dir: str = "", first_list: FirstList | None = None
    ) -> None:
        super().__init__()
        self.services: Services | None = None
        self.ui_state = ui_state
        self.first_list = first_list
        self._data_dir = data_dir
        self._review: ReviewSummary | None = None
        self._watch: ChangeWatch | None = None
        self.screening_page: ScreeningPage | None = None
        self.handouts_page: HandoutsPage | None = None
        self.compare: ItemCompare | None = None  # Tools → Compare…, added with the library
        self.text_size = TextSize(ui_state)  # before any widget, so all start at the chosen size
        self.setWindowTitle("ketref — ketamine therapy reference")
        self.resize(1280, 800)

        self.search_controller = SearchController(self)
        self.search = self.search_controller.field  # the toolbar's field (Ctrl+K)
        self.results_shown = self.search_controller.results_shown  # benchmarks time keys by it
        self.browser = BrowserPane(ui_state, self.search_controller.view)
        self._connect_search()
        self.browser.place_requested.connect(self.open_place)
        self.browser.shown_changed.connect(self._update_actions)
        self._build_nav()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.browser)
        self.pages.currentChanged.connect(lambda _index: self._update_actions())
        self.main_split = QSplitter()
        self.main_split.addWidget(self.nav)
        self.main_split.addWidget(self.pages)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([190, 1090])
        self.setCentralWidget(self.main_split)
        self._build_actions()
        self.ui_state.restore_layout(self, self.main_split, self.browser)
        self._set_enabled(False)
        self.statusBar().showMessage("Opening the library…")
        if first_list is not None and (items := first_list.read()):
            self.browser.fill(FIRST_PAGE, items)  # greyed out until the library is attached
            self._select_nav(FIRST_PAGE)

    # --- construction ---------------------------------------------------------------------

    def _connect_search(self) -> None:
        search = self.search_controller
        search.results_ready.connect(self._show_results)
        search.search_left.connect(self._search_left)
        search.search_failed.connect(self.browser.set_message)
        search.hit_selected.connect(partial(self.browser.show_place, visit=False))
        search.hit_opened.connect(self._open_hit)

    def _build_nav(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        for page in PAGES:
            entry = QListWidgetItem(PAGE_LABELS[page])
            entry.setData(Qt.ItemDataRole.UserRole, page)
            self.nav.addItem(entry)
        self.nav.setMinimumWidth(150)
        self.nav.setSpacing(3)  # not a style sheet: a styled widget keeps its font at any text size
        self.nav.currentRowChanged.connect(self._on_page)

    def _build_pages(self, services: Services) -> None:
        """The screening and handouts pages, once: they load the PDF machinery."""
        from ketref.gui.handouts_page import HandoutsPage
        from ketref.gui.screening_page import ScreeningPage

        if self.screening_page is None:
            self.screening_page = ScreeningPage(self.ui_state)
            self.screening_page.link_activated.connect(self.browser.follow_link)
            self.screening_page.summary_saved.connect(
                lambda path: self.statusBar().showMessage(f"Screening summary saved: {path}", 8000)
            )
            self.pages.addWidget(self.screening_page)
        if self.handouts_page is None:
            self.handouts_page = HandoutsPage(self.ui_state)
            self.pages.addWidget(self.handouts_page)
        self.screening_page.attach(services.screening, services.clinic)
        self.handouts_page.attach(services.handouts, services.clinic.get().paper, services.sheets)

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
        style, browser = self.style(), self.browser
        self.back_action = self._action("Back", ["Alt+Left"], browser.go_back)
        self.back_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.forward_action = self._action("Forward", ["Alt+Right"], browser.go_forward)
        self.forward_action.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        self.favourite_action = self._action("☆ Favourite", ["Ctrl+D"], browser.toggle_favourite)
        self.favourite_action.setCheckable(True)
        self.copy_action = self._action("Copy as text", ["Ctrl+Shift+C"], self.copy_item)
        size = self.text_size
        self.zoom_in_action = self._action("Larger text", ["Ctrl+=", "Ctrl++"], size.larger)
        self.zoom_out_action = self._action("Smaller text", ["Ctrl+-"], size.smaller)
        self.zoom_reset_action = self._action("Normal text size", ["Ctrl+0"], size.reset)
        self.new_patient_action = self._action("New patient", ["Ctrl+Shift+N"], self.new_patient)
        self.new_patient_action.setToolTip(
            "Clear every personal field on the screening and handouts pages (Ctrl+Shift+N)"
        )
        self.find_action = self._action(
            "Search", ["Ctrl+K", "Ctrl+F"], self.search_controller.focus
        )
        self.about_action = self._action("About ketref", ["F1"], self.show_about)
        quit_action = self._action("Quit", QKeySequence.StandardKey.Quit, self.close)
        self._action("Clear search", ["Escape"], self.search_controller.clear)

        self._build_toolbar()

        menus = self.menuBar()
        self.file_menu = menus.addMenu("&File")
        self.file_menu.addAction(self.new_patient_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(quit_action)
        edit_menu = menus.addMenu("&Edit")
        edit_menu.addActions([self.find_action, self.copy_action, self.favourite_action])
        self.editor_actions = EditorActions(self)  # the Content menu: edit, new, retire
        self.editor_actions.install(menus)
        view_menu = menus.addMenu("&View")
        view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        go_menu = menus.addMenu("&Go")
        go_menu.addActions([self.back_action, self.forward_action])
        go_menu.addSeparator()
        for page in (FAVOURITES, RECENT):
            go_menu.addAction(self._action(PAGE_LABELS[page], [], partial(self.show_page, page)))
        for number, page in enumerate(PAGES[2:], start=1):  # Ctrl+1..9 in the sidebar's order
            keys = [f"Ctrl+{number}"]
            go_menu.addAction(self._action(PAGE_LABELS[page], keys, partial(self.show_page, page)))
        self.tools_menu = menus.addMenu("&Tools")
        self.clinic_action = self._action("Clinic settings…", [], self.edit_clinic)
        self.tools_menu.addAction(self.clinic_action)
        self.review_action = self._action("Due for review…", [], self.show_review_queue)
        self.tools_menu.addAction(self.review_action)
        self.tools_menu.addAction(self._action("Print log…", [], self.show_print_log))
        self.tools_menu.addAction(
            self._action("Forget recent folders", [], self.forget_recent_folders)
        )
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self.about_action)
        self._update_actions()

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Navigation")
        toolbar.setObjectName("toolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.back_action)
        toolbar.addAction(self.forward_action)
        toolbar.addWidget(self.search)
        toolbar.addSeparator()
        toolbar.addAction(self.favourite_action)
        toolbar.addAction(self.copy_action)
        toolbar.addSeparator()
        toolbar.addAction(self.new_patient_action)
        self.addToolBar(toolbar)

    # --- services arrive ------------------------------------------------------------------

    @Slot(object)
    def attach(self, services: Services) -> None:
        """Show the library; called once the database is open (after the first paint)."""
        self.services = services
        self.browser.attach(services.catalogue)
        self.search_controller.attach(services.catalogue)
        self._build_pages(services)
        self._set_enabled(True)
        from ketref.domain.roles import Role  # after the first paint, like the services
        from ketref.gui.change_watch import ChangeWatch

        _user, role = services.maintenance.access()  # on a shared server: what this user may do
        may_edit = role >= Role.EDITOR
        self.clinic_action.setEnabled(may_edit)
        self.clinic_action.setToolTip("" if may_edit else Role.EDITOR.needed)
        self.browser.include_drafts = may_edit  # editors see drafts, badged
        self.editor_actions.attach(services, may_edit)
        listen = services.catalogue.listen_for_changes  # LISTEN/NOTIFY on a server
        if self._watch is None:
            self._watch = ChangeWatch(self._change_marker, self, listen=listen)
            self._watch.changed.connect(self._changed_elsewhere)
        else:
            self._watch.restart(listen)
        self._review = review = services.catalogue.review_summary()
        version = services.content.status().content_version or "none"
        self.statusBar().showMessage(
            f"Content {version} · {review.items} items · {review.due_for_review} due for review"
            f" · {review.unverified} unverified"
        )
        self.show_page(FIRST_PAGE)
        if self.first_list is not None:
            self.first_list.write(self.browser.items_model.rows())
        self.search.setFocus()
        if self.compare is None:
            from ketref.gui.item_compare import ItemCompare

            self.compare = ItemCompare(self, lambda: self.browser.shown)
            self.tools_menu.addSeparator()
            self.tools_menu.addActions(self.compare.actions())
            self._update_actions()
        self.compare.attach(services)  # shows the release updates a load left to decide

    def _change_marker(self) -> tuple[int | None, int | None] | None:
        # None while detached (a restore may be moving the files): nothing is read then
        return self.services.catalogue.changes() if self.services is not None else None

    def _changed_elsewhere(self) -> None:
        """Saved in another window or on another workstation: show the new version of the item
        on screen (lists keep their place; they refresh when next opened)."""
        if self.browser.shown is not None:
            self.browser.show_place(self.browser.shown, visit=False)
        self.statusBar().showMessage("Updated with changes saved elsewhere.", 5000)

    def detach(self) -> None:
        """The library is being closed (for a restore): searching and pages wait."""
        self.search_controller.detach()
        self.services = None
        self.editor_actions.attach(None, False)
        if self.compare is not None:
            self.compare.attach(None)
        self.new_patient()  # the restored library is another state: no name carried across it
        self.browser.attach(None)

    @Slot(str)
    def refuse(self, text: str) -> None:
        """The library could not be opened: say so in the window and in a dialog."""
        self.show_closed(text)
        dialogs.show_error(self, "ketref cannot open its library", text)

    def show_closed(self, text: str) -> None:
        """No library: nothing listed from the snapshot stays on screen as if it were open."""
        self.statusBar().showMessage("The library is not open.")
        self.browser.clear()
        self.browser.show_message("The library could not be opened", text)

    def _set_enabled(self, enabled: bool) -> None:
        browser = self.browser
        for widget in (self.nav, browser.filter, browser.table, *self.search_controller.widgets):
            widget.setEnabled(enabled)

    # --- pages ----------------------------------------------------------------------------

    def current_page(self) -> str:
        entry = self.nav.currentItem()
        return str(entry.data(Qt.ItemDataRole.UserRole)) if entry else ""

    def show_page(self, page: str) -> None:
        """Go to ``page``, listing it afresh even if it is the current one."""
        row = PAGES.index(page)
        if self.nav.currentRow() == row:
            self._on_page(row)
        else:
            self.nav.setCurrentRow(row)
        if self.search.text():
            self.search_controller.clear()

    def _select_nav(self, page: str) -> None:
        """Mark ``page`` in the sidebar without listing it again."""
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(PAGES.index(page))
        self.nav.blockSignals(False)

    def _on_page(self, row: int) -> None:
        if row < 0 or self.services is None:
            return
        page = PAGES[row]
        if page == SCREENING and self.screening_page is not None:
            self.pages.setCurrentWidget(self.screening_page)
        elif page == ItemKind.HANDOUT.value and self.handouts_page is not None:
            self.pages.setCurrentWidget(self.handouts_page)
        else:
            self.pages.setCurrentWidget(self.browser)
            self.browser.list_section(page)
        self.editor_actions.update()

    def open_place(self, place: Place) -> None:
        """Go to an item from a link, history or a favourite: its list, selected, and shown."""
        if self.browser.showing_results:
            self.search_controller.clear()
        if place.kind is ItemKind.HANDOUT and self.handouts_page is not None:
            self._select_nav(place.kind.value)  # handouts open where they are printed
            self.pages.setCurrentWidget(self.handouts_page)
            self.handouts_page.select([place.slug])
            return
        page = place.kind.value
        if self.current_page() != page:
            self._select_nav(page)
            self.pages.setCurrentWidget(self.browser)
            self.browser.filter.clear()
            self.browser.list_section(page)
        self.browser.select(place)

    def _show_results(self, result: SearchResult) -> None:
        if self.pages.currentWidget() is not self.browser:
            self.pages.setCurrentWidget(self.browser)
        self.nav.blockSignals(True)  # results are of every section: none is marked
        self.nav.setCurrentRow(-1)
        self.nav.blockSignals(False)
        self.browser.show_results(result.message())

    def _search_left(self) -> None:
        """Back to the section's list; an item opened from the results takes its own section."""
        self.browser.show_list()
        shown = self.browser.shown
        if shown is not None and not self.browser.lists(shown):
            self.open_place(shown)
        elif self.browser.section:
            self._select_nav(self.browser.section)

    def _open_hit(self, place: Place) -> None:
        if place.kind is ItemKind.HANDOUT:  # handouts open where they are printed
            self.open_place(place)
            return
        self.browser.show_place(place, visit=True)
        self.browser.detail.setFocus()

    # --- actions --------------------------------------------------------------------------

    def new_patient(self) -> None:
        """Next patient: every answer back to Unknown and every personal field empty, at once."""
        if self.screening_page is not None:
            self.screening_page.clear()
        if self.handouts_page is not None:
            self.handouts_page.clear_personal()
        self.statusBar().showMessage(
            "New patient: the screening answers and the handout's personal fields are cleared.",
            8000,
        )

    def copy_item(self) -> None:
        if self.browser.copy_item():
            self.statusBar().showMessage("Copied as plain text.", 3000)

    def _update_actions(self) -> None:
        browser = self.browser
        self.back_action.setEnabled(browser.history.can_go_back())
        self.forward_action.setEnabled(browser.history.can_go_forward())
        shown = browser.shown if self.pages.currentWidget() is browser else None
        favourite = shown is not None and self.ui_state.is_favourite(shown)
        self.favourite_action.setEnabled(shown is not None)
        self.favourite_action.setChecked(favourite)
        self.favourite_action.setText("★ Favourite" if favourite else "☆ Favourite")
        self.copy_action.setEnabled(shown is not None)
        self.editor_actions.update()
        if self.compare is not None:
            self.compare.shipped_action.setEnabled(shown is not None)
            self.compare.version_action.setEnabled(shown is not None)

    def forget_recent_folders(self) -> None:
        """Privacy: the next save dialog starts in the home folder and no folder is listed."""
        self.ui_state.forget_folders()
        self.statusBar().showMessage("Recent folders forgotten.", 8000)

    def edit_clinic(self) -> ClinicDialog | None:
        if self.services is None or self.handouts_page is None or self.screening_page is None:
            return None
        from ketref.gui.clinic_dialog import ClinicDialog

        dialog = ClinicDialog(self.services.clinic, self.services.screening, self)
        dialog.accepted.connect(self.handouts_page.refresh_preview)
        dialog.accepted.connect(self.screening_page.rescreen)  # thresholds may have changed
        dialog.open()
        return dialog

    def show_review_queue(self) -> ReviewQueueDialog | None:
        """The review queue; what it saves shows at once in the item on screen."""
        if self.services is None:
            return None
        from ketref.gui.review_queue import ReviewQueueDialog

        dialog = ReviewQueueDialog(self.services, self)
        dialog.changed.connect(self._reshow_item)
        dialog.open()
        return dialog

    def _reshow_item(self) -> None:
        if self.browser.shown is not None:
            self.browser.show_place(self.browser.shown, visit=False)

    def show_print_log(self) -> PrintLogDialog | None:
        if self.services is None:
            return None
        from ketref.gui.print_log_dialog import PrintLogDialog

        dialog = PrintLogDialog(self.services.handouts, self.ui_state, self)
        dialog.show()  # the window stays usable beside it
        return dialog

    def show_about(self) -> dialogs.AboutDialog:
        status = self.services.content.status().content_version if self.services else None
        dialog = dialogs.AboutDialog(dialogs.about_html(status, self._review, self._data_dir), self)
        dialog.open()
        return dialog

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # text size: every section name stays whole
            self.nav.setMinimumWidth(max(150, self.nav.sizeHintForColumn(0) + 24))
        super().changeEvent(event)

    def save_layout(self) -> None:
        self.ui_state.save_layout(self, self.main_split, self.browser)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        self.save_layout()
        if self._watch is not None:
            self._watch.stop()
        self.search_controller.detach()
        if self.handouts_page is not None:
            self.handouts_page.shutdown()
        self.text_size.restore()  # the step stays saved; the application font ends with it
        super().closeEvent(event)
