"""The Screening page: a form where every answer starts unknown, and live per-product results.

Nothing typed here is stored or logged; the form lives only as long as the window. Each change
re-screens through the service (the engine is pure and fast) and redraws the result cards.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape

from PySide6.QtCore import QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ketref.domain.enums import FindingOutcome, ScreeningStatus
from ketref.domain.errors import BadInputError
from ketref.domain.patient import FIELD_BY_NAME, PATIENT_FIELDS, FieldKind, FieldSpec, Patient
from ketref.domain.screening_result import DISCLAIMER, Finding, ProductResult, ScreeningResult
from ketref.gui.detail_html import AMBER, BLUE, GREEN, GREY, RED, STYLE, badge, item_url
from ketref.gui.detail_html import reference_url as ref_url
from ketref.gui.widgets import form_beside_result
from ketref.services.screening import ScreeningService

AVOID_ORANGE = "#b8430a"
"""Deeper than the amber of "needs review", distinct from the red of "not eligible"."""
STATUS_COLOUR = {
    ScreeningStatus.NOT_ELIGIBLE: RED,
    ScreeningStatus.AVOID_COMBINATION: AVOID_ORANGE,
    ScreeningStatus.CANNOT_DETERMINE: GREY,
    ScreeningStatus.NEEDS_REVIEW: AMBER,
    ScreeningStatus.ELIGIBLE_TO_CONSIDER: GREEN,
}
OUTCOME_COLOUR = {
    FindingOutcome.NOT_ELIGIBLE: RED,
    FindingOutcome.AVOID_COMBINATION: AVOID_ORANGE,
    FindingOutcome.CANNOT_DETERMINE: GREY,
    FindingOutcome.NEEDS_REVIEW: AMBER,
    FindingOutcome.INDICATION_MET: GREEN,
    FindingOutcome.INFORMATIONAL: BLUE,
}
UNKNOWN, YES, NO = 0, 1, 2


class TriState(QWidget):
    """Unknown / Yes / No as three radio buttons; Unknown is the default and always visible."""

    changed = Signal()

    def __init__(self, label: str) -> None:
        super().__init__()
        self.group = QButtonGroup(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for value, text in ((UNKNOWN, "Unknown"), (YES, "Yes"), (NO, "No")):
            button = QRadioButton(text)
            button.setAccessibleName(f"{label}: {text}")
            self.group.addButton(button, value)
            layout.addWidget(button)
        layout.addStretch(1)
        self.group.button(UNKNOWN).setChecked(True)
        self.group.idToggled.connect(self._toggled)

    def _toggled(self, _id: int, on: bool) -> None:
        if on:
            self.changed.emit()

    def value(self) -> bool | None:
        return {UNKNOWN: None, YES: True, NO: False}[self.group.checkedId()]

    def set_value(self, value: bool | None) -> None:
        self.group.button({None: UNKNOWN, True: YES, False: NO}[value]).setChecked(True)


class MedicationCompleter(QCompleter):
    """Completes the name being typed after the last comma."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", maxsplit=1)[-1].strip()]

    def pathFromIndex(self, index: object) -> str:
        widget = self.widget()
        done = widget.text().split(",")[:-1] if isinstance(widget, QLineEdit) else []
        chosen = str(super().pathFromIndex(index))  # type: ignore[arg-type]
        return ", ".join([*(p.strip() for p in done if p.strip()), chosen])


