"""The clinic's blood-pressure thresholds in Tools → Clinic settings (as `ketref thresholds`).

The values are local policy, not evidence-derived limits. Saving goes through
ScreeningService.save_clinic_thresholds / reset_clinic_thresholds, so the window validates
(do-not-give above consider-delaying, sensible ranges) and audits exactly as the CLI does.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton

from ketref.domain.errors import BadInputError
from ketref.domain.thresholds import BloodPressure, Thresholds, ThresholdSource
from ketref.services.screening import ScreeningService


class ThresholdsBox(QGroupBox):
    """Two SYS/DIA fields, where the values in use come from, and "Use documented defaults"."""

    def __init__(self, service: ScreeningService) -> None:
        super().__init__("Screening: blood-pressure thresholds (local policy)")
        self.service = service
        try:
            self.stored: Thresholds | None = service.clinic_thresholds()
        except BadInputError as exc:  # damaged: say so, and let the clinic set them again
            self.stored = None
            self.damaged = str(exc)
        else:
            self.damaged = ""
        shown = self.stored or Thresholds()
        self.delay = QLineEdit(str(shown.bp_delay))
        self.stop = QLineEdit(str(shown.bp_stop))
        for edit, what in ((self.delay, "consider delaying"), (self.stop, "do not give")):
            edit.setPlaceholderText("SYS/DIA, e.g. 140/90")
            edit.setAccessibleName(f"Blood-pressure threshold: {what} above (mmHg)")
            edit.textEdited.connect(self._show_source)
        self.source = QLabel()
        self.source.setWordWrap(True)
        # room for two lines, so a longer status never overlaps the rows below it
        self.source.setMinimumHeight(self.source.fontMetrics().lineSpacing() * 2 + 4)
        rule = QLabel(
            "The do-not-give pair must be above the consider-delaying pair in both values."
        )
        rule.setWordWrap(True)
        self.defaults = QPushButton("Use documented defaults")
        self.defaults.setAutoDefault(False)
        self.defaults.clicked.connect(self.use_defaults)
        self._reset = False
        form = QFormLayout(self)
        form.addRow("Consider delaying above (mmHg)", self.delay)
        form.addRow("Do not give at rest above (mmHg)", self.stop)
        form.addRow(rule)
        form.addRow(self.source)
        form.addRow(self.defaults)
        self._show_source()

    def _show_source(self) -> None:
        if self.damaged:
            text = f"The stored thresholds are damaged ({self.damaged}). Save values to fix it."
        elif self._reset or self.stored is None or self.stored.source is ThresholdSource.DEFAULT:
            text = f"In use: {ThresholdSource.DEFAULT.label} (140/90 and 180/100 mmHg)."
        else:
            text = f"In use: {ThresholdSource.CLINIC.label}."
        if self.changed():
            text += " Your changes apply when you save."
        self.source.setText(text)

    def use_defaults(self) -> None:
        """Show the documented defaults; saving then forgets the clinic's own values."""
        defaults = Thresholds()
        self.delay.setText(str(defaults.bp_delay))
        self.stop.setText(str(defaults.bp_stop))
        self._reset = True
        self._show_source()

    def read(self) -> Thresholds:
        """The thresholds typed, validated as the CLI does.

        Raises:
            BadInputError: a value is not SYS/DIA, out of range, or stop is not above delay.
        """
        return Thresholds(
            bp_delay=BloodPressure.parse(self.delay.text(), "consider delaying"),
            bp_stop=BloodPressure.parse(self.stop.text(), "do not give"),
            source=ThresholdSource.CLINIC,
        )

    def changed(self) -> bool:
        current = self.stored or Thresholds()
        if self.damaged or (self._reset and current.source is ThresholdSource.CLINIC):
            return True
        typed = (self.delay.text().strip(), self.stop.text().strip())
        return typed != (str(current.bp_delay), str(current.bp_stop))

    def save(self) -> None:
        """Store (audited) only what changed; "Use documented defaults" resets the setting."""
        if not self.changed():
            return
        thresholds = self.read()
        if self._reset and thresholds.is_default:
            self.service.reset_clinic_thresholds()
        else:
            self.service.save_clinic_thresholds(thresholds.bp_delay, thresholds.bp_stop)
