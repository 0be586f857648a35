"""The Screening page: a form where every answer starts unknown, and live per-product results.

Nothing typed here is stored or logged; the form lives only as long as the window. Each change
re-screens through the service (the engine is pure and fast) and redraws the result cards.
"Save screening summary as PDF…" writes the current result to a PDF (a name or initials only if
typed for that one printout). The widgets are in screening_form, the result cards in
screening_cards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from html import escape
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.errors import BadInputError, KetrefError
from ketref.domain.patient import PATIENT_FIELDS, FieldKind, FieldSpec, Patient
from ketref.domain.screening_result import DISCLAIMER, ScreeningResult
from ketref.gui import dialogs
from ketref.gui.detail_html import RED
from ketref.gui.screening_cards import result_html
from ketref.gui.screening_form import FormSection, MedicationCompleter, TriState
from ketref.gui.ui_state import LAST_FOLDER, UiState
from ketref.gui.widgets import form_beside_result
from ketref.services.clinic import ClinicService
from ketref.services.screening import ScreeningService
from ketref.services.screening_print import save_summary

SAVE_SUMMARY = "Save screening summary as PDF…"


class ScreeningPage(QWidget):
    """Form on the left, result cards on the right; links go to the main window."""

    link_activated = Signal(QUrl)
    summary_saved = Signal(str)
    """A screening summary PDF was written (its path)."""

    def __init__(self, ui_state: UiState) -> None:
        super().__init__()
        self.ui_state = ui_state
        self.service: ScreeningService | None = None
        self.clinic: ClinicService | None = None
        self.result: ScreeningResult | None = None
        self.patient: Patient | None = None
        self._readers: dict[str, Callable[[], object]] = {}
        self._flags: dict[str, TriState] = {}
        self._numbers: dict[str, QLineEdit] = {}
        self.sections: dict[str, FormSection] = {}
        self._timer = QTimer(self, singleShot=True, interval=60)
        self._timer.timeout.connect(self.rescreen)

        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {RED}; font-weight: 600;")
        self.error.hide()
        self.results = QTextBrowser()
        self.results.setOpenLinks(False)
        self.results.anchorClicked.connect(self.link_activated)

        self.form_box = QWidget()
        self.form = QVBoxLayout(self.form_box)
        note = QLabel(
            f"<b>{escape(DISCLAIMER)}</b> Every answer starts as <i>Unknown</i>; unknown is "
            "never read as “no”. Nothing entered here is saved."
        )
        note.setWordWrap(True)
        self.form.addWidget(note)
        self.clear_button = QPushButton("Clear form")
        self.clear_button.clicked.connect(self.clear)
        self.print_button = QPushButton(SAVE_SUMMARY)
        self.print_button.clicked.connect(self.save_summary_pdf)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        form_beside_result(self, self.form_box, [self.error, self.results, buttons], (520, 560))

    # --- building the form from the field list --------------------------------------------

    def attach(self, service: ScreeningService, clinic: ClinicService) -> None:
        self.clinic = clinic
        if self.service is not None:  # re-attached (after a restore): the form is already built
            self.service = service
            self.rescreen()
            return
        self.service = service
        for spec in PATIENT_FIELDS:
            title = _group_of(spec)
            if title not in self.sections:
                self.sections[title] = FormSection(title, self._ask)
                self.form.addWidget(self.sections[title].box)
            widget = self._field_widget(spec)
            self.sections[title].add(spec, _label(spec), widget, _HINTS.get(spec.name))
        for section in self.sections.values():
            section.finish()
        self.form.addStretch(1)
        self.rescreen()

    def _field_widget(self, spec: FieldSpec) -> QWidget:
        if spec.kind is FieldKind.FLAG:
            tri = TriState(spec.label)
            tri.changed.connect(self._timer.start)
            self._flags[spec.name] = tri
            self._readers[spec.name] = tri.value
            return tri
        if spec.is_numeric:
            edit = QLineEdit(placeholderText="unknown")
            edit.setAccessibleName(spec.label)
            edit.textChanged.connect(self._timer.start)
            self._numbers[spec.name] = edit
            self._readers[spec.name] = partial(_read_number, spec, edit)
            return edit
        if spec.kind is FieldKind.DIAGNOSES:
            return self._diagnoses_widget(spec)
        return self._medications_widget(spec)

    def _diagnoses_widget(self, spec: FieldSpec) -> QWidget:
        assert self.service is not None
        self.diagnoses = QListWidget()
        self.diagnoses.setAccessibleName(spec.label)
        for slug, title in self.service.diagnosis_choices():
            entry = QListWidgetItem(title)
            entry.setData(Qt.ItemDataRole.UserRole, slug)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.diagnoses.addItem(entry)
        self.diagnoses.setMinimumHeight(150)
        self.diagnoses.itemChanged.connect(lambda _item: self._timer.start())
        self.no_diagnosis = QCheckBox("None of these (known)")
        self.no_diagnosis.toggled.connect(self._timer.start)
        self._readers[spec.name] = self._diagnoses_value
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.diagnoses)
        layout.addWidget(self.no_diagnosis)
        layout.addWidget(QLabel("<i>Nothing ticked = not recorded (unknown).</i>"))
        return box

    def _diagnoses_value(self) -> tuple[str, ...] | None:
        ticked = tuple(
            str(self.diagnoses.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.diagnoses.count())
            if self.diagnoses.item(i).checkState() == Qt.CheckState.Checked
        )
        if ticked:
            return ticked
        return () if self.no_diagnosis.isChecked() else None

    def _medications_widget(self, spec: FieldSpec) -> QWidget:
        assert self.service is not None
        self.medications = QLineEdit(placeholderText="generic or brand names, comma-separated")
        self.medications.setAccessibleName(spec.label)
        names = QStringListModel(self.service.medication_names(), self)
        # parented, so the Python overrides (after-the-comma completion, Escape) stay alive
        completer = MedicationCompleter(names, self.medications)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.medications.setCompleter(completer)
        self.medications.textChanged.connect(self._timer.start)
        self.no_medicines = QCheckBox("Takes no medicines (known)")
        self.no_medicines.toggled.connect(self.medications.setDisabled)
        self.no_medicines.toggled.connect(self._timer.start)
        self._readers[spec.name] = self._medications_value
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.medications)
        layout.addWidget(self.no_medicines)
        return box

    def _medications_value(self) -> tuple[str, ...] | None:
        if self.no_medicines.isChecked():
            return ()
        # kept as typed (a brand is shown as the clinician wrote it); matching ignores case
        names = tuple(n.strip() for n in self.medications.text().split(",") if n.strip())
        return names or None

    # --- state -----------------------------------------------------------------------------

    def set_flag(self, name: str, value: bool | None) -> None:
        self._flags[name].set_value(value)

    def set_number(self, name: str, text: str) -> None:
        self._numbers[name].setText(text)

    def confirm(self, title: str, text: str) -> bool:
        """Ask before answering in bulk (tests replace it)."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask(self, title: str, text: str) -> bool:
        return self.confirm(title, text)  # looked up on each call, so a test may replace it

    def bulk_no(self) -> tuple[str, ...]:
        """Field names whose No was set with "Mark the rest No" and not changed since."""
        return tuple(name for name, tri in self._flags.items() if tri.bulk)

    def clear(self) -> None:
        for tri in self._flags.values():
            tri.set_value(None)
        for edit in self._numbers.values():
            edit.clear()
        for i in range(self.diagnoses.count()):
            self.diagnoses.item(i).setCheckState(Qt.CheckState.Unchecked)
        self.no_diagnosis.setChecked(False)
        self.medications.clear()
        self.no_medicines.setChecked(False)
        self.rescreen()

    def read_patient(self) -> Patient:
        """The form as a Patient; raises BadInputError naming the field that is wrong."""
        values = {name: read() for name, read in self._readers.items()}
        return Patient(**values)  # type: ignore[arg-type]

    def rescreen(self) -> None:
        if self.service is None:
            return
        try:
            patient = self.read_patient()
        except BadInputError as exc:
            self.patient = None
            self.error.setText(f"{exc} The results below are for the last complete form.")
            self.error.show()
            self.print_button.setEnabled(False)
            return
        self.error.hide()
        self.patient = patient
        self.result = self.service.screen(patient)
        self.print_button.setEnabled(True)
        scroll = self.results.verticalScrollBar().value()
        sources = self.service.knowledge().references
        self.results.setHtml(result_html(self.result, self.bulk_no(), sources))
        self.results.verticalScrollBar().setValue(scroll)

    def save_summary_pdf(self) -> Path | None:
        """Save the current screening as a PDF (optionally labelled with a name, not saved)."""
        service, clinic, patient, result = self.service, self.clinic, self.patient, self.result
        if service is None or clinic is None or patient is None or result is None:
            return None
        label = dialogs.ask_text(
            self, "Screening summary", "Name or initials to print on it (optional, not saved):"
        )
        if label is None:
            return None
        suggested = self.ui_state.folder(LAST_FOLDER) / f"screening-summary-{date.today()}.pdf"
        path = dialogs.ask_save_pdf(self, "Save screening summary as PDF", suggested)
        if path is None:
            return None
        try:
            written = save_summary(
                service, clinic, patient, result, path, patient_label=label, bulk_no=self.bulk_no()
            )
        except KetrefError as exc:
            dialogs.show_error(self, "The summary was not saved", str(exc))
            return None
        self.ui_state.remember_folder(LAST_FOLDER, written.parent)
        self.summary_saved.emit(str(written))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
        return written


