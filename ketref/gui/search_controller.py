"""Search as you type: the field, the latest-only search thread, the results view and its keys.

The query runs on a worker thread, so typing and painting never wait for it; only the newest
text's results are shown. Results update the model in place (groups and rows inserted, moved
or changed), so the view keeps its expanded groups; they are painted at once (from layouts the
delegate keeps) and only then reported as shown. The browser pane hosts ``view``; the
controller says what to show through its signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QWidget

from ketref.domain.search import SearchResult
from ketref.gui.background import BackgroundRunner, log_failure, user_message
from ketref.gui.highlight_delegate import HighlightDelegate
from ketref.gui.history import Place
from ketref.gui.models import SearchResultsModel
from ketref.gui.responsiveness import give_library_back_to_collector, keep_collector_off_library

if TYPE_CHECKING:
    from ketref.services.catalogue import CatalogueService

RESULT_LIMIT = 60

KeyHandler = Callable[[int], bool]
"""Given a pressed key, True when it was handled (the widget's own handling is skipped)."""


class _KeyedLineEdit(QLineEdit):
    """A line edit that offers each key press to ``on_key`` first.

    An override of ``keyPressEvent`` rather than an event filter: a filter runs Python for
    every event the widget gets (paints, timers, input-method queries), and each such call
    waits for the interpreter lock while the search thread holds it, delaying the typed
    character's echo. Only key presses come here.
    """

    def __init__(self, on_key: KeyHandler) -> None:
        super().__init__()
        self._on_key = on_key

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._on_key(event.key()):
            event.accept()
        else:
            super().keyPressEvent(event)


class _KeyedTreeView(QTreeView):
    """A tree view that offers each key press to ``on_key`` first (see ``_KeyedLineEdit``)
    and counts its paints (``paints``), so the controller knows whether its results were
    painted by flushing the window's pending updates."""

    def __init__(self, on_key: KeyHandler) -> None:
        super().__init__()
        self._on_key = on_key
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        super().paintEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._on_key(event.key()):
            event.accept()
        else:
            super().keyPressEvent(event)


def search_job(catalogue: CatalogueService, text: str | None) -> SearchResult | None:
    """The search thread's job; ``None`` (sent once on attach) prepares the index instead."""
    if text is None:
        try:
            catalogue.prepare_search()
        except Exception as exc:  # search still works: it loads these on first use instead
            log_failure("search preparation", exc)
        return None
    return catalogue.search(text, limit=RESULT_LIMIT)


class SearchController(QObject):
    """Owns ``field``, ``model`` and ``view``; reports what happened in past-tense signals."""

    results_ready = Signal(object)
    """A SearchResult (possibly a miss) is in the model; the pane should show the view."""
    results_shown = Signal()
    """Emitted after search results (or a miss) are on screen; benchmarks time keystrokes by it."""
    search_left = Signal()
    """The field was emptied: back to the list."""
    search_failed = Signal(str)
    hit_selected = Signal(object)
    """A Place highlighted in the results (preview, not a visit)."""
    hit_opened = Signal(object)
    """A Place chosen with Enter or a double click (a visit)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner: BackgroundRunner | None = None
        self.field: QLineEdit = _KeyedLineEdit(self._field_key)
        self.field.setPlaceholderText("Search everything — Ctrl+K")
        self.field.setClearButtonEnabled(True)
        self.field.setMinimumWidth(420)
        self.field.textChanged.connect(self._on_text)

        self.model = SearchResultsModel(self)
        self.view = _KeyedTreeView(self._view_key)
        self.view.setModel(self.model)
        self.view.setItemDelegate(HighlightDelegate(self.view))
        # One column: each hit's title across the whole width, where it matched beneath it.
        self.view.setHeaderHidden(True)
        self.view.header().setStretchLastSection(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: a bar that came and went as the number of hits crossed a screenful
        # narrowed the rows (titles cut at other words) and re-laid and repainted the list
        # once more after its results were shown.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.view.activated.connect(self._open)
        self.model.rowsInserted.connect(self._expand_new_groups)

    @property
    def widgets(self) -> tuple[QWidget, ...]:
        return (self.field, self.view)

    # --- the library -----------------------------------------------------------------------

    def attach(self, catalogue: CatalogueService) -> None:
        """Search ``catalogue`` from now on (one search thread, also after a re-attach)."""
        self.detach()
        self.runner = BackgroundRunner(
            lambda text, _progress: search_job(catalogue, text),
            "search",
            self,
            latest_only=True,
        )
        self.runner.succeeded.connect(self._show)
        self.runner.failed.connect(lambda exc: self.search_failed.emit(user_message(exc)))
        self.runner.submit(None)  # warms the index on the search thread, not on the first key
        if self.active:
            self._on_text(self.field.text())

    def detach(self) -> None:
        """Stop searching (lets a search in flight finish first)."""
        if self.runner is not None:
            self.runner.shutdown()
            self.runner.deleteLater()
            self.runner = None
            give_library_back_to_collector()

    # --- typing ----------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """The field holds a query, so results (not the list) are what the pane shows."""
        return bool(self.field.text().strip())

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def clear(self) -> None:
        if self.field.text():
            self.field.clear()
        self.field.setFocus()

    def _on_text(self, text: str) -> None:
        if self.runner is None:
            return
        if not text.strip():
            self.model.set_result(None)
            self.search_left.emit()
            self.results_shown.emit()
            return
        self.runner.submit(text)

    def _show(self, result: SearchResult | None) -> None:
        if result is None:  # the warm-up request: the library's long-lived objects are built
            keep_collector_off_library()
            return
        if not self.active:
            return  # cleared while the search ran
        self.model.set_result(result)
        self.view.selectionModel().clear()  # Enter opens the best hit, not a stale row
        self.results_ready.emit(result)
        if self.view.isVisible():  # paint them now: "shown" means on screen, not in the model
            self._settle_layout()
            self._paint_now()
        self.results_shown.emit()

    def _settle_layout(self) -> None:
        """Lay out now what Qt would lay out on the next turn of the event loop.

        That is the tree's rows and the pane around the new message line. Left to the next
        turn they resized the list after its results were painted, so most keys' results were
        painted twice, the first time at the old size.
        """
        self.view.executeDelayedItemsLayout()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _paint_now(self) -> None:
        """Paint what is pending in the window now, the results with it, each widget once.

        Widgets the first key of a search shows (the list, its scroll bar, the message line)
        post their first update (``UpdateLater``); left in the queue, they painted the pane
        and the list a second time right after the results were shown, 6-8 ms of a first
        key. Those updates are applied first, then the window paints everything dirty once;
        the list is painted on its own only if that did not reach it.
        """
        painted = self.view.paints
        self.view.viewport().update()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateLater)
        QCoreApplication.sendPostedEvents(self.view.window(), QEvent.Type.UpdateRequest)
        if self.view.paints == painted:
            self.view.viewport().repaint()

    def _expand_new_groups(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.view.expand(self.model.index(row, 0))

    # --- choosing a result -----------------------------------------------------------------

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit(current)
        if hit is not None:
            self.hit_selected.emit(Place(hit.kind, hit.slug))

    def _open(self, index: QModelIndex) -> None:
        hit = self.model.hit(index)
        if hit is not None:
            self.hit_opened.emit(Place(hit.kind, hit.slug))

    def _select_first(self) -> bool:
        first = self.model.first_hit_index()
        if not first.isValid():
            return False
        self.view.setCurrentIndex(first)
        return True

    def _field_key(self, key: int) -> bool:
        """Down moves to the best hit; Enter opens the chosen (or best) hit."""
        if not self.active or self.model.result is None:
            return False
        if key == Qt.Key.Key_Down and self._select_first():
            self.view.setFocus()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.model.hit(self.view.currentIndex()) is None:
                self._select_first()
            self._open(self.view.currentIndex())
            return True
        return False

    def _view_key(self, key: int) -> bool:
        """Enter, Return or Space on a group heading folds it; Up from the top goes back."""
        current = self.view.currentIndex()
        heading = current.isValid() and self.model.hit(current) is None
        if heading and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.view.setExpanded(current, not self.view.isExpanded(current))
            return True
        top = (self.model.first_hit_index(), self.model.index(0, 0))
        if key == Qt.Key.Key_Up and current in top:
            self.field.setFocus()
            return True
        return False
