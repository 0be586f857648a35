"""Tools → Due for review…: the review queue, and the review actions on the chosen item.

Lists drafts waiting for approval, then what is overdue (and Spanish handouts whose English
source changed), then what falls due within 90 days, filterable by kind. From it: Mark
reviewed…, Approve draft, Revert…, and the clinic's "approval needs a second person" setting.
Every action goes through ``ReviewService`` (audited, a new version each time); a refusal (the
second-person rule, a bad date) is shown as the service words it and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from ketref.domain.content import Handout
from ketref.domain.enums import ItemKind
from ketref.domain.errors import KetrefError
from ketref.domain.readability import measure
from ketref.domain.roles import Role
from ketref.gui.background import user_message
from ketref.gui.readability_panel import LEVEL_COLOURS, LEVEL_WORDS
from ketref.gui.review_dialogs import MarkReviewedDialog, RevertDialog
from ketref.gui.widgets import row_table
from ketref.services.catalogue import current_actor

if TYPE_CHECKING:
    from ketref.services.workspace import Services

Index = QModelIndex | QPersistentModelIndex
DRAFT, SOURCE_CHANGED, OVERDUE, DUE = "Draft to approve", "Source changed", "Overdue", "Due"
STATUS_COLOURS = {DRAFT: "#1f5fa8", SOURCE_CHANGED: "#b3261e", OVERDUE: "#b3261e", DUE: "#a15c00"}


@dataclass(frozen=True)
class QueueRow:
    kind: ItemKind
    slug: str
    title: str
    status: str
    review_due: date | None
    draft: int | None = None
    """The waiting draft's version id (``DRAFT`` rows)."""
    draft_by: str = ""
    changed_on: date | None = None
    """When the English source of a stale translation changed (``SOURCE_CHANGED`` rows)."""