def _read_number(spec: FieldSpec, edit: QLineEdit) -> int | float | None:
    text = edit.text().strip()
    if not text:
        return None
    try:
        return int(text) if spec.kind is FieldKind.INTEGER else float(text)
    except ValueError:
        raise BadInputError(f"{spec.label}: “{text}” is not a number.") from None


def _label(spec: FieldSpec) -> str:
    unit = f" ({spec.unit})" if spec.unit else ""
    return f"{spec.label}{unit}"


_GROUPS = {
    "age_years": "Patient",
    "pregnant": "Patient",
    "breastfeeding": "Patient",
    "diagnoses": "Diagnoses and treatment history",
    "failed_antidepressant_trials": "Diagnoses and treatment history",
    "systolic_bp": "Resting blood pressure",
    "diastolic_bp": "Resting blood pressure",
    "medications": "Medicines",
    "lorazepam_equivalent_mg_per_day": "Medicines",
}


_HINTS = {
    "lorazepam_equivalent_mg_per_day": (
        "Lorazepam equivalents, as the Benzodiazepines interaction asks: 10 mg diazepam is about "
        "1 mg lorazepam (WHO 2009 equivalence table; approximate, some tables differ)."
    ),
}
"""Unit conversions shown under a field; the same wording and reference as the content."""


def _group_of(spec: FieldSpec) -> str:
    return _GROUPS.get(spec.name, "History and conditions")
