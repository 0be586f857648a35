"""Tools → Audit trail…: who changed which content, when, how, from which content version.

Read-only: a table of the newest events (loaded on a worker thread), a filter box that keeps
rows containing every typed word, and the selected event's full record below. The trail holds
content changes only, never anything about patients.
"""

from __future__ import annotations

import json
from html import escape

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.audit import AuditEvent
from ketref.domain.enums import ItemKind
from ketref.domain.field_words import local_and_utc
from ketref.gui.background import Progress, user_message
from ketref.gui.models import RowsTableModel
from ketref.gui.tasks import TaskRunner
from ketref.gui.widgets import row_table
from ketref.services.audit import AuditService

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
LOAD_LIMIT = 1000

ACTION_LABELS = {
    "edit": "Edited",
    "import": "Imported from a pack",
    "import-pack": "Pack imported",
    "set-screening-thresholds": "Screening thresholds set",
    "reset-screening-thresholds": "Screening thresholds reset",
    "release-kept-local": "Release met a local edit",
    "release-keep-mine": "Kept the local edit",
    "release-take-release": "Took the release's version",
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("load-"):
        return f"Content loaded ({action.removeprefix('load-')})"
    return action.replace("-", " ").capitalize()


def item_label(kind: str | None, slug: str | None, title: str | None = None) -> str:
    """``Contraindication: Uncontrolled hypertension`` (the slug when no title is known); ""
    for whole-library events."""
    if not kind or not slug:
        return ""
    try:
        return f"{ItemKind(kind).singular}: {title or slug}"
    except ValueError:
        return f"{kind}/{slug}"


class AuditTableModel(RowsTableModel):
    WHEN, WHO, ACTION, ITEM, VERSION, SUMMARY = range(6)
    HEADERS = ("When (local, UTC)", "Who", "Action", "Item", "Content version", "Summary")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditEvent] = []
        self.titles: dict[tuple[str, str], str] = {}

    def set_events(
        self, events: list[AuditEvent], titles: dict[tuple[str, str], str] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows = list(events)
        self.titles = titles or {}
        self.endResetModel()

    def label(self, event: AuditEvent) -> str:
        title = self.titles.get((event.kind, event.slug)) if event.kind and event.slug else None
        return item_label(event.kind, event.slug, title)

    def event_at(self, row: int) -> AuditEvent | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def text(self, event: AuditEvent, column: int) -> str:
        if column == self.WHEN:
            return local_and_utc(event.at)
        if column == self.WHO:
            return event.actor
        if column == self.ACTION:
            return action_label(event.action)
        if column == self.ITEM:
            return self.label(event)
        if column == self.VERSION:
            return event.content_version or ""
        return event.describe()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        event = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(event, column)
        if role == SORT_ROLE:
            return event.at.isoformat() if column == self.WHEN else self.text(event, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.ITEM, self.SUMMARY):
            return self.text(event, column) or None
        return None


class AuditFilterProxy(QSortFilterProxyModel):
    """Keeps the rows that contain every typed word in any column (case-insensitive)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []

    def set_filter_words(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not self._words or not isinstance(model, AuditTableModel):
            return True
        event = model.event_at(source_row)
        if event is None:
            return False
        text = " ".join(model.text(event, c) for c in range(len(model.HEADERS))).casefold()
        return all(word in text for word in self._words)


def event_html(event: AuditEvent, label: str) -> str:
    """The whole record: action, item (``label``), when, who, version, then every detail."""
    detail = json.dumps(event.detail, indent=2, ensure_ascii=False, sort_keys=True)
    return (
        f"<p><b>{escape(action_label(event.action))}</b> "
        f"{escape(label)} — {escape(local_and_utc(event.at))} by "
        f"{escape(event.actor)}, content version {escape(event.content_version or 'none')}</p>"
        f"<pre>{escape(detail)}</pre>"
    )


class AuditDialog(QDialog):
    def __init__(
        self, audit: AuditService, tasks: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit trail")
        self.resize(980, 600)
        self._audit = audit
        intro = QLabel(
            "Every content edit, release load and pack import: when (local time, with UTC), who "
            "(the computer account), what changed and from which content version. This list is "
            "read-only."
        )
        intro.setWordWrap(True)
        self.filter = QLineEdit(placeholderText="Filter: words in any column, e.g. a name or item")
        self.filter.setClearButtonEnabled(True)
        self.model = AuditTableModel(self)
        self.proxy = AuditFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self._filter)
        self.table = row_table(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(AuditTableModel.WHEN, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AuditTableModel.ITEM, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AuditTableModel.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(AuditTableModel.ITEM, 260)  # long slugs elide; full in tooltip
        self.table.selectionModel().currentRowChanged.connect(self._show_event)
        self.record = QTextBrowser()
        self.record.setPlaceholderText("Select an event to see its full record.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.record)
        split.setSizes([400, 140])
        self.count = QLabel("Loading the audit trail…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(split, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self.loaded = False

        def job(_progress: Progress) -> tuple[list[AuditEvent], dict[tuple[str, str], str]]:
            events = audit.events(limit=LOAD_LIMIT)
            return events, audit.item_titles(events)

        tasks.start(job, "audit", self._loaded, self._failed)

    def _loaded(self, loaded: tuple[list[AuditEvent], dict[tuple[str, str], str]]) -> None:
        self.model.set_events(*loaded)
        self.loaded = True
        self._update_count()
        if self.proxy.rowCount():
            self.table.selectRow(0)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText(f"The audit trail could not be read: {user_message(exc)}")

    def _filter(self, text: str) -> None:
        self.proxy.set_filter_words(text)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        limit = f" (the newest {LOAD_LIMIT:,})" if total >= LOAD_LIMIT else ""
        self.count.setText(
            f"{total} event(s){limit}." if shown == total else f"{shown} of {total} event(s)."
        )

    def _show_event(self, current: QModelIndex, _previous: QModelIndex) -> None:
        source = self.proxy.mapToSource(current)
        event = self.model.event_at(source.row()) if source.isValid() else None
        self.record.setHtml(event_html(event, self.model.label(event)) if event is not None else "")