class QueueModel(QAbstractTableModel):
    STATUS, DUE_DATE, KIND, ITEM = range(4)
    HEADERS = ("Status", "Review due", "Kind", "Item")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[QueueRow] = []

    def set_rows(self, rows: list[QueueRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    @override
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    @override
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.status,
                row.review_due.isoformat() if row.review_due else "",
                row.kind.singular,
                row.title,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.STATUS:
            return QColor(STATUS_COLOURS[row.status])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.kind.value}/{row.slug}"
        return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def queue_rows(services: Services, kind: ItemKind | None) -> list[QueueRow]:
    """Drafts waiting first, then stale translations, then the due list in the service's
    order (overdue first)."""
    review = services.review
    rows = [
        QueueRow(d.kind, d.slug, d.title, DRAFT, None, d.draft, d.saved_by)
        for d in review.waiting_drafts(kind)
    ]
    for d in review.due(kind):
        changed = d.source_changed_on
        status = SOURCE_CHANGED if changed else OVERDUE if d.overdue else DUE
        rows.append(QueueRow(d.kind, d.slug, d.title, status, d.review_due, changed_on=changed))
    return sorted(rows, key=lambda r: (r.status != DRAFT, r.status != SOURCE_CHANGED))


class ReviewQueueDialog(QDialog):
    changed = Signal()
    """Something was saved (reviewed, approved, reverted): open views should reload."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Due for review")
        self.resize(1000, 620)
        self.services = services
        self.may_approve = services.maintenance.access()[1] >= Role.APPROVER
        self.kind = QComboBox()
        self.kind.addItem("All kinds", "")
        for kind in ItemKind:
            if kind is not ItemKind.REFERENCE:  # references carry no review dates
                self.kind.addItem(kind.label, kind.value)  # Qt hands a StrEnum back as str
        self.kind.currentIndexChanged.connect(self.refresh)
        self.second_person = QCheckBox("Approval needs a second person (clinic setting)")
        self.second_person.setToolTip(
            "When on, whoever saved a draft cannot approve it: someone else must."
        )
        self.second_person.setChecked(services.review.second_person_required())
        self.second_person.toggled.connect(self._set_second_person)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show"))
        top.addWidget(self.kind)
        top.addStretch(1)
        top.addWidget(self.second_person)

        self.model = QueueModel(self)
        self.table = row_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(QueueModel.ITEM, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self.detail = QTextBrowser()
        self.detail.setPlaceholderText("Select an item to see its review dates and history.")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([600, 380])

        self.mark_button = QPushButton("Mark reviewed…")
        self.approve_button = QPushButton("Approve draft")
        self.revert_button = QPushButton("Revert…")
        self.mark_button.clicked.connect(self.mark_reviewed)
        self.approve_button.clicked.connect(self.approve)
        self.revert_button.clicked.connect(self.revert)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        for button in (self.mark_button, self.approve_button, self.revert_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        if not self.may_approve:
            for widget in (self.second_person, *self._actions()):
                widget.setToolTip(Role.APPROVER.needed)
        self.refresh()

    def _actions(self) -> tuple[QPushButton, ...]:
        return (self.mark_button, self.approve_button, self.revert_button)

    # --- the list -------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.selected()
        kind = ItemKind(self.kind.currentData()) if self.kind.currentData() else None
        try:
            rows = queue_rows(self.services, kind)
        except KetrefError as exc:
            rows = []
            self.count.setText(f"The review list could not be read: {user_message(exc)}")
        else:
            drafts = sum(r.status == DRAFT for r in rows)
            stale = sum(r.status == SOURCE_CHANGED for r in rows)
            overdue = sum(r.status == OVERDUE for r in rows)
            self.count.setText(
                f"{_count(drafts, 'draft')} to approve · {_count(stale, 'translation')} to "
                f"check · {overdue} overdue · {len(rows) - overdue - drafts - stale} due "
                "within 90 days"
                if rows
                else "Nothing is due for review in the next 90 days, and no draft is waiting."
            )
        self.model.set_rows(rows)
        self.second_person.setEnabled(self.may_approve)
        keys = [(r.kind, r.slug, r.status == DRAFT) for r in rows]
        if current is not None and (current.kind, current.slug, current.status == DRAFT) in keys:
            index = keys.index((current.kind, current.slug, current.status == DRAFT))
            self.table.selectRow(index)
        elif rows:
            self.table.selectRow(0)
        else:
            self._selected()

    def selected(self) -> QueueRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def select(self, kind: ItemKind, slug: str) -> None:
        """Select the first row for (kind, slug)."""
        for number, row in enumerate(self.model.rows):
            if (row.kind, row.slug) == (kind, slug):
                self.table.selectRow(number)
                return

    def _selected(self, *_args: object) -> None:
        row = self.selected()
        for button in self._actions():
            button.setEnabled(row is not None and self.may_approve)
        self.approve_button.setEnabled(row is not None and self.may_approve and row.status == DRAFT)
        self.detail.setHtml(self._detail_html(row) if row is not None else "")

    def _detail_html(self, row: QueueRow) -> str:
        try:
            detail = self.services.catalogue.get_item(row.kind, row.slug)
            history = self.services.catalogue.history(row.kind, row.slug)
        except KetrefError as exc:
            return f"<p>{escape(user_message(exc))}</p>"
        item = detail.item
        colour = STATUS_COLOURS[row.status]
        parts = [
            f"<h3>{escape(row.title)}</h3>",
            f"<p><span style='color:{colour}'><b>{escape(row.status)}</b></span> · "
            f"{escape(row.kind.singular)} · <code>{escape(row.slug)}</code></p>",
            f"<p>Reviewed {escape(str(item.reviewed))} · next review due "
            f"{escape(str(item.review_due))} · "
            f"{'edited in this library' if detail.locally_edited else 'as shipped'}</p>",
        ]
        if row.status == DRAFT:
            parts.append(
                f"<p>Draft (version {row.draft}) saved by {escape(row.draft_by)}; it shows "
                "nowhere and never prints until approved.</p>"
            )
        if row.status == SOURCE_CHANGED:
            parts.append(
                f"<p>The English handout this translates changed on {row.changed_on}, after "
                "the translation was made: check the translation, then mark it reviewed.</p>"
            )
        if isinstance(item, Handout):
            parts.append(self._reading_html(item))
        parts.append("<p><b>History</b> (newest first)</p><ul>")
        for v in history[:6]:
            mark = " <b>(current)</b>" if v.current else ""
            parts.append(
                f"<li>{v.version_id} · {v.state.value} · {v.saved_at:%Y-%m-%d} · "
                f"{escape(v.saved_by)} · {escape(v.reason)}{mark}</li>"
            )
        parts.append("</ul>")
        return "".join(parts)

    def _reading_html(self, handout: Handout) -> str:
        language = handout.language
        r = measure(handout.plain_text(), language)
        score = (
            f"INFLESZ {r.second:.0f}, Fernández-Huerta {r.grade:.0f}"
            if r.spanish
            else f"grade {max(r.grade, 0):.1f} (Flesch–Kincaid), SMOG {r.second:.1f}"
        )
        colour = LEVEL_COLOURS[r.level]
        return (
            f"<p>Reading level: <b>{score}</b> · <span style='color:{colour}'>goal "
            f"{escape(r.goal)}: {LEVEL_WORDS[r.level]}</span></p>"
        )

    # --- actions --------------------------------------------------------------------------

    def _done(self, message: str) -> None:
        self.refresh()
        self.changed.emit()
        self.count.setText(f"{message} {self.count.text()}")

    def _refused(self, title: str, exc: KetrefError) -> None:
        QMessageBox.warning(self, title, user_message(exc))

    def mark_reviewed(self) -> MarkReviewedDialog | None:
        row = self.selected()
        if row is None:
            return None
        today = self.services.review.today()
        dialog = MarkReviewedDialog(row.title, current_actor(), today, self)

        def save() -> None:
            try:
                v = dialog.values()
                self.services.review.mark_reviewed(
                    row.kind,
                    row.slug,
                    reviewer=v.reviewer,
                    reviewed_on=v.reviewed_on,
                    next_review=v.next_review,
                    note=v.note,
                )
            except KetrefError as exc:
                self._refused("Not marked reviewed", exc)
                return
            self._done(f"Marked {row.title} reviewed.")

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def approve(self) -> None:
        row = self.selected()
        if row is None or row.status != DRAFT:
            return
        try:
            version = self.services.review.approve_draft(row.kind, row.slug)
        except KetrefError as exc:
            self._refused("Draft not approved", exc)
            return
        self._done(f"Approved the draft of {row.title} (now version {version}).")

    def revert(self) -> RevertDialog | None:
        row = self.selected()
        if row is None:
            return None
        try:
            detail = self.services.catalogue.get_item(row.kind, row.slug)
            history = self.services.catalogue.history(row.kind, row.slug)
        except KetrefError as exc:
            self._refused("Cannot revert", exc)
            return None
        dialog = RevertDialog(row.title, history, detail.origin == "shipped", self)

        def save() -> None:
            try:
                self.services.review.revert(
                    row.kind, row.slug, dialog.target(), note=dialog.note.text().strip() or None
                )
            except KetrefError as exc:
                self._refused("Not reverted", exc)
                return
            self._done(f"Reverted {row.title}.")

        dialog.accepted.connect(save)
        dialog.open()
        return dialog

    def _set_second_person(self, on: bool) -> None:
        try:
            self.services.review.require_second_person(on)
        except KetrefError as exc:
            self._refused("Setting not changed", exc)
            self.second_person.blockSignals(True)
            self.second_person.setChecked(not on)
            self.second_person.blockSignals(False)
