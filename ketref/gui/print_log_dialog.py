"""Tools → Print log…: which handouts were printed, when, by whom; exact reprints; settings.

The table lists the log newest first, filtered by a date range (UTC days) and a handout. A
reprint regenerates the logged handout versions with the logged settings; personal details are
typed again unless the clinic keeps names in the log. The two settings (log on/off, keep
names on/off) live here too; switching names off offers to erase the stored ones.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.errors import KetrefError
from ketref.domain.print_log import (
    PERSONAL_LABELS,
    PrintLogEntry,
    PrintLogFilter,
    PrintLogSettings,
)
from ketref.domain.printing import Personalisation
from ketref.gui import dialogs
from ketref.gui.ui_state import LAST_FOLDER, UiState
from ketref.services.handouts import HandoutService
from ketref.services.reprint import reprint

HEADERS = ("When (UTC)", "Who", "Output", "Handouts", "Language", "Paper", "Pages")


def ask_erase_names(parent: QWidget) -> bool:
    """Whether to erase the names already stored (tests replace it)."""
    answer = QMessageBox.question(
        parent,
        "Stop keeping names",
        "Erase the patient names, dates, escorts, notes and numbers already stored in the "
        "print log? They are overwritten in the library file; backups made earlier still "
        "hold them.",
    )
    return answer == QMessageBox.StandardButton.Yes


def _date_edit(day: QDate) -> QDateEdit:
    edit = QDateEdit(day)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def entry_html(entry: PrintLogEntry) -> str:
    plan = entry.plan
    rows = "".join(
        f"<li>{escape(title)} — <code>{escape(h.slug)}</code>, saved version {h.version_id}"
        f" (content {escape(h.content_version)})</li>"
        for h, title in zip(plan.handouts, entry.titles, strict=True)
    )
    printed = ", ".join(PERSONAL_LABELS[f] for f in plan.personal_fields) or "none"
    stored = ""
    if entry.personal is not None:
        p = entry.personal
        stored = "<p><b>Stored:</b> " + escape(
            "; ".join(
                f"{PERSONAL_LABELS[k]}: {v}"
                for k, v in (
                    ("patient_name", p.patient_name),
                    ("date", p.date.isoformat() if p.date else None),
                    ("escort", p.escort),
                    ("notes", p.notes),
                    ("emergency_phone", p.emergency_phone),
                )
                if v
            )
        )
    return (
        f"<p><b>Entry {entry.id}</b>, {escape(entry.output_label)} by {escape(entry.printed_by)}"
        f" on {entry.at:%Y-%m-%d %H:%M} UTC — {entry.page_count} page(s), "
        f"{escape(plan.paper.label)}{', large print' if plan.large_print else ''}, language: "
        f"{escape(plan.language.label if plan.language else 'each handout as named')}"
        f"{' (bilingual)' if plan.bilingual else ''}</p>"
        f"<ol>{rows}</ol><p>Personal details printed: {escape(printed)}</p>{stored}"
        f"<p>PDF SHA-256: <code>{entry.pdf_sha256}</code></p>"
    )


class ReprintDialog(QDialog):
    """The personal details for a reprint: stored ones filled in, else typed again."""

    def __init__(self, entry: PrintLogEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Reprint entry {entry.id}")
        stored = entry.personal or Personalisation()
        printed = ", ".join(PERSONAL_LABELS[f] for f in entry.plan.personal_fields)
        intro = QLabel(
            "Reprints the same handout versions with the same settings. "
            + (
                f"The original printed: {printed}; "
                + ("they are filled in from the log." if entry.personal else "type them again.")
                if printed
                else "The original printed no personal details."
            )
        )
        intro.setWordWrap(True)
        self.patient_name = QLineEdit(stored.patient_name or "")
        self.print_date = QCheckBox("Print a date")
        self.date = _date_edit(_qdate(stored.date or dt.date.today()))
        self.print_date.setChecked(stored.date is not None)
        self.escort = QLineEdit(stored.escort or "")
        self.notes = QPlainTextEdit(stored.notes or "")
        self.emergency = QLineEdit(stored.emergency_phone or "")
        form = QFormLayout()
        form.addRow("Patient name", self.patient_name)
        date_row = QHBoxLayout()
        date_row.addWidget(self.print_date)
        date_row.addWidget(self.date)
        form.addRow("Date", date_row)
        form.addRow("Escort or driver", self.escort)
        form.addRow("Notes", self.notes)
        form.addRow("Emergency number", self.emergency)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def personal(self) -> Personalisation:
        """
        Raises:
            BadInputError: a field is too long.
        """
        return Personalisation.build(
            patient_name=self.patient_name.text(),
            date=_day(self.date.date()) if self.print_date.isChecked() else None,
            escort=self.escort.text(),
            notes=self.notes.toPlainText(),
            emergency_phone=self.emergency.text(),
        )


class PrintLogDialog(QDialog):
    def __init__(
        self, handouts: HandoutService, ui_state: UiState, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Print log")
        self.resize(1000, 620)
        self._handouts = handouts
        self._log = handouts.log
        self._ui_state = ui_state
        self.entries: list[PrintLogEntry] = []

        self._build_settings()
        filters = self._build_filters()
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.currentCellChanged.connect(lambda *_a: self._show_entry())
        self.detail = QTextBrowser()
        self.detail.setPlaceholderText("Select an entry to see the versions it printed.")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.reprint_button = QPushButton("Reprint…")
        self.reprint_button.clicked.connect(self.reprint_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.reprint_button, QDialogButtonBox.ButtonRole.ActionRole)

        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addWidget(self.keep_names)
        layout.addLayout(filters)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.detail, 2)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.refresh()

    def _build_settings(self) -> None:
        settings = self._log.settings()
        self.enabled = QCheckBox("Record every handout export and print")
        self.enabled.setChecked(settings.enabled)
        self.keep_names = QCheckBox(
            "Keep names in the print log (patient name, date, escort, notes, number)"
        )
        self.keep_names.setChecked(settings.keep_names)
        for box in (self.enabled, self.keep_names):
            box.toggled.connect(self._settings_changed)

    def _build_filters(self) -> QHBoxLayout:
        today = _qdate(dt.datetime.now(dt.UTC).date())
        self.use_dates = QCheckBox("From")
        self.since = _date_edit(today.addDays(-30))
        self.until = _date_edit(today)
        self.handout = QComboBox()
        self.handout.addItem("All handouts", None)
        for summary in self._handouts.list_handouts():
            self.handout.addItem(summary.title, summary.slug)
        for signal in (self.use_dates.toggled, self.since.dateChanged, self.until.dateChanged):
            signal.connect(self.refresh)
        self.handout.currentIndexChanged.connect(self.refresh)
        filters = QHBoxLayout()
        for widget in (self.use_dates, self.since, QLabel("to"), self.until, QLabel("Handout")):
            filters.addWidget(widget)
        filters.addWidget(self.handout, 1)
        return filters

    def current_filter(self) -> PrintLogFilter:
        dates = self.use_dates.isChecked()
        return PrintLogFilter(
            since=_day(self.since.date()) if dates else None,
            until=_day(self.until.date()) if dates else None,
            handout=self.handout.currentData(),
        )

    def refresh(self) -> None:
        try:
            self.entries = self._log.entries(self.current_filter())
        except KetrefError as exc:
            self.status.setText(f"The print log could not be read: {exc}")
            return
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            plan = entry.plan
            cells = (
                f"{entry.at:%Y-%m-%d %H:%M}",
                entry.printed_by,
                entry.output_label,
                ", ".join(entry.titles),
                (plan.language.label if plan.language else "as named")
                + (" (bilingual)" if plan.bilingual else ""),
                plan.paper.label + (", large" if plan.large_print else ""),
                str(entry.page_count),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        if self.entries:
            self.table.selectRow(0)
        self.reprint_button.setEnabled(bool(self.entries))
        self.status.setText(f"{len(self.entries)} printout(s) logged for this choice.")
        self._show_entry()

    def selected(self) -> PrintLogEntry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def _show_entry(self) -> None:
        entry = self.selected()
        self.detail.setHtml(entry_html(entry) if entry is not None else "")

    def _settings_changed(self) -> None:
        before = self._log.settings()
        wanted = PrintLogSettings(self.enabled.isChecked(), self.keep_names.isChecked())
        erase = before.keep_names and not wanted.keep_names and ask_erase_names(self)
        try:
            erased = self._log.change_settings(wanted, erase_names=erase)
        except KetrefError as exc:
            self.status.setText(str(exc))
            return
        self.refresh()
        if erased is not None:
            self.status.setText(f"Erased the personal details of {erased.entries} entries.")

    def reprint_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        form = ReprintDialog(entry, self)
        if form.exec() != QDialog.DialogCode.Accepted:
            return
        suggested = self._ui_state.folder(LAST_FOLDER) / f"reprint-{entry.id}.pdf"
        path = dialogs.ask_save_pdf(self, "Save reprint", suggested)
        if path is None:
            return
        try:
            done = reprint(self._handouts, entry.id, path, form.personal())
        except KetrefError as exc:  # unwritable file, a field too long, a missing version
            self.status.setText(str(exc))
            return
        self._ui_state.remember_folder(LAST_FOLDER, done.path.parent)
        self.refresh()
        self.status.setText(" ".join([f"Saved {done.path.name}.", *done.messages()]))