class ScreeningPage(QWidget):
    """Form on the left, result cards on the right; links go to the main window."""

    link_activated = Signal(QUrl)
    print_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.service: ScreeningService | None = None
        self.result: ScreeningResult | None = None
        self.patient: Patient | None = None
        self._readers: dict[str, Callable[[], object]] = {}
        self._flags: dict[str, TriState] = {}
        self._numbers: dict[str, QLineEdit] = {}
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
        self.print_button = QPushButton("Print screening summary…")
        self.print_button.clicked.connect(self.print_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        form_beside_result(self, self.form_box, [self.error, self.results, buttons], (520, 560))

    # --- building the form from the field list --------------------------------------------

    def attach(self, service: ScreeningService) -> None:
        if self.service is not None:  # re-attached (after a restore): the form is already built
            self.service = service
            self.rescreen()
            return
        self.service = service
        groups: dict[str, QFormLayout] = {}
        for spec in PATIENT_FIELDS:
            title = _group_of(spec)
            if title not in groups:
                box = QGroupBox(title)
                groups[title] = QFormLayout(box)
                # Labels above their fields: long clinical labels never clip or squeeze inputs.
                groups[title].setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
                self.form.addWidget(box)
            label = QLabel(_label(spec))
            label.setWordWrap(True)
            groups[title].addRow(label, self._field_widget(spec))
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
        completer = MedicationCompleter(QStringListModel(self.service.medication_names(), self))
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
        self.results.setHtml(result_html(self.result))
        self.results.verticalScrollBar().setValue(scroll)


# --- rendering --------------------------------------------------------------------------------


def result_html(result: ScreeningResult) -> str:
    """A status line per product, then each product's findings with their basis.

    Facts that hold come first in full; unanswered questions follow as one short list each, so
    a half-filled form reads as "what is still needed" rather than a wall of warnings.
    """
    parts = [
        STYLE,
        f"<p><b>{escape(DISCLAIMER)}</b></p><table>",
        *(
            f"<tr><td><b>{escape(r.product.label)}</b></td><td>{_status_html(r)}</td></tr>"
            for r in result.results
        ),
        f"</table><p><small>Rule set {escape(result.ruleset_version)} · "
        f"{escape(result.thresholds.describe())}</small></p>",
    ]
    for product_result in result.results:
        known = [f for f in product_result.findings if not f.is_unknown]
        unknown = [f for f in product_result.findings if f.is_unknown]
        parts.append(
            f"<h2>{escape(product_result.product.label)} {_status_html(product_result)}</h2>"
        )
        if known:
            parts.append("<ul>" + "".join(f"<li>{_finding_html(f)}</li>" for f in known) + "</ul>")
        for outcome, heading in (
            (FindingOutcome.CANNOT_DETERMINE, "Not known yet, and could rule this product out"),
            (FindingOutcome.NEEDS_REVIEW, "Not known yet, and would need review"),
        ):
            open_questions = [f for f in unknown if f.outcome is outcome]
            if open_questions:
                parts.append(f"<h3>{escape(heading)} ({len(open_questions)})</h3><ul>")
                parts += [f"<li>{_question_html(f)}</li>" for f in open_questions]
                parts.append("</ul>")
        rest = [
            f
            for f in unknown
            if f.outcome not in (FindingOutcome.CANNOT_DETERMINE, FindingOutcome.NEEDS_REVIEW)
        ]
        if rest:
            parts.append("<ul>" + "".join(f"<li>{_question_html(f)}</li>" for f in rest) + "</ul>")
    return "".join(parts)


def _status_html(result: ProductResult) -> str:
    """The status badge, then its reason in words when the deciding findings give one."""
    reason = f" <small>{escape(result.reason)}</small>" if result.reason else ""
    return badge(result.status.label, STATUS_COLOUR[result.status]) + reason


def _question_html(finding: Finding) -> str:
    fields = ", ".join(
        FIELD_BY_NAME[name].label if name in FIELD_BY_NAME else name for name in finding.missing
    )
    return f"<b>{escape(fields)}</b> <small>{_sources(finding)}</small>"


def _sources(finding: Finding) -> str:
    links = [f'<a href="{ref_url(r)}">{escape(r)}</a>' for r in finding.references]
    if finding.item is not None:
        url = item_url(finding.item.kind, finding.item.slug)
        links.insert(0, f'<a href="{url}">item</a>')
    if not finding.verified:
        links.append(badge("Unverified", AMBER))
    return f"{' · '.join(links)} · rule {escape(finding.rule_id)}"


def _finding_html(finding: Finding) -> str:
    outcome = badge(finding.outcome.value.replace("-", " "), OUTCOME_COLOUR[finding.outcome])
    bits = [f"{outcome} {escape(finding.message)}"]
    if finding.values:
        used = "; ".join(f"{name} = {_shown(value)}" for name, value in finding.values)
        bits.append(f"<br><small>Values used: {escape(used)}</small>")
    if finding.threshold:
        checks = "; ".join(
            f"{c.field} {c.op} {c.threshold:g}" + (" (clinic setting)" if c.local_policy else "")
            for c in finding.threshold
        )
        bits.append(f"<br><small>Threshold: {escape(checks)}</small>")
    if finding.missing:
        bits.append(f"<br><small>Not known: {escape(', '.join(finding.missing))}</small>")
    bits.append(f"<br><small>Sources: {_sources(finding)}</small>")
    return "".join(bits)


def _shown(value: object) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none"
    return str(value)


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


def _group_of(spec: FieldSpec) -> str:
    return _GROUPS.get(spec.name, "History and conditions")
