"""The two questions the review queue asks before it writes: "Mark reviewed…" and "Revert…"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.catalogue import VersionInfo
from ketref.services.review import one_year_after


@dataclass(frozen=True)
class Review:
    reviewer: str
    reviewed_on: date
    next_review: date
    note: str | None


SHIPPED = -1
"""The revert list's row for the shipped release's version."""


def _date_edit(day: date, minimum: date | None = None, maximum: date | None = None) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if minimum is not None:
        edit.setMinimumDate(QDate(minimum.year, minimum.month, minimum.day))
    if maximum is not None:
        edit.setMaximumDate(QDate(maximum.year, maximum.month, maximum.day))
    return edit


def _day(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class MarkReviewedDialog(QDialog):
    """Reviewer (the computer account by default), review date, note, next review date."""

    def __init__(self, title: str, reviewer: str, today: date, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark reviewed")
        self.reviewer = QLineEdit(reviewer)
        self.reviewed = _date_edit(today, maximum=today)
        self.next_review = _date_edit(one_year_after(today))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("What you checked, e.g. against the current label")
        self.note.setFixedHeight(80)
        self.reviewed.dateChanged.connect(self._reviewed_changed)
        self._reviewed_changed()
        heading = QLabel(f"<b>{escape(title)}</b><br>Saved as a new version, in the audit trail.")
        form = QFormLayout()
        form.addRow("Reviewer", self.reviewer)
        form.addRow("Reviewed on", self.reviewed)
        form.addRow("Note", self.note)
        form.addRow("Next review", self.next_review)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Mark reviewed")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reviewer.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _reviewed_changed(self) -> None:
        """The next review must come after the review; a year after it unless changed."""
        reviewed = _day(self.reviewed)
        after = date.fromordinal(reviewed.toordinal() + 1)
        self.next_review.setMinimumDate(QDate(after.year, after.month, after.day))
        year = one_year_after(reviewed)
        self.next_review.setDate(QDate(year.year, year.month, year.day))

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.reviewer.text().strip()))

    def values(self) -> Review:
        """What ``ReviewService.mark_reviewed`` records."""
        return Review(
            reviewer=self.reviewer.text().strip(),
            reviewed_on=_day(self.reviewed),
            next_review=_day(self.next_review),
            note=self.note.toPlainText().strip() or None,
        )


class RevertDialog(QDialog):
    """Pick an earlier approved version, or the shipped release's, and say why."""

    def __init__(
        self, title: str, versions: list[VersionInfo], shipped: bool, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Revert")
        self.versions = QListWidget()
        if shipped:
            entry = QListWidgetItem("The shipped release's version")
            entry.setData(Qt.ItemDataRole.UserRole, SHIPPED)
            self.versions.addItem(entry)
        for v in versions:
            if v.current or v.state.value == "draft":
                continue
            entry = QListWidgetItem(
                f"Version {v.version_id} · {v.saved_at:%Y-%m-%d %H:%M} · {v.saved_by} · {v.reason}"
            )
            entry.setData(Qt.ItemDataRole.UserRole, v.version_id)
            self.versions.addItem(entry)
        self.note = QLineEdit(placeholderText="Why (kept in history and the audit trail)")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Revert")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.versions.currentRowChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"<b>{escape(title)}</b><br>The version you pick becomes current again as a "
                "new version; nothing in the history is removed."
            )
        )
        layout.addWidget(self.versions)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        if self.versions.count():
            self.versions.setCurrentRow(0)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.versions.currentItem() is not None)

    def target(self) -> int | None:
        """The version id to revert to; ``None`` for the shipped release's version."""
        version = int(self.versions.currentItem().data(Qt.ItemDataRole.UserRole))
        return None if version == SHIPPED else version
